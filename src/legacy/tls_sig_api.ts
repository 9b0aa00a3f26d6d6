// This module is browser compatible.

import { encodeBase64 } from "../base64.ts";
import { formatOf, readTicket, readV1 } from "../document.ts";
import type { UserSigClaims, VerifyOptions } from "../tls_sig_api_v2.ts";
import {
  checkClockSkew,
  checkExpire,
  checkSdkAppId,
  checkUserBuf,
  checkUserId,
  DEFAULT_EXPIRE,
  unixSeconds,
  utf8,
} from "../validate.ts";
import type { Curve, LegacyCurve } from "./curves.ts";
import { signedContentV1, type V1Content, writeTicketV1 } from "./document.ts";
import { parsePrivateKey, parsePublicKey, samePoint } from "./keys.ts";
import { signatureFromDer, signatureToDer } from "./signature.ts";
import {
  checkAddressee,
  checkUserBufPolicy,
  checkValidity,
  reject,
  userBufOption,
} from "../verify_checks.ts";

/** The key pair of a v1 application, as the console gave it. */
export interface LegacyKeys {
  /**
   * The private key, to issue tickets: PEM (`BEGIN EC PRIVATE KEY`, with or
   * without a leading `BEGIN EC PARAMETERS` block, or `BEGIN PRIVATE KEY`)
   * or its bare base64 body.
   */
  privateKey?: string;
  /**
   * The public key, to check tickets: PEM (`BEGIN PUBLIC KEY`) or its bare
   * base64 body. Derived from `privateKey` when omitted.
   */
  publicKey?: string;
}

/** Options for issuing a v1 ticket. */
export interface LegacySignOptions {
  /** The issue time: a Date, or unix seconds. Default: the real clock. */
  now?: Date | number;
  /** `TLS.account_type`, a decimal string. Default: `"0"`. */
  accountType?: string;
  /**
   * `TLS.appid_at_3rd`, a decimal string. Default: `"0"`, as every official
   * v1 generator writes it (and Tencent's Go v1 verifier signs the line
   * whether the ticket has it or not).
   */
  appIdAt3rd?: string;
}

/**
 * What a verified v1 ticket says: the v2 claims (`version` is `TLS.version`,
 * informative only, `""` when absent; `expire` is `TLS.expire_after`) and
 * the v1 fields.
 */
export interface LegacyUserSigClaims extends UserSigClaims {
  /** `TLS.account_type`. */
  accountType: string;
  /** `TLS.appid_at_3rd`, when the ticket has it. */
  appIdAt3rd?: string;
}

function decimalOption(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new TypeError(`${name} must be a string`);
  if (!/^\d{1,10}$/.test(value)) {
    throw new RangeError(`${name} must be a decimal string of 1 to 10 digits`);
  }
  return value;
}

/**
 * Issues and checks legacy v1 tickets (ECDSA-SHA256), for applications
 * created before 2019-07-19 that still use the console's key pair. Method
 * names and arguments follow Tencent's official v1 libraries' successor API;
 * every method is asynchronous, like `TLSSigAPIv2`'s.
 *
 * The curve (secp256k1 or P-256) is read from the key. Signatures are
 * deterministic (RFC 6979) and low-s; tickets from other issuers verify
 * whether their `s` is low or high. Unlike the v2 secret key, the private
 * key is held as bytes in this object: keep the object on a server.
 *
 * @example Issue a v1 UserSig and check it
 * ```ts
 * import { TLSSigAPI } from "@usersig/usersig/legacy";
 *
 * const privateKey = `-----BEGIN EC PARAMETERS-----
 * BgUrgQQACg==
 * -----END EC PARAMETERS-----
 * -----BEGIN EC PRIVATE KEY-----
 * MHQCAQEEIEJDBDY4KVdj3dPBacADreB772ok45A57YWrUUvc5fMQoAcGBSuBBAAK
 * oUQDQgAEaPVFHhWqRDnKnVlyU5JIzXOUyOJd/pPUwhLUovf+PYBm7otRBptnvJ4E
 * oJ4qeSJNG0v4XdiqM3mtChkhUEFT3Q==
 * -----END EC PRIVATE KEY-----`;
 * const api = new TLSSigAPI(1400001052, { privateKey });
 * const userSig = await api.genUserSig("alice", 86400);
 * const claims = await api.verifyUserSig(userSig, "alice");
 * console.assert(api.curve === "secp256k1" && claims.expire === 86400);
 * ```
 */
