// This module is browser compatible.

/**
 * The stable `code` of a {@link UserSigError}: what went wrong with a ticket.
 *
 * - `ERR_USERSIG_MALFORMED`: not the ticket alphabet, not zlib, not JSON, a
 *   field missing or of the wrong type, or too large.
 * - `ERR_USERSIG_UNSUPPORTED_VERSION`: a ticket of another format version.
 * - `ERR_USERSIG_SDKAPPID_MISMATCH`: issued for another application.
 * - `ERR_USERSIG_IDENTIFIER_MISMATCH`: issued for another user.
 * - `ERR_USERSIG_SIGNATURE_INVALID`: not signed with this key, or altered.
 * - `ERR_USERSIG_EXPIRED`: past its validity.
 * - `ERR_USERSIG_NOT_YET_VALID`: issued further in the future than the clock
 *   skew allows.
 * - `ERR_USERSIG_USERBUF_MISMATCH`: the userbuf is absent, present or
 *   different where the caller expected otherwise.
 * - `ERR_PRIVATEMAPKEY_ROOM_MISMATCH`: a PrivateMapKey for another room.
 * - `ERR_PRIVATEMAPKEY_PRIVILEGE_DENIED`: a PrivateMapKey lacking a required
 *   privilege.
 * - `ERR_PRIVATEMAPKEY_RECORD_CORRUPT`: an authentic PrivateMapKey (its
 *   signature is valid) whose room record the issuing library wrote badly,
 *   such as Tencent's Node and Java libraries write a non-ASCII UserID or
 *   room.
 */
export type UserSigErrorCode =
  | "ERR_USERSIG_MALFORMED"
  | "ERR_USERSIG_UNSUPPORTED_VERSION"
  | "ERR_USERSIG_SDKAPPID_MISMATCH"
  | "ERR_USERSIG_IDENTIFIER_MISMATCH"
  | "ERR_USERSIG_SIGNATURE_INVALID"
  | "ERR_USERSIG_EXPIRED"
  | "ERR_USERSIG_NOT_YET_VALID"
  | "ERR_USERSIG_USERBUF_MISMATCH"
  | "ERR_PRIVATEMAPKEY_ROOM_MISMATCH"
  | "ERR_PRIVATEMAPKEY_PRIVILEGE_DENIED"
  | "ERR_PRIVATEMAPKEY_RECORD_CORRUPT";

/**
 * The error thrown when a ticket is rejected. `code` is the contract to
 * branch on; `message` is for people and never holds a key or a whole ticket.
 *
 * @example Telling an expired ticket from a forged one
 * ```ts
 * import { TLSSigAPIv2, UserSigError } from "@usersig/usersig";
 *
 * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
 * const userSig = await api.genUserSig("alice", 60, { now: 1_700_000_000 });
 * try {
 *   await api.verifyUserSig(userSig, "alice", { now: 1_700_000_061 });
 * } catch (error) {
 *   if (!(error instanceof UserSigError)) throw error;
 *   console.assert(error.code === "ERR_USERSIG_EXPIRED");
 * }
 * ```
 */
export class UserSigError extends Error {
  /** The stable reason code. */
  readonly code: UserSigErrorCode;

  /**
   * Creates the error.
   *
   * @param code The stable reason code.
   * @param message A sentence for people; never a key or a whole ticket.
   * @param options `cause`, when an underlying error explains more.
   *
   * @example Rejecting a ticket in code of your own, e.g. a test double
   * ```ts
   * import { UserSigError } from "@usersig/usersig";
   *
   * const error = new UserSigError("ERR_USERSIG_EXPIRED", "the ticket has expired");
   * console.assert(error.name === "UserSigError" && error.code === "ERR_USERSIG_EXPIRED");
   * ```
   */
  constructor(
    code: UserSigErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "UserSigError";
    this.code = code;
  }
}

/** Shorthand for the most common rejection. */
export function malformed(message: string): UserSigError {
  return new UserSigError("ERR_USERSIG_MALFORMED", message);
}
