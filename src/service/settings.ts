// The service's settings, read from environment variables (a Worker's env,
// Deno.env, process.env). A missing or bad setting is a ServiceConfigError
// that names the variable and never echoes its value.
import { U32_MAX } from "../validate.ts";
import type { JwtAuthOptions } from "./auth.ts";
import { checkBasePath } from "./routes.ts";

/** What the ticket handler needs to know about the application. */
export interface ServiceSettings {
  /** The application's SDKAppID from the Tencent Cloud console. */
  sdkAppId: number;
  /** The application's secret key (or an HMAC SHA-256 `CryptoKey` of it). */
  secretKey: string | CryptoKey;
  /** Validity of an issued UserSig, in seconds. Default: 86400 (one day). */
  userSigExpire?: number;
  /** Validity of an issued PrivateMapKey, in seconds. Default: 300. */
  privateMapKeyExpire?: number;
  /** Origins (`https://app.example.com`) that browsers may call from. Default: none. */
  allowedOrigins?: readonly string[];
  /** The largest request body accepted, in bytes. Default: 4096. */
  maxBodyBytes?: number;
  /**
   * Where the routes live: `"/api/im"` serves `/api/im/usersig`,
   * `/api/im/privatemapkey` and `/api/im/healthz`. Default: `""`, the root.
   * It starts with `/` and does not end with one; its segments hold letters,
   * digits, `-`, `.`, `_` and `~` only. Paths match exactly, case included,
   * and are never percent-decoded; every other path is a `404`.
   */
  basePath?: string;
}

/** Settings read by {@link fromEnv}: the handler's, and the JWT checks'. */
export interface EnvSettings extends ServiceSettings {
  /** How callers' bearer tokens are checked; give it to `jwtAuthenticator`. */
  auth: JwtAuthOptions;
}

/** Environment variables by name, as a Worker's `env` or `Deno.env.toObject()` holds them. */
export type ServiceEnv = Readonly<Record<string, unknown>>;

/**
 * A setting is missing or invalid. `setting` names the environment variable;
 * the message says what it must be and never repeats its value.
 *
 * @example Naming the setting to fix
 * ```ts
 * import { fromEnv, ServiceConfigError } from "@usersig/usersig/service";
 *
 * try {
 *   fromEnv({ SDK_APP_ID: "1400000000" });
 * } catch (error) {
 *   if (!(error instanceof ServiceConfigError)) throw error;
 *   console.assert(error.setting === "SECRET_KEY"); // fix: wrangler secret put SECRET_KEY
 * }
 * ```
 */
export class ServiceConfigError extends Error {
  /** The environment variable to fix, e.g. `SECRET_KEY`. */
  readonly setting: string;

  /**
   * Creates the error.
   *
   * @param setting The environment variable to fix.
   * @param message What it must be; never its value.
   *
   * @example Reporting a setting your own code reads
   * ```ts
   * import { ServiceConfigError } from "@usersig/usersig/service";
   *
   * const error = new ServiceConfigError("ROOM_LIMIT", "ROOM_LIMIT must be an integer");
   * console.assert(error.name === "ServiceConfigError" && error.setting === "ROOM_LIMIT");
   * ```
   */
  constructor(setting: string, message: string) {
    super(message);
    this.name = "ServiceConfigError";
    this.setting = setting;
  }
}

/** The default validity of a UserSig issued by the service: one day. */
export const DEFAULT_USERSIG_EXPIRE = 86400;
/** The default validity of a PrivateMapKey issued by the service: five minutes. */
export const DEFAULT_PRIVATEMAPKEY_EXPIRE = 300;
/**
 * The longest validity the service issues, in seconds: ten years (of 365
 * days). A ticket's issue time plus its validity must fit in 32 bits
 * (≤ 4294967295, in 2106), so an unbounded setting would fail every request.
 */
export const MAX_SERVICE_EXPIRE = 315360000;
/** The shortest HS256 secret accepted: 256 bits, as RFC 7518 requires. */
export const MIN_JWT_SECRET_BYTES = 32;

function text(env: ServiceEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" && typeof value !== "number") {
    throw new ServiceConfigError(name, `${name} must be text`);
  }
  const trimmed = String(value).trim();
  return trimmed === "" ? undefined : trimmed;
}

/**
 * The integer environment variable `name`, from 1 to `max`: `fallback` when
 * unset, else a ServiceConfigError saying it must be `what`. (Unlike the
 * core's `integer()`, it parses text and reports the setting, not its value.)
 */
function envInteger(
  env: ServiceEnv,
  name: string,
  fallback: number | undefined,
  max: number,
  what: string,
): number {
  const raw = text(env, name);
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new ServiceConfigError(name, `${name} is not set; it must be ${what}`);
  }
  const n = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= max)) {
    throw new ServiceConfigError(name, `${name} must be ${what}`);
  }
  return n;
}

function jwksUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ServiceConfigError("AUTH_JWKS_URL", "AUTH_JWKS_URL must be an absolute URL");
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new ServiceConfigError(
      "AUTH_JWKS_URL",
      "AUTH_JWKS_URL must be an https URL (plain http only on loopback, for tests)",
    );
  }
  return url.href;
}

