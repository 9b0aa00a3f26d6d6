// The service under a base path, in every runtime: exactly one spelling of
// each route matches; every other path, however close, is the usual 404.
import { createUserSigHandler, exampleRoomPolicy, fromEnv, jwtAuthenticator } from "../service.ts";
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { test } from "./harness.ts";
import { BASE, NOT_IN_BROWSERS, TEST_ENV, testKeys, token } from "./service_cases.ts";

function based(basePath: string, log: string[] = []) {
  const settings = fromEnv({ ...TEST_ENV, BASE_PATH: basePath });
  return createUserSigHandler(settings, {
    authenticate: jwtAuthenticator(settings.auth),
    roomPolicy: exampleRoomPolicy,
    log: (line) => log.push(line),
  });
}

async function post(handler: (r: Request) => Promise<Response>, path: string, body?: string) {
  const bearer = await token(await testKeys());
  return handler(
    new Request(BASE + path, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}` },
      body,
    }),
  );
}

test("service routes: with basePath /api/im, the three routes live under it", async () => {
  const log: string[] = [];
  const handler = based("/api/im", log);
  const sig = await post(handler, "/api/im/usersig");
  assertEquals(sig.status, 200);
  assertEquals((await sig.json()).userId, "alice");
  const room = await post(
    handler,
    "/api/im/privatemapkey",
    JSON.stringify({ roomStr: "alice", privileges: "EnterRoom" }),
  );
  assertEquals(room.status, 200);
  assertEquals((await room.json()).roomStr, "alice");
  const health = await handler(new Request(BASE + "/api/im/healthz"));
  assertEquals([health.status, await health.json()], [200, { status: "ok" }]);
  const head = await handler(new Request(BASE + "/api/im/healthz", { method: "HEAD" }));
  assertEquals(head.status, 200);
  await head.body?.cancel();

  const get = await handler(new Request(BASE + "/api/im/usersig"));
  assertEquals(get.status, 405);
  assertEquals(get.headers.get("allow"), "POST, OPTIONS");
  assertEquals((await get.json()).error.code, "ERR_METHOD_NOT_ALLOWED");
  const expired = await handler(
    new Request(BASE + "/api/im/usersig", {
      method: "POST",
      headers: {
        authorization: `Bearer ${await token(await testKeys(), {
          claims: { exp: Math.floor(Date.now() / 1000) - 3600 },
        })}`,
      },
    }),
  );
  assertEquals(expired.status, 401);
  await expired.body?.cancel();
  assertEquals(log, ["usersig: 401 ERR_AUTH_TOKEN_EXPIRED POST /api/im/usersig"]);
});

test("service routes: a query string does not change the route, and dot segments and backslashes are read as the URL standard reads them", async () => {
  const handler = based("/api/im");
  for (
    const path of [
      "/api/im/usersig?x=1",
      "/api/im/./usersig",
      "/api/other/../im/usersig",
      "/api/im\\usersig",
      "/api\\im\\usersig",
    ]
  ) {
    const response = await post(handler, path);
    assertEquals(response.status, 200, path);
    assertEquals((await response.json()).userId, "alice");
  }
});

// Paths that must not reach a route of a handler mounted at /api/im. The
// Request constructor parses them as a runtime does before the handler
// sees them ("../" resolved, "%2e%2e" too; nothing else decoded).
const OUTSIDE = [
  "/usersig",
  "/healthz",
  "/api/usersig",
  "/api/imusersig",
  "/api/im-usersig",
  "/api/im/../usersig",
  "/api/im/%2e%2e/usersig",
  "/api/im/%2E%2E/usersig",
  "/api/im/.%2e/usersig",
  "/api/%69m/usersig",
  "/api/im/%75sersig",
  "/api/im%2fusersig",
  "/api/im%2Fusersig",
  "/api%2fim/usersig",
  "/api%2Fim%2Fusersig",
  "/api/im%5cusersig",
  "/API/IM/usersig",
  "/api/IM/usersig",
  "/api/im/USERSIG",
  "/api/im//usersig",
  "/api//im/usersig",
  "//api/im/usersig",
  "/api/im/usersig/",
  "/api/im/usersig/.",
  "/api/im/usersig%00",
  "/api/im/usersig%20",
  "/api/im/usersig;x",
  "/api/im/usersig.json",
  "/api/im/usersig/alice",
  "/api/im",
  "/api/im/",
  "/x/api/im/usersig",
  "/api/im/healthz/../../usersig",
];

for (const path of OUTSIDE) {
  test(`service routes: with basePath /api/im, POST ${path} is 404 ERR_NOT_FOUND and issues nothing`, async () => {
    const log: string[] = [];
    const handler = based("/api/im", log);
    const response = await post(handler, path);
    const text = await response.text();
    assertEquals(response.status, 404, `${path} → ${new URL(BASE + path).pathname}: ${text}`);
    assertEquals(response.headers.get("cache-control"), "no-store");
    assertEquals(response.headers.get("content-type"), "application/json; charset=utf-8");
    assertEquals(JSON.parse(text), {
      error: { code: "ERR_NOT_FOUND", message: "no such endpoint" },
    });
    const preflight = await handler(
      new Request(BASE + path, { method: "OPTIONS", headers: { origin: "https://app.test" } }),
    );
    assertEquals(preflight.status, 404, `OPTIONS ${path}`);
    await preflight.body?.cancel();
    assertEquals(log, [], "a 404 is not logged");
  });
}

test("service routes: the default base path is the root, and a base path of several segments works", async () => {
  const root = based("");
  assertEquals((await post(root, "/usersig")).status, 200);
  assertEquals((await post(root, "/api/im/usersig")).status, 404);
  const deep = based("/v1.2/tencent_im/~tickets");
  const response = await post(deep, "/v1.2/tencent_im/~tickets/usersig");
  assertEquals(response.status, 200);
  assertEquals((await post(deep, "/v1.2/tencent_im/usersig")).status, 404);
});

test("service routes: a CORS preflight under the base path is answered", async () => {
  const handler = based("/api/im");
  const response = await handler(
    new Request(BASE + "/api/im/usersig", {
      method: "OPTIONS",
      headers: { origin: "https://app.test", "access-control-request-method": "POST" },
    }),
  );
  assertEquals(response.status, 204);
  assertEquals(response.headers.get("access-control-allow-methods"), "POST");
}, NOT_IN_BROWSERS);

const BAD_BASE_PATHS: [string, string][] = [
  ["/", 'must not end with "/"'],
  ["api", 'must start with "/"'],
  ["api/im", 'must start with "/"'],
  ["/api/", 'must not end with "/"'],
  ["/api/im/", 'must not end with "/"'],
  ["//api", 'must not contain "//"'],
  ["/api//im", 'must not contain "//"'],
  ["/..", 'must not contain "." or ".."'],
  ["/.", 'must not contain "." or ".."'],
  ["/api/../im", 'must not contain "." or ".."'],
  ["/api/./im", 'must not contain "." or ".."'],
  ["/api?x=1", "may hold only"],
  ["/api#im", "may hold only"],
  ["/api%2fim", "may hold only"],
  ["/api/%69m", "may hold only"],
  ["/api/%2e%2e", "may hold only"],
  ["/a b", "may hold only"],
  ["/api\\im", "may hold only"],
  ["/ápi", "may hold only"],
  ["/api\n", "may hold only"],
  ["/api;v=1", "may hold only"],
  ["/api:im", "may hold only"],
  ["/user@im", "may hold only"],
];

test("service routes: createUserSigHandler() refuses a malformed basePath, naming the setting and not the value", () => {
  const authenticate = () => Promise.resolve("alice");
  for (const [value, says] of BAD_BASE_PATHS) {
    const error = assertThrows(
      () =>
        createUserSigHandler({ sdkAppId: 1, secretKey: "k", basePath: value }, { authenticate }),
      RangeError,
      says,
    );
    assert(error.message.startsWith("settings.basePath "), error.message);
    if (value.length > 2) assert(!error.message.includes(value), `${value}: ${error.message}`);
  }
  for (const value of [5, ["/api"], { path: "/api" }]) {
    assertThrows(
      () =>
        createUserSigHandler(
          { sdkAppId: 1, secretKey: "k", basePath: value as unknown as string },
          { authenticate },
        ),
      TypeError,
      "settings.basePath",
    );
  }
  for (const value of ["", "/api", "/api/im", "/v1.2/im_x-y~z", "/.well-known/im", "/..."]) {
    createUserSigHandler({ sdkAppId: 1, secretKey: "k", basePath: value }, { authenticate });
  }
});

test("service routes: fromEnv() reads BASE_PATH, default the root, and reports a bad one as BASE_PATH", () => {
  assertEquals(fromEnv(TEST_ENV).basePath, "");
  assertEquals(fromEnv({ ...TEST_ENV, BASE_PATH: " /api/im " }).basePath, "/api/im");
  assertEquals(fromEnv({ ...TEST_ENV, BASE_PATH: "" }).basePath, "");
  for (const [value, says] of BAD_BASE_PATHS) {
    if (value.trim() !== value) continue; // fromEnv trims settings
    const error = assertThrows(() => fromEnv({ ...TEST_ENV, BASE_PATH: value }), Error, says);
    assertEquals((error as { setting?: string }).setting, "BASE_PATH");
    if (value.length > 2) assert(!error.message.includes(value), error.message);
  }
});
