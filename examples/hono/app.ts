// A Hono app with its own login that also hands each signed-in user their
// Tencent IM / TRTC tickets. The app's own API sits behind hono/jwt; the
// ticket routes, userSigRoutes() under /api/im, check the same bearer tokens
// with the service's jwtAuthenticator, so that every AUTH_* setting applies
// exactly as in the Worker. hono/jwt alone could not apply them: it has no
// maximum token age, does not require exp, knows no typ, audience claim,
// user id claim or mapping, and answers refusals as text without CORS
// headers. One module for every runtime: worker.ts runs it on Cloudflare
// Workers, server.ts on Deno and Bun.
//
// Settings, from the environment, as the edge service's (docs/service.md):
// SDK_APP_ID, SECRET_KEY, AUTH_JWT_SECRET (the app's HS256 secret, at least
// 32 bytes: hono/jwt needs it), and the optional AUTH_JWKS_URL (RS256/ES256
// tokens for the ticket routes), AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE,
// AUTH_JWT_AUDIENCE_CLAIM, AUTH_JWT_TYPE, AUTH_JWT_MAX_AGE,
// AUTH_USER_ID_CLAIM, AUTH_USER_ID_MAPPING, USERSIG_EXPIRE,
// PRIVATEMAPKEY_EXPIRE, ALLOWED_ORIGINS, RESERVED_USER_IDS and BASE_PATH
// (here: where the ticket routes go, default /api/im).
//
// In your app, import from "@usersig/usersig/hono" and
// "@usersig/usersig/service" instead of these paths.
import { Hono } from "hono";
import { jwt, type JwtVariables } from "hono/jwt";
import { userSigRoutes } from "../../hono.ts";
import {
  exampleRoomPolicy,
  fromEnv,
  jwtAuthenticator,
  ServiceConfigError,
  type ServiceEnv,
} from "../../service.ts";

/** What hono/jwt puts in the context on the app's own routes: the verified token's claims. */
export type AppEnv = { Variables: JwtVariables<{ sub?: unknown }> };

/** Where the ticket routes go when BASE_PATH is not set. */
const TICKETS_AT = "/api/im";

/**
 * The app, configured from `env`; throws a ServiceConfigError naming the
 * first setting that is missing or invalid. The service logs its refusals
 * and failures to `log` (default: the console).
 */
export function createApp(env: ServiceEnv, log?: (line: string) => void): Hono<AppEnv> {
  const { auth, basePath, ...settings } = fromEnv(env);
  if (auth.secret === undefined) {
    throw new ServiceConfigError(
      "AUTH_JWT_SECRET",
      "AUTH_JWT_SECRET is not set: hono/jwt needs it for the app's own routes",
    );
  }
  const prefix = basePath || TICKETS_AT;
  const app = new Hono<AppEnv>();

  // The ticket routes: every token rule of the settings, the service's JSON
  // refusals with CORS headers, and its log lines.
  const authenticate = jwtAuthenticator(auth);
  app.route(
    prefix,
    userSigRoutes<AppEnv>({
      ...settings,
      roomPolicy: exampleRoomPolicy,
      ...(log && { log }),
      userId: (c) => authenticate(c.req.raw),
    }),
  );

  // The app's own API, behind hono/jwt with the same secret and issuer (and
  // audience, when tokens carry it in "aud").
  app.use(
    "/api/me",
    jwt({
      secret: auth.secret,
      alg: "HS256",
      verification: {
        iss: auth.issuer,
        aud: (auth.audienceClaim ?? "aud") === "aud" ? auth.audience : undefined,
      },
    }),
  );
  app.get("/api/me", (c) => c.json({ sub: c.get("jwtPayload").sub }));
  app.get("/", (c) => c.text(`usersig Hono example: POST ${prefix}/usersig with a bearer token\n`));
  return app;
}
