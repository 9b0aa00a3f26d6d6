// A stand-in for Tencent's IM REST API, written with web APIs only so that
// it answers a fake fetch in every runtime and, behind node:http, real
// requests from Deno, Node, Bun and workerd. It checks the query as
// Tencent documents it, verifies the administrator's UserSig with the core,
// and answers in Tencent's shape. A path prefix picks a misbehaviour:
//
//   /drop/v4/…  drops the connection once the request is read
//   /hang/v4/…  never answers
//   /cut/v4/…   starts an answer and drops the connection in the middle
//   /<other>/v4/… or /v4/…  answers as Tencent would
//
// `GET /__log?tag=T` lists the requests whose body had `"Tag": T`.
import { TLSSigAPIv2, UserSigError, type UserSigErrorCode } from "../mod.ts";

/** The application the stand-in serves, and its key. */
export const STANDIN_APP = 1400000000;
/** The stand-in's secret key: no error or output may ever hold it. */
export const STANDIN_KEY = "rest-standin-secret-key-5b1e07";

/** What the stand-in does with a request: answer, or misbehave. */
export type Answer = Response | "drop" | "hang" | "cut";

/** One request as the stand-in saw it. */
export interface Recorded {
  /** The path prefix before `/v4/` ("" for none): which misbehaviour, or a label. */
  prefix: string;
  /** `service/command`. */
  path: string;
  method: string;
  /** The query's parameter names, in order. */
  names: string[];
  /** The query, by name. */
  query: Record<string, string>;
  /** Whether the UserSig verified for the identifier and the app. */
  verified: boolean;
  userAgent: string | null;
  contentType: string | null;
  /** The body, parsed; null when it was not JSON. */
  body: unknown;
}

/** Tencent's ErrorCode for each reason the core rejects a ticket. */
const TENCENT_CODE: Partial<Record<UserSigErrorCode, number>> = {
  ERR_USERSIG_EXPIRED: 70001,
  ERR_USERSIG_SIGNATURE_INVALID: 70009,
  ERR_USERSIG_IDENTIFIER_MISMATCH: 70013,
  ERR_USERSIG_SDKAPPID_MISMATCH: 70014,
};

const QUERY = ["sdkappid", "identifier", "usersig", "random", "contenttype"];

const json = (value: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(value), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

const fail = (code: number, info: string) =>
  json({ ActionStatus: "FAIL", ErrorCode: code, ErrorInfo: info });

const ok = (fields: Record<string, unknown> = {}) =>
  json({ ActionStatus: "OK", ErrorInfo: "", ErrorCode: 0, ...fields });

/** Tencent's part, for one application. */
export class TencentStandIn {
  readonly log: (Recorded & { tag?: string })[] = [];
  readonly #api = new TLSSigAPIv2(STANDIN_APP, STANDIN_KEY);

  /** Answers one request, or names the misbehaviour. */
  async answer(request: Request): Promise<Answer> {
    const url = new URL(request.url);
    if (request.method === "GET" && url.pathname === "/__log") {
      const tag = url.searchParams.get("tag");
      return json(this.log.filter((r) => r.tag === tag));
    }
    const segments = url.pathname.split("/").slice(1);
    const v4 = segments.indexOf("v4");
    if (v4 === -1 || segments.length !== v4 + 3) {
      return new Response("no such path", { status: 404 });
    }
    const prefix = segments.slice(0, v4).join("/");
    const path = segments.slice(v4 + 1).join("/");
    const text = await request.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // recorded as null; answered below
    }
    const query = Object.fromEntries(url.searchParams);
    const verified = await this.#verify(query);
    this.log.push({
      prefix,
      path,
      method: request.method,
      names: [...url.searchParams.keys()],
      query,
      verified: verified === null,
      userAgent: request.headers.get("user-agent"),
      contentType: request.headers.get("content-type"),
      body,
      tag: (body as { Tag?: string } | null)?.Tag,
    });
    if (prefix === "drop" || prefix === "hang" || prefix === "cut") return prefix;
    if (request.method !== "POST") return new Response("POST only", { status: 405 });
    const names = [...url.searchParams.keys()];
    if (names.join() !== QUERY.join() || query.contenttype !== "json") {
      return new Response(`stand-in: the query must be ${QUERY.join(", ")}`, { status: 400 });
    }
    if (!/^\d{1,10}$/.test(query.random) || Number(query.random) > 4294967295) {
      return new Response("stand-in: random must be 0 to 4294967295", { status: 400 });
    }
    if (query.sdkappid !== String(STANDIN_APP)) return fail(70020, "SDKAppID not found");
    if (verified !== null) return verified;
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      return fail(90001, "Json parse failed");
    }
    return this.#command(path, body as Record<string, unknown>, url);
  }

  /** null when the UserSig is good; else Tencent's FAIL answer. */
  async #verify(query: Record<string, string>): Promise<Response | null> {
    if (!query.usersig) return fail(70002, "usersig is empty");
    try {
      await this.#api.verifyUserSig(query.usersig, query.identifier ?? "");
      return null;
    } catch (error) {
      if (!(error instanceof UserSigError)) throw error;
      return fail(TENCENT_CODE[error.code] ?? 70003, `usersig check failed: ${error.code}`);
    }
  }

  #command(path: string, body: Record<string, unknown>, url: URL): Answer {
    switch (path) {
      case "im_open_login_svc/account_import":
        return ok();
      case "openim/sendmsg":
        return ok({ MsgTime: 1_700_000_000, MsgKey: "1234_5678_1700000000" });
      case "standin/echo":
        return ok({ Body: body });
      case "standin/fail":
        // A hostile server may echo the request, credential and all.
        return fail(
          Number(body.ErrorCode),
          body.EchoUrl ? `bad request ${url.href}` : String(body.ErrorInfo ?? ""),
        );
      case "standin/status":
        return new Response(String(body.Text ?? ""), {
          status: Number(body.Status),
          headers: { "content-type": String(body.Type ?? "text/plain") },
        });
      case "standin/raw":
        return new Response(String(body.Text), {
          headers: { "content-type": String(body.Type ?? "application/json") },
        });
      case "standin/redirect":
        return new Response(null, { status: 307, headers: { location: String(body.Location) } });
      case "standin/huge":
        return new Response("{}", { headers: { "content-length": String(body.Length) } });
      default:
        return fail(80002, "no such command");
    }
  }
}

/**
 * A `fetch` that hands requests to stand-ins by host, as a runtime would:
 * `refused.test` refuses, a `drop` is a rejection whose message holds the
 * URL (as Deno's does), `hang` waits for the signal, `cut` errors mid-body.
 */
export function standInFetch(
  standIn: TencentStandIn,
): (url: string, init: RequestInit) => Promise<Response> {
  return async (url, init) => {
    const request = new Request(url, init);
    if (new URL(url).host === "refused.test") {
      throw new TypeError(`error sending request for url (${url}): connection refused`);
    }
    const answer = await standIn.answer(request);
    if (answer === "drop") {
      throw new TypeError(
        `error sending request for url (${url}): connection closed before message completed`,
        { cause: new Error(`reset by peer while sending to ${url}`) },
      );
    }
    if (answer === "hang") {
      return await new Promise<never>((_, reject) => {
        const signal = init.signal;
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    }
    if (answer === "cut") {
      let sent = false;
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent) controller.error(new TypeError(`body of ${url} cut off`));
            else controller.enqueue(new TextEncoder().encode('{"ActionStatus":'));
            sent = true;
          },
        }),
        { headers: { "content-type": "application/json" } },
      );
    }
    return answer;
  };
}
