// This module is browser compatible.
// The IM REST API client: signs each call with the administrator's UserSig,
// POSTs JSON, reads Tencent's answer, and falls back to the region's backup
// domain when the first cannot be reached.

import { TLSSigAPIv2 } from "../tls_sig_api_v2.ts";
import { checkSdkAppId, checkUserId, integer } from "../validate.ts";
import { VERSION } from "../version.ts";
import { Deadline, ended } from "./deadline.ts";
import { RestApiError, safeCause } from "./errors.ts";
import { isRestApiRegion, REST_API_REGIONS, type RestApiRegion } from "./regions.ts";
import { readAnswer, type RestApiResponse } from "./response.ts";
import { TicketCache } from "./ticket_cache.ts";

/** The `fetch` the client calls: the global one unless another is given. */
export type RestApiFetch = (url: string, init: RequestInit) => Promise<Response>;

/** How a {@link RestApiClient} signs and sends its calls. */
export interface RestApiClientOptions {
  /** The application's SDKAppID (1..4294967295). */
  sdkAppId: number;
  /** The application's secret key from the console, or an HMAC SHA-256 `CryptoKey`. */
  secretKey: string | CryptoKey;
  /**
   * The administrator account calls are made as: one of the app's
   * administrators in the console (at most 10). Default `"administrator"`,
   * the account the console creates.
   */
  identifier?: string;
  /**
   * The region the application lives in, which picks the domain and its
   * backup from {@link REST_API_REGIONS}. Default `"china"`. Not with `baseUrl`.
   */
  region?: RestApiRegion;
  /**
   * Send calls here instead of a region's domain: a proxy of your own, or a
   * stand-in in tests. `https:`, or `http:` to a loopback address only; a
   * path is kept (`https://proxy.example/tencent`). No backup unless
   * `backupUrl` is given too.
   */
  baseUrl?: string;
  /** With `baseUrl`: where to retry a call that could not reach `baseUrl`. */
  backupUrl?: string;
  /**
   * Milliseconds a call may take, from sending to the end of the answer,
   * both attempts together. Default 10000.
   */
  timeout?: number;
  /**
   * Validity of the administrator's UserSig in seconds, 60 to 315360000.
   * Default 86400. It is re-issued when less than a tenth is left.
   */
  userSigExpire?: number;
  /** The `fetch` to call instead of the global one. */
  fetch?: RestApiFetch;
  /** The clock, unix seconds. Default: the real clock. */
  now?: () => number;
}

/** Options of one {@link RestApiClient.call}. */
export interface RestApiCallOptions {
  /** Ends the call early: it then rejects with `ERR_REST_ABORTED`. */
  signal?: AbortSignal;
  /** Milliseconds this call may take, instead of the client's timeout. */
  timeout?: number;
  /**
   * Whether a call that could not reach the domain is sent once more to the
   * backup domain. Default true. Turn it off for a command that must never
   * run twice: a connection that drops after sending may have delivered it.
   */
  fallback?: boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_USERSIG_EXPIRE = 86_400;
const MAX_USERSIG_EXPIRE = 315_360_000;
const MAX_TIMER_MS = 2_147_483_647;
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const LOOPBACK = /^(127(\.\d{1,3}){3}|\[::1\]|localhost)$/;

/**
 * Checks a base URL: https (or http to loopback), no query, fragment or user
 * name. Returns it without a trailing slash.
 */
export function checkBaseUrl(value: unknown, name: string): string {
  if (typeof value !== "string") throw new TypeError(`${name} must be a URL string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} must be an absolute URL, such as https://console.tim.qq.com`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.test(url.hostname))) {
    throw new RangeError(
      `${name} must be https (http only to a loopback address): every call carries the ` +
        "administrator's UserSig",
    );
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new RangeError(`${name} must have no query, fragment or user name`);
  }
  return url.origin + url.pathname.replace(/\/+$/, "");
}

function checkTimeout(value: unknown, name: string): number {
  return integer(name, value, 1, MAX_TIMER_MS);
}

/**
 * The path of a command, `v4/service/command`, each name checked: no `/`,
 * `.` or `?` can slip in.
 */
