// The edge service's handler called with Request objects, in every runtime:
// every row of the contract (service_cases.ts), plus settings and hooks.
import {
  createUserSigHandler,
  exampleRoomPolicy,
  fromEnv,
  jwtAuthenticator,
  ServiceConfigError,
  ServiceError,
  serviceFromEnv,
} from "../service.ts";
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { type Runtime, test } from "./harness.ts";
import {
  assertCleanLog,
  BASE,
  CONTRACT,
  makeKeys,
  runCase,
  TEST_ENV,
  type TestKeys,
  token,
} from "./service_cases.ts";

let keys: Promise<TestKeys> | undefined;
const log: string[] = [];
const issued: string[] = [];

async function service() {
  const k = await (keys ??= makeKeys());
  const settings = fromEnv(TEST_ENV);
  const handler = createUserSigHandler(settings, {
    authenticate: jwtAuthenticator({ ...settings.auth, jwks: k.jwks }),
    roomPolicy: exampleRoomPolicy,
    log: (line) => log.push(line),
  });
  return { keys: k, handler };
}

const NOT_IN_BROWSERS = {
  runtimes: ["deno", "node", "bun", "workerd"] as Runtime[],
  why: "a browser drops the Origin header from a Request it builds",
};

for (const c of CONTRACT) {
  test(`handler: ${c.name}`, async () => {
    const { keys, handler } = await service();
    await runCase(c, keys, handler, issued);
  }, c.setsOrigin ? NOT_IN_BROWSERS : undefined);
}

test("handler: refusals are logged with status, code and route, and no secret, ticket or token", async () => {
  const { keys, handler } = await service();
  const bad = await token(keys, { claims: { exp: Math.floor(Date.now() / 1000) - 3600 } });
  await handler(
    new Request(BASE + "/usersig", { method: "POST", headers: { authorization: `Bearer ${bad}` } }),
  );
  assert(log.includes("usersig: 401 ERR_AUTH_TOKEN_EXPIRED POST /usersig"), log.join("\n"));
  assert(issued.length > 0, "the contract cases issued tickets");
  assertCleanLog(log.join("\n"), issued, [bad]);
});

const misconfigured: [string, Record<string, string | undefined>][] = [
  ["SECRET_KEY", { SECRET_KEY: undefined }],
  ["SECRET_KEY", { SECRET_KEY: "  " }],
  ["SDK_APP_ID", { SDK_APP_ID: undefined }],
  ["SDK_APP_ID", { SDK_APP_ID: "14000000001" }],
  ["SDK_APP_ID", { SDK_APP_ID: "app-1" }],
  ["AUTH_JWT_SECRET", { AUTH_JWT_SECRET: "short-secret" }],
  ["AUTH_JWT_SECRET", { AUTH_JWT_SECRET: undefined }],
  ["AUTH_JWKS_URL", { AUTH_JWKS_URL: "http://keys.example.com/jwks.json" }],
  ["USERSIG_EXPIRE", { USERSIG_EXPIRE: "1d" }],
  ["ALLOWED_ORIGINS", { ALLOWED_ORIGINS: "https://app.test/" }],
];
for (const [setting, change] of misconfigured) {
  test(`handler: ${setting} = ${JSON.stringify(change[setting] ?? null)} gives 500 ERR_SERVICE_MISCONFIGURED and a log line naming it`, async () => {
    const lines: string[] = [];
    const handler = serviceFromEnv({ ...TEST_ENV, ...change }, { log: (l) => lines.push(l) });
    for (const path of ["/usersig", "/healthz"]) {
      const response = await handler(new Request(BASE + path, { method: "POST" }));
      const text = await response.text();
      assertEquals(response.status, 500);
      assertEquals(response.headers.get("cache-control"), "no-store");
      assertEquals(JSON.parse(text).error.code, "ERR_SERVICE_MISCONFIGURED");
      assert(text.includes(setting), "the response names the setting");
      assert(
        !text.includes(TEST_ENV.SECRET_KEY) && !text.includes("short-secret"),
        "no value shown",
      );
    }
    assertEquals(lines.length, 2);
    assert(lines[0].startsWith(`usersig: 500 ERR_SERVICE_MISCONFIGURED ${setting}: `), lines[0]);
    assertCleanLog(lines.join("\n"), []);
    assert(
      !lines[0].includes("short-secret") && !lines[0].includes("\n    at "),
      "no value, no stack",
    );
  });
}

