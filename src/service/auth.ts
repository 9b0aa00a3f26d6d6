// Authenticating callers by a bearer JWT: HS256 with a shared secret
// (checked here with Web Crypto against the key imported once), RS256/ES256
// with the keys of a JWKS (checked with jose). The claims are checked here
// for every algorithm (jwt.ts). The UserID is what the verified token says:
// its `sub`, another claim, or a mapping of the claims.
import { compactVerify, errors } from "jose";
import type { JWTVerifyGetKey } from "jose";
import { utf8View } from "../validate.ts";
import { ServiceError, unauthorized as refuse } from "./errors.ts";
import { checkJwksUrl, KeysUnavailable, localKeySet, remoteKeySet } from "./jwks.ts";
import { base64url, checkClaims, type ClaimRules, decodeJwt, normalizeType } from "./jwt.ts";

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
  /** A JWKS document (`{"keys": [...]}`, public keys only) given directly, for RS256/ES256 tokens. */
  jwks?: { keys: (JsonWebKey & { kid?: string })[] };
  /** The `iss` every token must carry. */
  issuer?: string;
  /**
   * Who every token must be for: the value its `aud` must hold (or its
   * `audienceClaim`). Required with `jwksUrl`.
   */
  audience?: string;
  /**
   * The claim that must hold `audience`. Default: `"aud"`. For tokens that
   * name their audience elsewhere: `"client_id"` (Cognito access tokens),
   * `"azp"` (Clerk session tokens). It must be a string equal to the
   * audience, or a list that holds it.
   */
  audienceClaim?: string;
  /**
   * The `typ` header every token must carry, e.g. `"at+jwt"` (compared as
   * media types: case-insensitive, `application/` optional). Default: any.
   */
  type?: string;
  /** Seconds of clock difference tolerated for `exp`, `nbf` and `iat`. Default: 30. */
  clockTolerance?: number;
  /**
   * The longest a token may be used, in seconds: its `exp` may lie at most
   * this far ahead, and its `iat`, when it has one, at most this far back.
   * Default: 86400 (one day); at most a year.
   */
  maxTokenAge?: number;
  /**
   * Where the UserID comes from: the name of a claim that holds it as a
   * string (default `"sub"`; the claim is then required), or a function of
   * the verified claims, such as `(claims) => uuidUserId(claims.sub)`.
   */
  userId?: string | UserIdMapping;
  /**
   * Accept a `jwksUrl` of plain `http://` on loopback (127.0.0.1,
   * localhost, [::1]): for tests, whose key server has no certificate.
   * Default: false, https only.
   */
  allowLoopbackHttp?: boolean;
}

const ASYMMETRIC = ["RS256", "ES256"];
const MAX_TOKEN_LENGTH = 8192;
/** The default of `maxTokenAge`: one day. */
export const DEFAULT_MAX_TOKEN_AGE = 86400;
/** The longest `maxTokenAge` accepted: a year. */
export const MAX_MAX_TOKEN_AGE = 31536000;
const encoder = new TextEncoder();

