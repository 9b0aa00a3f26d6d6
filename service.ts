/**
 * The ticket service: a fetch handler that gives each authenticated user
 * their own UserSig, and PrivateMapKeys within a room policy. The same
 * handler runs as a Cloudflare Worker (`worker.ts`), on `Deno.serve`,
 * `Bun.serve`, Node, or as a route in Hono.
 *
 * Callers authenticate with `Authorization: Bearer <JWT>` (HS256 with a
 * shared secret, checked with Web Crypto, or RS256/ES256 through a JWKS
 * URL, checked with `jose`); the ticket is always for the user the verified
 * token names: its `sub`, another claim, or a mapping of it to a Tencent
 * UserID (`uuidUserId`, `hashedUserId`), and never for a reserved UserID
 * (`DEFAULT_RESERVED_USER_IDS`). The secret key stays in the service. This entry point depends on `jose`; the core (`mod.ts`)
 * depends on nothing.
 *
 * @example The service on Deno.serve, configured from the environment
 * ```ts ignore
 * import { exampleRoomPolicy, serviceFromEnv } from "@usersig/usersig/service";
 *
 * // SDK_APP_ID, SECRET_KEY, AUTH_JWT_SECRET or AUTH_JWKS_URL, ...
 * const handler = serviceFromEnv(Deno.env.toObject(), { roomPolicy: exampleRoomPolicy });
 * Deno.serve({ port: 8787 }, handler);
 * ```
 *
 * @example Building the handler from parts
 * ```ts
 * import { createUserSigHandler, exampleRoomPolicy, jwtAuthenticator } from "@usersig/usersig/service";
 *
 * const handler = createUserSigHandler(
 *   { sdkAppId: 1400000000, secretKey: "demo-only-secret-key", allowedOrigins: [] },
 *   {
 *     authenticate: jwtAuthenticator({ secret: "demo-only-jwt-secret-of-at-least-32-bytes" }),
 *     roomPolicy: exampleRoomPolicy,
 *   },
 * );
 * const response = await handler(new Request("http://localhost/usersig", { method: "POST" }));
 * console.assert(response.status === 401); // no bearer token, no ticket
 * ```
 *
 * @module
 */

export {
  type Authenticate,
  jwtAuthenticator,
  type JwtAuthOptions,
  type TokenClaims,
  type UserIdMapping,
} from "./src/service/auth.ts";
export { ServiceError } from "./src/service/errors.ts";
export { type EnvServiceOptions, serviceFromEnv } from "./src/service/from_env.ts";
export {
  createUserSigHandler,
  type LogLevel,
  type ServiceHooks,
  type ServiceLog,
  type UserSigHandler,
} from "./src/service/handler.ts";
export {
  AUDIENCE_PRIVILEGES,
  exampleRoomPolicy,
  type RoomPolicy,
  type RoomRequest,
} from "./src/service/room_policy.ts";
export {
  DEFAULT_RESERVED_USER_IDS,
  type EnvSettings,
  fromEnv,
  ServiceConfigError,
  type ServiceEnv,
  type ServiceSettings,
} from "./src/service/settings.ts";
export { hashedUserId, uuidUserId } from "./src/service/user_id.ts";
