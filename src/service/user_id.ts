// Mappings from an identity provider's user id to a Tencent UserID. Tencent
// recommends 1 to 32 bytes of letters, digits, "_" and "-"; providers' ids
// are often longer (a UUID has 36 characters, an Auth0 id can have 40) or
// hold other characters ("|"). Each mapping is deterministic, so any server
// of the application can compute the same UserID for the same user.
import { encodeBase64 } from "../base64.ts";
import { isWellFormed } from "../validate.ts";
import { unauthorized } from "./errors.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HASHED_LENGTH = 32;

function notMapped(what: string): never {
  throw unauthorized(
    "ERR_AUTH_SUBJECT_INVALID",
    `the token's user id cannot be mapped to a Tencent UserID: it is not ${what}`,
  );
}

/**
 * Maps a UUID (the `sub` of Supabase and Cognito tokens) to a UserID: its
 * 32 hex digits without the dashes, in lower case. Every UUID maps to a
 * different UserID, and the UUID can be rebuilt from it.
 *
 * @param value The claim that holds the UUID, e.g. `claims.sub`.
 * @returns The UserID: 32 characters of `0-9a-f`.
 * @throws {ServiceError} `401 ERR_AUTH_SUBJECT_INVALID` when `value` is not
 * a UUID (`8-4-4-4-12` hex digits), so that a token without one is refused.
 *
 * @example A Supabase user's UserID
 * ```ts
 * import { jwtAuthenticator, uuidUserId } from "@usersig/usersig/service";
 *
 * console.assert(
 *   uuidUserId("0B4E8C1A-5F2D-4C3B-9A8E-7D6C5B4A3F21") === "0b4e8c1a5f2d4c3b9a8e7d6c5b4a3f21",
 * );
 * const authenticate = jwtAuthenticator({
 *   secret: "demo-only-jwt-secret-of-at-least-32-bytes",
 *   audience: "authenticated",
 *   userId: (claims) => uuidUserId(claims.sub),
 * });
 * console.assert(typeof authenticate === "function");
 * ```
 */
export function uuidUserId(value: unknown): string {
  if (typeof value !== "string" || !UUID.test(value)) notMapped("a UUID");
  return value.replaceAll("-", "").toLowerCase();
}

/**
 * Maps any user id (an Auth0 `sub` such as `google-oauth2|1234…`, a long
 * custom id) to a UserID: the first 32 characters of the base64url SHA-256
 * of its UTF-8 bytes, 192 bits, so different ids do not meet in practice.
 * The original id cannot be read back from it; keep the pair in your
 * database if you need to. Any server can compute the same value, e.g.
 * `printf %s "$sub" | openssl dgst -sha256 -binary | basenc --base64url | cut -c1-32`.
 *
 * @param value The claim that holds the id, e.g. `claims.sub`.
 * @returns A promise of the UserID: 32 characters of `A-Z a-z 0-9 _ -`.
 * @throws {ServiceError} `401 ERR_AUTH_SUBJECT_INVALID` (the promise
 * rejects) when `value` is not a non-empty string, or holds a lone surrogate.
 *
 * @example An Auth0 user's UserID
 * ```ts
 * import { hashedUserId } from "@usersig/usersig/service";
 *
 * const userId = await hashedUserId("google-oauth2|112233445566778899001");
 * console.assert(/^[A-Za-z0-9_-]{32}$/.test(userId));
 * console.assert(userId === await hashedUserId("google-oauth2|112233445566778899001"));
 * ```
 */
export async function hashedUserId(value: unknown): Promise<string> {
  // A lone surrogate has no UTF-8 form: two ids would hash alike.
  if (typeof value !== "string" || value === "" || !isWellFormed(value)) {
    notMapped("a non-empty, well-formed string");
  }
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  const base64 = encodeBase64(new Uint8Array(digest)).slice(0, HASHED_LENGTH);
  return base64.replaceAll("+", "-").replaceAll("/", "_");
}
