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
import { test } from "./harness.ts";
import {
  assertCleanLog,
  BASE,
  CONTRACT,
  NOT_IN_BROWSERS,
  runCase,
  TEST_API,
  TEST_ENV,
  testKeys,
  token,
} from "./service_cases.ts";

const log: string[] = [];
const issued: string[] = [];

async function service() {
  const k = await testKeys();
  const settings = fromEnv(TEST_ENV);
  const handler = createUserSigHandler(settings, {
    authenticate: jwtAuthenticator({ ...settings.auth, jwks: k.jwks }),
    roomPolicy: exampleRoomPolicy,
    log: (line) => log.push(line),
  });
  return { keys: k, handler };
}

for (const c of CONTRACT) {
  test(`service handler: ${c.name}`, async () => {
    const { keys, handler } = await service();
    await runCase(c, keys, handler, issued);
  }, c.setsOrigin ? NOT_IN_BROWSERS : undefined);
}

test("service handler: refusals are logged with status, code and route, and no secret, ticket or token", async () => {
  const k = await testKeys();
  const lines: string[] = [];
  const settings = fromEnv(TEST_ENV);
  const handler = createUserSigHandler(settings, {
    authenticate: jwtAuthenticator({ ...settings.auth, jwks: k.jwks }),
    roomPolicy: exampleRoomPolicy,
    log: (line) => lines.push(line),
  });
  const send = (path: string, bearer: string, body?: string) =>
    handler(
      new Request(BASE + path, {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}` },
        body,
      }),
    );
  const tickets: string[] = [];
  const tokens: string[] = [];
  // Tickets issued by this handler, then refusals that it logs.
  for (const alg of ["HS256", "RS256", "ES256"] as const) {
    const t = await token(k, { alg });
    tokens.push(t);
    const r = await send("/usersig", t);
    assertEquals(r.status, 200);
    tickets.push((await r.json()).userSig);
  }
  const own = await token(k);
  tokens.push(own);
  const room = await send(
    "/privatemapkey",
    own,
    JSON.stringify({ roomStr: "alice", privileges: 1 }),
  );
  assertEquals(room.status, 200);
  tickets.push((await room.json()).privateMapKey);
  const expired = await token(k, { claims: { exp: Math.floor(Date.now() / 1000) - 3600 } });
  const stranger = await token(k, { alg: "ES256", key: k.stranger });
  tokens.push(expired, stranger);
  for (
    const [r, status] of [
      [await send("/usersig", expired), 401],
      [await send("/usersig", stranger), 401],
      [
        await send(
          "/privatemapkey",
          own,
          JSON.stringify({ roomStr: "bob", privileges: "SendVideo" }),
        ),
        403,
      ],
    ] as const
  ) {
    assertEquals(r.status, status);
    await r.body?.cancel();
  }
  assertEquals(tickets.length, 4, "tickets issued in this test");
  assert(tickets.every((t) => typeof t === "string" && t.length > 40), "real tickets");
  assertEquals(lines, [
    "usersig: 401 ERR_AUTH_TOKEN_EXPIRED POST /usersig",
    "usersig: 401 ERR_AUTH_SIGNATURE_INVALID POST /usersig",
    "usersig: 403 ERR_PRIVILEGES_DENIED POST /privatemapkey",
  ]);
  assertCleanLog(lines.join("\n"), tickets, tokens);
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
  ["USERSIG_EXPIRE", { USERSIG_EXPIRE: "4294967295" }],
  ["USERSIG_EXPIRE", { USERSIG_EXPIRE: "315360001" }],
  ["PRIVATEMAPKEY_EXPIRE", { PRIVATEMAPKEY_EXPIRE: "0" }],
  ["PRIVATEMAPKEY_EXPIRE", { PRIVATEMAPKEY_EXPIRE: "4000000000" }],
  ["AUTH_JWT_AUDIENCE", {
    AUTH_JWKS_URL: "https://login.example.com/jwks.json",
    AUTH_JWT_AUDIENCE: undefined,
  }],
  ["AUTH_JWT_AUDIENCE", {
    AUTH_JWT_SECRET: undefined,
    AUTH_JWKS_URL: "https://login.example.com/jwks.json",
    AUTH_JWT_AUDIENCE: " ",
  }],
  ["ALLOWED_ORIGINS", { ALLOWED_ORIGINS: "https://app.test/" }],
  ["BASE_PATH", { BASE_PATH: "api/im" }],
  ["BASE_PATH", { BASE_PATH: "/api/im/" }],
  ["AUTH_USER_ID_MAPPING", { AUTH_USER_ID_MAPPING: "md5" }],
  ["AUTH_JWT_MAX_AGE", { AUTH_JWT_MAX_AGE: "1d" }],
  ["RESERVED_USER_IDS", { RESERVED_USER_IDS: "," }],
  ["AUTH_JWKS_URL", { AUTH_JWKS_URL: "http://127.0.0.1:8080/jwks.json" }],
  ["AUTH_JWKS_ALLOW_LOOPBACK_HTTP", {
    AUTH_JWKS_URL: "https://login.example.com/jwks.json",
    AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "yes",
  }],
];
for (const [setting, change] of misconfigured) {
  test(
    `service handler: ${setting} = ${JSON.stringify(change[setting] ?? null)} (${
      Object.keys(change).join(", ")
    }) gives 500 ERR_SERVICE_MISCONFIGURED and a log line naming it`,
    async () => {
      const lines: string[] = [];
      const handler = serviceFromEnv({ ...TEST_ENV, ...change }, { log: (l) => lines.push(l) });
      for (const path of ["/usersig", "/healthz"]) {
        const response = await handler(new Request(BASE + path, { method: "POST" }));
        const text = await response.text();
        assertEquals(response.status, 500);
        assertEquals(response.headers.get("cache-control"), "no-store");
        assertEquals(JSON.parse(text).error, {
          code: "ERR_SERVICE_MISCONFIGURED",
          message: "the service is misconfigured; see its log",
        });
        assert(!text.includes(setting), "the response does not name the setting; the log does");
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
    },
  );
}

test("service handler: fromEnv() defaults to a one-day UserSig, five-minute PrivateMapKey and no origins", () => {
  const settings = fromEnv({
    SDK_APP_ID: 1400000000,
    SECRET_KEY: "k",
    AUTH_JWKS_URL: "https://login.example.com/jwks.json",
    AUTH_JWT_AUDIENCE: "usersig",
  });
  assertEquals(settings.userSigExpire, 86400);
  assertEquals(settings.privateMapKeyExpire, 300);
  assertEquals(settings.allowedOrigins, []);
  assertEquals(settings.auth, {
    jwksUrl: "https://login.example.com/jwks.json",
    audience: "usersig",
  });
  const error = assertThrows(() => fromEnv({}), ServiceConfigError) as ServiceConfigError;
  assertEquals(error.setting, "SDK_APP_ID");
});

test("service handler: fromEnv() requires AUTH_JWT_AUDIENCE with AUTH_JWKS_URL, and caps the validities at ten years", () => {
  const base = { SDK_APP_ID: "1400000000", SECRET_KEY: "k" };
  const jwks = { ...base, AUTH_JWKS_URL: "https://login.example.com/jwks.json" };
  const noAudience = assertThrows(
    () => fromEnv(jwks),
    ServiceConfigError,
    "AUTH_JWT_AUDIENCE",
  ) as ServiceConfigError;
  assertEquals(noAudience.setting, "AUTH_JWT_AUDIENCE");
  // With an HS256 secret as well, the JWKS still needs the audience.
  assertThrows(
    () => fromEnv({ ...jwks, AUTH_JWT_SECRET: TEST_ENV.AUTH_JWT_SECRET }),
    ServiceConfigError,
  );
  // HS256 alone: the secret is yours alone, so the audience stays optional.
  assertEquals(fromEnv({ ...base, AUTH_JWT_SECRET: TEST_ENV.AUTH_JWT_SECRET }).auth, {
    secret: TEST_ENV.AUTH_JWT_SECRET,
  });

  const hs = { ...base, AUTH_JWT_SECRET: TEST_ENV.AUTH_JWT_SECRET };
  for (const name of ["USERSIG_EXPIRE", "PRIVATEMAPKEY_EXPIRE"]) {
    const ok = fromEnv({ ...hs, [name]: "315360000" });
    assertEquals(
      ok[name === "USERSIG_EXPIRE" ? "userSigExpire" : "privateMapKeyExpire"],
      315360000,
    );
    for (const value of ["315360001", "4294967295", "9999999999", "0"]) {
      const error = assertThrows(
        () => fromEnv({ ...hs, [name]: value }),
        ServiceConfigError,
        "315360000",
      ) as ServiceConfigError;
      assertEquals(error.setting, name);
      assert(!error.message.includes(value) || value === "0", "the value is not repeated");
    }
  }
});

test("service handler: the longest validities fromEnv() accepts issue tickets that verify", async () => {
  const k = await testKeys();
  const settings = fromEnv({
    ...TEST_ENV,
    USERSIG_EXPIRE: "315360000",
    PRIVATEMAPKEY_EXPIRE: "315360000",
  });
  const handler = createUserSigHandler(settings, {
    authenticate: jwtAuthenticator({ ...settings.auth, jwks: k.jwks }),
    roomPolicy: exampleRoomPolicy,
    log: () => {},
  });
  const headers = { authorization: `Bearer ${await token(k)}` };
  const sig = await handler(new Request(BASE + "/usersig", { method: "POST", headers }));
  assertEquals(sig.status, 200);
  const body = JSON.stringify({ roomStr: "alice", privileges: "EnterRoom" });
  const room = await handler(
    new Request(BASE + "/privatemapkey", { method: "POST", headers, body }),
  );
  assertEquals(room.status, 200);
  assertEquals(
    (await TEST_API.verifyUserSig((await sig.json()).userSig, "alice")).expire,
    315360000,
  );
  const granted = await room.json();
  const claims = await TEST_API.verifyPrivateMapKey(granted.privateMapKey, "alice", {
    roomStr: "alice",
    privileges: granted.privileges,
  });
  assertEquals(claims.expire, 315360000);
});

test("service handler: a room policy's ServiceError is the answer; with no policy every room is refused", async () => {
  const k = await testKeys();
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

test("service handler: a hook that fails gives 500 ERR_INTERNAL, logged, with no detail in the response", async () => {
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

test("service handler: createUserSigHandler() and jwtAuthenticator() reject bad arguments", () => {
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
  for (const expire of [315360001, 4294967295]) {
    assertThrows(
      () =>
        createUserSigHandler({ sdkAppId: 1, secretKey: "k", userSigExpire: expire }, {
          authenticate,
        }),
      RangeError,
      "settings.userSigExpire",
    );
    assertThrows(
      () =>
        createUserSigHandler(
          { sdkAppId: 1, secretKey: "k", privateMapKeyExpire: expire },
          { authenticate },
        ),
      RangeError,
      "settings.privateMapKeyExpire",
    );
  }
  assertThrows(() => jwtAuthenticator({}), TypeError);
  assertThrows(
    () => jwtAuthenticator({ jwksUrl: "https://login.example.com/jwks.json" }),
    TypeError,
    "options.audience",
  );
  jwtAuthenticator({ jwksUrl: "https://login.example.com/jwks.json", audience: "usersig" });
  assertThrows(() => jwtAuthenticator({ secret: "too short" }), RangeError);
  assertThrows(() => new ServiceError(200, "OK", "not an error"), RangeError);
});
