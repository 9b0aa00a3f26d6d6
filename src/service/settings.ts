// The service's settings, read from environment variables (a Worker's env,
// Deno.env, process.env). A missing or bad setting is a ServiceConfigError
// that names the variable and never echoes its value.
import { checkUserId, U32_MAX } from "../validate.ts";
import { type JwtAuthOptions, MAX_MAX_TOKEN_AGE } from "./auth.ts";
import { checkJwksUrl } from "./jwks.ts";
import { checkBasePath } from "./routes.ts";
import { hashedUserId, uuidUserId } from "./user_id.ts";

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
  /**
   * The largest request body accepted, in bytes, up to 1 MiB. Default: 4096.
   * A body must also come whole in 4096 chunks and 5 s.
   */
  maxBodyBytes?: number;
  /**
   * Where the routes live: `"/api/im"` serves `/api/im/usersig`,
   * `/api/im/privatemapkey` and `/api/im/healthz`. Default: `""`, the root.
   * It starts with `/` and does not end with one; its segments hold letters,
   * digits, `-`, `.`, `_` and `~` only. Paths match exactly, case included,
   * and are never percent-decoded; every other path is a `404`.
   */
  basePath?: string;
  /**
   * UserIDs that never get a ticket, whatever the token says: the
   * application's administrators (an administrator's UserSig unlocks
   * Tencent's whole REST API) and Tencent's system accounts. Compared
   * exactly, as Tencent compares UserIDs (case-sensitive). Default:
   * {@link DEFAULT_RESERVED_USER_IDS}; a list given replaces it, so list
   * the defaults too.
   */
  reservedUserIds?: readonly string[];
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
/**
 * The UserIDs refused by default: `administrator`, the administrator
 * account the console creates, and `@TIM#SYSTEM`, Tencent's system account.
 *
 * @example Keep the defaults and add your own administrators
 * ```ts
 * import { createUserSigHandler, DEFAULT_RESERVED_USER_IDS } from "@usersig/usersig/service";
 *
 * const handler = createUserSigHandler(
 *   {
 *     sdkAppId: 1400000000,
 *     secretKey: "demo-only-secret-key",
 *     reservedUserIds: [...DEFAULT_RESERVED_USER_IDS, "ops_admin"],
 *   },
 *   { authenticate: () => Promise.resolve("ops_admin") },
 * );
 * const response = await handler(new Request("http://localhost/usersig", { method: "POST" }));
 * console.assert(response.status === 403);
 * ```
 */
export const DEFAULT_RESERVED_USER_IDS: readonly string[] = Object.freeze([
  "administrator",
  "@TIM#SYSTEM",
]);

/**
 * Checks a list of reserved UserIDs: each must be a UserID (a list entry
 * that could never be one would hide a typo).
 */
export function checkReservedUserIds(value: unknown): string[] {
  if (!Array.isArray(value)) throw new TypeError("settings.reservedUserIds must be an array");
  return value.map((id, i) => checkUserId(id, `settings.reservedUserIds[${i}]`));
}

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
 * The integer environment variable `name`, from `min` to `max`: `fallback`
 * when unset, else a ServiceConfigError saying it must be `what`. (Unlike
 * the core's `integer()`, it parses text and reports the setting, not its
 * value.)
 */
function envInteger(
  env: ServiceEnv,
  name: string,
  fallback: number | undefined,
  [min, max]: [number, number],
  what: string,
): number {
  const raw = text(env, name);
  if (raw === undefined) {
    if (fallback !== undefined) return fallback;
    throw new ServiceConfigError(name, `${name} is not set; it must be ${what}`);
  }
  const n = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) {
    throw new ServiceConfigError(name, `${name} must be ${what}`);
  }
  return n;
}

function jwksUrl(raw: string, allowLoopbackHttp: boolean): string {
  try {
    return checkJwksUrl(raw, allowLoopbackHttp, "AUTH_JWKS_URL");
  } catch (error) {
    throw new ServiceConfigError(
      "AUTH_JWKS_URL",
      `${(error as Error).message}${
        allowLoopbackHttp ? "" : " (AUTH_JWKS_ALLOW_LOOPBACK_HTTP=true for tests)"
      }`,
    );
  }
}

/** The mappings AUTH_USER_ID_MAPPING names. */
const MAPPINGS: Record<string, (value: unknown) => string | Promise<string>> = {
  uuid: uuidUserId,
  hash: hashedUserId,
};

