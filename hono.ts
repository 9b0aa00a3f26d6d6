/**
 * The ticket service as routes of a Hono app, for an application that
 * already runs on Hono — on Cloudflare Workers, Deno, Bun or Node — and
 * already has its login. `userSigRoutes()` returns a Hono app with the edge
 * service's routes and contract; mount it with `app.route(prefix, …)` behind
 * your own authentication, and say in `userId` which user it vouches for.
 *
 * This entry depends on `hono` (use your app's, `^4`) and, through the
 * service, `jose`; the core (`@usersig/usersig`) depends on nothing.
 *
 * @example Mount the routes under /api/im, behind hono/jwt
 * ```ts
 * import { Hono } from "hono";
 * import { jwt, type JwtVariables } from "hono/jwt";
 * import { userSigRoutes } from "@usersig/usersig/hono";
 * import { exampleRoomPolicy } from "@usersig/usersig/service";
 *
 * const app = new Hono();
 * app.use("/api/im/*", jwt({ secret: "demo-only-jwt-secret-of-at-least-32-bytes", alg: "HS256" }));
 * app.route(
 *   "/api/im",
 *   userSigRoutes<{ Variables: JwtVariables }>({
 *     sdkAppId: 1400000000,
 *     secretKey: "demo-only-secret-key", // in real life: from your secrets
 *     roomPolicy: exampleRoomPolicy,
 *     userId: (c) => c.get("jwtPayload").sub,
 *   }),
 * );
 * const response = await app.request("/api/im/usersig", { method: "POST" });
 * console.assert(response.status === 401); // no token, no ticket
 * ```
 *
 * @module
 */

export { userSigRoutes, type UserSigRoutesOptions } from "./src/hono/routes.ts";
