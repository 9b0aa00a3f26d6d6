// The Hono example's app (examples/hono/app.ts) in every runtime, called
// in-process: userSigRoutes() issues the tickets to the tokens that the
// service's own checks let in, with every AUTH_* setting applied as in the
// Worker, and the app's own routes stay the app's, behind hono/jwt.
// hono_example_servers.test.ts starts it as people do.
import { generateKeyPair, SignJWT } from "jose";
import { createApp } from "../examples/hono/app.ts";
import { TLSSigAPIv2 } from "../mod.ts";
import { ServiceConfigError } from "../service.ts";
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { test } from "./harness.ts";
import { NOT_IN_BROWSERS } from "./service_cases.ts";

const ENV = {
  SDK_APP_ID: "1400000000",
  SECRET_KEY: "test-only-secret-key-for-the-hono-example",
  AUTH_JWT_SECRET: "test-only-jwt-secret-for-the-hono-example-0123",
  ALLOWED_ORIGINS: "https://app.test",
};
const api = new TLSSigAPIv2(1400000000, ENV.SECRET_KEY);

function token(
  claims: Record<string, unknown>,
  secret = ENV.AUTH_JWT_SECRET,
  header: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = { sub: "alice", iat: now, exp: now + 600, ...claims };
  for (const [name, value] of Object.entries(payload)) {
    if (value === undefined) delete payload[name as keyof typeof payload];
  }
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256", ...header })
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

test("hono example: the ticket routes refuse no token, a forged one, an expired one, another issuer's, as the service does", async () => {
  const env = { ...ENV, AUTH_JWT_ISSUER: "https://login.test" };
  const good = await token({ iss: "https://login.test" });
  assertEquals((await post(env, "/api/im/usersig", good)).status, 200);
  const cases: [string | undefined, string][] = [
    [undefined, "ERR_AUTH_MISSING"],
    [
      await token({ iss: "https://login.test" }, "another-secret-of-at-least-32-bytes-000"),
      "ERR_AUTH_SIGNATURE_INVALID",
    ],
    [
      await token({ iss: "https://login.test", exp: Math.floor(Date.now() / 1000) - 60 }),
      "ERR_AUTH_TOKEN_EXPIRED",
    ],
    [await token({ iss: "https://evil.test" }), "ERR_AUTH_ISSUER_MISMATCH"],
    [await token({}), "ERR_AUTH_ISSUER_MISMATCH"],
  ];
  for (const [bearer, code] of cases) {
    const answer = await post(env, "/api/im/usersig", bearer);
    assertEquals([answer.status, answer.body.error?.code], [401, code], answer.text);
    assert(!answer.text.includes("userSig"), "no ticket");
    assertEquals(log.splice(0), [`usersig: 401 ${code} POST /api/im/usersig`]);
  }
});

test("hono example: every AUTH_* setting applies as in the Worker", async () => {
  const now = Math.floor(Date.now() / 1000);
  const uuid = "0b4e8c1a-5f2d-4c3b-9a8e-7d6c5b4a3f21";
  const cases: [string, Record<string, string>, Promise<string>, number, string][] = [
    [
      "the UserID from another claim",
      { AUTH_USER_ID_CLAIM: "uid" },
      token({ uid: "bob" }),
      200,
      "bob",
    ],
    [
      "a UserID mapping",
      { AUTH_USER_ID_MAPPING: "uuid" },
      token({ sub: uuid }),
      200,
      uuid.replaceAll("-", ""),
    ],
    [
      "the maximum age",
      { AUTH_JWT_MAX_AGE: "60" },
      token({ exp: now + 86400 * 365 }),
      401,
      "ERR_AUTH_TOKEN_INVALID",
    ],
    ["the default maximum age, exp", {}, token({ exp: 1e300 }), 401, "ERR_AUTH_TOKEN_INVALID"],
    ["the default maximum age, iat", {}, token({ iat: 0 }), 401, "ERR_AUTH_TOKEN_EXPIRED"],
    [
      "a token type, missing",
      { AUTH_JWT_TYPE: "at+jwt" },
      token({}),
      401,
      "ERR_AUTH_TOKEN_INVALID",
    ],
    [
      "a token type, given",
      { AUTH_JWT_TYPE: "at+jwt" },
      token({}, undefined, { typ: "at+jwt" }),
      200,
      "alice",
    ],
    [
      "an audience claim, holding the audience",
      { AUTH_JWT_AUDIENCE: "usersig", AUTH_JWT_AUDIENCE_CLAIM: "client_id" },
      token({ client_id: "usersig" }),
      200,
      "alice",
    ],
    [
      "an audience claim, the audience in aud",
      { AUTH_JWT_AUDIENCE: "usersig", AUTH_JWT_AUDIENCE_CLAIM: "client_id" },
      token({ aud: "usersig" }),
      401,
      "ERR_AUTH_AUDIENCE_MISMATCH",
    ],
    ["a reserved UserID", {}, token({ sub: "administrator" }), 403, "ERR_USER_ID_RESERVED"],
    [
      "reserved UserIDs of one's own",
      { RESERVED_USER_IDS: "administrator,bot" },
      token({ sub: "bot" }),
      403,
      "ERR_USER_ID_RESERVED",
    ],
    [
      "the issuer",
      { AUTH_JWT_ISSUER: "https://login.test" },
      token({}),
      401,
      "ERR_AUTH_ISSUER_MISMATCH",
    ],
  ];
  for (const [what, env, bearer, status, expected] of cases) {
    const answer = await post({ ...ENV, ...env }, "/api/im/usersig", await bearer);
    const got = status === 200 ? answer.body.userId : answer.body.error?.code;
    assertEquals([answer.status, got], [status, expected], `${what}: ${answer.text}`);
  }
  log.splice(0);
});

test("hono example: AUTH_JWKS_URL applies: an RS256 token is checked with the key set", async () => {
  const { privateKey } = await generateKeyPair("RS256");
  const now = Math.floor(Date.now() / 1000);
  const rs256 = await new SignJWT({ sub: "alice", aud: "usersig", iat: now, exp: now + 600 })
    .setProtectedHeader({ alg: "RS256", kid: "k" }).sign(privateKey);
  const env = {
    ...ENV,
    AUTH_JWKS_URL: "http://127.0.0.1:9/jwks.json", // nothing listens: the set cannot be fetched
    AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "true",
    AUTH_JWT_AUDIENCE: "usersig",
  };
  const answer = await post(env, "/api/im/usersig", rs256);
  assertEquals(
    [answer.status, answer.body.error?.code],
    [503, "ERR_AUTH_UNAVAILABLE"],
    answer.text,
  );
  assertEquals(log.splice(0), ["usersig: 503 ERR_AUTH_UNAVAILABLE POST /api/im/usersig"]);
});

test("hono example: a refusal carries the CORS headers of an allowed origin", async () => {
  const response = await app(ENV).request("/api/im/usersig", {
    method: "POST",
    headers: { origin: "https://app.test" },
  });
  assertEquals(response.status, 401);
  assertEquals(response.headers.get("content-type"), "application/json; charset=utf-8");
  assertEquals(response.headers.get("access-control-allow-origin"), "https://app.test");
  assertEquals((await response.json()).error.code, "ERR_AUTH_MISSING");
  log.splice(0);
}, NOT_IN_BROWSERS);

test("hono example: the app's own route is behind hono/jwt; /healthz needs no token; BASE_PATH moves the tickets", async () => {
  const example = app(ENV);
  const me = await example.request("/api/me", {
    headers: { authorization: `Bearer ${await token({ sub: "dave" })}` },
  });
  assertEquals([me.status, await me.json()], [200, { sub: "dave" }]);
  const refused = await example.request("/api/me");
  assertEquals(refused.status, 401);
  await refused.body?.cancel();
  const health = await example.request("/api/im/healthz");
  assertEquals([health.status, await health.json()], [200, { status: "ok" }]);
  const moved = await post(
    { ...ENV, BASE_PATH: "/v2/tickets" },
    "/v2/tickets/usersig",
    await token({}),
  );
  assertEquals([moved.status, moved.body.userId], [200, "alice"], moved.text);
  assertEquals((await post({ ...ENV, BASE_PATH: "/v2/tickets" }, "/api/im/usersig")).status, 404);
  log.splice(0);
});

test("hono example: a browser's CORS preflight is answered without a token", async () => {
  const response = await app(ENV).request("/api/im/usersig", {
    method: "OPTIONS",
    headers: { origin: "https://app.test", "access-control-request-method": "POST" },
  });
  assertEquals(response.status, 204);
  assertEquals(response.headers.get("access-control-allow-origin"), "https://app.test");
}, NOT_IN_BROWSERS);

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
