// This module is browser compatible.

import { type SignOptions, subtle, TicketIssuer } from "./issuer.ts";
import { readTicket, readV2 } from "./document.ts";
import { encodePrivateMap, type PrivateMap } from "./private_map.ts";
import { signedContentV2 } from "./ticket_writer.ts";
import {
  checkClockSkew,
  checkPrivilegeMap,
  checkRoomId,
  checkRoomStr,
  checkUserBuf,
  DEFAULT_EXPIRE,
  unixSeconds,
  utf8View,
} from "./validate.ts";
import {
  checkAddressee,
  checkUserBufPolicy,
  checkValidity,
  readRoomRecord,
  reject,
  userBufOption,
  when,
} from "./verify_checks.ts";

export type { SignOptions };

/** Options for checking a ticket. */
export interface VerifyOptions {
  /** The clock to check against: a Date, or unix seconds. Default: the real clock. */
  now?: Date | number;
  /** Seconds `TLS.time` may lie in the future of `now`. Default: 300. */
  clockSkew?: number;
  /**
   * Omitted: the ticket must carry no userbuf. Bytes: it must carry exactly
   * these. `"any"`: any userbuf or none, returned in the claims.
   */
  userBuf?: Uint8Array | "any";
}

/** Options for checking a PrivateMapKey. */
export interface VerifyPrivateMapKeyOptions {
  /** The clock to check against: a Date, or unix seconds. Default: the real clock. */
  now?: Date | number;
  /** Seconds `TLS.time` may lie in the future of `now`. Default: 300. */
  clockSkew?: number;
  /** The numeric room the ticket must be for. */
  roomId?: number;
  /** The string room the ticket must be for. */
  roomStr?: string;
  /** {@link Privilege} bits the ticket must grant, every one of them. */
  privileges?: number;
}

/** What a verified ticket says. */
export interface UserSigClaims {
  /** The version the ticket states: `TLS.ver` (`"2.0"`) of v2, `TLS.version` of v1. */
  version: string;
  /** The user the ticket is for. */
  userId: string;
  /** The application the ticket is for. */
  sdkAppId: number;
  /** Issue time, unix seconds. */
  time: number;
  /** Validity in seconds from `time`. */
  expire: number;
  /** `time + expire`: the last valid second. */
  expiresAt: number;
  /** The userbuf, when the ticket carries one and the caller accepted it. */
  userBuf?: Uint8Array;
}

/** What a verified PrivateMapKey says. */
export interface PrivateMapKeyClaims extends UserSigClaims {
  /** The room permission record from the userbuf. */
  privateMap: PrivateMap;
}

