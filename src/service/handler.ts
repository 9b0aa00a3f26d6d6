// The ticket service as one fetch handler: routes, limits, JSON in and out.
// It issues a ticket only for the user id its authenticate hook returns.
import { parsePrivileges, privilegeNames } from "../privilege.ts";
import { TLSSigAPIv2 } from "../tls_sig_api_v2.ts";
import { checkRoomId, checkRoomStrToIssue, checkUserId, integer, U32_MAX } from "../validate.ts";
import type { Authenticate } from "./auth.ts";
import { checkLength, readBody, settleBody } from "./body.ts";
import { corsHeaders, preflight } from "./cors.ts";
import { badRequest, errorResponse, json, ServiceError, unauthorized } from "./errors.ts";
import type { RoomPolicy } from "./room_policy.ts";
import { checkBasePath, type Route, routesUnder } from "./routes.ts";
import {
  checkReservedUserIds,
  DEFAULT_PRIVATEMAPKEY_EXPIRE,
  DEFAULT_RESERVED_USER_IDS,
  DEFAULT_USERSIG_EXPIRE,
  MAX_SERVICE_EXPIRE,
  type ServiceSettings,
} from "./settings.ts";

/** The hooks that make the handler an application's service. */
export interface ServiceHooks {
  /** Turns a request into a user id, or throws a `ServiceError` to refuse it. */
  authenticate: Authenticate;
  /** Which privileges a user may have in a room. Default: none anywhere. */
  roomPolicy?: RoomPolicy;
  /**
   * Where refusals and failures are logged, one line each (status, code,
   * route; never a token, a key or a ticket), with its level: `"warn"` for
   * refusals of callers (401, 403), `"error"` for the service's failures
   * (5xx). Other answers are not logged. Default: `console.warn` and
   * `console.error`.
   */
  log?: ServiceLog;
}

/** A log line's level: `"warn"` for a refused caller, `"error"` for a failure of the service. */
export type LogLevel = "warn" | "error";

/** Where the service writes its log lines. */
export type ServiceLog = (line: string, level: LogLevel) => void;

/** A fetch-style request handler: Workers, `Deno.serve`, `Bun.serve`, Hono. */
export type UserSigHandler = (request: Request) => Promise<Response>;

const DEFAULT_MAX_BODY_BYTES = 4096;
const SUBJECT_RULE =
  "the token's user id is not a Tencent UserID (error 7003: 1 to 32 bytes of printable ASCII)";
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * What a Host header may not hold: `Deno.serve` and `Bun.serve` build
 * `request.url` from it, so `Host: x/api/im` would move the path.
 */
const BAD_HOST = /[^\x21-\x7e]|[/?#@\\]/;

/**
 * The request's path, or a `400` for a Host header that is no host name or
 * a URL that does not parse (what `Deno.serve` and `Bun.serve` build from a
 * Host header such as `[`). `Bun.serve` gives a request without a Host
 * header (HTTP/1.0, as load balancers' health checks send it) its path
 * alone as its URL: a path of one leading slash is read as such.
 */
function pathOf(request: Request): string {
  const host = request.headers.get("host");
  if (host !== null && (host === "" || BAD_HOST.test(host))) {
    throw badRequest("the Host header is not a host name");
  }
  const url = request.url;
  try {
    return /^\/(?![/\\])/.test(url)
      ? new URL(url, "http://host.invalid").pathname
      : new URL(url).pathname;
  } catch {
    throw badRequest("the request URL is not valid");
  }
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(strictUtf8.decode(bytes));
  } catch {
    throw new ServiceError(400, "ERR_BAD_JSON", "the request body is not valid JSON");
  }
}

function field<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw badRequest(error.message);
    throw error;
  }
}

/** The default log: `console.warn` for refusals, `console.error` for failures. */
export function consoleLog(line: string, level: LogLevel): void {
  if (level === "error") console.error(line);
  else console.warn(line);
}

function denyAll(): number {
  return 0;
}

