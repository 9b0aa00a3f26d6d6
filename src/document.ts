// This module is browser compatible.
// The ticket document: the JSON inside the zlib stream inside the ticket
// alphabet, read strictly and with bounds, and the two format versions told
// apart. Writing a v2 ticket is ticket_writer.ts's.

import { decodeBase64, decodeTicketBase64 } from "./base64.ts";
import { malformed, UserSigError } from "./errors.ts";
import { zlibInflate } from "./inflate.ts";
import { fromUtf8, isWellFormed, U32_MAX } from "./validate.ts";

/** The longest ticket read, in characters; real ones are a few hundred. */
export const MAX_TICKET_LENGTH = 16384;
/** The most a ticket may inflate to, in bytes. */
export const MAX_DOCUMENT_BYTES = 65536;

/** The fields of a v2 document. */
export interface V2Fields {
  version: string;
  userId: string;
  sdkAppId: number;
  time: number;
  expire: number;
  /** `TLS.userbuf` as it stands in the document. */
  userBufBase64?: string;
  userBuf?: Uint8Array;
  signature: string;
}

/** A ticket's JSON text and parsed document. */
export interface TicketDocument {
  json: string;
  document: Record<string, unknown>;
}

/**
 * Reads a ticket down to its JSON document, bounded at every layer.
 *
 * @throws {UserSigError} `ERR_USERSIG_MALFORMED`.
 */
export function readTicket(userSig: unknown): TicketDocument {
  if (typeof userSig !== "string") throw malformed("ticket must be a string");
  if (userSig.length === 0) throw malformed("ticket is empty");
  if (userSig.length > MAX_TICKET_LENGTH) {
    throw malformed(`ticket is longer than ${MAX_TICKET_LENGTH} characters`);
  }
  const bytes = decodeTicketBase64(userSig);
  if (bytes === null) {
    throw malformed("ticket is not in the ticket alphabet (base64 with * - _)");
  }
  const json = fromUtf8(zlibInflate(bytes, MAX_DOCUMENT_BYTES, true));
  if (json === null) throw malformed("ticket document is not UTF-8");
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    // Not JSON at all: refused below, as no JSON object.
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw malformed("ticket document is not a JSON object");
  }
  return { json, document: document as Record<string, unknown> };
}

/** Which format a document is: v2 (HMAC) or v1 (ECDSA). */
export function formatOf(document: Record<string, unknown>): "v2" | "v1" {
  if ("TLS.ver" in document) return "v2";
  if ("TLS.sdk_appid" in document || "TLS.expire_after" in document) return "v1";
  throw malformed("ticket document is neither a v2 nor a v1 ticket");
}

function field<T>(
  document: Record<string, unknown>,
  key: string,
  check: (value: unknown) => value is T,
  kind: string,
): T {
  const value = document[key];
  if (!check(value)) {
    throw malformed(value === undefined ? `${key} is missing` : `${key} must be ${kind}`);
  }
  return value;
}

const isString = (v: unknown): v is string => typeof v === "string";
/**
 * A signed string field. A JSON escape such as `\ud800` can make a lone
 * surrogate, which UTF-8 signing would turn into U+FFFD: refused.
 */
function text(document: Record<string, unknown>, key: string): string {
  const value = field(document, key, isString, "a string");
  if (!isWellFormed(value)) throw malformed(`${key} contains a lone surrogate`);
  return value;
}
const isU32 = (v: unknown): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= U32_MAX;
const isDecimal = (v: unknown): v is string => typeof v === "string" && /^\d{1,10}$/.test(v);

/** Decodes an optional standard-base64 userbuf field. */
function userBufOf(document: Record<string, unknown>): {
  userBufBase64?: string;
  userBuf?: Uint8Array;
} {
  if (document["TLS.userbuf"] === undefined) return {};
  const userBufBase64 = field(document, "TLS.userbuf", isString, "a string");
  const userBuf = decodeBase64(userBufBase64);
  if (userBuf === null) throw malformed("TLS.userbuf is not canonical base64");
  return { userBufBase64, userBuf };
}

/**
 * The typed fields of a v2 document.
 *
 * @throws {UserSigError} `ERR_USERSIG_UNSUPPORTED_VERSION` for v1 and unknown
 * versions, `ERR_USERSIG_MALFORMED` for missing or mistyped fields.
 */
export function readV2(document: Record<string, unknown>): V2Fields {
  if (formatOf(document) === "v1") {
    throw new UserSigError(
      "ERR_USERSIG_UNSUPPORTED_VERSION",
      "this is a v1 (ECDSA) ticket; verify it with TLSSigAPI from the legacy entry point",
    );
  }
  const version = field(document, "TLS.ver", isString, "a string");
  if (version !== "2.0") {
    throw new UserSigError(
      "ERR_USERSIG_UNSUPPORTED_VERSION",
      `ticket version "${version.slice(0, 16)}" is not supported; expected "2.0"`,
    );
  }
  return {
    version,
    userId: text(document, "TLS.identifier"),
    sdkAppId: field(document, "TLS.sdkappid", isU32, "an unsigned 32-bit integer"),
    time: field(document, "TLS.time", isU32, "an unsigned 32-bit integer"),
    expire: field(document, "TLS.expire", isU32, "an unsigned 32-bit integer"),
    signature: field(document, "TLS.sig", isString, "a string"),
    ...userBufOf(document),
  };
}

/** The fields of a v1 document; every value is a string on the wire. */
export interface V1Fields {
  version: string;
  userId: string;
  sdkAppId: number;
  time: number;
  expire: number;
  accountType: string;
  appIdAt3rd?: string;
  userBufBase64?: string;
  userBuf?: Uint8Array;
  /** The DER signature in base64, line breaks removed. */
  signature: string;
  /** The values as they stand in the document, for the signed content. */
  raw: { sdkAppId: string; time: string; expire: string };
}

/**
 * The typed fields of a v1 document.
 *
 * @throws {UserSigError} `ERR_USERSIG_MALFORMED` for missing or mistyped
 * fields.
 */
export function readV1(document: Record<string, unknown>): V1Fields {
  const decimal = "a decimal string";
  const sdkAppId = field(document, "TLS.sdk_appid", isDecimal, decimal);
  const time = field(document, "TLS.time", isDecimal, decimal);
  const expire = field(document, "TLS.expire_after", isDecimal, decimal);
  const appIdAt3rd = document["TLS.appid_at_3rd"] === undefined
    ? undefined
    : text(document, "TLS.appid_at_3rd");
  const fields: V1Fields = {
    version: document["TLS.version"] === undefined
      ? ""
      : field(document, "TLS.version", isString, "a string"),
    userId: text(document, "TLS.identifier"),
    sdkAppId: Number(sdkAppId),
    time: Number(time),
    expire: Number(expire),
    accountType: text(document, "TLS.account_type"),
    signature: field(document, "TLS.sig", isString, "a string").replace(/\r?\n/g, ""),
    raw: { sdkAppId, time, expire },
    ...userBufOf(document),
  };
  if (appIdAt3rd !== undefined) fields.appIdAt3rd = appIdAt3rd;
  return fields;
}