export class TLSSigAPI {
  /** The application this instance issues and checks tickets for. */
  readonly sdkAppId: number;
  /** The curve of the key pair, read from the key. */
  readonly curve: LegacyCurve;
  readonly #ecdsa: Curve["ecdsa"];
  readonly #secretKey?: Uint8Array;
  readonly #publicKey: Uint8Array;

  /**
   * Creates a signer and verifier for one application. The keys are parsed
   * and checked here, so a bad key fails at once, not at the first ticket.
   *
   * @param sdkAppId The SDKAppID from the console (1..4294967295).
   * @param keys `privateKey` to issue tickets, `publicKey` to check them
   * (derived from `privateKey` when omitted); at least one.
   * @throws {RangeError} For an SDKAppID out of range.
   * @throws {TypeError} For no key, a key that is malformed, of another kind
   * or on another curve, or a public key that does not match the private one.
   * Messages never quote the key.
   *
   * @example Verify only, with the public key's bare base64 body
   * ```ts
   * import { TLSSigAPI } from "@usersig/usersig/legacy";
   *
   * const api = new TLSSigAPI(1400001052, {
   *   publicKey: "MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEaPVFHhWqRDnKnVlyU5JIzXOUyOJd/pPUwhLUovf+" +
   *     "PYBm7otRBptnvJ4EoJ4qeSJNG0v4XdiqM3mtChkhUEFT3Q==",
   * });
   * console.assert(api.curve === "secp256k1");
   * ```
   */
  constructor(sdkAppId: number, keys: LegacyKeys) {
    this.sdkAppId = checkSdkAppId(sdkAppId);
    if (typeof keys !== "object" || keys === null) {
      throw new TypeError("keys must be an object with privateKey, publicKey or both");
    }
    const { privateKey, publicKey } = keys;
    if (privateKey === undefined && publicKey === undefined) {
      throw new TypeError("keys must hold privateKey, publicKey or both");
    }
    const secret = privateKey === undefined ? undefined : parsePrivateKey(privateKey);
    const pub = publicKey === undefined ? secret! : parsePublicKey(publicKey);
    if (secret !== undefined && pub !== secret) {
      if (pub.curve !== secret.curve || !samePoint(pub.curve, pub.publicKey, secret.publicKey)) {
        throw new TypeError("publicKey does not match privateKey");
      }
    }
    this.curve = pub.curve.name;
    this.#ecdsa = pub.curve.ecdsa;
    this.#secretKey = secret?.secretKey;
    this.#publicKey = pub.publicKey;
  }

  /**
   * Issues a v1 UserSig: the password a client of a legacy application logs
   * in to IM or TRTC with.
   *
   * @param userId The UserID: 1 to 32 printable ASCII characters (Tencent refuses others: 7003).
   * @param expire Validity in seconds; default 15552000 (180 days).
   * @param options `now`, `accountType`, `appIdAt3rd`.
   * @returns The ticket.
   * @throws {TypeError} For an argument of the wrong type, or when this
   * instance has no private key.
   * @throws {RangeError} For an argument out of range.
   *
   * @example A ticket with TLS.appid_at_3rd "0", as the official libraries write it
   * ```ts
   * import { TLSSigAPI } from "@usersig/usersig/legacy";
   * import { decodeUserSig } from "@usersig/usersig";
   *
   * const privateKey = `-----BEGIN EC PRIVATE KEY-----
   * MHQCAQEEIEJDBDY4KVdj3dPBacADreB772ok45A57YWrUUvc5fMQoAcGBSuBBAAK
   * oUQDQgAEaPVFHhWqRDnKnVlyU5JIzXOUyOJd/pPUwhLUovf+PYBm7otRBptnvJ4E
   * oJ4qeSJNG0v4XdiqM3mtChkhUEFT3Q==
   * -----END EC PRIVATE KEY-----`;
   * const api = new TLSSigAPI(1400001052, { privateKey });
   * const userSig = await api.genUserSig("alice", 86400);
   * console.assert(decodeUserSig(userSig).appIdAt3rd === "0");
   * ```
   */
  // deno-lint-ignore require-await -- async so that every failure is a rejection, as in v2
  async genUserSig(
    userId: string,
    expire: number = DEFAULT_EXPIRE,
    options?: LegacySignOptions,
  ): Promise<string> {
    return this.#issue(userId, expire, undefined, options);
  }

