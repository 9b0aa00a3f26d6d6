// The Netlify example (examples/netlify/edge-functions/usersig.ts) in Deno,
// as Netlify runs it: loaded with the site's variables on the Netlify global,
// its default export called with a Request and a context shaped like
// Netlify's, for the paths its `config.path` routes to it.
import { SignJWT } from "jose";
import { TLSSigAPIv2 } from "../mod.ts";
import { assert, assertEquals } from "./assert.ts";
import { withConsoleLines } from "./console_lines.ts";
import { test, type TestOptions } from "./harness.ts";

const DENO_ONLY: TestOptions = {
  runtimes: ["deno"],
  why: "the example is a Netlify Edge Function, which Netlify runs on Deno",
};
const SITE_ENV = {
  SDK_APP_ID: "1400000000",
  SECRET_KEY: "test-only-secret-key-for-the-netlify-example",
  AUTH_JWT_SECRET: "test-only-jwt-secret-for-the-netlify-example-012",
};
const api = new TLSSigAPIv2(1400000000, SITE_ENV.SECRET_KEY);

type EdgeFunction = (request: Request, context: unknown) => Promise<Response>;
let loads = 0;

/** Loads the function with `env` as the site's variables; its exports. */
async function load(env: Record<string, string>) {
  const global = globalThis as { Netlify?: unknown };
  global.Netlify = { env: { toObject: () => ({ ...env }), get: (name: string) => env[name] } };
  try {
    const module = new URL(
      `../examples/netlify/edge-functions/usersig.ts?load=${++loads}`,
      import.meta.url,
    );
    return await import(module.href) as { default: EdgeFunction; config: { path: string } };
  } finally {
    delete global.Netlify;
  }
}

/** A context with the fields Netlify gives an edge function. */
function context(request: Request) {
  return {
    account: { id: "account-1" },
    cookies: { get: () => undefined, set: () => {}, delete: () => {} },
    deploy: { context: "production", id: "deploy-1", published: true },
    geo: { city: "Shenzhen", country: { code: "CN", name: "China" } },
    ip: "203.0.113.7",
    next: () => Promise.resolve(new Response("the site's page")),
    params: {},
    requestId: "01ABCDEF",
    server: { region: "ap-east-1" },
    site: { id: "site-1", name: "example", url: new URL(request.url).origin },
    url: new URL(request.url),
  };
}

async function call(fn: EdgeFunction, method: string, path: string, headers = {}, body?: string) {
  const request = new Request(`https://example.netlify.app${path}`, { method, headers, body });
  const response = await fn(request, context(request));
  return { status: response.status, response, body: await response.json() };
}

test(
  "netlify example: config.path routes /api/im/* to it, and it serves every route there",
  () =>
    withConsoleLines(async (lines) => {
      const { default: fn, config } = await load(SITE_ENV);
      assertEquals(config, { path: "/api/im/*" });
      const pattern = new URLPattern({ pathname: config.path });
      for (const route of ["usersig", "privatemapkey", "healthz"]) {
        assert(pattern.test({ pathname: `/api/im/${route}` }), `${config.path} matches ${route}`);
      }
      const bearer = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("erin")
        .setIssuedAt().setExpirationTime("10m").sign(
          new TextEncoder().encode(SITE_ENV.AUTH_JWT_SECRET),
        );
      const auth = { authorization: `Bearer ${bearer}` };

      const sig = await call(fn, "POST", "/api/im/usersig", auth);
      assertEquals(sig.status, 200, JSON.stringify(sig.body));
      await api.verifyUserSig(sig.body.userSig, "erin");
      const room = await call(
        fn,
        "POST",
        "/api/im/privatemapkey",
        auth,
        JSON.stringify({ roomId: 1234, privileges: "EnterRoom" }),
      );
      assertEquals(room.status, 200, JSON.stringify(room.body));
      await api.verifyPrivateMapKey(room.body.privateMapKey, "erin", {
        roomId: 1234,
        privileges: room.body.privileges,
      });
      assertEquals(room.body.privilegeNames, ["EnterRoom"]);
      const health = await call(fn, "GET", "/api/im/healthz");
      assertEquals([health.status, health.body], [200, { status: "ok" }]);
      const get = await call(fn, "GET", "/api/im/usersig", auth);
      assertEquals([get.status, get.body.error.code], [405, "ERR_METHOD_NOT_ALLOWED"]);
      const missing = await call(fn, "POST", "/api/im/usersig");
      assertEquals([missing.status, missing.body.error.code], [401, "ERR_AUTH_MISSING"]);
      const other = await call(fn, "POST", "/api/im/tickets", auth);
      assertEquals([other.status, other.body.error.code], [404, "ERR_NOT_FOUND"]);
      assertEquals(lines, ["usersig: 401 ERR_AUTH_MISSING POST /api/im/usersig"]);
    }),
  DENO_ONLY,
);

test(
  "netlify example: without the site's SECRET_KEY it answers 500 ERR_SERVICE_MISCONFIGURED",
  async () => {
    const { SECRET_KEY: _, ...rest } = SITE_ENV;
    await withConsoleLines(async (lines) => {
      const { default: fn } = await load(rest);
      const answer = await call(fn, "POST", "/api/im/usersig");
      assertEquals([answer.status, answer.body.error.code], [500, "ERR_SERVICE_MISCONFIGURED"]);
      assertEquals(lines.length, 1);
      assert(lines[0].includes("SECRET_KEY"), lines[0]);
    });
  },
  DENO_ONLY,
);
