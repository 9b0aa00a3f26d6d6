// This module is browser compatible.

import { checkPrivilegeMap } from "./validate.ts";

/**
 * The TRTC privilege bits of a PrivateMapKey. Combine them with `|`.
 *
 * @example A typical audience member: enter, receive audio and video
 * ```ts
 * import { Privilege } from "@usersig/usersig";
 *
 * const audience = Privilege.EnterRoom | Privilege.ReceiveAudio | Privilege.ReceiveVideo;
 * console.assert(audience === 42);
 * ```
 */
export const Privilege: {
  readonly CreateRoom: 1;
  readonly EnterRoom: 2;
  readonly SendAudio: 4;
  readonly ReceiveAudio: 8;
  readonly SendVideo: 16;
  readonly ReceiveVideo: 32;
  readonly SendSubStream: 64;
  readonly ReceiveSubStream: 128;
  readonly All: 255;
} = Object.freeze({
  CreateRoom: 1,
  EnterRoom: 2,
  SendAudio: 4,
  ReceiveAudio: 8,
  SendVideo: 16,
  ReceiveVideo: 32,
  SendSubStream: 64,
  ReceiveSubStream: 128,
  All: 255,
});

/** The name of one {@link Privilege} bit or of `All`. */
export type PrivilegeName = keyof typeof Privilege;

/** The names, in bit order (`All` last). */
const NAMES = Object.keys(Privilege) as PrivilegeName[];

/** A name as it matches: lower case, without `-`, `_` and spaces. */
const fold = (name: string) => name.replace(/[-_\s]/g, "").toLowerCase();

/**
 * Names the bits set in a privilege map, in bit order.
 *
 * @param privilegeMap The bit map, as carried by a PrivateMapKey.
 * @returns The names of the set bits; bits above 128 are named `bit<N>`.
 *
 * @example Naming an audience's privileges
 * ```ts
 * import { privilegeNames } from "@usersig/usersig";
 *
 * console.assert(privilegeNames(42).join() === "EnterRoom,ReceiveAudio,ReceiveVideo");
 * ```
 */
export function privilegeNames(privilegeMap: number): string[] {
  const names = [];
  for (let bit = 0; bit < 32; bit++) {
    if ((privilegeMap >>> bit) & 1) names.push(bit < 8 ? NAMES[bit] : `bit${bit}`);
  }
  return names;
}

/**
 * Reads a privilege map from a number, a list of names, or a comma-separated
 * string of names or numbers (`"EnterRoom,ReceiveAudio"`, `"42"`, `"all"`).
 * Names match case-insensitively, ignoring `-`, `_` and spaces.
 *
 * @param input The privileges to grant.
 * @returns The bit map.
 * @throws {RangeError} For an unknown name or a number outside 0..4294967295.
 * @throws {TypeError} For a number that is not an integer, or any other kind
 * of value.
 *
 * @example Privileges from a request or a command line
 * ```ts
 * import { parsePrivileges } from "@usersig/usersig";
 *
 * console.assert(parsePrivileges("enter-room, receive_audio") === 10);
 * console.assert(parsePrivileges(["All"]) === 255);
 * ```
 */
export function parsePrivileges(input: number | string | readonly string[]): number {
  if (typeof input === "number") return check(input);
  const parts = typeof input === "string"
    ? input.split(",")
    : Array.isArray(input) && input.every((p) => typeof p === "string")
    ? input
    : null;
  if (parts === null) {
    throw new TypeError("privileges must be a number, a string or an array of names");
  }
  let map = 0;
  for (const raw of parts) {
    const part = raw.trim();
    const name = NAMES.find((n) => fold(n) === fold(part));
    const bits = /^\d+$/.test(part) ? check(Number(part)) : name && Privilege[name];
    if (bits === undefined) {
      throw new RangeError(`unknown privilege "${part.slice(0, 40)}"; known: ${NAMES.join(", ")}`);
    }
    map = (map | bits) >>> 0;
  }
  return map;
}

/** A privilege map given as a number, checked as every other one is. */
const check = (n: number) => checkPrivilegeMap(n, "privileges");
