// Authenticating callers by a bearer JWT, with jose: HS256 with a shared
// secret, RS256/ES256 with the keys of a JWKS URL (fetched and cached once
// per isolate). The user id is the verified token's `sub`, nothing else.
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
} from "jose";
import type { JSONWebKeySet, JWTVerifyGetKey, JWTVerifyOptions } from "jose";
import { ServiceError, unauthorized as refuse } from "./errors.ts";

/**
 * Turns a request into the user id it may have tickets for, or refuses it
 * by throwing a {@link ServiceError} (usually `401`).
 */
export type Authenticate = (request: Request) => Promise<string>;

/** A verified token's claims, as a {@link UserIdMapping} sees them. */
export type TokenClaims = Readonly<Record<string, unknown>>;

/**
 * Turns a verified token's claims into the UserID its tickets are for. It
 * may return a promise, and may throw a `ServiceError` to refuse the token.
 * What it returns must be a Tencent UserID, else the service answers
 * `401 ERR_AUTH_SUBJECT_INVALID`.
 */
export type UserIdMapping = (claims: TokenClaims) => string | Promise<string>;

/** How `jwtAuthenticator` checks bearer tokens. Give a secret, keys, or both. */
export interface JwtAuthOptions {
  /** The HS256 shared secret, at least 32 bytes. */
  secret?: string;
  /**
   * A JWKS URL (https) whose keys sign RS256/ES256 tokens; fetched once and
   * cached. Needs `audience`: an identity provider signs tokens for many
   * applications with the same keys.
   */
  jwksUrl?: string;
  /** A JWKS document (`{"keys": [...]}`) given directly, for RS256/ES256 tokens. */
  jwks?: { keys: (JsonWebKey & { kid?: string })[] };
  /** The `iss` every token must carry. */
  issuer?: string;
  /** The `aud` every token must carry. Required with `jwksUrl`. */
  audience?: string;
  /** Seconds of clock difference tolerated for `exp` and `nbf`. Default: 30. */
  clockTolerance?: number;
  /**
   * Where the UserID comes from: the name of a claim that holds it as a
   * string (default `"sub"`; the claim is then required), or a function of
   * the verified claims, such as `(claims) => uuidUserId(claims.sub)`.
   */
  userId?: string | UserIdMapping;
}

const ASYMMETRIC = ["RS256", "ES256"];
const MAX_TOKEN_LENGTH = 8192;
const remoteKeySets = new Map<string, JWTVerifyGetKey>();

/** The key set could not be fetched or read: the service's problem, not the caller's. */
class KeysUnavailable extends Error {}

function remoteKeySet(url: string): JWTVerifyGetKey {
  let keys = remoteKeySets.get(url);
  if (keys === undefined) {
    const remote = createRemoteJWKSet(new URL(url), {
      timeoutDuration: 5000,
      cooldownDuration: 30_000,
    });
    keys = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey) throw error;
        if (error instanceof errors.JWKSMultipleMatchingKeys) throw error;
        throw new KeysUnavailable("the JWKS could not be fetched", { cause: error });
      }
    };
    remoteKeySets.set(url, keys);
  }
  return keys;
}

function reason(error: unknown): ServiceError {
  if (error instanceof errors.JWTExpired) {
    return refuse("ERR_AUTH_TOKEN_EXPIRED", "the token has expired");
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf" || error.claim === "iat") {
      return refuse("ERR_AUTH_TOKEN_NOT_YET_VALID", "the token is not valid yet");
    }
    if (error.claim === "iss") {
      return refuse("ERR_AUTH_ISSUER_MISMATCH", "the token has another issuer");
    }
    if (error.claim === "aud") {
      return refuse("ERR_AUTH_AUDIENCE_MISMATCH", "the token is for another audience");
    }
    return refuse(
      "ERR_AUTH_TOKEN_INVALID",
      `the token's "${error.claim}" claim is missing or invalid`,
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return refuse("ERR_AUTH_SIGNATURE_INVALID", "the token's signature does not verify");
  }
  if (
    error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return refuse("ERR_AUTH_KEY_UNKNOWN", "no single key of the key set matches the token");
  }
  if (error instanceof KeysUnavailable) {
    return new ServiceError(503, "ERR_AUTH_UNAVAILABLE", "the signing keys could not be fetched");
  }
  if (error instanceof errors.JOSEError) {
    return refuse("ERR_AUTH_TOKEN_INVALID", "the token is not a valid JWT");
  }
  throw error;
}

