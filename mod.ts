// This module is browser compatible.

/**
 * Issue, verify and decode Tencent Cloud IM / TRTC login tickets — UserSig
 * and the TRTC room ticket PrivateMapKey (format v2, HMAC-SHA256) — with Web
 * Crypto alone. No run-time dependency: the same code runs in Deno,
 * Cloudflare Workers, browsers, Node and Bun.
 *
 * Keep the secret key on a server: a client that holds it can mint tickets
 * for any user.
 *
 * @example Issue a UserSig on your server, check one that comes back
 * ```ts
 * import { TLSSigAPIv2 } from "@usersig/usersig";
 *
 * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
 * const userSig = await api.genUserSig("alice", 86400);
 * const claims = await api.verifyUserSig(userSig, "alice");
 * console.log(claims.userId, new Date(claims.expiresAt * 1000));
 * ```
 *
 * @module
 */

export {
  type PrivateMapKeyClaims,
  type SignOptions,
  TLSSigAPIv2,
  type UserSigClaims,
  type VerifyOptions,
  type VerifyPrivateMapKeyOptions,
} from "./src/tls_sig_api_v2.ts";
export { type DecodedUserSig, decodeUserSig } from "./src/decode.ts";
export { decodePrivateMap, encodePrivateMap, type PrivateMap } from "./src/private_map.ts";
export { parsePrivileges, Privilege, type PrivilegeName, privilegeNames } from "./src/privilege.ts";
export { UserSigError, type UserSigErrorCode } from "./src/errors.ts";
