// The Next.js example's route module (examples/nextjs/app/api/im/[...path]/
// route.ts) run directly in Vercel's Edge Runtime, without Next: the module
// bundled with this repository's sources for "@usersig/usersig", evaluated
// in edge-runtime's EdgeRuntime with the environment Next gives it, and its
// exported handlers called with the runtime's own Requests. scripts/
// check_nextjs.ts runs the same module in a real `next build` + `next start`.
import { SignJWT } from "jose";
import process from "node:process";
import { TLSSigAPIv2 } from "../mod.ts";
import { assert, assertEquals } from "./assert.ts";
import { test, type TestOptions } from "./harness.ts";

// esbuild's and edge-runtime's types need @types/node, which Deno's checker
// does not have here: load them by a name it does not follow, and describe
// what is used.
const ESBUILD: string = "esbuild";
const EDGE_RUNTIME: string = "edge-runtime";
type Build = (options: Record<string, unknown>) => Promise<{ outputFiles: { text: string }[] }>;
interface EdgeContext {
  Request: typeof Request;
  route: Record<string, (request: Request) => Promise<Response>>;
}
type EdgeRuntimeClass = new (options: {
  initialCode: string;
  extend: (context: Record<string, unknown>) => Record<string, unknown>;
}) => { context: EdgeContext };

const NODE_ONLY: TestOptions = {
  runtimes: ["node"],
  why: "bundles the module and runs it in edge-runtime's EdgeRuntime, which Node hosts",
};
const ROUTE = "examples/nextjs/app/api/im/[...path]/route.ts";
const METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];
const ORIGIN = "https://app.test";
const ENV = {
  SDK_APP_ID: "1400000000",
  SECRET_KEY: "test-only-secret-key-for-the-nextjs-route",
  AUTH_JWT_SECRET: "test-only-jwt-secret-for-the-nextjs-route-0123",
  ALLOWED_ORIGINS: ORIGIN,
};
const api = new TLSSigAPIv2(1400000000, ENV.SECRET_KEY);

let bundled: Promise<string> | undefined;

/** The route module as one script that sets `route` to its exports. */
function bundle(): Promise<string> {
  bundled ??= (async () => {
    const { build } = await import(ESBUILD) as { build: Build };
    const result = await build({
      entryPoints: [ROUTE],
      bundle: true,
      write: false,
      format: "iife",
      globalName: "route",
      platform: "browser",
      target: "es2022",
      // The example's package is this repository: its sources stand in for it.
      alias: { "@usersig/usersig": process.cwd() },
      logLevel: "error",
    });
    return result.outputFiles[0].text;
  })();
  return bundled;
}

/** The module loaded in a new Edge Runtime with `env` as process.env; what it logs. */
async function load(env: Record<string, string>) {
  const { EdgeRuntime } = await import(EDGE_RUNTIME) as { EdgeRuntime: EdgeRuntimeClass };
  const log: string[] = [];
  const capture = (...parts: unknown[]) => void log.push(parts.join(" "));
  const runtime = new EdgeRuntime({
    initialCode: await bundle(),
    // What Next's Edge Runtime sandbox provides: process.env. Its console is captured.
    extend: (context) =>
      Object.assign(context, {
        process: { env },
        console: { ...(context.console as object), error: capture, warn: capture },
      }),
  });
  return { route: runtime.context.route, Request: runtime.context.Request, log };
}

function token(sub: string): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject(sub).setIssuedAt()
    .setExpirationTime("10m").sign(new TextEncoder().encode(ENV.AUTH_JWT_SECRET));
}

