// This module is browser compatible.
// The PrivateMapKey record (spec section 2): the binary userbuf that binds a
// TRTC ticket to one user, one room, an absolute expiry and privilege bits.

import { malformed } from "./errors.ts";
import {
  checkPrivilegeMap,
  checkRoomId,
  checkRoomStrToIssue,
  checkSdkAppId,
  checkUserId,
  fromUtf8,
  integer,
  U32_MAX,
  utf8,
} from "./validate.ts";

/**
 * The decoded record inside a PrivateMapKey. Exactly one of `roomId` and
 * `roomStr` is present.
 */
export interface PrivateMap {
  /** The user the ticket is for. */
  userId: string;
  /** The application. */
  sdkAppId: number;
  /** The numeric room, for a numeric-room ticket. */
  roomId?: number;
  /** The string room, for a string-room ticket. */
  roomStr?: string;
  /** When the room permission ends, in unix seconds. */
  expiresAt: number;
  /** The granted {@link Privilege} bits. */
  privilegeMap: number;
  /** Always 0 in tickets issued today. */
  accountType: number;
}

/**
 * Encodes a PrivateMapKey record, byte for byte as Tencent's libraries do
 * (with UTF-8 lengths for non-ASCII ids).
 *
 * @param map The record; exactly one of `roomId` and `roomStr`.
 * @returns The userbuf bytes.
 * @throws {TypeError} For a missing or wrongly typed field, or both or
 * neither room fields.
 * @throws {RangeError} For a field out of range.
 *
 * @example A record for room 10000, every privilege, for five minutes
 * ```ts
 * import { decodePrivateMap, encodePrivateMap, Privilege } from "@usersig/usersig";
 *
 * const bytes = encodePrivateMap({
 *   userId: "alice", sdkAppId: 1400000000, roomId: 10000,
 *   expiresAt: 1_700_000_300, privilegeMap: Privilege.All, accountType: 0,
 * });
 * console.assert(bytes.length === 23 + 5);
 * console.assert(decodePrivateMap(bytes).roomId === 10000);
 * ```
 */
export function encodePrivateMap(map: PrivateMap): Uint8Array {
  if (typeof map !== "object" || map === null) throw new TypeError("map must be an object");
  const account = utf8(checkUserId(map.userId, "map.userId"));
  const sdkAppId = checkSdkAppId(map.sdkAppId);
  const hasId = map.roomId !== undefined, hasStr = map.roomStr !== undefined;
  if (hasId === hasStr) throw new TypeError("map must have exactly one of roomId and roomStr");
  const room = hasStr ? checkRoomStrToIssue(map.roomStr, "map.roomStr") : null;
  const roomId = hasId ? checkRoomId(map.roomId, "map.roomId") : 0;
  const expiresAt = integer("map.expiresAt", map.expiresAt, 0, U32_MAX);
  const privileges = checkPrivilegeMap(map.privilegeMap, "map.privilegeMap");
  const accountType = integer("map.accountType", map.accountType, 0, U32_MAX);

  // Big-endian throughout; the UserID (32 bytes at most) and the room (64)
  // leave the high byte of their lengths 0. A byte written by hand costs
  // less than a DataView, which V8 allocates as it does a typed array.
  const out = new Uint8Array(23 + account.length + (room ? 2 + room.length : 0));
  out[0] = room ? 1 : 0;
  out[2] = account.length;
  out.set(account, 3);
  let at = 3 + account.length;
  for (const field of [sdkAppId, roomId, expiresAt, privileges, accountType]) {
    for (let shift = 24; shift >= 0; shift -= 8) out[at++] = field >>> shift;
  }
  if (room) {
    out[at + 1] = room.length;
    out.set(room, at + 2);
  }
  return out;
}

/**
 * Decodes a PrivateMapKey record from a ticket's userbuf.
 *
 * @param userBuf The userbuf bytes.
 * @returns The record.
 * @throws {UserSigError} `ERR_USERSIG_MALFORMED` when the bytes are not a
 * well-formed record (unknown version, lengths that do not add up, text that
 * is not UTF-8, numeric room 0, an empty string room).
 *
 * @example Reading the room out of a PrivateMapKey's userbuf
 * ```ts
 * import { decodePrivateMap } from "@usersig/usersig";
 *
 * const hex = "0000077869616f6a756e53724e00000027106553f22c000000ff00000000";
 * const bytes = new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)));
 * const map = decodePrivateMap(bytes);
 * console.assert(map.userId === "xiaojun" && map.roomId === 10000);
 * ```
 */