function basePath(raw: string | undefined): string {
  try {
    return checkBasePath(raw ?? "", "BASE_PATH");
  } catch (error) {
    throw new ServiceConfigError("BASE_PATH", (error as Error).message);
  }
}

function origins(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  return raw.split(",").map((part) => part.trim()).filter((part) => part !== "").map((origin) => {
    let parsed: string | undefined;
    try {
      parsed = new URL(origin).origin;
    } catch { /* reported below */ }
    if (parsed !== origin) {
      throw new ServiceConfigError(
        "ALLOWED_ORIGINS",
        "ALLOWED_ORIGINS must be comma-separated origins such as https://app.example.com (scheme, host, optional port; no path or trailing slash)",
      );
    }
    return origin;
  });
}

/**
 * Reads the service's settings from environment variables: `SDK_APP_ID`,
 * `SECRET_KEY`, `AUTH_JWT_SECRET` and/or `AUTH_JWKS_URL` (which requires
 * `AUTH_JWT_AUDIENCE`), and the optional `AUTH_JWT_ISSUER`,
 * `AUTH_JWT_AUDIENCE`, `AUTH_USER_ID_CLAIM` (default `sub`),
 * `USERSIG_EXPIRE` and `PRIVATEMAPKEY_EXPIRE` (each at most ten years),
 * `ALLOWED_ORIGINS` and `BASE_PATH` (default: the root).
 *
 * @param env The variables: a Worker's `env`, `Deno.env.toObject()`, `process.env`.
 * @returns The settings for `createUserSigHandler`, with `auth` for `jwtAuthenticator`.
 * @throws {ServiceConfigError} Naming the first setting that is missing or invalid.
 *
 * @example Settings for a service that accepts HS256 tokens
 * ```ts
 * import { fromEnv } from "@usersig/usersig/service";
 *
 * const settings = fromEnv({
 *   SDK_APP_ID: "1400000000",
 *   SECRET_KEY: "demo-only-secret-key",
 *   AUTH_JWT_SECRET: "demo-only-jwt-secret-of-at-least-32-bytes",
 *   ALLOWED_ORIGINS: "http://localhost:5173",
 * });
 * console.assert(settings.sdkAppId === 1400000000 && settings.userSigExpire === 86400);
 * ```
 */
export function fromEnv(env: ServiceEnv): EnvSettings {
  const sdkAppId = envInteger(
    env,
    "SDK_APP_ID",
    undefined,
    U32_MAX,
    `the application's SDKAppID, an integer from 1 to ${U32_MAX}`,
  );
  const secretKey = text(env, "SECRET_KEY");
  if (secretKey === undefined) {
    throw new ServiceConfigError(
      "SECRET_KEY",
      "SECRET_KEY is not set; store the console's key with `wrangler secret put SECRET_KEY`",
    );
  }
  const secret = text(env, "AUTH_JWT_SECRET");
  const jwks = text(env, "AUTH_JWKS_URL");
  if (secret === undefined && jwks === undefined) {
    throw new ServiceConfigError(
      "AUTH_JWT_SECRET",
      "neither AUTH_JWT_SECRET (HS256) nor AUTH_JWKS_URL (RS256/ES256) is set; callers cannot be authenticated",
    );
  }
  if (secret !== undefined && new TextEncoder().encode(secret).length < MIN_JWT_SECRET_BYTES) {
    throw new ServiceConfigError(
      "AUTH_JWT_SECRET",
      `AUTH_JWT_SECRET must be at least ${MIN_JWT_SECRET_BYTES} bytes for HS256`,
    );
  }
  const auth: JwtAuthOptions = {};
  if (secret !== undefined) auth.secret = secret;
  if (jwks !== undefined) auth.jwksUrl = jwksUrl(jwks);
  const issuer = text(env, "AUTH_JWT_ISSUER");
  const audience = text(env, "AUTH_JWT_AUDIENCE");
  if (issuer !== undefined) auth.issuer = issuer;
  if (audience !== undefined) auth.audience = audience;
  const userIdClaim = text(env, "AUTH_USER_ID_CLAIM");
  if (userIdClaim !== undefined) auth.userId = userIdClaim;
  if (jwks !== undefined && audience === undefined) {
    throw new ServiceConfigError(
      "AUTH_JWT_AUDIENCE",
      "AUTH_JWT_AUDIENCE must be set with AUTH_JWKS_URL: without it, a token the identity provider issued for any other application would be accepted",
    );
  }
  const expire = `seconds, an integer from 1 to ${MAX_SERVICE_EXPIRE} (ten years)`;
  return {
    sdkAppId,
    secretKey,
    userSigExpire: envInteger(
      env,
      "USERSIG_EXPIRE",
      DEFAULT_USERSIG_EXPIRE,
      MAX_SERVICE_EXPIRE,
      expire,
    ),
    privateMapKeyExpire: envInteger(
      env,
      "PRIVATEMAPKEY_EXPIRE",
      DEFAULT_PRIVATEMAPKEY_EXPIRE,
      MAX_SERVICE_EXPIRE,
      expire,
    ),
    allowedOrigins: origins(text(env, "ALLOWED_ORIGINS")),
    basePath: basePath(text(env, "BASE_PATH")),
    auth,
  };
}
