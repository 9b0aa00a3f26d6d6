// The identity provider's keys, from a JWKS URL (jose fetches it and keeps
// it for ten minutes per isolate) or given directly. A key set that cannot
// be fetched or used is the service's problem (503), not the caller's; one
// that was unusable is fetched again as soon as jose's 30-second cooldown
// allows, so that a provider's fix is seen within seconds, not minutes.
import { createLocalJWKSet, createRemoteJWKSet, errors } from "jose";
import type { JSONWebKeySet, JWTVerifyGetKey } from "jose";

/** The key set could not be fetched or used. */
export class KeysUnavailable extends Error {}

/** A key set as `jwtAuthenticator` takes it. */
export interface JsonWebKeySet {
  keys: (JsonWebKey & { kid?: string })[];
}

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"];
const remoteKeySets = new Map<string, JWTVerifyGetKey>();

/**
 * Checks a JWKS URL: https, or plain http on loopback only when
 * `allowLoopbackHttp` (for tests, whose key server has no certificate).
 * Returns it normalised; throws a TypeError saying what it must be.
 */
export function checkJwksUrl(value: string, allowLoopbackHttp: boolean, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} must be an absolute https URL`);
  }
  if (url.protocol === "https:") return url.href;
  if (url.protocol === "http:" && LOOPBACK.includes(url.hostname)) {
    if (allowLoopbackHttp) return url.href;
    throw new TypeError(
      `${name} must be an https URL; plain http on loopback needs the explicit test opt-in`,
    );
  }
  throw new TypeError(`${name} must be an https URL`);
}

/** The keys of a JWKS URL, one fetcher per URL and isolate. */
export function remoteKeySet(url: string): JWTVerifyGetKey {
  let keys = remoteKeySets.get(url);
  if (keys === undefined) {
    const remote = createRemoteJWKSet(new URL(url), {
      timeoutDuration: 5000,
      cooldownDuration: 30_000,
    });
    const unavailable = (cause: unknown) =>
      new KeysUnavailable("the JWKS could not be fetched or used", { cause });
    keys = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey) throw error;
        if (error instanceof errors.JWKSMultipleMatchingKeys) throw error;
        // Fetched but unusable (a private key in it, a key that does not
        // import): jose would keep it ten minutes. Fetch it again, once the
        // cooldown since the last fetch is over.
        if (remote.fresh && !remote.coolingDown) {
          try {
            await remote.reload();
            return await remote(header, token);
          } catch (again) {
            if (again instanceof errors.JWKSNoMatchingKey) throw again;
            throw unavailable(again);
          }
        }
        throw unavailable(error);
      }
    };
    remoteKeySets.set(url, keys);
  }
  return keys;
}

/**
 * The keys of a JWKS given directly. Throws a TypeError for a set that is
 * not `{"keys": [...]}` or that holds a private key (which would let anyone
 * who sees the configuration sign tokens).
 */
export function localKeySet(jwks: JsonWebKeySet): JWTVerifyGetKey {
  if (typeof jwks !== "object" || jwks === null || !Array.isArray(jwks.keys)) {
    throw new TypeError('options.jwks must be a JWKS: {"keys": [...]}');
  }
  for (const key of jwks.keys) {
    if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(key, member))) {
      throw new TypeError("options.jwks must hold public keys only");
    }
  }
  return createLocalJWKSet(jwks as JSONWebKeySet);
}