export function decodePrivateMap(userBuf: Uint8Array): PrivateMap {
  if (!(userBuf instanceof Uint8Array)) throw malformed("userbuf must be bytes");
  const r = readRecord(userBuf, fromUtf8);
  const problem = typeof r === "string" ? r : r.problem;
  if (problem) throw malformed(`userbuf is not a PrivateMapKey record: ${problem}`);
  return (r as { map: PrivateMap }).map;
}

/** How Tencent's Node and Java libraries write non-ASCII text, for messages. */
export const CUT_TEXT =
  "in UTF-16 units cut to bytes, as Tencent's Node and Java libraries write non-ASCII text";

/**
 * Reads a record, its text with `text`: the record, and the first thing
 * that is wrong with it, if any; or, when the bytes are laid out as no
 * record at all, what is wrong with them.
 */
function readRecord(
  userBuf: Uint8Array,
  text: (bytes: Uint8Array) => string | null,
): { map: PrivateMap; problem?: string } | string {
  if (userBuf.length < 23) return "too short";
  const view = new DataView(userBuf.buffer, userBuf.byteOffset, userBuf.byteLength);
  const version = userBuf[0];
  if (version > 1) return `unknown version ${version}`;
  const at = 3 + view.getUint16(1);
  const end = version ? at + 22 : at + 20;
  if (userBuf.length < end) return "too short";
  const [sdkAppId, roomId, expiresAt, privilegeMap, accountType] = [0, 4, 8, 12, 16].map(
    (offset) => view.getUint32(at + offset),
  );
  const userId = text(userBuf.subarray(3, at));
  const map: PrivateMap = { userId: userId ?? "", sdkAppId, expiresAt, privilegeMap, accountType };
  let problem = userId === null ? "the account is not UTF-8" : "";
  if (!version) {
    if (userBuf.length !== end) return "trailing bytes";
    map.roomId = roomId;
    problem ||= roomId ? "" : "numeric room 0";
  } else {
    if (userBuf.length !== end + view.getUint16(at + 20)) return "room length does not match";
    const roomStr = text(userBuf.subarray(end));
    map.roomStr = roomStr ?? "";
    problem ||= roomId
      ? "a string-room record with a numeric room"
      : roomStr === null
      ? "the room is not UTF-8"
      : roomStr
      ? ""
      : "an empty string room";
  }
  return { map, problem };
}

/**
 * Whether `bytes` are `text` as Tencent's Node and Java libraries write it,
 * each UTF-16 unit cut to its low byte, and not as UTF-8.
 */
export function isCutText(bytes: Uint8Array, text: string): boolean {
  return bytes.length === text.length && fromUtf8(bytes) !== text &&
    bytes.every((b, i) => b === (text.charCodeAt(i) & 255));
}

/** A PrivateMapKey record as a library wrote it, and what is wrong with it. */
export interface RecordDiagnosis {
  /** The record as it reads; text cut to bytes reads one character a byte. */
  map: PrivateMap;
  /** What the library wrote badly, when it did. */
  defect?: string;
}

/**
 * Reads the userbuf of a ticket for `userId` as the PrivateMapKey record
 * some library wrote, and says what it wrote badly, if anything: text in
 * UTF-16 units cut to bytes (Tencent's Node and Java libraries, for
 * non-ASCII text), an empty string room, numeric room 0.
 *
 * @returns undefined when the bytes are no record for this user.
 */
export function diagnosePrivateMap(
  userBuf: Uint8Array,
  userId: string,
): RecordDiagnosis | undefined {
  const cut: string[] = [];
  const asCut = (bytes: Uint8Array, what: string) => {
    cut.push(what);
    return Array.from(bytes, (b) => String.fromCharCode(b)).join("");
  };
  let account = true; // the account comes first, then the room
  const r = readRecord(userBuf, (bytes) => {
    const first = account;
    account = false;
    if (first && isCutText(bytes, userId)) return asCut(bytes, "account");
    return fromUtf8(bytes) ?? (first ? null : asCut(bytes, "room"));
  });
  if (typeof r === "string" || (r.map.userId !== userId && !cut.includes("account"))) {
    return undefined; // no record, or another user's
  }
  const defect = cut.length > 0
    ? `its ${cut.join(" and its ")} ${cut.length > 1 ? "are" : "is"} ${CUT_TEXT}`
    : r.problem;
  return defect ? { map: r.map, defect } : { map: r.map };
}
