// This module is browser compatible.

/**
 * Legacy v1 tickets (ECDSA-SHA256) for Tencent Cloud IM / TRTC applications
 * created before 2019-07-19 that still sign with the console's key pair
 * (secp256k1 or P-256). New applications, and old ones that switched to a
 * secret key, use `TLSSigAPIv2` from the main entry (`@usersig/usersig`)
 * instead.
 *
 * This entry depends on `@noble/curves` (Web Crypto has no secp256k1); the
 * main entry has no dependency at all.
 *
 * @example Check a ticket with the public key from the console
 * ```ts
 * import { TLSSigAPI } from "@usersig/usersig/legacy";
 *
 * const publicKey = `-----BEGIN PUBLIC KEY-----
 * MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAEaPVFHhWqRDnKnVlyU5JIzXOUyOJd/pPU
 * whLUovf+PYBm7otRBptnvJ4EoJ4qeSJNG0v4XdiqM3mtChkhUEFT3Q==
 * -----END PUBLIC KEY-----`;
 * const api = new TLSSigAPI(1400001052, { publicKey });
 * const userSig = "eAFNjlFvgjAUhf9LX1lGbxFZl-iwWGcUt8jQsflCOlpdJwKBguiy-24lmOw8ft89J-cXrRbhPU" +
 *   "*SvM50rE*FRI8Io7sOKyEzrbZKlgbyr6THvCiUiLmOnVL8u67EPu6UYTDAJoBd0ndkW6hSxnyruzF6S68bWVY" +
 *   "qz0yTYHjADnGu-V5qdbh*BS4BSgHobbNSO4NfJuvxLGCrd8Ws*ZPX*lEz9vYhnZwHDXx6wfLNXnrpccqzj5bZ" +
 *   "6Tk8znbR9w-Poa3hdQgsPwQMnjV2N-bGF9O5X5M0stbEWqhhHYzQ3wVIlVX1";
 * const claims = await api.verifyUserSig(userSig, "abc", { now: new Date("2018-03-26T00:00:00Z") });
 * console.log(claims.userId, new Date(claims.expiresAt * 1000));
 * ```
 *
 * @module
 */

export {
  type LegacyKeys,
  type LegacySignOptions,
  type LegacyUserSigClaims,
  TLSSigAPI,
} from "./src/legacy/tls_sig_api.ts";
export type { LegacyCurve } from "./src/legacy/curves.ts";
export type { VerifyOptions } from "./src/tls_sig_api_v2.ts";
export { UserSigError, type UserSigErrorCode } from "./src/errors.ts";