/**
 * Creates the ticket service as a fetch handler. Routes, under
 * `settings.basePath` (default: the root):
 *
 * - `POST /usersig` → `{sdkAppId, userId, userSig, expiresAt}` for the
 *   authenticated user;
 * - `POST /privatemapkey` with `{"roomId": n}` or `{"roomStr": "…"}` and
 *   `"privileges"` (a number, names, or a comma-separated string) →
 *   `{sdkAppId, userId, roomId | roomStr, privileges, privilegeNames,
 *   privateMapKey, expiresAt}`, when the room policy allows every bit;
 * - `GET /healthz` → `{"status": "ok"}`.
 *
 * Every response is JSON with `Cache-Control: no-store`; a refusal is
 * `{"error": {"code", "message"}}` with status 400, 401, 403, 404, 405, 413,
 * 500 or 503. Any other path, one outside the base path included, is a
 * `404 ERR_NOT_FOUND`. CORS preflights are answered for `allowedOrigins`
 * only. The user id the hook returns must be a Tencent UserID, else the
 * answer is `401 ERR_AUTH_SUBJECT_INVALID`.
 *
 * @param settings The application and the service's limits.
 * @param hooks The authenticate hook, the room policy and the log.
 * @returns The handler.
 * @throws {TypeError} For a missing hook, a bad key or origin list, a
 * number that is not an integer, or a base path that is not a string.
 * @throws {RangeError} For an SDKAppID, validity or body limit out of range,
 * or a malformed base path.
 *
 * @example Issue a UserSig to whoever the hook vouches for
 * ```ts
 * import { createUserSigHandler } from "@usersig/usersig/service";
 *
 * const handler = createUserSigHandler(
 *   { sdkAppId: 1400000000, secretKey: "demo-only-secret-key" },
 *   { authenticate: () => Promise.resolve("alice") }, // use jwtAuthenticator in real life
 * );
 * const response = await handler(new Request("http://localhost/usersig", { method: "POST" }));
 * const body = await response.json();
 * console.assert(response.status === 200 && body.userId === "alice");
 * ```
 *
 * @example Serve under a base path, next to your own routes
 * ```ts
 * import { createUserSigHandler } from "@usersig/usersig/service";
 *
 * const tickets = createUserSigHandler(
 *   { sdkAppId: 1400000000, secretKey: "demo-only-secret-key", basePath: "/api/im" },
 *   { authenticate: () => Promise.resolve("alice") },
 * );
 * const app = (request: Request): Promise<Response> =>
 *   new URL(request.url).pathname.startsWith("/api/im/")
 *     ? tickets(request) // the handler's own prefix, and nothing else
 *     : Promise.resolve(new Response("your other routes"));
 * const health = await app(new Request("http://localhost/api/im/healthz"));
 * const outside = await tickets(new Request("http://localhost/healthz"));
 * console.assert(health.status === 200 && outside.status === 404);
 * ```
 */