/**
 * Creates an authenticate hook that accepts `Authorization: Bearer <JWT>`
 * and returns the verified token's `sub`. HS256 tokens are checked with
 * `secret`; RS256 and ES256 tokens with `jwksUrl` (cached per isolate) or
 * `jwks`. Every other algorithm, `none` included, is refused, and so is a
 * token without `sub` or `exp`, or with the wrong `iss` or `aud` when those
 * are configured.
 *
 * @param options The secret and/or keys, issuer, audience, clock tolerance.
 * @returns The hook for `createUserSigHandler`.
 * @throws {TypeError} When no key is given, both `jwksUrl` and `jwks` are,
 * `jwksUrl` is not a URL, or `jwksUrl` is given without `audience`.
 * @throws {RangeError} For a secret under 32 bytes or a bad clock tolerance.
 *
 * @example Accept HS256 tokens from your login server
 * ```ts
 * import { jwtAuthenticator, ServiceError } from "@usersig/usersig/service";
 *
 * const authenticate = jwtAuthenticator({
 *   secret: "demo-only-jwt-secret-of-at-least-32-bytes",
 *   issuer: "https://login.example.com",
 * });
 * const refusal = await authenticate(new Request("http://localhost/usersig")).catch((e: unknown) => e);
 * console.assert(refusal instanceof ServiceError && refusal.code === "ERR_AUTH_MISSING");
 * ```
 */
export function jwtAuthenticator(options: JwtAuthOptions): Authenticate {
  const { secret, jwksUrl, jwks, issuer, audience, clockTolerance = 30, userId = "sub" } = options;
  if (secret === undefined && jwksUrl === undefined && jwks === undefined) {
    throw new TypeError("jwtAuthenticator needs options.secret, options.jwksUrl or options.jwks");
  }
  if (jwksUrl !== undefined && jwks !== undefined) {
    throw new TypeError("pass at most one of options.jwksUrl and options.jwks");
  }
  if (jwksUrl !== undefined && (typeof audience !== "string" || audience === "")) {
    throw new TypeError(
      "options.jwksUrl needs options.audience: the identity provider's keys also sign tokens for other applications",
    );
  }
  if (!Number.isInteger(clockTolerance) || clockTolerance < 0 || clockTolerance > 300) {
    throw new RangeError("options.clockTolerance must be an integer from 0 to 300 seconds");
  }
  if (!(typeof userId === "function" || (typeof userId === "string" && userId !== ""))) {
    throw new TypeError("options.userId must be a claim name or a function of the claims");
  }
  let hmacKey: Promise<CryptoKey> | undefined;
  if (secret !== undefined) {
    const bytes = new TextEncoder().encode(secret);
    if (bytes.length < 32) throw new RangeError("options.secret must be at least 32 bytes");
    hmacKey = crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, [
      "verify",
    ]);
    hmacKey.catch(() => {});
  }
  const keys = jwksUrl !== undefined
    ? remoteKeySet(jwksUrl)
    : jwks !== undefined
    ? createLocalJWKSet(jwks as JSONWebKeySet)
    : undefined;
  const claims: JWTVerifyOptions = {
    clockTolerance,
    requiredClaims: typeof userId === "string" ? [userId, "exp"] : ["exp"],
  };
  if (issuer !== undefined) claims.issuer = issuer;
  if (audience !== undefined) claims.audience = audience;

  return async (request: Request): Promise<string> => {
    const header = request.headers.get("authorization");
    if (header === null) {
      throw refuse("ERR_AUTH_MISSING", "send Authorization: Bearer <token>", true);
    }
    const match = /^Bearer +([^\s]+)$/i.exec(header);
    if (match === null || match[1].length > MAX_TOKEN_LENGTH) {
      throw refuse("ERR_AUTH_TOKEN_INVALID", "the Authorization header is not a bearer token");
    }
    const token = match[1];
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw refuse("ERR_AUTH_TOKEN_INVALID", "the token is not a valid JWT");
    }
    let payload;
    try {
      if (alg === "HS256" && hmacKey !== undefined) {
        ({ payload } = await jwtVerify(token, await hmacKey, { ...claims, algorithms: ["HS256"] }));
      } else if (typeof alg === "string" && ASYMMETRIC.includes(alg) && keys !== undefined) {
        ({ payload } = await jwtVerify(token, keys, { ...claims, algorithms: ASYMMETRIC }));
      } else {
        throw refuse(
          "ERR_AUTH_ALGORITHM_REJECTED",
          "the token's signing algorithm is not accepted",
        );
      }
    } catch (error) {
      throw error instanceof ServiceError ? error : reason(error);
    }
    if (typeof userId === "function") return await userId(payload);
    const id = payload[userId];
    if (typeof id !== "string") {
      throw refuse("ERR_AUTH_TOKEN_INVALID", `the token's "${userId}" claim must be a string`);
    }
    return id;
  };
}