  /**
   * Issues a v1 ticket carrying application-defined bytes (`TLS.userbuf`),
   * covered by the signature.
   *
   * @param userId The UserID: 1 to 32 printable ASCII characters (Tencent refuses others: 7003).
   * @param expire Validity in seconds.
   * @param userBuf The bytes to carry, at most 8192.
   * @param options `now`, `accountType`, `appIdAt3rd`.
   * @returns The ticket.
   * @throws {TypeError} For an argument of the wrong type, or when this
   * instance has no private key.
   * @throws {RangeError} For an argument out of range.
   *
   * @example Carrying three bytes
   * ```ts
   * import { TLSSigAPI } from "@usersig/usersig/legacy";
   *
   * const privateKey = `-----BEGIN EC PRIVATE KEY-----
   * MHQCAQEEIEJDBDY4KVdj3dPBacADreB772ok45A57YWrUUvc5fMQoAcGBSuBBAAK
   * oUQDQgAEaPVFHhWqRDnKnVlyU5JIzXOUyOJd/pPUwhLUovf+PYBm7otRBptnvJ4E
   * oJ4qeSJNG0v4XdiqM3mtChkhUEFT3Q==
   * -----END EC PRIVATE KEY-----`;
   * const api = new TLSSigAPI(1400001052, { privateKey });
   * const bytes = new TextEncoder().encode("abc");
   * const ticket = await api.genUserSigWithUserBuf("alice", 600, bytes);
   * const claims = await api.verifyUserSig(ticket, "alice", { userBuf: bytes });
   * console.assert(claims.userBuf?.length === 3 && claims.appIdAt3rd === "0");
   * ```
   */
  // deno-lint-ignore require-await -- async so that every failure is a rejection, as in v2
  async genUserSigWithUserBuf(
    userId: string,
    expire: number,
    userBuf: Uint8Array,
    options?: LegacySignOptions,
  ): Promise<string> {
    return this.#issue(userId, expire, userBuf, options);
  }

