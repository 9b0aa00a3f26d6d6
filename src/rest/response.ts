// This module is browser compatible.
// Reading Tencent's answer: bounded, strict UTF-8, strict JSON, and
// Tencent's shape ({"ActionStatus": "OK" | "FAIL", "ErrorCode", "ErrorInfo"}).

import { fromUtf8 } from "../validate.ts";
import { readStream, type StreamRead } from "../stream.ts";
import {
  actionFailedMessage,
  quoted,
  redact,
  redactJson,
  RestApiError,
  safeCause,
} from "./errors.ts";

/** The most an answer may hold: Tencent's largest pages are far smaller. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * A successful answer of the REST API: `ActionStatus` is `"OK"`; the other
 * fields are the command's.
 */
export interface RestApiResponse {
  /** Always `"OK"`: any other answer rejects. */
  ActionStatus: "OK";
  /** `0` on success. */
  ErrorCode?: number;
  /** Empty on success. */
  ErrorInfo?: string;
  /** The command's own fields. */
  [field: string]: unknown;
}

/**
 * The most chunks an answer may come in: a 16 MiB answer in pieces of 256
 * bytes. A server that sends its answer a byte at a time is refused, not
 * read a million times.
 */
export const MAX_RESPONSE_CHUNKS = 65536;

/**
 * The answer's bytes, at most {@link MAX_RESPONSE_BYTES} in at most
 * {@link MAX_RESPONSE_CHUNKS} chunks, copied into one buffer as they come,
 * as strict UTF-8. `signal` (the call's deadline) cancels the read.
 */
async function bodyText(
  response: Response,
  signal: AbortSignal,
  where: string,
  secret: string,
): Promise<string> {
  const status = response.status;
  const tooLarge = () =>
    new RestApiError(
      "ERR_REST_BAD_RESPONSE",
      `${where}: the answer is larger than ${MAX_RESPONSE_BYTES} bytes`,
      { status },
    );
  const length = Number(response.headers.get("content-length") ?? NaN);
  const reader = response.body?.getReader();
  if (reader === undefined) return "";
  // The caller tells a cut, or the end of the read by the signal, from its own deadline.
  const cutOff = (cause?: unknown) =>
    new RestApiError(
      "ERR_REST_BAD_RESPONSE",
      `${where}: the answer was cut off (HTTP ${status} had begun, so the ` +
        "command may have taken effect)",
      cause === undefined ? { status } : { status, cause: safeCause(cause, secret) },
    );
  let read: StreamRead;
  try {
    if (length > MAX_RESPONSE_BYTES) throw tooLarge();
    try {
      read = await readStream(reader, {
        maxBytes: MAX_RESPONSE_BYTES,
        maxChunks: MAX_RESPONSE_CHUNKS,
        signal,
        sizeHint: length,
      });
    } catch (error) {
      throw cutOff(error);
    }
    if (read.end === "late") throw cutOff();
    if (read.end === "over") throw tooLarge();
    if (read.end === "chunks") {
      throw new RestApiError(
        "ERR_REST_BAD_RESPONSE",
        `${where}: the answer came in more than ${MAX_RESPONSE_CHUNKS} chunks`,
        { status },
      );
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }
  const text = fromUtf8(read.bytes);
  if (text === null) {
    throw new RestApiError("ERR_REST_BAD_RESPONSE", `${where}: the answer is not UTF-8 text`, {
      status,
    });
  }
  return text;
}

/** What `JSON.parse` makes of text that is not JSON. */
const NOT_JSON: unique symbol = Symbol("not JSON");

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The answer as an error may show it, in at most `max` characters: the
 * redacted JSON value written anew (so that no escape a server chose can
 * spell the UserSig), or the redacted text when it is not JSON.
 */
function shown(value: unknown, text: string, secret: string, max: number): string {
  if (value === NOT_JSON) return quoted(redact(text, secret), max);
  try {
    return quoted(JSON.stringify(value), max);
  } catch {
    return "(nested too deeply to show)"; // JSON.stringify's own stack limit
  }
}

/** Tencent's ErrorCode and ErrorInfo, when the body has them in shape. */
function tencentError(body: Record<string, unknown> | undefined) {
  const errorCode = body?.ErrorCode;
  if (typeof errorCode !== "number" || !Number.isSafeInteger(errorCode)) return undefined;
  const info = body?.ErrorInfo;
  return { errorCode, errorInfo: typeof info === "string" ? info : "" };
}

/**
 * Reads an answer of the REST API: the body when `ActionStatus` is `"OK"`
 * (as Tencent sent it), else a {@link RestApiError}. What a failed answer
 * says is parsed first and then redacted of `secret`, every string and
 * every key, before anything keeps it: a server that writes the UserSig
 * with JSON escapes (`\u0065…`) cannot slip it past the redaction.
 *
 * @throws {RestApiError} `ERR_REST_HTTP_STATUS` for a status other than
 * 2xx, `ERR_REST_BAD_RESPONSE` for a body that is cut, too large, in too
 * many chunks, not JSON or not Tencent's shape, `ERR_REST_ACTION_FAILED`
 * for `"FAIL"`.
 */
export async function readAnswer(
  response: Response,
  signal: AbortSignal,
  where: string,
  secret: string,
): Promise<RestApiResponse> {
  const text = await bodyText(response, signal, where, secret);
  const status = response.status;
  const value = parseJson(text);
  const ok = status >= 200 && status <= 299;
  if (ok && isObject(value) && value.ActionStatus === "OK") return value as RestApiResponse;
  const safe = value === NOT_JSON ? NOT_JSON : redactJson(value, secret);
  const body = isObject(safe) ? safe : undefined;
  const failed = tencentError(body);
  if (!ok) {
    // A browser hides a redirect it did not follow as an "opaqueredirect" of status 0.
    const redirect = (status >= 300 && status < 400) || response.type === "opaqueredirect";
    const reason = response.statusText ? ` ${quoted(redact(response.statusText, secret), 60)}` : "";
    const tencent = failed ? `, ErrorCode ${failed.errorCode} ${quoted(failed.errorInfo)}` : "";
    throw new RestApiError(
      "ERR_REST_HTTP_STATUS",
      `${where}: HTTP ${status}${reason}${tencent}` +
        (redirect ? " (a redirect, not followed: the URL holds a credential)" : ""),
      { status, response: body, ...failed },
    );
  }
  if (body === undefined) {
    throw new RestApiError(
      "ERR_REST_BAD_RESPONSE",
      `${where}: the answer is not a JSON object: ${shown(safe, text, secret, 80)}`,
      { status },
    );
  }
  if (body.ActionStatus !== "FAIL" || failed === undefined) {
    throw new RestApiError(
      "ERR_REST_BAD_RESPONSE",
      `${where}: the answer is not in Tencent's shape ` +
        `(ActionStatus "OK", or "FAIL" with a numeric ErrorCode): ${shown(safe, text, secret, 80)}`,
      { status, response: body },
    );
  }
  throw new RestApiError(
    "ERR_REST_ACTION_FAILED",
    actionFailedMessage(where, failed.errorCode, failed.errorInfo),
    { status, response: body, ...failed },
  );
}
