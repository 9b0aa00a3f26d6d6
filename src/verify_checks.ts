// This module is browser compatible.
// The checks that v2 and legacy v1 verifiers share: whom a ticket is for,
// before its signature is checked; its validity period and userbuf policy,
// once the signature is found authentic.

import { decodeBase64 } from "./base64.ts";
import { malformed, UserSigError, type UserSigErrorCode } from "./errors.ts";
import { CUT_TEXT, decodePrivateMap, isCutText, type PrivateMap } from "./private_map.ts";
import { utf8 } from "./validate.ts";

/** Throws a UserSigError. */
export function reject(code: UserSigErrorCode, message: string): never {
  throw new UserSigError(code, message);
}

/**
 * Checks that a ticket is for this application and this user, and returns
 * the bytes of its signature (`TLS.sig`, standard base64).
 */
export function checkAddressee(
  ticket: { sdkAppId: number; userId: string; signature: string },
  sdkAppId: number,
  userId: string,
): Uint8Array<ArrayBuffer> {
  if (ticket.sdkAppId !== sdkAppId) {
    reject("ERR_USERSIG_SDKAPPID_MISMATCH", `ticket is for SDKAppID ${ticket.sdkAppId}`);
  }
  if (ticket.userId !== userId) {
    reject("ERR_USERSIG_IDENTIFIER_MISMATCH", "ticket is for another user");
  }
  const signature = decodeBase64(ticket.signature);
  if (signature === null) throw malformed("TLS.sig is not canonical base64");
  return signature;
}

/** Unix seconds as an ISO date, for messages. */
export function when(unix: number): string {
  return new Date(unix * 1000).toISOString();
}

/** Checks `options.userBuf`: bytes, `"any"` or nothing. */
export function userBufOption(value: unknown): Uint8Array | "any" | undefined {
  if (value !== undefined && value !== "any" && !(value instanceof Uint8Array)) {
    throw new TypeError('options.userBuf must be a Uint8Array or "any"');
  }
  return value;
}

/**
 * Checks the validity period: expired after `time + expire`, not yet valid
 * when issued more than `skew` seconds after `now`. Returns `time + expire`.
 */
export function checkValidity(time: number, expire: number, now: number, skew: number): number {
  const expiresAt = time + expire;
  if (now > expiresAt) reject("ERR_USERSIG_EXPIRED", `ticket expired at ${when(expiresAt)}`);
  if (time > now + skew) {
    reject("ERR_USERSIG_NOT_YET_VALID", `ticket is issued in the future, at ${when(time)}`);
  }
  return expiresAt;
}

/**
 * Checks a ticket's userbuf against what the caller expects: none
 * (`undefined`), exactly these bytes, or `"any"`.
 */
export function checkUserBufPolicy(
  expected: Uint8Array | "any" | undefined,
  actual: Uint8Array | undefined,
): void {
  if (expected === undefined && actual !== undefined) {
    reject(
      "ERR_USERSIG_USERBUF_MISMATCH",
      'ticket carries a userbuf; pass options.userBuf (the bytes, or "any") to accept it',
    );
  }
  if (expected instanceof Uint8Array) {
    if (actual === undefined) reject("ERR_USERSIG_USERBUF_MISMATCH", "ticket carries no userbuf");
    if (actual.length !== expected.length || actual.some((b, i) => b !== expected[i])) {
      reject("ERR_USERSIG_USERBUF_MISMATCH", "ticket carries a different userbuf");
    }
  }
}

/**
 * Reads the room record of an authentic PrivateMapKey for `userId`, which
 * must be well-formed: `ERR_PRIVATEMAPKEY_RECORD_CORRUPT` says what is wrong
 * with it, such as the UserID written in UTF-16 units cut to bytes. A
 * record for another user is returned as it is.
 */
export function readRoomRecord(userBuf: Uint8Array, userId: string): PrivateMap {
  let map: PrivateMap | string;
  try {
    map = decodePrivateMap(userBuf);
    if (isCutText(utf8(map.userId), userId)) map = `its account is ${CUT_TEXT}`;
  } catch (error) {
    map = (error as Error).message;
  }
  if (typeof map === "string") {
    reject("ERR_PRIVATEMAPKEY_RECORD_CORRUPT", `the signature is valid, but ${map}`);
  }
  return map;
}