/** The promise `run` returns, or a rejection with what it throws. */
function attempt<T>(run: () => Promise<T>): Promise<T> {
  try {
    return run();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Issues and checks v2 tickets (HMAC-SHA256) for one application: UserSig,
 * the login password of Tencent Cloud IM and TRTC, and PrivateMapKey, the
 * TRTC room permission ticket. Method names and arguments follow Tencent's
 * official `TLSSigAPIv2`; every method is asynchronous because Web Crypto is.
 *
 * The secret key is imported once, as a non-extractable `CryptoKey`, and
 * never kept as text.
 *
 * @example Issue a UserSig and check it
 * ```ts
 * import { TLSSigAPIv2 } from "@usersig/usersig";
 *
 * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
 * const userSig = await api.genUserSig("alice", 86400);
 * const claims = await api.verifyUserSig(userSig, "alice");
 * console.assert(claims.expire === 86400);
 * ```
 */
export class TLSSigAPIv2 {
  /** The application this instance issues tickets for. */
  readonly sdkAppId: number;
  #issuer: TicketIssuer;

  /**
   * Creates a signer and verifier for one application.
   *
   * @param sdkAppId The SDKAppID from the console (1..4294967295).
   * @param secretKey The key string from the console (its UTF-8 bytes are
   * the HMAC key), or an HMAC SHA-256 `CryptoKey`, used as given.
   * @throws {RangeError} For an SDKAppID out of range.
   * @throws {TypeError} For an empty key, a key of another kind, or when Web
   * Crypto is unavailable.
   *
   * @example With a key kept outside the process's strings
   * ```ts
   * import { TLSSigAPIv2 } from "@usersig/usersig";
   *
   * const key = await crypto.subtle.importKey(
   *   "raw", new TextEncoder().encode("demo-secret-key"),
   *   { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"],
   * );
   * const api = new TLSSigAPIv2(1400000000, key);
   * console.assert((await api.genUserSig("alice")).length > 100);
   * ```
   */
  constructor(sdkAppId: number, secretKey: string | CryptoKey) {
    this.#issuer = new TicketIssuer(sdkAppId, secretKey);
    this.sdkAppId = this.#issuer.sdkAppId;
  }

  /**
   * Issues a UserSig: the password a client logs in to IM or TRTC with.
   *
   * @param userId The UserID: 1 to 32 printable ASCII characters (Tencent refuses others: 7003).
   * @param expire Validity in seconds; default 15552000 (180 days).
   * @param options `now`, to issue at a given time.
   * @returns The ticket.
   * @throws {TypeError} For an argument of the wrong type.
   * @throws {RangeError} For an argument out of range.
   *
   * @example A ticket valid for one day
   * ```ts
   * import { TLSSigAPIv2 } from "@usersig/usersig";
   *
   * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
   * const userSig = await api.genUserSig("alice", 86400);
   * console.assert((await api.verifyUserSig(userSig, "alice")).expire === 86400);
   * ```
   */
  genUserSig(
    userId: string,
    expire: number = DEFAULT_EXPIRE,
    options?: SignOptions,
  ): Promise<string> {
    return attempt(() => this.#issuer.issue(userId, expire, options));
  }

  /**
   * Issues a ticket carrying application-defined bytes (`TLS.userbuf`),
   * covered by the signature.
   *
   * @param userId The UserID: 1 to 32 printable ASCII characters (Tencent refuses others: 7003).
   * @param expire Validity in seconds.
   * @param userBuf The bytes to carry, at most 8192.
   * @param options `now`, to issue at a given time.
   * @returns The ticket.
   * @throws {TypeError} For an argument of the wrong type.
   * @throws {RangeError} For an argument out of range.
   *
   * @example Carrying three bytes
   * ```ts
   * import { TLSSigAPIv2 } from "@usersig/usersig";
   *
   * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
   * const bytes = new TextEncoder().encode("abc");
   * const ticket = await api.genUserSigWithUserBuf("alice", 600, bytes);
   * const claims = await api.verifyUserSig(ticket, "alice", { userBuf: bytes });
   * console.assert(claims.userBuf?.length === 3);
   * ```
   */
  genUserSigWithUserBuf(
    userId: string,
    expire: number,
    userBuf: Uint8Array,
    options?: SignOptions,
  ): Promise<string> {
    return attempt(() => {
      checkUserBuf(userBuf);
      return this.#issuer.issue(userId, expire, options, () => userBuf);
    });
  }

  /**
   * Issues a PrivateMapKey for a numeric TRTC room. The record's expiry is
   * exactly `time + expire`, read from one clock reading.
   *
   * @param userId The UserID: 1 to 32 printable ASCII characters (Tencent refuses others: 7003).
   * @param expire Validity in seconds (Tencent suggests 300).
   * @param roomId The room: 1..4294967294.
   * @param privilegeMap The granted {@link Privilege} bits.
   * @param options `now`, to issue at a given time.
   * @returns The ticket.
   * @throws {TypeError} For an argument of the wrong type.
   * @throws {RangeError} For an argument out of range.
   *
   * @example Enter room 10000 as audience
   * ```ts
   * import { Privilege, TLSSigAPIv2 } from "@usersig/usersig";
   *
   * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
   * const key = await api.genPrivateMapKey("alice", 300, 10000,
   *   Privilege.EnterRoom | Privilege.ReceiveAudio | Privilege.ReceiveVideo);
   * const claims = await api.verifyPrivateMapKey(key, "alice", { roomId: 10000 });
   * console.assert(claims.privateMap.privilegeMap === 42);
   * ```
   */
  genPrivateMapKey(
    userId: string,
    expire: number,
    roomId: number,
    privilegeMap: number,
    options?: SignOptions,
  ): Promise<string> {
    return attempt(() => this.#issueRoom(userId, expire, { roomId }, privilegeMap, options));
  }

  /**
   * Issues a PrivateMapKey for a string TRTC room id.
   *
   * @param userId The UserID: 1 to 32 printable ASCII characters (Tencent refuses others: 7003).
   * @param expire Validity in seconds (Tencent suggests 300).
   * @param roomStr The room: 1 to 64 of TRTC's 89 characters (TRTC refuses others: -100014).
   * @param privilegeMap The granted {@link Privilege} bits.
   * @param options `now`, to issue at a given time.
   * @returns The ticket.
   * @throws {TypeError} For an argument of the wrong type.
   * @throws {RangeError} For an argument out of range.
   *
   * @example Every privilege in room "abc-room"
   * ```ts
   * import { Privilege, TLSSigAPIv2 } from "@usersig/usersig";
   *
   * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
   * const key = await api.genPrivateMapKeyWithStringRoomID("alice", 300, "abc-room", Privilege.All);
   * const claims = await api.verifyPrivateMapKey(key, "alice", { roomStr: "abc-room" });
   * console.assert(claims.privateMap.roomStr === "abc-room");
   * ```
   */
  genPrivateMapKeyWithStringRoomID(
    userId: string,
    expire: number,
    roomStr: string,
    privilegeMap: number,
    options?: SignOptions,
  ): Promise<string> {
    return attempt(() => this.#issueRoom(userId, expire, { roomStr }, privilegeMap, options));
  }

  /**
   * Checks a UserSig for this application and user: signature (in constant
   * time), validity period, and userbuf policy. The signature is checked
   * before time and userbuf, so those errors only speak of authentic tickets.
   *
   * @param userSig The ticket.
   * @param userId The user it must be for.
   * @param options The clock, the clock skew, and the userbuf policy.
   * @returns The ticket's claims.
   * @throws {UserSigError} With the `code` of the first check that fails.
   * @throws {TypeError} For an argument or option of the wrong type.
   * @throws {RangeError} For an option out of range (`now`, `clockSkew`).
   *
   * @example Rejecting a ticket for another user
   * ```ts
   * import { TLSSigAPIv2, UserSigError } from "@usersig/usersig";
   *
   * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
   * const userSig = await api.genUserSig("alice");
   * try {
   *   await api.verifyUserSig(userSig, "bob");
   *   throw new Error("accepted a ticket for another user");
   * } catch (error) {
   *   if (!(error instanceof UserSigError)) throw error;
   *   console.assert(error.code === "ERR_USERSIG_IDENTIFIER_MISMATCH");
   * }
   * ```
   */
  verifyUserSig(
    userSig: string,
    userId: string,
    options: VerifyOptions = {},
  ): Promise<UserSigClaims> {
    return attempt(() => {
      const expected = userBufOption(options?.userBuf);
      return this.#verify(userSig, userId, options, (claims) => {
        checkUserBufPolicy(expected, claims.userBuf);
        return claims;
      });
    });
  }

  /**
   * Checks a PrivateMapKey for this application and user, then its room
   * record: the record's own user, application and expiry, and, when asked,
   * the room and the privileges.
   *
   * @param privateMapKey The ticket.
   * @param userId The user it must be for.
   * @param options The clock, the clock skew, the room and the privileges
   * required.
   * @returns The ticket's claims with the decoded record.
   * @throws {UserSigError} With the `code` of the first check that fails.
   * @throws {TypeError} For an argument or option of the wrong type, or both
   * `roomId` and `roomStr`.
   * @throws {RangeError} For an option out of range.
   *
   * @example Requiring the right to send video in room 10000
   * ```ts
   * import { Privilege, TLSSigAPIv2, UserSigError } from "@usersig/usersig";
   *
   * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
   * const key = await api.genPrivateMapKey("alice", 300, 10000, Privilege.EnterRoom);
   * try {
   *   await api.verifyPrivateMapKey(key, "alice", { roomId: 10000, privileges: Privilege.SendVideo });
   *   throw new Error("granted a privilege the ticket lacks");
   * } catch (error) {
   *   if (!(error instanceof UserSigError)) throw error;
   *   console.assert(error.code === "ERR_PRIVATEMAPKEY_PRIVILEGE_DENIED");
   * }
   * ```
   */
  verifyPrivateMapKey(
    privateMapKey: string,
    userId: string,
    options: VerifyPrivateMapKeyOptions = {},
  ): Promise<PrivateMapKeyClaims> {
    return attempt(() => {
      const { roomId, roomStr, privileges } = options ?? {};
      if (roomId !== undefined && roomStr !== undefined) {
        throw new TypeError("pass at most one of options.roomId and options.roomStr");
      }
      if (roomId !== undefined) checkRoomId(roomId, "options.roomId");
      if (roomStr !== undefined) checkRoomStr(roomStr, "options.roomStr");
      if (privileges !== undefined) checkPrivilegeMap(privileges, "options.privileges");
      return this.#verify(privateMapKey, userId, options, (claims, now) => {
        if (claims.userBuf === undefined) {
          reject(
            "ERR_USERSIG_USERBUF_MISMATCH",
            "not a PrivateMapKey: the ticket carries no userbuf",
          );
        }
        const map = readRoomRecord(claims.userBuf, claims.userId);
        if (map.userId !== claims.userId) {
          reject("ERR_USERSIG_IDENTIFIER_MISMATCH", "the room record is for another user");
        }
        if (map.sdkAppId !== claims.sdkAppId) {
          reject("ERR_USERSIG_SDKAPPID_MISMATCH", "the room record is for another application");
        }
        if (now > map.expiresAt) {
          reject("ERR_USERSIG_EXPIRED", `the room permission expired at ${when(map.expiresAt)}`);
        }
        if (
          (roomId !== undefined && map.roomId !== roomId) ||
          (roomStr !== undefined && map.roomStr !== roomStr)
        ) {
          reject("ERR_PRIVATEMAPKEY_ROOM_MISMATCH", "the ticket is for another room");
        }
        if (privileges !== undefined && (map.privilegeMap & privileges) >>> 0 !== privileges) {
          reject(
            "ERR_PRIVATEMAPKEY_PRIVILEGE_DENIED",
            `the ticket grants privileges ${map.privilegeMap}, not all of ${privileges}`,
          );
        }
        return { ...claims, privateMap: map };
      });
    });
  }

  #issueRoom(
    userId: string,
    expire: number,
    room: { roomId?: number; roomStr?: string },
    privilegeMap: number,
    options: SignOptions | undefined,
  ): Promise<string> {
    return this.#issuer.issue(userId, expire, options, (time) =>
      encodePrivateMap({
        userId,
        sdkAppId: this.sdkAppId,
        ...room,
        expiresAt: time + expire,
        privilegeMap,
        accountType: 0,
      }));
  }

  /**
   * Checks a ticket's application, user and signature, then its validity
   * period, and hands the claims and the clock to `finish`, the caller's own
   * checks. The ticket and options are read at once; only the signature
   * check may wait for the key.
   */
  #verify<T>(
    userSig: string,
    userId: string,
    options: { now?: Date | number; clockSkew?: number } | undefined,
    finish: (claims: UserSigClaims, now: number) => T,
  ): Promise<T> {
    const s = subtle();
    if (typeof userId !== "string") throw new TypeError("userId must be a string");
    const now = unixSeconds(options?.now);
    const skew = checkClockSkew(options?.clockSkew);
    const f = readV2(readTicket(userSig).document);
    const mac = checkAddressee(f, this.sdkAppId, userId);
    const content = signedContentV2(f.userId, f.sdkAppId, f.time, f.expire, f.userBufBase64);
    return this.#issuer.withKey((key) => s.verify("HMAC", key, mac, utf8View(content))).then(
      (valid) => {
        if (!valid) reject("ERR_USERSIG_SIGNATURE_INVALID", "signature does not match this key");
        const claims: UserSigClaims = {
          version: f.version,
          userId: f.userId,
          sdkAppId: f.sdkAppId,
          time: f.time,
          expire: f.expire,
          expiresAt: checkValidity(f.time, f.expire, now, skew),
        };
        if (f.userBuf !== undefined) claims.userBuf = f.userBuf;
        return finish(claims, now);
      },
    );
  }
}