function flag(env: ServiceEnv, name: string): boolean {
  const raw = text(env, name);
  if (raw === undefined || raw === "false") return false;
  if (raw === "true") return true;
  throw new ServiceConfigError(name, `${name} must be true or false`);
}

function basePath(raw: string | undefined): string {
  try {
    return checkBasePath(raw ?? "", "BASE_PATH");
  } catch (error) {
    throw new ServiceConfigError("BASE_PATH", (error as Error).message);
  }
}

function reservedUserIds(raw: string | undefined): readonly string[] {
  if (raw === undefined) return DEFAULT_RESERVED_USER_IDS;
  const ids = raw.split(",").map((id) => id.trim()).filter((id) => id !== "");
  try {
    if (ids.length === 0) throw new RangeError("empty");
    return checkReservedUserIds(ids);
  } catch {
    throw new ServiceConfigError(
      "RESERVED_USER_IDS",
      "RESERVED_USER_IDS must be comma-separated UserIDs (1 to 32 bytes of printable ASCII each)",
    );
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
 * `AUTH_JWT_AUDIENCE`, `AUTH_JWT_AUDIENCE_CLAIM` (default `aud`),
 * `AUTH_JWT_TYPE`, `AUTH_JWT_MAX_AGE` (default a day), `AUTH_USER_ID_CLAIM`
 * (default `sub`), `AUTH_USER_ID_MAPPING` (`uuid` or `hash`),
 * `AUTH_JWKS_ALLOW_LOOPBACK_HTTP` (tests only), `USERSIG_EXPIRE` and
 * `PRIVATEMAPKEY_EXPIRE` (each at most ten years), `ALLOWED_ORIGINS`,
 * `BASE_PATH` (default: the root) and `RESERVED_USER_IDS` (default
 * `administrator,@TIM#SYSTEM`).
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
    [1, U32_MAX],
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
  if (jwks !== undefined) {
    const allowLoopbackHttp = flag(env, "AUTH_JWKS_ALLOW_LOOPBACK_HTTP");
    auth.jwksUrl = jwksUrl(jwks, allowLoopbackHttp);
    if (allowLoopbackHttp) auth.allowLoopbackHttp = true;
  }
  const optional: [keyof JwtAuthOptions, string][] = [
    ["issuer", "AUTH_JWT_ISSUER"],
    ["audience", "AUTH_JWT_AUDIENCE"],
    ["audienceClaim", "AUTH_JWT_AUDIENCE_CLAIM"],
    ["type", "AUTH_JWT_TYPE"],
    ["userId", "AUTH_USER_ID_CLAIM"],
  ];
  for (const [option, name] of optional) {
    const value = text(env, name);
    if (value !== undefined) (auth as Record<string, unknown>)[option] = value;
  }
  const mapping = text(env, "AUTH_USER_ID_MAPPING");
  if (mapping !== undefined) {
    const map = Object.hasOwn(MAPPINGS, mapping) ? MAPPINGS[mapping] : undefined;
    if (map === undefined) {
      throw new ServiceConfigError(
        "AUTH_USER_ID_MAPPING",
        "AUTH_USER_ID_MAPPING must be uuid (a UUID's 32 hex digits) or hash (32 characters of its SHA-256)",
      );
    }
    const claim = typeof auth.userId === "string" ? auth.userId : "sub";
    auth.userId = (claims) => map(claims[claim]);
  }
  if (text(env, "AUTH_JWT_MAX_AGE") !== undefined) {
    auth.maxTokenAge = envInteger(
      env,
      "AUTH_JWT_MAX_AGE",
      undefined,
      [60, MAX_MAX_TOKEN_AGE],
      `seconds, an integer from 60 to ${MAX_MAX_TOKEN_AGE} (a year)`,
    );
  }
  if (jwks !== undefined && auth.audience === undefined) {
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
      [1, MAX_SERVICE_EXPIRE],
      expire,
    ),
    privateMapKeyExpire: envInteger(
      env,
      "PRIVATEMAPKEY_EXPIRE",
      DEFAULT_PRIVATEMAPKEY_EXPIRE,
      [1, MAX_SERVICE_EXPIRE],
      expire,
    ),
    allowedOrigins: origins(text(env, "ALLOWED_ORIGINS")),
    basePath: basePath(text(env, "BASE_PATH")),
    reservedUserIds: reservedUserIds(text(env, "RESERVED_USER_IDS")),
    auth,
  };
}