/** Every route under `base`, through the handler Next would call for the method. */
async function serves(loaded: Awaited<ReturnType<typeof load>>, base: string) {
  const { route, Request } = loaded;
  const send = (method: string, path: string, init: RequestInit = {}) =>
    route[method](new Request(`https://example.test${base}${path}`, { method, ...init }));
  const bearer = await token("alice");
  const auth = { authorization: `Bearer ${bearer}` };

  const sig = await send("POST", "/usersig", { headers: auth });
  const body = await sig.json();
  assertEquals(sig.status, 200, JSON.stringify(body));
  assertEquals((await api.verifyUserSig(body.userSig, "alice")).expiresAt, body.expiresAt);
  const room = await send("POST", "/privatemapkey", {
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ roomStr: "alice", privileges: ["EnterRoom", "SendVideo"] }),
  });
  const key = await room.json();
  assertEquals(room.status, 200, JSON.stringify(key));
  await api.verifyPrivateMapKey(key.privateMapKey, "alice", {
    roomStr: "alice",
    privileges: key.privileges,
  });
  const health = await send("GET", "/healthz");
  assertEquals([health.status, await health.json()], [200, { status: "ok" }]);
  const head = await send("HEAD", "/healthz"); // its body is the server's to drop
  assertEquals(head.status, 200);
  await head.body?.cancel();
  for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
    const refused = await send(method, "/usersig", { headers: auth });
    assertEquals(refused.status, 405, method);
    assertEquals(refused.headers.get("allow"), "POST, OPTIONS");
    assertEquals((await refused.json()).error.code, "ERR_METHOD_NOT_ALLOWED");
  }
  const preflight = await send("OPTIONS", "/usersig", {
    headers: { origin: ORIGIN, "access-control-request-method": "POST" },
  });
  assertEquals([preflight.status, preflight.headers.get("access-control-allow-origin")], [
    204,
    ORIGIN,
  ]);
  // The catch-all segment also sends these to the module: the service answers 404.
  for (const path of ["/usersig/alice", "/tickets", "/usersig/"]) {
    const outside = await send("POST", path, { headers: auth });
    assertEquals([path, outside.status, (await outside.json()).error.code], [
      path,
      404,
      "ERR_NOT_FOUND",
    ]);
  }
  const missing = await send("POST", "/usersig");
  assertEquals([missing.status, (await missing.json()).error.code], [401, "ERR_AUTH_MISSING"]);
  assert(!loaded.log.join("\n").includes(bearer.split(".")[1]), "no token in the log");
}

test(
  "nextjs route: exports one handler for each HTTP method and no route segment config",
  async () => {
    const { route } = await load(ENV);
    assertEquals(Object.keys(route).sort(), METHODS);
    assert(METHODS.every((m) => route[m] === route.GET), "every method is the service's handler");
  },
  NODE_ONLY,
);

test(
  "nextjs route: in the Edge Runtime, every route works under /api/im, the folder's path",
  async () => {
    const loaded = await load(ENV);
    await serves(loaded, "/api/im");
    const root = await loaded.route.POST(
      new loaded.Request("https://example.test/usersig", { method: "POST" }),
    );
    assertEquals([root.status, (await root.json()).error.code], [404, "ERR_NOT_FOUND"]);
  },
  NODE_ONLY,
);

test(
  "nextjs route: with a Next.js basePath, BASE_PATH=/shop/v2/api/im serves every route there",
  async () => {
    const loaded = await load({ ...ENV, BASE_PATH: "/shop/v2/api/im" });
    await serves(loaded, "/shop/v2/api/im");
    const unprefixed = await loaded.route.POST(
      new loaded.Request("https://example.test/api/im/usersig", { method: "POST" }),
    );
    assertEquals([unprefixed.status, (await unprefixed.json()).error.code], [404, "ERR_NOT_FOUND"]);
  },
  NODE_ONLY,
);

test(
  "nextjs route: without its settings it answers 500 ERR_SERVICE_MISCONFIGURED and logs which",
  async () => {
    const { SECRET_KEY: _, ...rest } = ENV;
    const loaded = await load(rest);
    const response = await loaded.route.POST(
      new loaded.Request("https://example.test/api/im/usersig", { method: "POST" }),
    );
    assertEquals([response.status, (await response.json()).error.code], [
      500,
      "ERR_SERVICE_MISCONFIGURED",
    ]);
    assertEquals(loaded.log.length, 1);
    assert(loaded.log[0].includes("SECRET_KEY"), loaded.log[0]);
  },
  NODE_ONLY,
);
