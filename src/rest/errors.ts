// This module is browser compatible.
// How a REST API call fails: one error class with stable codes, the
// messages for each failure, and the redaction that keeps the
// administrator's UserSig out of every one of them.

import { type TencentCode, tencentCode } from "../tencent_codes.ts";

/**
 * The stable `code` of a {@link RestApiError}: how a REST API call failed.
 *
 * - `ERR_REST_ACTION_FAILED`: Tencent answered `ActionStatus: "FAIL"`;
 *   `errorCode` and `errorInfo` say why, `explanation` too for a code
 *   usersig knows.
 * - `ERR_REST_HTTP_STATUS`: the answer's HTTP status was not 2xx (a
 *   redirect is not followed: the URL holds a credential).
 * - `ERR_REST_BAD_RESPONSE`: the answer is not JSON, not in Tencent's shape,
 *   too large, or was cut off.
 * - `ERR_REST_TIMEOUT`: no complete answer within the timeout.
 * - `ERR_REST_ABORTED`: the caller's `AbortSignal` ended the call.
 * - `ERR_REST_UNREACHABLE`: no answer at all: the domain (and its backup)
 *   could not be reached, or the connection dropped.
 */
export type RestApiErrorCode =
  | "ERR_REST_ACTION_FAILED"
  | "ERR_REST_HTTP_STATUS"
  | "ERR_REST_BAD_RESPONSE"
  | "ERR_REST_TIMEOUT"
  | "ERR_REST_ABORTED"
  | "ERR_REST_UNREACHABLE";

/** What a {@link RestApiError} carries besides its code and message. */
export interface RestApiErrorDetails {
  /** Tencent's `ErrorCode`, when the answer had one. */
  errorCode?: number;
  /** Tencent's `ErrorInfo`, when the answer had one. */
  errorInfo?: string;
  /** The HTTP status, when an answer came. */
  status?: number;
  /** Tencent's whole answer, when it was a JSON object. */
  response?: Record<string, unknown>;
  /** The underlying failure (for `ERR_REST_UNREACHABLE`, each attempt's). */
  cause?: unknown;
}

/**
 * The error a REST API call rejects with. `code` is the contract to branch
 * on; for `ERR_REST_ACTION_FAILED`, `errorCode` and `errorInfo` are
 * Tencent's, and `explanation` is usersig's row for a code it knows. The
 * message never holds the secret key, the administrator's UserSig, or the
 * signed URL.
 *
 * @example Telling Tencent's refusal from a network failure
 * ```ts
 * import { RestApiClient, RestApiError } from "@usersig/usersig/rest";
 *
 * // A stand-in for Tencent that refuses the ticket, as for a wrong key.
 * const fetch = () =>
 *   Promise.resolve(Response.json({ ActionStatus: "FAIL", ErrorCode: 70009, ErrorInfo: "bad sig" }));
 * const client = new RestApiClient({ sdkAppId: 1400000000, secretKey: "wrong-key", fetch });
 * try {
 *   await client.call("im_open_login_svc", "account_import", { UserID: "alice" });
 * } catch (error) {
 *   if (!(error instanceof RestApiError)) throw error;
 *   console.assert(error.code === "ERR_REST_ACTION_FAILED" && error.errorCode === 70009);
 *   console.assert(error.explanation?.meaning === "UserSig was signed with the wrong key");
 * }
 * ```
 */
export class RestApiError extends Error {
  /** The stable reason code. */
  readonly code: RestApiErrorCode;
  /** Tencent's `ErrorCode`, when the answer had one. */
  readonly errorCode?: number;
  /** Tencent's `ErrorInfo`, when the answer had one. */
  readonly errorInfo?: string;
  /** The HTTP status, when an answer came. */
  readonly status?: number;
  /** Tencent's whole answer, when it was a JSON object. */
  readonly response?: Readonly<Record<string, unknown>>;
  /** usersig's explanation of `errorCode`, when it knows the code. */
  readonly explanation?: TencentCode;