  /**
   * Checks a v1 ticket for this application and user: ECDSA signature,
   * validity period, and userbuf policy, with the same options and error
   * codes as `TLSSigAPIv2.verifyUserSig`. The signature is checked
   * before time and userbuf, so those errors only speak of authentic
   * tickets. A v2 ticket fails with `ERR_USERSIG_UNSUPPORTED_VERSION`.
   *
   * @param userSig The ticket.
   * @param userId The user it must be for.
   * @param options The clock, the clock skew, and the userbuf policy.
   * @returns The ticket's claims.
   * @throws {UserSigError} With the `code` of the first check that fails.
   * @throws {TypeError} For an argument or option of the wrong type.
   * @throws {RangeError} For an option out of range (`now`, `clockSkew`).
   *
   * @example Checking a ticket from Tencent's own v1 test suite
   * ```ts
   * import { TLSSigAPI } from "@usersig/usersig/legacy";
   *
   * const api = new TLSSigAPI(1400001052, {
   *   publicKey: "MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEaPVFHhWqRDnKnVlyU5JIzXOUyOJd/pPUwhLUovf+" +
   *     "PYBm7otRBptnvJ4EoJ4qeSJNG0v4XdiqM3mtChkhUEFT3Q==",
   * });
   * const userSig = "eAFNjlFvgjAUhf9LX1lGbxFZl-iwWGcUt8jQsflCOlpdJwKBguiy-24lmOw8ft89J-cXrRbhPU" +
   *   "*SvM50rE*FRI8Io7sOKyEzrbZKlgbyr6THvCiUiLmOnVL8u67EPu6UYTDAJoBd0ndkW6hSxnyruzF6S68bWVY" +
   *   "qz0yTYHjADnGu-V5qdbh*BS4BSgHobbNSO4NfJuvxLGCrd8Ws*ZPX*lEz9vYhnZwHDXx6wfLNXnrpccqzj5bZ" +
   *   "6Tk8znbR9w-Poa3hdQgsPwQMnjV2N-bGF9O5X5M0stbEWqhhHYzQ3wVIlVX1";
   * const claims = await api.verifyUserSig(userSig, "abc", { now: 1521991192 });
   * console.assert(claims.accountType === "0" && claims.expire === 999999999);
   * ```
   */
  // deno-lint-ignore require-await -- async so that every failure is a rejection, as in v2
  async verifyUserSig(
    userSig: string,
    userId: string,
    options: VerifyOptions = {},
  ): Promise<LegacyUserSigClaims> {
    if (typeof userId !== "string") throw new TypeError("userId must be a string");
    const expected = userBufOption(options?.userBuf);
    const now = unixSeconds(options?.now);
    const skew = checkClockSkew(options?.clockSkew);
    const { document } = readTicket(userSig);
    if (formatOf(document) === "v2") {
      reject(
        "ERR_USERSIG_UNSUPPORTED_VERSION",
        "this is a v2 (HMAC-SHA256) ticket; verify it with TLSSigAPIv2 from the main entry point",
      );
    }
    const f = readV1(document);
    const der = checkAddressee(f, this.sdkAppId, userId);
    const signature = signatureFromDer(der);
    if (signature === null) {
      reject("ERR_USERSIG_SIGNATURE_INVALID", "TLS.sig is not a DER ECDSA signature");
    }
    const content = signedContentV1({
      appIdAt3rd: f.appIdAt3rd,
      accountType: f.accountType,
      userId: f.userId,
      sdkAppId: f.raw.sdkAppId,
      time: f.raw.time,
      expire: f.raw.expire,
      userBufBase64: f.userBufBase64,
    });
    if (!this.#verify(signature, utf8(content))) {
      reject("ERR_USERSIG_SIGNATURE_INVALID", "signature does not match this key");
    }
    const expiresAt = checkValidity(f.time, f.expire, now, skew);
    const actual = f.userBuf;
    checkUserBufPolicy(expected, actual);
    const claims: LegacyUserSigClaims = {
      version: f.version,
      userId: f.userId,
      sdkAppId: f.sdkAppId,
      time: f.time,
      expire: f.expire,
      expiresAt,
      accountType: f.accountType,
    };
    if (f.appIdAt3rd !== undefined) claims.appIdAt3rd = f.appIdAt3rd;
    if (actual !== undefined) claims.userBuf = actual;
    return claims;
  }

  #verify(signature: Uint8Array, message: Uint8Array): boolean {
    try {
      // prehash: the curve code hashes the message with SHA-256. lowS off:
      // OpenSSL, which wrote most v1 tickets, does not normalise s.
      return this.#ecdsa.verify(signature, message, this.#publicKey, {
        prehash: true,
        lowS: false,
        format: "compact",
      });
    } catch {
      return false;
    }
  }

  // deno-lint-ignore require-await -- async so that every failure is a rejection, as in v2
  async #issue(
    userId: string,
    expire: number,
    userBuf: Uint8Array | undefined,
    options: LegacySignOptions | undefined,
  ): Promise<string> {
    const time = unixSeconds(options?.now);
    checkUserId(userId);
    checkExpire(expire, time);
    if (userBuf !== undefined) checkUserBuf(userBuf);
    const accountType = decimalOption("options.accountType", options?.accountType) ?? "0";
    const appIdAt3rd = decimalOption("options.appIdAt3rd", options?.appIdAt3rd) ?? "0";
    if (this.#secretKey === undefined) {
      throw new TypeError("this TLSSigAPI has no privateKey; pass one to issue tickets");
    }
    const content: V1Content = {
      appIdAt3rd,
      accountType,
      userId,
      sdkAppId: String(this.sdkAppId),
      time: String(time),
      expire: String(expire),
      userBufBase64: userBuf === undefined ? undefined : encodeBase64(userBuf),
    };
    const compact = this.#ecdsa.sign(utf8(signedContentV1(content)), this.#secretKey, {
      prehash: true,
      lowS: true,
      format: "compact",
    });
    return writeTicketV1(content, encodeBase64(signatureToDer(compact)));
  }
}
