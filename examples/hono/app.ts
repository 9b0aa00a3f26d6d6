// A Hono app with its own login that also hands each signed-in user their
// Tencent IM / TRTC tickets: hono/jwt checks the app's tokens on /api/im/*,
// and userSigRoutes() issues tickets for the user a token names. One module
// for every runtime: worker.ts runs it on Cloudflare Workers, server.ts on
// Deno and Bun.
//
// Settings, from the environment: SDK_APP_ID, SECRET_KEY, AUTH_JWT_SECRET
// (the app's HS256 secret, at least 32 bytes), and the optional
// AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE, USERSIG_EXPIRE, PRIVATEMAPKEY_EXPIRE,
// ALLOWED_ORIGINS (see docs/service.md).
//
// In your app, import from "@usersig/usersig/hono" and
// "@usersig/usersig/service" instead of these paths.
import { Hono } from "hono";
import { jwt, type JwtVariables } from "hono/jwt";
import { userSigRoutes } from "../../hono.ts";
import {
  exampleRoomPolicy,
  fromEnv,
  ServiceConfigError,
  type ServiceEnv,
  ServiceError,
} from "../../service.ts";

/** What hono/jwt puts in the context: the verified token's claims. */
export type AppEnv = { Variables: JwtVariables<{ sub?: unknown; exp?: unknown }> };

/**
 * The app, configured from `env`; throws a ServiceConfigError naming the
 * first setting that is missing or invalid. The service logs its refusals
 * and failures to `log` (default: the console).
 */
export function createApp(env: ServiceEnv, log?: (line: string) => void): Hono<AppEnv> {
  const { auth, basePath: _, ...settings } = fromEnv(env);
  if (auth.secret === undefined) {
    throw new ServiceConfigError(
      "AUTH_JWT_SECRET",
      "AUTH_JWT_SECRET is not set: hono/jwt needs it",
    );
  }
  const app = new Hono<AppEnv>();

  const login = jwt({
    secret: auth.secret,
    alg: "HS256",
    verification: { iss: auth.issuer, aud: auth.audience },
  });
  // A browser's CORS preflight carries no token: the routes answer it.
  app.use("/api/im/*", (c, next) => c.req.method === "OPTIONS" ? next() : login(c, next));
  app.route(
    "/api/im",
    userSigRoutes<AppEnv>({
      ...settings,
      roomPolicy: exampleRoomPolicy,
      ...(log && { log }),
      userId: (c) => {
        const { sub, exp } = c.get("jwtPayload");
        // hono/jwt checks exp when a token has one; a token without it never expires.
        if (typeof exp !== "number") {
          throw new ServiceError(401, "ERR_AUTH_TOKEN_INVALID", "the token has no exp claim");
        }
        return sub as string; // the service refuses anything but a Tencent UserID
      },
    }),
  );

  // The app's other routes.
  app.get("/", (c) => c.text("usersig Hono example: POST /api/im/usersig with a bearer token\n"));
  return app;
}
