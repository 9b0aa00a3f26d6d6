// A handler built straight from environment variables. A Worker only sees its
// env at request time, so a misconfiguration is answered, not thrown: every
// request gets a 500 with a stable code, and the log names the setting.
import { jwtAuthenticator } from "./auth.ts";
import { misconfigured } from "./errors.ts";
import {
  consoleLog,
  createUserSigHandler,
  type ServiceHooks,
  type ServiceLog,
  type UserSigHandler,
} from "./handler.ts";
import type { RoomPolicy } from "./room_policy.ts";
import { fromEnv, ServiceConfigError, type ServiceEnv } from "./settings.ts";

/** Options of {@link serviceFromEnv}. */
export interface EnvServiceOptions {
  /** Which privileges a user may have in a room. Default: none anywhere. */
  roomPolicy?: RoomPolicy;
  /**
   * Where refusals (level `"warn"`), failures and misconfiguration
   * (`"error"`) are logged. Default: `console.warn` and `console.error`.
   */
  log?: ServiceLog;
}

/**
 * Creates the service from environment variables (see `fromEnv`), with
 * `jwtAuthenticator` as its authenticate hook. When a setting is missing or
 * invalid, the handler answers every request with `500`
 * `ERR_SERVICE_MISCONFIGURED` and logs a line naming the setting; a bad
 * setting is never thrown, and no response shows a stack trace or a
 * setting's value.
 *
 * @param env The variables: a Worker's `env`, `Deno.env.toObject()`, `process.env`.
 * @param options The room policy and the log.
 * @returns The handler.
 * @throws {TypeError} When Web Crypto (`crypto.subtle`) is unavailable.
 *
 * @example A misconfigured service says which setting to fix
 * ```ts
 * import { serviceFromEnv } from "@usersig/usersig/service";
 *
 * const lines: string[] = [];
 * const handler = serviceFromEnv({ SDK_APP_ID: "1400000000" }, { log: (l: string) => lines.push(l) });
 * const response = await handler(new Request("http://localhost/healthz"));
 * console.assert(response.status === 500 && lines[0].includes("SECRET_KEY"));
 * ```
 */
export function serviceFromEnv(env: ServiceEnv, options: EnvServiceOptions = {}): UserSigHandler {
  const log = options.log ?? consoleLog;
  try {
    const settings = fromEnv(env);
    const hooks: ServiceHooks = { authenticate: jwtAuthenticator(settings.auth), log };
    if (options.roomPolicy !== undefined) hooks.roomPolicy = options.roomPolicy;
    return createUserSigHandler(settings, hooks);
  } catch (error) {
    if (!(error instanceof ServiceConfigError)) throw error;
    // The setting is named in the log, for the operator; callers learn only
    // that the service is misconfigured.
    const detail = `${error.setting}: ${error.message}`;
    return (_request: Request) => Promise.resolve(misconfigured(log, detail));
  }
}