  /**
   * Creates the error; `explanation` is looked up from `errorCode`.
   *
   * @param code The stable reason code.
   * @param message A sentence for people; never a key, a ticket or a signed URL.
   * @param details Tencent's code and text, the HTTP status, the answer, the cause.
   *
   * @example A failure of your own test double
   * ```ts
   * import { RestApiError } from "@usersig/usersig/rest";
   *
   * const error = new RestApiError("ERR_REST_ACTION_FAILED", "refused", { errorCode: 70001 });
   * console.assert(error.name === "RestApiError" && error.explanation?.meaning === "UserSig expired");
   * ```
   */
  constructor(code: RestApiErrorCode, message: string, details: RestApiErrorDetails = {}) {
    super(message, "cause" in details ? { cause: details.cause } : undefined);
    this.name = "RestApiError";
    this.code = code;
    const { errorCode, errorInfo, status, response } = details;
    if (errorCode !== undefined) {
      this.errorCode = errorCode;
      this.explanation = tencentCode(errorCode);
    }
    if (errorInfo !== undefined) this.errorInfo = errorInfo;
    if (status !== undefined) this.status = status;
    if (response !== undefined) this.response = response;
  }
}

const REDACTED = "[redacted]";
const USERSIG_PARAMETER = /(usersig=)[A-Za-z0-9*%_~+-]*/gi;
const encoder = new TextEncoder();

/**
 * A pattern that finds `secret` as it is, or with any of its characters
 * percent-encoded as a URL encoder may write them (`*` as `%2A` or `%2a`).
 */
function secretPattern(secret: string): RegExp {
  let source = "";
  for (const char of secret) {
    const literal = char.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
    const encoded = [...encoder.encode(char)].map((b) => `%${b.toString(16).padStart(2, "0")}`);
    source += `(?:${literal}|${encoded.join("")})`;
  }
  return new RegExp(source, "gi");
}

/**
 * What {@link redact} does for one `secret`, its pattern made once for
 * every text it is given.
 */
function redactor(secret: string): (text: string) => string {
  const pattern = secret === "" ? undefined : secretPattern(secret);
  return (text) => {
    const out = text.replace(USERSIG_PARAMETER, `$1${REDACTED}`);
    return pattern === undefined ? out : out.replace(pattern, REDACTED);
  };
}

/**
 * `text` without `secret` (as it is, and as a URL may encode it) and without
 * the value of any `usersig=` query parameter, even a cut one.
 */
export function redact(text: string, secret: string): string {
  return redactor(secret)(text);
}

/**
 * A value that `JSON.parse` has just made, every string and every key in it
 * redacted as by {@link redact}, in place. It walks the value without
 * recursion, so that no nesting depth can overflow the stack, and writes
 * object properties by definition, so that a `"__proto__"` key stays a key.
 */
export function redactJson(value: unknown, secret: string): unknown {
  const clean = redactor(secret);
  if (typeof value === "string") return clean(value);
  const define = (object: object, key: string, item: unknown) =>
    Object.defineProperty(object, key, {
      value: item,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  const work: unknown[] = [value];
  for (let node = work.pop(); node !== undefined; node = work.pop()) {
    if (typeof node !== "object" || node === null) continue;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        if (typeof item === "string") node[i] = clean(item);
        else work.push(item);
      }
      continue;
    }
    const object = node as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      let item = object[key];
      if (typeof item === "string") {
        const safe = clean(item);
        if (safe !== item) define(object, key, item = safe);
      } else work.push(item);
      const safeKey = clean(key);
      if (safeKey !== key) {
        delete object[key];
        define(object, safeKey, item);
      }
    }
  }
  return value;
}

/** Text from the network, quoted and cut for a one-line message. */
export function quoted(text: string, max = 200): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/**
 * The message for `ActionStatus: "FAIL"`: Tencent's code and text, and
 * usersig's explanation of the code when it has one.
 */
export function actionFailedMessage(where: string, errorCode: number, errorInfo: string): string {
  const answered = `${where}: Tencent answered ErrorCode ${errorCode} ${quoted(errorInfo)}`;
  const row = tencentCode(errorCode);
  if (row === undefined) {
    return `${answered}; usersig has no explanation for this code: see Tencent's error code list`;
  }
  return `${answered}: ${row.meaning}. Likely: ${row.cause}`;
}

/**
 * What a failed attempt's error says, as an Error of the same name whose
 * message has the causes' messages too and no credential: runtimes put the
 * whole URL in a fetch error's message, usersig parameter included.
 */
export function safeCause(error: unknown, secret: string): Error {
  const parts: string[] = [];
  let name = "Error";
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 4; depth++) {
    if (e instanceof Error || (typeof e === "object" && e !== null && "message" in e)) {
      const { message, cause } = e as { message: unknown; cause?: unknown };
      if (depth === 0) name = String((e as { name?: unknown }).name ?? "Error");
      parts.push(String(message));
      e = cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  const safe = new Error(redact(parts.filter((p) => p !== "").join(": "), secret));
  safe.name = redact(name, secret);
  return safe;
}
