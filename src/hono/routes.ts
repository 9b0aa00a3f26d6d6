// The ticket service as Hono routes: the handler of createUserSigHandler
// behind `app.route(prefix, …)`, with the UserID taken from the Hono context
// (e.g. the payload that `hono/jwt` verified) instead of from the Request.
import { Hono } from "hono";
import type { Context, Env } from "hono";
import { routePath } from "hono/route";
import { misconfigured } from "../service/errors.ts";
import {
  consoleLog,
  createUserSigHandler,
  type ServiceHooks,
  type UserSigHandler,
} from "../service/handler.ts";
import { checkBasePath, routesUnder } from "../service/routes.ts";
import type { ServiceSettings } from "../service/settings.ts";

/**
 * Options of {@link userSigRoutes}: the service's settings and hooks, with
 * `userId` in place of the authenticate hook. There is no `basePath`: the
 * routes live wherever `app.route()` mounts them.
 */
export interface UserSigRoutesOptions<E extends Env = Env>
  extends Omit<ServiceSettings, "basePath">, Omit<ServiceHooks, "authenticate"> {
  /**
   * The UserID the request's tickets are for, from the Hono context: with
   * `hono/jwt` in front, `(c) => c.get("jwtPayload").sub`. It may return a
   * promise, and may throw a `ServiceError` to refuse the request. What it
   * returns must be a Tencent UserID, else the answer is `401
   * ERR_AUTH_SUBJECT_INVALID`.
   */
  userId: (c: Context<E>) => string | Promise<string>;
}

/**
 * Creates the ticket service as a Hono app, to mount with
 * `app.route(prefix, userSigRoutes(options))`. It has the edge service's
 * three routes under the prefix — `POST /usersig`, `POST /privatemapkey`,
 * `GET /healthz` — with the same answers, refusals, limits and CORS as the
 * Worker; every other path stays the app's. The prefix must be a fixed path
 * (no `:param` or `*`): under any other, the routes answer `500
 * ERR_SERVICE_MISCONFIGURED` and log why.
 *
 * Put your authentication in front (e.g. `app.use(prefix + "/*", jwt(…))`)
 * and say in `userId` whom it vouches for; the type parameter is the Hono
 * `Env` that `userId` sees, e.g. `{ Variables: JwtVariables }`. A path that
 * Hono's router decodes to a route (`/api/%69m/usersig`) is still `404
 * ERR_NOT_FOUND`: as in the Worker, only one spelling of each route is
 * served. Mount with `app.route()` only: `app.mount()` and `hono/mount`
 * hand the routes a request rewritten with the decoded path, which no
 * longer shows how the caller spelled it.
 *
 * @param options The settings (`sdkAppId`, `secretKey`, validities, origins,
 * body limit), `userId`, and the optional `roomPolicy` and `log`.
 * @returns A Hono app with the three routes.
 * @throws {TypeError} When `userId` is not a function, a `basePath` other than `""` is given,
 * or a setting has the wrong type (as `createUserSigHandler` throws).
 * @throws {RangeError} For a setting out of range.
 *
 * @example Tickets for the users that `hono/jwt` lets in
 * ```ts
 * import { Hono } from "hono";
 * import { jwt, type JwtVariables, sign } from "hono/jwt";
 * import { userSigRoutes } from "@usersig/usersig/hono";
 * import { exampleRoomPolicy } from "@usersig/usersig/service";
 *
 * const secret = "demo-only-jwt-secret-of-at-least-32-bytes";
 * const app = new Hono();
 * app.use("/api/im/*", jwt({ secret, alg: "HS256" }));
 * app.route(
 *   "/api/im",
 *   userSigRoutes<{ Variables: JwtVariables }>({
 *     sdkAppId: 1400000000,
 *     secretKey: "demo-only-secret-key",
 *     roomPolicy: exampleRoomPolicy,
 *     userId: (c) => c.get("jwtPayload").sub,
 *   }),
 * );
 *
 * const token = await sign({ sub: "alice", exp: Math.floor(Date.now() / 1000) + 60 }, secret);
 * const response = await app.request("/api/im/usersig", {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${token}` },
 * });
 * const { userId } = await response.json();
 * console.assert(response.status === 200 && userId === "alice");
 * ```
 */
export function userSigRoutes<E extends Env = Env>(options: UserSigRoutesOptions<E>): Hono<E> {
  const { userId, roomPolicy, log, ...settings } = options ?? {};
  if (typeof userId !== "function") {
    throw new TypeError(
      "options.userId must be a function of the Hono context that returns the UserID",
    );
  }
  // "" (the root, what fromEnv() gives without BASE_PATH) says nothing; any
  // other base path would be ignored, so it is refused.
  const { basePath } = settings as ServiceSettings;
  if (basePath !== undefined && basePath !== "") {
    throw new TypeError(
      "options.basePath is not taken: the routes live where app.route() mounts them",
    );
  }
  const contexts = new WeakMap<Request, Context<E>>();
  const hooks: ServiceHooks = {
    authenticate: async (request) => {
      const c = contexts.get(request);
      if (c === undefined) throw new Error("no Hono context for this request");
      return await userId(c);
    },
  };
  if (roomPolicy !== undefined) hooks.roomPolicy = roomPolicy;
  if (log !== undefined) hooks.log = log;

  // One handler for each prefix the routes are mounted at; the root's is
  // built now, so that a bad setting throws here and not on a request.
  const handlers = new Map<string, UserSigHandler>();
  const handlerAt = (basePath: string): UserSigHandler => {
    let handler = handlers.get(basePath);
    if (handler === undefined) {
      handler = createUserSigHandler({ ...settings, basePath }, hooks);
      handlers.set(basePath, handler);
    }
    return handler;
  };
  handlerAt("");

  const app = new Hono<E>();
  for (const name of routesUnder("").keys()) {
    app.all(name, async (c) => {
      const mount = routePath(c).slice(0, -name.length);
      let handler: UserSigHandler;
      try {
        handler = handlerAt(checkBasePath(mount, "the path userSigRoutes() is mounted at"));
      } catch (error) {
        return misconfigured(
          log ?? consoleLog,
          `${(error as Error).message}; it is ${
            JSON.stringify(mount)
          }: mount the routes at a fixed path`,
        );
      }
      const request = c.req.raw;
      contexts.set(request, c);
      try {
        return await handler(request);
      } finally {
        contexts.delete(request);
      }
    });
  }
  return app;
}