export function commandPath(service: unknown, command: unknown): string {
  for (
    const [name, value, example] of [
      ["service", service, "im_open_login_svc"],
      ["command", command, "account_import"],
    ] as const
  ) {
    if (typeof value !== "string") throw new TypeError(`${name} must be a string`);
    if (!NAME.test(value)) {
      throw new RangeError(`${name} must be 1 to 64 of A-Z a-z 0-9 _ -, such as ${example}`);
    }
  }
  return `v4/${service}/${command}`;
}

function randomU32(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

function hostOf(base: string): string {
  return new URL(base).host;
}

/**
 * A client of the Tencent Cloud IM (Chat) REST API, calling as the app's
 * administrator: each call is a POST of JSON to
 * `https://{domain}/v4/{service}/{command}` with the administrator's UserSig
 * in the query. The UserSig is issued with the secret key, cached, and
 * issued again when less than a tenth of its validity is left; it never
 * appears in an error. A call that cannot reach the region's domain is sent
 * once more to its backup domain; a call that got an answer is never sent
 * again. Keep the client on a server: it holds the secret key.
 *
 * @example Importing an account, answered by a stand-in for Tencent
 * ```ts
 * import { RestApiClient } from "@usersig/usersig/rest";
 *
 * const fetch = () => Promise.resolve(Response.json({ ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "" }));
 * const client = new RestApiClient({ sdkAppId: 1400000000, secretKey: "demo-secret-key", fetch });
 * const answer = await client.call("im_open_login_svc", "account_import", { UserID: "alice" });
 * console.assert(answer.ActionStatus === "OK");
 * ```
 */
export class RestApiClient {
  /** The application calls are made for. */
  readonly sdkAppId: number;
  /** The administrator account calls are made as. */
  readonly identifier: string;
  /** Where calls go: the region's domain as `https://…`, or `baseUrl`. */
  readonly baseUrl: string;
  /** Where a call that could not reach `baseUrl` goes, if anywhere. */
  readonly backupUrl?: string;
  readonly #api: TLSSigAPIv2;
  readonly #tickets: TicketCache;
  readonly #timeout: number;
  readonly #fetch: RestApiFetch;

  /**
   * Creates a client; nothing is sent until a call.
   *
   * @param options The application, its key, the administrator, the region
   * (or a base URL), the timeout and the UserSig's validity.
   * @throws {TypeError} For an option of the wrong type, a region that does
   * not exist, or both `region` and `baseUrl`.
   * @throws {RangeError} For an SDKAppID, identifier, timeout or validity out
   * of range, or a base URL that is not https.
   *
   * @example A client for an application in Singapore
   * ```ts
   * import { RestApiClient } from "@usersig/usersig/rest";
   *
   * const client = new RestApiClient({
   *   sdkAppId: 1400000000,
   *   secretKey: "demo-secret-key",
   *   identifier: "administrator",
   *   region: "singapore",
   * });
   * console.assert(client.baseUrl === "https://adminapisgp.im.qcloud.com");
   * console.assert(client.backupUrl === "https://adminapisgp.my-imcloud.com");
   * ```
   */
  constructor(options: RestApiClientOptions) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError("options must be an object with sdkAppId and secretKey");
    }
    const { region, baseUrl, backupUrl, fetch: given, now } = options;
    this.sdkAppId = checkSdkAppId(options.sdkAppId);
    this.identifier = checkUserId(options.identifier ?? "administrator", "identifier");
    this.#api = new TLSSigAPIv2(this.sdkAppId, options.secretKey);
    if (baseUrl !== undefined) {
      if (region !== undefined) throw new TypeError("give region or baseUrl, not both");
      this.baseUrl = checkBaseUrl(baseUrl, "baseUrl");
      if (backupUrl !== undefined) this.backupUrl = checkBaseUrl(backupUrl, "backupUrl");
    } else {
      if (backupUrl !== undefined) throw new TypeError("backupUrl goes with baseUrl");
      if (region !== undefined && !isRestApiRegion(region)) {
        throw new TypeError(
          `region must be one of ${Object.keys(REST_API_REGIONS).join(", ")}`,
        );
      }
      const domains = REST_API_REGIONS[region ?? "china"];
      this.baseUrl = `https://${domains.domain}`;
      this.backupUrl = `https://${domains.backupDomain}`;
    }
    this.#timeout = options.timeout === undefined
      ? DEFAULT_TIMEOUT_MS
      : checkTimeout(options.timeout, "timeout");
    const expire = options.userSigExpire === undefined
      ? DEFAULT_USERSIG_EXPIRE
      : integer("userSigExpire", options.userSigExpire, 60, MAX_USERSIG_EXPIRE);
    if (given !== undefined && typeof given !== "function") {
      throw new TypeError("fetch must be a function");
    }
    if (now !== undefined && typeof now !== "function") {
      throw new TypeError("now must be a function returning unix seconds");
    }
    // Called as plain functions: a native fetch refuses any other `this`.
    this.#fetch = given ? (url, init) => given(url, init) : (url, init) => fetch(url, init);
    this.#tickets = new TicketCache(
      (time) => this.#api.genUserSig(this.identifier, expire, { now: time }),
      expire,
      now ?? (() => Date.now() / 1000),
    );
  }

  /** The query of a call: `sdkappid`, `identifier`, `usersig`, `random`, `contenttype`. */
  #query(userSig: string): string {
    return `?sdkappid=${this.sdkAppId}&identifier=${encodeURIComponent(this.identifier)}` +
      `&usersig=${encodeURIComponent(userSig)}&random=${randomU32()}&contenttype=json`;
  }

  /**
   * The signed URL of a command on `baseUrl`, for an HTTP client of your
   * own: `sdkappid`, `identifier`, the administrator's `usersig`, a fresh
   * `random` and `contenttype=json`. **It holds a credential**: whoever
   * has it can call any command as the administrator until the UserSig
   * expires. Never log it or send it to a browser.
   *
   * @param service The service, such as `"im_open_login_svc"`.
   * @param command The command, such as `"account_import"`.
   * @returns The URL to POST the JSON body to.
   * @throws {TypeError} When `service` or `command` is not a string.
   * @throws {RangeError} When either is not 1 to 64 of `A-Z a-z 0-9 _ -`.
   *
   * @example The URL of account_import
   * ```ts
   * import { RestApiClient } from "@usersig/usersig/rest";
   *
   * const client = new RestApiClient({ sdkAppId: 1400000000, secretKey: "demo-secret-key" });
   * const url = new URL(await client.url("im_open_login_svc", "account_import"));
   * console.assert(url.host === "console.tim.qq.com");
   * console.assert(url.pathname === "/v4/im_open_login_svc/account_import");
   * console.assert(url.searchParams.get("identifier") === "administrator");
   * console.assert(url.searchParams.get("contenttype") === "json");
   * ```
   */
  async url(service: string, command: string): Promise<string> {
    const path = commandPath(service, command);
    return `${this.baseUrl}/${path}${this.#query(await this.#tickets.get())}`;
  }

  /**
   * Calls a command of the REST API as the administrator: POSTs `body` as
   * JSON and returns Tencent's answer when its `ActionStatus` is `"OK"`.
   *
   * When the domain cannot be reached (the connection is refused, fails or
   * drops before an answer), the call is sent once more, with the same
   * `random`, to the backup domain; an answer of any kind, even an HTTP
   * error, is never followed by another attempt, since the command may have
   * taken effect. The timeout covers both attempts and the reading of the
   * answer.
   *
   * @param service The service, such as `"im_open_login_svc"`.
   * @param command The command, such as `"account_import"`.
   * @param body The command's JSON object; default `{}`.
   * @param options The caller's `signal`, a `timeout` for this call, and
   * whether to `fallback` to the backup domain.
   * @returns Tencent's answer.
   * @throws {RestApiError} `ERR_REST_ACTION_FAILED` when Tencent answers
   * `"FAIL"` (with `errorCode`, `errorInfo` and, for a known code,
   * `explanation`), `ERR_REST_HTTP_STATUS`, `ERR_REST_BAD_RESPONSE`,
   * `ERR_REST_TIMEOUT`, `ERR_REST_ABORTED`, or `ERR_REST_UNREACHABLE` (with
   * each attempt's failure as `cause`). It rejects with a TypeError or
   * RangeError for a bad argument, before anything is sent.
   *
   * @example Sending a message as the administrator, with a deadline of one's own
   * ```ts ignore
   * import { RestApiClient, RestApiError } from "@usersig/usersig/rest";
   *
   * const client = new RestApiClient({
   *   sdkAppId: Number(Deno.env.get("SDK_APP_ID")),
   *   secretKey: Deno.env.get("SECRET_KEY")!,
   *   region: "singapore",
   * });
   * try {
   *   const answer = await client.call("openim", "sendmsg", {
   *     To_Account: "alice",
   *     MsgRandom: 1234,
   *     MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: "hello" } }],
   *   }, { signal: AbortSignal.timeout(5000), fallback: false });
   *   console.log(answer.MsgKey);
   * } catch (error) {
   *   if (error instanceof RestApiError) console.error(error.code, error.message);
   *   else throw error;
   * }
   * ```
   *
   * @example A typed answer, from a stand-in for Tencent
   * ```ts
   * import { RestApiClient, type RestApiResponse } from "@usersig/usersig/rest";
   *
   * interface CheckAnswer extends RestApiResponse {
   *   ResultItem: { UserID: string; AccountStatus: string }[];
   * }
   * const fetch = () =>
   *   Promise.resolve(Response.json({
   *     ActionStatus: "OK", ErrorCode: 0, ErrorInfo: "",
   *     ResultItem: [{ UserID: "alice", ResultCode: 0, AccountStatus: "Imported" }],
   *   }));
   * const client = new RestApiClient({ sdkAppId: 1400000000, secretKey: "demo-secret-key", fetch });
   * const answer = await client.call<CheckAnswer>("im_open_login_svc", "account_check", {
   *   CheckItem: [{ UserID: "alice" }],
   * });
   * console.assert(answer.ResultItem[0].AccountStatus === "Imported");
   * ```
   */
  async call<T extends RestApiResponse = RestApiResponse>(
    service: string,
    command: string,
    body: object = {},
    options: RestApiCallOptions = {},
  ): Promise<T> {
    const path = commandPath(service, command);
    const payload = serialize(body);
    const { signal, fallback = true } = options;
    const timeout = options.timeout === undefined
      ? this.#timeout
      : checkTimeout(options.timeout, "options.timeout");
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError("options.signal must be an AbortSignal");
    }
    if (typeof fallback !== "boolean") throw new TypeError("options.fallback must be a boolean");
    if (signal?.aborted) throw ended("aborted", path, timeout, signal);
    const userSig = await this.#tickets.get();
    const query = this.#query(userSig);
    const targets = fallback && this.backupUrl ? [this.baseUrl, this.backupUrl] : [this.baseUrl];
    const failures: Error[] = [];
    const deadline = new Deadline(timeout, signal);
    try {
      for (const base of targets) {
        const where = `${path} at ${hostOf(base)}`;
        // The signal may have fired while the UserSig was issued.
        if (deadline.reason !== undefined) throw ended(deadline.reason, where, timeout, signal);
        let response: Response;
        try {
          response = await deadline.within(this.#fetch(`${base}/${path}${query}`, {
            method: "POST",
            headers: {
              "content-type": "application/json; charset=utf-8",
              "accept": "application/json",
              // Browsers may drop or replace it; Deno, Node, Bun and Workers send it.
              "user-agent": `usersig/${VERSION}`,
            },
            body: payload,
            redirect: "manual",
            signal: deadline.signal,
          }));
        } catch (error) {
          if (deadline.reason === undefined) {
            failures.push(safeCause(error, userSig));
            continue;
          }
          throw ended(deadline.reason, where, timeout, signal);
        }
        try {
          return await readAnswer(response, deadline.signal, where, userSig) as T;
        } catch (error) {
          if (deadline.reason !== undefined) {
            throw ended(deadline.reason, where, timeout, signal, "complete ");
          }
          if (error instanceof RestApiError && TICKET_REFUSED.has(error.errorCode ?? 0)) {
            await this.#tickets.drop(userSig);
          }
          throw error;
        }
      }
    } finally {
      deadline.clear();
    }
    const hosts = targets.map(hostOf);
    throw new RestApiError(
      "ERR_REST_UNREACHABLE",
      `${path}: no answer from ${hosts.join(" nor from its backup ")} (` +
        failures.map((f, i) => `${hosts[i]}: ${f.name}: ${f.message}`).join("; ") + ")",
      { cause: failures.length === 1 ? failures[0] : new AggregateError(failures, "both failed") },
    );
  }
}

/**
 * Tencent's codes for an administrator's UserSig that is past its validity
 * or invalidated: the cached one is dropped, so the next call issues anew.
 */
const TICKET_REFUSED = new Set([70001, 70052]);

function serialize(body: unknown): string {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new TypeError('body must be a JSON object, such as {} or { UserID: "alice" }');
  }
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new TypeError(`body cannot be written as JSON: ${(error as Error).message}`);
  }
}