export function createUserSigHandler(
  settings: ServiceSettings,
  hooks: ServiceHooks,
): UserSigHandler {
  if (typeof hooks?.authenticate !== "function") {
    throw new TypeError("hooks.authenticate must be a function");
  }
  const api = new TLSSigAPIv2(settings.sdkAppId, settings.secretKey);
  const userSigExpire = integer(
    "settings.userSigExpire",
    settings.userSigExpire ?? DEFAULT_USERSIG_EXPIRE,
    1,
    MAX_SERVICE_EXPIRE,
  );
  const roomExpire = integer(
    "settings.privateMapKeyExpire",
    settings.privateMapKeyExpire ?? DEFAULT_PRIVATEMAPKEY_EXPIRE,
    1,
    MAX_SERVICE_EXPIRE,
  );
  const maxBody = integer(
    "settings.maxBodyBytes",
    settings.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    0,
    1 << 20,
  );
  const routes = routesUnder(checkBasePath(settings.basePath ?? "", "settings.basePath"));
  const reserved = new Set(
    checkReservedUserIds(settings.reservedUserIds ?? DEFAULT_RESERVED_USER_IDS),
  );
  const origins = [...(settings.allowedOrigins ?? [])];
  if (!origins.every((o) => typeof o === "string")) {
    throw new TypeError("settings.allowedOrigins must be strings");
  }
  const { authenticate, roomPolicy = denyAll, log = consoleLog } = hooks;

  async function userId(request: Request): Promise<string> {
    const id = await authenticate(request);
    try {
      checkUserId(id, "the user id");
    } catch (error) {
      if (!(error instanceof TypeError || error instanceof RangeError)) throw error;
      // The message names Tencent's rule, never the id: it is the caller's
      // (or the mapping's) and may hold anything.
      throw unauthorized("ERR_AUTH_SUBJECT_INVALID", SUBJECT_RULE);
    }
    if (reserved.has(id)) {
      throw new ServiceError(
        403,
        "ERR_USER_ID_RESERVED",
        "no ticket is issued for this UserID: it is reserved for the application's administrators or Tencent's system accounts",
      );
    }
    return id;
  }

  async function userSig(
    request: Request,
    headers: Readonly<Record<string, string>>,
  ): Promise<Response> {
    checkLength(request, maxBody);
    const user = await userId(request);
    // No fields: the user id comes from the token alone. A body is still
    // read, to hold it to the limit.
    if (request.body !== null) await readBody(request, maxBody);
    const time = Math.floor(Date.now() / 1000);
    const ticket = await api.genUserSig(user, userSigExpire, { now: time });
    return json(
      {
        sdkAppId: api.sdkAppId,
        userId: user,
        userSig: ticket,
        expiresAt: time + userSigExpire,
      },
      200,
      headers,
    );
  }

  async function privateMapKey(
    request: Request,
    headers: Readonly<Record<string, string>>,
  ): Promise<Response> {
    checkLength(request, maxBody);
    const user = await userId(request);
    const body = parseJson(await readBody(request, maxBody));
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw badRequest("the request body must be a JSON object");
    }
    const { roomId, roomStr, privileges } = body as Record<string, unknown>;
    if ((roomId === undefined) === (roomStr === undefined)) {
      throw badRequest('give exactly one of "roomId" (a number) and "roomStr" (a string)');
    }
    if (privileges === undefined) {
      throw badRequest('"privileges" is missing: a number, a list of names, or "EnterRoom,…"');
    }
    const room = roomId !== undefined
      ? { roomId: field(() => checkRoomId(roomId, "roomId")) }
      : { roomStr: field(() => (checkRoomStrToIssue(roomStr, "roomStr"), roomStr as string)) };
    const wanted = field(() => parsePrivileges(privileges as number | string | string[]));
    if (wanted === 0) throw badRequest('"privileges" must ask for at least one privilege');
    const allowed = await roomPolicy({ userId: user, ...room, privileges: wanted });
    if (!Number.isInteger(allowed) || allowed < 0 || allowed > U32_MAX) {
      throw new TypeError(`the room policy must return a privilege map (0..${U32_MAX})`);
    }
    const denied = (wanted & ~allowed) >>> 0;
    if (denied !== 0) {
      throw new ServiceError(
        403,
        "ERR_PRIVILEGES_DENIED",
        `not allowed in this room: ${privilegeNames(denied).join(", ")}`,
      );
    }
    const time = Math.floor(Date.now() / 1000);
    const ticket = room.roomId !== undefined
      ? await api.genPrivateMapKey(user, roomExpire, room.roomId, wanted, { now: time })
      : await api.genPrivateMapKeyWithStringRoomID(user, roomExpire, room.roomStr, wanted, {
        now: time,
      });
    return json(
      {
        sdkAppId: api.sdkAppId,
        userId: user,
        ...room,
        privileges: wanted,
        privilegeNames: privilegeNames(wanted),
        privateMapKey: ticket,
        expiresAt: time + roomExpire,
      },
      200,
      headers,
    );
  }

  function route(
    request: Request,
    path: string,
    route: Route | undefined,
    headers: Readonly<Record<string, string>>,
  ): Promise<Response> | Response {
    if (route === undefined) throw new ServiceError(404, "ERR_NOT_FOUND", "no such endpoint");
    const { name, methods } = route;
    if (request.method === "OPTIONS") return preflight(request, origins, methods);
    if (!methods.includes(request.method)) {
      throw new ServiceError(
        405,
        "ERR_METHOD_NOT_ALLOWED",
        `${path} accepts ${methods.join(", ")}`,
        { allow: [...methods, "OPTIONS"].join(", ") },
      );
    }
    if (name === "/usersig") return userSig(request, headers);
    if (name === "/privatemapkey") return privateMapKey(request, headers);
    return json({ status: "ok" }, 200, headers);
  }

  return async (request: Request): Promise<Response> => {
    const headers = corsHeaders(request, origins);
    let path = "";
    let found: Route | undefined;
    let response: Response;
    try {
      path = pathOf(request);
      found = routes.get(path);
      response = await route(request, path, found, headers);
    } catch (error) {
      const where = found !== undefined ? `${request.method.slice(0, 10)} ${path}` : "";
      let refusal: ServiceError;
      if (error instanceof ServiceError) {
        refusal = error;
        if (refusal.status >= 500) {
          log(`usersig: ${refusal.status} ${refusal.code} ${where}`, "error");
        } else if (refusal.status === 401 || refusal.status === 403) {
          log(`usersig: ${refusal.status} ${refusal.code} ${where}`, "warn");
        }
      } else {
        refusal = new ServiceError(500, "ERR_INTERNAL", "the service failed; see its log");
        const name = error instanceof Error ? error.name : typeof error;
        const message = error instanceof Error ? error.message : "";
        log(`usersig: 500 ERR_INTERNAL ${where}: ${name}: ${message}`, "error");
      }
      response = errorResponse(refusal, headers);
    }
    const settling = settleBody(request, maxBody);
    if (settling !== undefined) await settling;
    return response;
  };
}
