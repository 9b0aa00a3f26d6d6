// A compact JWT's parts and claims, checked strictly: canonical base64url,
// strict UTF-8, JSON objects, and time claims that are finite numbers within
// bounds. The signature itself is checked by the caller (auth.ts): HS256
// here with Web Crypto against an imported key, RS256/ES256 with jose.
import { unauthorized } from "./errors.ts";

/** A JWT split into its parts, its header and claims decoded but not yet trusted. */
export interface CompactJwt {
  header: Readonly<Record<string, unknown>>;
  claims: Record<string, unknown>;
  /** `header.payload`, the bytes the signature covers (ASCII). */
  signingInput: string;
  /** The signature's base64url text. */
  signature: string;
}

/** What a token's claims and header must satisfy, besides its signature. */
export interface ClaimRules {
  issuer?: string;
  audience?: string;
  /** The claim that must hold `audience`: `aud`, or e.g. `client_id`, `azp`. */
  audienceClaim: string;
  /** The header `typ` required, normalised (lower case, no `application/`). */
  type?: string;
  /** A claim that must be present (the UserID's). */
  required?: string;
  clockTolerance: number;
  maxTokenAge: number;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const NOT_ASCII = /[\x80-\xff]/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
/** The last header decoded: an issuer sends the same few headers again and again. */
let lastHeader: { text: string; value: Readonly<Record<string, unknown>> } | undefined;

function invalid(message: string): never {
  throw unauthorized("ERR_AUTH_TOKEN_INVALID", message);
}

/**
 * The bytes of canonical, unpadded base64url as a binary string (one char
 * a byte), or null. Canonical: the bits after the last byte are zero, so
 * that one byte string has one text. (`atob` decodes; it is native in every
 * runtime, where a loop over the text is not.)
 */
function binary(text: string): string | null {
  if (!BASE64URL.test(text)) return null;
  const rest = text.length % 4;
  if (rest === 1) return null;
  if (rest !== 0 && ALPHABET.indexOf(text[text.length - 1]) & (rest === 2 ? 15 : 3)) return null;
  return atob(text.replaceAll("-", "+").replaceAll("_", "/"));
}

/** Bytes of canonical, unpadded base64url, or null. */
export function base64url(text: string): Uint8Array<ArrayBuffer> | null {
  const bin = binary(text);
  if (bin === null) return null;
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function object(part: string, what: string): Record<string, unknown> {
  const bin = binary(part);
  let value: unknown;
  try {
    if (bin !== null) {
      // JSON text is UTF-8: ASCII as it is, the rest through a strict decoder.
      value = JSON.parse(
        NOT_ASCII.test(bin) ? strictUtf8.decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))) : bin,
      );
    }
  } catch { /* reported below */ }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    invalid(`the token's ${what} is not a base64url JSON object`);
  }
  return value as Record<string, unknown>;
}

function header(part: string): Readonly<Record<string, unknown>> {
  if (lastHeader?.text === part) return lastHeader.value;
  const value = Object.freeze(object(part, "header"));
  if (value.crit !== undefined) invalid("the token has critical header parameters");
  lastHeader = { text: part, value };
  return value;
}

/**
 * Splits a compact JWS and decodes its header and claims. A token with a
 * `crit` header is refused: no extension is understood here.
 */
export function decodeJwt(token: string): CompactJwt {
  const parts = token.split(".");
  if (parts.length !== 3) invalid("the token is not a compact JWT (three dot-separated parts)");
  return {
    header: header(parts[0]),
    claims: object(parts[1], "payload"),
    signingInput: `${parts[0]}.${parts[1]}`,
    signature: parts[2],
  };
}

/** A media type as `typ` compares: lower case, without `application/`. */
export function normalizeType(type: string): string {
  const lower = type.toLowerCase();
  return lower.startsWith("application/") ? lower.slice(12) : lower;
}

/** The NumericDate claim `name`: absent, or a finite number. */
function time(claims: Record<string, unknown>, name: string): number | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    invalid(`the token's "${name}" claim must be a number of seconds`);
  }
  return value;
}

function holds(value: unknown, wanted: string): boolean {
  return value === wanted || (Array.isArray(value) && value.includes(wanted));
}

/**
 * Checks a token's header `typ` and its claims at unix time `now`: `exp`
 * required, in the future and at most `maxTokenAge` ahead; `nbf` and `iat`
 * not in the future; `iat` at most `maxTokenAge` old; the issuer and the
 * audience claim when set; `sub` a string when present. Each rule is given
 * `clockTolerance` seconds. Throws the `401` refusal.
 */
export function checkClaims(jwt: CompactJwt, rules: ClaimRules, now: number): void {
  const { header, claims } = jwt;
  const { clockTolerance: slack, maxTokenAge } = rules;
  if (rules.type !== undefined) {
    if (typeof header.typ !== "string" || normalizeType(header.typ) !== rules.type) {
      invalid('the token\'s "typ" header is not the type this service accepts');
    }
  }
  const exp = time(claims, "exp");
  const nbf = time(claims, "nbf");
  const iat = time(claims, "iat");
  if (exp === undefined) invalid('the token has no "exp" claim');
  if (exp <= now - slack) throw unauthorized("ERR_AUTH_TOKEN_EXPIRED", "the token has expired");
  if (exp > now + maxTokenAge + slack) {
    invalid(`the token's "exp" is more than ${maxTokenAge} seconds ahead: it lives too long`);
  }
  if (nbf !== undefined && nbf > now + slack) {
    throw unauthorized("ERR_AUTH_TOKEN_NOT_YET_VALID", "the token is not valid yet");
  }
  if (iat !== undefined) {
    if (iat > now + slack) {
      throw unauthorized(
        "ERR_AUTH_TOKEN_NOT_YET_VALID",
        "the token was issued in the future (check the clocks)",
      );
    }
    if (iat < now - maxTokenAge - slack) {
      throw unauthorized(
        "ERR_AUTH_TOKEN_EXPIRED",
        `the token was issued more than ${maxTokenAge} seconds ago`,
      );
    }
  }
  if (rules.issuer !== undefined && claims.iss !== rules.issuer) {
    throw unauthorized("ERR_AUTH_ISSUER_MISMATCH", "the token has another issuer");
  }
  if (rules.audience !== undefined && !holds(claims[rules.audienceClaim], rules.audience)) {
    throw unauthorized("ERR_AUTH_AUDIENCE_MISMATCH", "the token is for another audience");
  }
  if (claims.sub !== undefined && typeof claims.sub !== "string") {
    invalid('the token\'s "sub" claim must be a string');
  }
  if (rules.required !== undefined && claims[rules.required] === undefined) {
    invalid(`the token has no "${rules.required}" claim`);
  }
}
