// This module is browser compatible.
// Argument checks shared by every signer and verifier. A caller mistake is a
// TypeError (wrong kind of value) or a RangeError (right kind, out of range)
// naming the argument; it never echoes a secret.

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

const scratch = new Uint8Array(1024);

/**
 * UTF-8 bytes of `text` in a view that the next call overwrites: for data
 * copied at once, as Web Crypto copies what it signs. `encodeInto` is the
 * encoder's fast call in every runtime (`encode` is not), and in V8 a fresh
 * typed array over 64 bytes costs a microsecond or more. Text too long for
 * the kept buffer gets bytes of its own, so that nothing large is kept.
 */
export function utf8View(text: string): Uint8Array<ArrayBuffer> {
  if (text.length * 3 > scratch.length) return utf8(text);
  return scratch.subarray(0, encoder.encodeInto(text, scratch).written);
}

/** UTF-8 bytes of `text`, in an array of their own (never the shared buffer: keys pass here). */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

/**
 * Writes the UTF-8 bytes of `text` into `out` from offset 0 and returns how
 * many were written, or -1 when `out` is too small.
 */
export function writeUtf8(text: string, out: Uint8Array): number {
  const { read, written } = encoder.encodeInto(text, out);
  return read === text.length ? written : -1;
}

/** Text of strict UTF-8 `bytes`, or null when they are not valid UTF-8. */
export function fromUtf8(bytes: Uint8Array): string | null {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

/** The largest value of an unsigned 32-bit field. */
export const U32_MAX = 4294967295;
/** The longest user id, in bytes (of printable ASCII: characters). */
export const MAX_USER_ID_BYTES = 32;
/** The longest string room id, in UTF-8 bytes. */
export const MAX_ROOM_STR_BYTES = 64;
/** The largest userbuf a ticket may carry, in bytes. */
export const MAX_USERBUF_BYTES = 8192;
/** The default validity of a ticket: 180 days, as in the official libraries. */
export const DEFAULT_EXPIRE = 15552000;

/** An integer in [min, max], or a TypeError/RangeError naming `name`. */
export function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`${name} must be an integer`);
  }
  if (value < min || value > max) {
    throw new RangeError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** Checks an SDKAppID: an integer 1..4294967295. */
export function checkSdkAppId(value: unknown): number {
  return integer("sdkAppId", value, 1, U32_MAX);
}

/** A lone surrogate: with the `u` flag a pair reads as one code point, which this does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Whether `text` is well-formed Unicode. A lone surrogate has no UTF-8 form
 * (encoding makes it U+FFFD), so two different strings would sign alike.
 */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;
const NOT_RECOMMENDED = /[^A-Za-z0-9_-]/;
/** Not one of the 89 characters of a TRTC string room id. */
const NOT_ROOM_CHAR = /[^A-Za-z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]/;

/**
 * Whether `userId` is a UserID Tencent's SDKs accept: 1 to 32 bytes of
 * printable ASCII (0x20-0x7e). Any other is refused with error 7003.
 */
export function isTencentUserId(userId: string): boolean {
  return userId.length > 0 && userId.length <= MAX_USER_ID_BYTES &&
    !NOT_PRINTABLE_ASCII.test(userId);
}

/** Whether `userId` keeps to Tencent's recommended characters, `[A-Za-z0-9_-]`. */
export function isRecommendedUserId(userId: string): boolean {
  return isTencentUserId(userId) && !NOT_RECOMMENDED.test(userId);
}

/**
 * Whether `roomStr` is a string room TRTC accepts: 1 to 64 of its 89
 * characters. Any other is refused with error -100014.
 */
export function isTrtcRoomStr(roomStr: string): boolean {
  return roomStr.length > 0 && roomStr.length <= MAX_ROOM_STR_BYTES && !NOT_ROOM_CHAR.test(roomStr);
}

/**
 * Checks text against one of Tencent's rules: 1 to `max` characters, none
 * matching `refused`. The message names the rule, never the value.
 */
function ruled(value: unknown, name: string, refused: RegExp, max: number, rule: string): string {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string`);
  const at = value.search(refused) + 1;
  if (!value || at || value.length > max) {
    throw new RangeError(
      `${name} ${
        !value ? "is empty" : at ? `has a refused character at position ${at}` : "is too long"
      }: ${rule}`,
    );
  }
  return value;
}

/**
 * Checks a UserID to issue a ticket for: 1 to 32 printable ASCII characters,
 * as Tencent's SDKs require. The message names the rule and Tencent's error
 * 7003, and never holds the value.
 */
export function checkUserId(value: unknown, name = "userId"): string {
  return ruled(
    value,
    name,
    NOT_PRINTABLE_ASCII,
    MAX_USER_ID_BYTES,
    "a UserID is 1-32 printable ASCII characters, best A-Za-z0-9_-; Tencent refuses others with error 7003",
  );
}

/**
 * Checks a string room id as a ticket names it (when verifying): 1 to 64
 * UTF-8 bytes, well-formed. Returns its UTF-8 bytes.
 */
export function checkRoomStr(value: unknown, name = "roomStr"): Uint8Array {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string`);
  if (!isWellFormed(value)) throw new RangeError(`${name} must not contain a lone surrogate`);
  const bytes = utf8(value);
  if (bytes.length === 0 || bytes.length > MAX_ROOM_STR_BYTES) {
    throw new RangeError(
      `${name} must be 1 to ${MAX_ROOM_STR_BYTES} UTF-8 bytes, got ${bytes.length}`,
    );
  }
  return bytes;
}

