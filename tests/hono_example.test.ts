// The Hono example's app (examples/hono/app.ts) in every runtime, called
// in-process: hono/jwt lets the app's tokens in, userSigRoutes() issues the
// tickets, and the app's other routes stay the app's.
// hono_example_servers.test.ts starts it as people do.
import { SignJWT } from "jose";
import { createApp } from "../examples/hono/app.ts";
import { TLSSigAPIv2 } from "../mod.ts";
import { ServiceConfigError } from "../service.ts";
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { type Runtime, test } from "./harness.ts";

const ENV = {
  SDK_APP_ID: "1400000000",
  SECRET_KEY: "test-only-secret-key-for-the-hono-example",
  AUTH_JWT_SECRET: "test-only-jwt-secret-for-the-hono-example-0123",
  ALLOWED_ORIGINS: "https://app.test",
};
const api = new TLSSigAPIv2(1400000000, ENV.SECRET_KEY);

function token(claims: Record<string, unknown>, secret = ENV.AUTH_JWT_SECRET): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = { sub: "alice", iat: now, exp: now + 600, ...claims };
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined) delete payload[name as keyof typeof payload];
  }
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(secret));
}

/** What the service logged in these tests; each test checks and empties it. */
const log: string[] = [];
const app = (env: Record<string, string | undefined>) => createApp(env, (line) => log.push(line));

async function post(env: Record<string, string>, path: string, bearer?: string) {
  const headers: Record<string, string> = bearer ? { authorization: `Bearer ${bearer}` } : {};
  const response = await app(env).request(path, { method: "POST", headers });
  const text = await response.text();
  return { status: response.status, text, body: text.startsWith("{") ? JSON.parse(text) : {} };
}

test("hono example: a signed-in user gets a UserSig and a PrivateMapKey for their own id", async () => {
  const example = app(ENV);
  const bearer = await token({ sub: "carol" });
  const sig = await example.request("/api/im/usersig", {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}` },
  });
  const body = await sig.json();
  assertEquals(sig.status, 200, JSON.stringify(body));
  assertEquals((await api.verifyUserSig(body.userSig, "carol")).expiresAt, body.expiresAt);
  const room = await example.request("/api/im/privatemapkey", {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ roomStr: "carol", privileges: "EnterRoom,SendVideo" }),
  });
  const key = await room.json();
  assertEquals(room.status, 200, JSON.stringify(key));
  await api.verifyPrivateMapKey(key.privateMapKey, "carol", {
    roomStr: "carol",
    privileges: key.privileges,
  });
  const page = await example.request("/");
  assert(page.status === 200 && (await page.text()).includes("/api/im/usersig"), "the app's page");
});

test("hono example: hono/jwt refuses no token, a forged one, an expired one, another issuer's", async () => {
  const env = { ...ENV, AUTH_JWT_ISSUER: "https://login.test" };
  const good = await token({ iss: "https://login.test" });
  assertEquals((await post(env, "/api/im/usersig", good)).status, 200);
  for (
    const bearer of [
      undefined,
      await token({ iss: "https://login.test" }, "another-secret-of-at-least-32-bytes-000"),
      await token({ iss: "https://login.test", exp: Math.floor(Date.now() / 1000) - 60 }),
      await token({ iss: "https://evil.test" }),
      await token({}),
    ]
  ) {
    const answer = await post(env, "/api/im/usersig", bearer);
    assertEquals(answer.status, 401, answer.text);
    assert(!answer.text.includes("userSig"), "no ticket");
  }
  assertEquals(log.splice(0), [], "the routes never ran");
});

test("hono example: a token without exp, or whose sub is no Tencent UserID, is a 401 with the service's code", async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ exp: undefined }, "ERR_AUTH_TOKEN_INVALID"],
    [{ sub: "x".repeat(33) }, "ERR_AUTH_SUBJECT_INVALID"],
    [{ sub: undefined }, "ERR_AUTH_SUBJECT_INVALID"],
  ];
  for (const [claims, code] of cases) {
    const answer = await post(ENV, "/api/im/usersig", await token(claims));
    assertEquals([answer.status, answer.body.error?.code], [401, code], JSON.stringify(claims));
    assertEquals(log.splice(0), [`usersig: 401 ${code} POST /api/im/usersig`]);
  }
});

test("hono example: a browser's CORS preflight is answered without a token", async () => {
  const response = await app(ENV).request("/api/im/usersig", {
    method: "OPTIONS",
    headers: { origin: "https://app.test", "access-control-request-method": "POST" },
  });
  assertEquals(response.status, 204);
  assertEquals(response.headers.get("access-control-allow-origin"), "https://app.test");
}, {
  runtimes: ["deno", "node", "bun", "workerd", "edge-runtime"] as Runtime[],
  why: "a browser drops the Origin header from a Request it builds",
});

test("hono example: createApp() names the setting that is missing", () => {
  for (
    const [setting, env] of [
      ["SECRET_KEY", { ...ENV, SECRET_KEY: undefined }],
      ["SDK_APP_ID", { ...ENV, SDK_APP_ID: "app" }],
      ["AUTH_JWT_SECRET", { ...ENV, AUTH_JWT_SECRET: "short" }],
      ["AUTH_JWT_SECRET", {
        ...ENV,
        AUTH_JWT_SECRET: undefined,
        AUTH_JWKS_URL: "https://login.test/jwks.json",
        AUTH_JWT_AUDIENCE: "usersig",
      }],
    ] as const
  ) {
    const error = assertThrows(() => app(env), ServiceConfigError);
    assertEquals((error as ServiceConfigError).setting, setting);
  }
});