test("handler: fromEnv() defaults to a one-day UserSig, five-minute PrivateMapKey and no origins", () => {
  const settings = fromEnv({
    SDK_APP_ID: 1400000000,
    SECRET_KEY: "k",
    AUTH_JWKS_URL: "https://login.example.com/jwks.json",
  });
  assertEquals(settings.userSigExpire, 86400);
  assertEquals(settings.privateMapKeyExpire, 300);
  assertEquals(settings.allowedOrigins, []);
  assertEquals(settings.auth, { jwksUrl: "https://login.example.com/jwks.json" });
  const error = assertThrows(() => fromEnv({}), ServiceConfigError) as ServiceConfigError;
  assertEquals(error.setting, "SDK_APP_ID");
});

test("handler: a room policy's ServiceError is the answer; with no policy every room is refused", async () => {
  const k = await (keys ??= makeKeys());
  const body = JSON.stringify({ roomId: 7, privileges: "EnterRoom" });
  const send = async (roomPolicy?: () => number) => {
    const handler = createUserSigHandler(
      { sdkAppId: 1400000000, secretKey: TEST_ENV.SECRET_KEY },
      {
        authenticate: jwtAuthenticator({ secret: TEST_ENV.AUTH_JWT_SECRET }),
        log: () => {},
        ...(roomPolicy && { roomPolicy }),
      },
    );
    const headers = { authorization: `Bearer ${await token(k, { claims: { iss: undefined } })}` };
    return handler(new Request(BASE + "/privatemapkey", { method: "POST", headers, body }));
  };
  const none = await send();
  assertEquals([none.status, (await none.json()).error.code], [403, "ERR_PRIVILEGES_DENIED"]);
  const closed = await send(() => {
    throw new ServiceError(404, "ERR_ROOM_NOT_FOUND", "no such room");
  });
  assertEquals([closed.status, (await closed.json()).error.code], [404, "ERR_ROOM_NOT_FOUND"]);
});

test("handler: a hook that fails gives 500 ERR_INTERNAL, logged, with no detail in the response", async () => {
  const lines: string[] = [];
  const handler = createUserSigHandler(
    { sdkAppId: 1400000000, secretKey: TEST_ENV.SECRET_KEY },
    {
      authenticate: () => Promise.reject(new Error("database down at 10.0.0.7")),
      log: (l) => lines.push(l),
    },
  );
  const response = await handler(new Request(BASE + "/usersig", { method: "POST" }));
  const text = await response.text();
  assertEquals(response.status, 500);
  assertEquals(JSON.parse(text).error.code, "ERR_INTERNAL");
  assert(!text.includes("database"), "the cause stays in the log");
  assertEquals(lines, [
    "usersig: 500 ERR_INTERNAL POST /usersig: Error: database down at 10.0.0.7",
  ]);
});

test("handler: createUserSigHandler() and jwtAuthenticator() reject bad arguments", () => {
  const authenticate = () => Promise.resolve("alice");
  assertThrows(
    () => createUserSigHandler({ sdkAppId: 0, secretKey: "k" }, { authenticate }),
    RangeError,
  );
  assertThrows(
    () => createUserSigHandler({ sdkAppId: 1, secretKey: "k" }, {} as never),
    TypeError,
  );
  assertThrows(
    () => createUserSigHandler({ sdkAppId: 1, secretKey: "k", userSigExpire: 0 }, { authenticate }),
    RangeError,
  );
  assertThrows(() => jwtAuthenticator({}), TypeError);
  assertThrows(() => jwtAuthenticator({ secret: "too short" }), RangeError);
  assertThrows(() => new ServiceError(200, "OK", "not an error"), RangeError);
});