/**
 * Checks a string room id to issue a PrivateMapKey for: 1 to 64 of TRTC's 89
 * characters. The message names the rule and TRTC's error -100014. Returns
 * its bytes.
 */
export function checkRoomStrToIssue(value: unknown, name = "roomStr"): Uint8Array {
  return utf8(ruled(
    value,
    name,
    NOT_ROOM_CHAR,
    MAX_ROOM_STR_BYTES,
    "a string room is 1-64 of A-Za-z0-9 !#$%&()+-:;<=.>?@[]^_{}|~, and space; TRTC refuses others with error -100014",
  ));
}

/** Checks a numeric room id: 1..4294967294. */
export function checkRoomId(value: unknown, name = "roomId"): number {
  return integer(name, value, 1, U32_MAX - 1);
}

/** Checks a privilege bit map: 0..4294967295. */
export function checkPrivilegeMap(value: unknown, name = "privilegeMap"): number {
  return integer(name, value, 0, U32_MAX);
}

/** Checks a userbuf: a Uint8Array of at most MAX_USERBUF_BYTES. */
export function checkUserBuf(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError("userBuf must be a Uint8Array");
  if (value.length > MAX_USERBUF_BYTES) {
    throw new RangeError(`userBuf must be at most ${MAX_USERBUF_BYTES} bytes, got ${value.length}`);
  }
  return value;
}

/** Checks a validity period against the issue time. */
export function checkExpire(value: unknown, time: number): number {
  integer("expire", value, 1, U32_MAX);
  if (time + (value as number) > U32_MAX) {
    throw new RangeError("expire must keep time + expire within 4294967295");
  }
  return value as number;
}

/**
 * The clock as whole unix seconds: `now` as given (a Date, or unix seconds),
 * else the real clock.
 */
export function unixSeconds(now: Date | number | undefined): number {
  const seconds = now === undefined
    ? Date.now() / 1000
    : now instanceof Date
    ? now.getTime() / 1000
    : now;
  if (!Number.isFinite(seconds)) {
    throw new TypeError("now must be a valid Date or a number of unix seconds");
  }
  return integer("now", Math.floor(seconds), 0, U32_MAX);
}

/** Checks a clock skew in seconds (non-negative), 300 by default. */
export function checkClockSkew(value: unknown): number {
  if (value === undefined) return 300;
  if (!Number.isFinite(value) || (value as number) < 0) {
    throw new RangeError("clockSkew must be a finite number of seconds, 0 or more");
  }
  return value as number;
}
