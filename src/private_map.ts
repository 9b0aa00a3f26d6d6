// This module is browser compatible.
// The PrivateMapKey record (spec section 2): the binary userbuf that binds a
// TRTC ticket to one user, one room, an absolute expiry and privilege bits.

import { malformed } from "./errors.ts";
import {
  checkPrivilegeMap,
  checkRoomId,
  checkRoomStr,
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
  const room = hasStr ? checkRoomStr(map.roomStr, "map.roomStr") : null;
  const roomId = hasId ? checkRoomId(map.roomId, "map.roomId") : 0;
  const expiresAt = integer("map.expiresAt", map.expiresAt, 0, U32_MAX);
  const privileges = checkPrivilegeMap(map.privilegeMap, "map.privilegeMap");
  const accountType = integer("map.accountType", map.accountType, 0, U32_MAX);

  const out = new Uint8Array(23 + account.length + (room ? 2 + room.length : 0));
  const view = new DataView(out.buffer);
  out[0] = room ? 1 : 0;
  view.setUint16(1, account.length);
  out.set(account, 3);
  let at = 3 + account.length;
  for (const field of [sdkAppId, roomId, expiresAt, privileges, accountType]) {
    view.setUint32(at, field);
    at += 4;
  }
  if (room) {
    view.setUint16(at, room.length);
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
  const bad = (what: string) => malformed(`userbuf is not a PrivateMapKey record: ${what}`);
  if (userBuf.length < 23) throw bad("too short");
  const view = new DataView(userBuf.buffer, userBuf.byteOffset, userBuf.byteLength);
  const version = userBuf[0];
  if (version > 1) throw bad(`unknown version ${version}`);
  const accountLength = view.getUint16(1);
  const fixedEnd = 3 + accountLength + 20;
  const end = version === 1 ? fixedEnd + 2 : fixedEnd;
  if (userBuf.length < end) throw bad("too short");
  const userId = fromUtf8(userBuf.subarray(3, 3 + accountLength));
  if (userId === null) throw bad("the account is not UTF-8");
  const at = 3 + accountLength;
  const [sdkAppId, roomId, expiresAt, privilegeMap, accountType] = [0, 4, 8, 12, 16].map(
    (offset) => view.getUint32(at + offset),
  );
  const fields = { expiresAt, privilegeMap, accountType };
  if (version === 0) {
    if (userBuf.length !== end) throw bad("trailing bytes");
    if (roomId === 0) throw bad("numeric room 0");
    return { userId, sdkAppId, roomId, ...fields };
  }
  if (roomId !== 0) throw bad("a string-room record with a numeric room");
  const roomLength = view.getUint16(fixedEnd);
  if (userBuf.length !== end + roomLength) throw bad("room length does not match");
  const roomStr = fromUtf8(userBuf.subarray(end));
  if (roomStr === null) throw bad("the room is not UTF-8");
  if (roomStr === "") throw bad("an empty string room");
  return { userId, sdkAppId, roomStr, ...fields };
}