/** A refusal for what jose says about an RS256/ES256 token's signature. */
function joseRefusal(error: unknown): ServiceError {
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
 * and returns the UserID the verified token names: its `sub`, the claim
 * `userId` names, or what the `userId` function makes of the claims. HS256
 * tokens are checked with `secret` (imported once as a key); RS256 and
 * ES256 tokens with `jwksUrl` (fetched and cached per isolate) or `jwks`.
 * Every other algorithm, `none` included, is refused, and so is a token
 * with a `crit` header, without `exp`, with a time claim that is not a
 * finite number, that expired, is not valid yet, was issued in the future
 * or lives longer than `maxTokenAge` (default: a day), or with the wrong
 * `typ`, `iss` or audience when those are configured.
 *
 * @param options The secret and/or keys, issuer, audience, type, clock
 * tolerance, maximum age and where the UserID comes from.
 * @returns The hook for `createUserSigHandler`.
 * @throws {TypeError} When no key is given, both `jwksUrl` and `jwks` are,
 * `jwksUrl` is not an https URL (plain http on loopback needs
 * `allowLoopbackHttp`) or comes without `audience`, `jwks` holds a private
 * key, or `userId`, `audienceClaim` or `type` is not what it must be.
 * @throws {RangeError} For a secret under 32 bytes, or a clock tolerance
 * or maximum age out of range.
 *
 * @example Accept HS256 tokens from your login server
 * ```ts
 * import { jwtAuthenticator, ServiceError } from "@usersig/usersig/service";
 *
 * const authenticate = jwtAuthenticator({
 *   secret: "demo-only-jwt-secret-of-at-least-32-bytes",
 *   issuer: "https://login.example.com",
 *   audience: "usersig", // refuse the login server's other tokens (refresh, password reset)
 * });
 * const refusal = await authenticate(new Request("http://localhost/usersig")).catch((e: unknown) => e);
 * console.assert(refusal instanceof ServiceError && refusal.code === "ERR_AUTH_MISSING");
 * ```
 *
 * @example Cognito access tokens: the audience is in client_id, the UserID a UUID
 * ```ts
 * import { jwtAuthenticator, uuidUserId } from "@usersig/usersig/service";
 *
 * const authenticate = jwtAuthenticator({
 *   jwksUrl: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI/.well-known/jwks.json",
 *   issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI",
 *   audience: "1example23456789abcdefghij", // the app client id
 *   audienceClaim: "client_id",
 *   userId: (claims) => uuidUserId(claims.sub),
 * });
 * console.assert(typeof authenticate === "function");
 * ```
 */
export function jwtAuthenticator(options: JwtAuthOptions): Authenticate {
  const {
    secret,
    jwksUrl,
    jwks,
    issuer,
    audience,
    audienceClaim = "aud",
    type,
    clockTolerance = 30,
    maxTokenAge = DEFAULT_MAX_TOKEN_AGE,
    userId = "sub",
    allowLoopbackHttp = false,
  } = options;
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
  for (const [name, value] of [["audienceClaim", audienceClaim], ["type", type]] as const) {
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new TypeError(`options.${name} must be a non-empty string`);
    }
  }
  if (!Number.isInteger(clockTolerance) || clockTolerance < 0 || clockTolerance > 300) {
    throw new RangeError("options.clockTolerance must be an integer from 0 to 300 seconds");
  }
  if (!Number.isInteger(maxTokenAge) || maxTokenAge < 60 || maxTokenAge > MAX_MAX_TOKEN_AGE) {
    throw new RangeError(
      `options.maxTokenAge must be an integer from 60 to ${MAX_MAX_TOKEN_AGE} seconds`,
    );
  }
  if (!(typeof userId === "function" || (typeof userId === "string" && userId !== ""))) {
    throw new TypeError("options.userId must be a claim name or a function of the claims");
  }
  // The HS256 key is imported once; every token is checked against it.
  let hmacKey: Promise<CryptoKey> | undefined;
  let imported: CryptoKey | undefined;
  if (secret !== undefined) {
    const bytes = encoder.encode(secret);
    if (bytes.length < 32) throw new RangeError("options.secret must be at least 32 bytes");
    hmacKey = crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, [
      "verify",
    ]);
    hmacKey.then((key) => (imported = key), () => {});
  }
  const keys: JWTVerifyGetKey | undefined = jwksUrl !== undefined
    ? remoteKeySet(checkJwksUrl(jwksUrl, allowLoopbackHttp, "options.jwksUrl"))
    : jwks !== undefined
    ? localKeySet(jwks)
    : undefined;
  const rules: ClaimRules = { audienceClaim, clockTolerance, maxTokenAge };
  if (issuer !== undefined) rules.issuer = issuer;
  if (audience !== undefined) rules.audience = audience;
  if (type !== undefined) rules.type = normalizeType(type);
  if (typeof userId === "string") rules.required = userId;

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
    const jwt = decodeJwt(token);
    const alg = jwt.header.alg;
    if (alg === "HS256" && hmacKey !== undefined) {
      const signature = base64url(jwt.signature);
      if (signature === null) {
        throw refuse("ERR_AUTH_TOKEN_INVALID", "the token's signature is not base64url");
      }
      const key = imported ?? await hmacKey;
      // utf8View's bytes are overwritten by the next call: verify copies them at once.
      const good = await crypto.subtle.verify("HMAC", key, signature, utf8View(jwt.signingInput));
      if (!good) {
        throw refuse("ERR_AUTH_SIGNATURE_INVALID", "the token's signature does not verify");
      }
    } else if (typeof alg === "string" && ASYMMETRIC.includes(alg) && keys !== undefined) {
      try {
        await compactVerify(token, keys, { algorithms: ASYMMETRIC });
      } catch (error) {
        throw joseRefusal(error);
      }
    } else {
      throw refuse("ERR_AUTH_ALGORITHM_REJECTED", "the token's signing algorithm is not accepted");
    }
    checkClaims(jwt, rules, Date.now() / 1000);
    if (typeof userId === "function") return await userId(jwt.claims);
    const id = jwt.claims[userId];
    if (typeof id !== "string") {
      throw refuse("ERR_AUTH_TOKEN_INVALID", `the token's "${userId}" claim must be a string`);
    }
    return id;
  };
}
