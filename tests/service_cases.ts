// The edge service's contract as a table of cases, run against the handler
// in every runtime (service_handler.test.ts) and against the real Worker in
// workerd (service.test.ts). Web APIs only.
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { TLSSigAPIv2 } from "../mod.ts";
import { assert, assertEquals } from "./assert.ts";
import type { TestOptions } from "./harness.ts";

/** The service's settings in these tests (test values, not secrets of anything). */
export const TEST_ENV = {
  SDK_APP_ID: "1400000000",
  SECRET_KEY: "test-only-secret-key-for-the-service-tests",
  AUTH_JWT_SECRET: "test-only-jwt-secret-0123456789abcdef-0123",
  AUTH_JWT_ISSUER: "https://login.test",
  AUTH_JWT_AUDIENCE: "usersig-test",
  USERSIG_EXPIRE: "600",
  PRIVATEMAPKEY_EXPIRE: "120",
  ALLOWED_ORIGINS: "https://app.test,http://localhost:5173",
};
export const SDK_APP_ID = 1400000000;
export const ORIGIN = "https://app.test";
export const BASE = "http://usersig.test";

/** Keys the tests sign with: the JWKS the service trusts, and one it does not. */
export interface TestKeys {
  jwks: { keys: (JsonWebKey & { kid?: string })[] };
  rsa: CryptoKey;
  ec: CryptoKey;
  stranger: CryptoKey;
}

/** Generates the RS256 and ES256 keys and the JWKS of their public halves. */
export async function makeKeys(): Promise<TestKeys> {
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  const stranger = await generateKeyPair("ES256");
  const jwks = {
    keys: [
      { ...(await exportJWK(rsa.publicKey)), kid: "rsa-1", alg: "RS256", use: "sig" },
      { ...(await exportJWK(ec.publicKey)), kid: "ec-1", alg: "ES256", use: "sig" },
    ],
  };
  return { jwks, rsa: rsa.privateKey, ec: ec.privateKey, stranger: stranger.privateKey };
}

let shared: Promise<TestKeys> | undefined;

/** The keys of this run: made once, on first use, for every test that signs with them. */
export function testKeys(): Promise<TestKeys> {
  return shared ??= makeKeys();
}

const now = () => Math.floor(Date.now() / 1000);

interface TokenOptions {
  alg?: "HS256" | "RS256" | "ES256";
  kid?: string;
  key?: CryptoKey | Uint8Array;
  claims?: Record<string, unknown>;
  omit?: string[];
}

/** A token the service should accept unless the options spoil it. */
export function token(keys: TestKeys, o: TokenOptions = {}): Promise<string> {
  const alg = o.alg ?? "HS256";
  const t = now();
  const claims: Record<string, unknown> = {
    sub: "alice",
    iss: TEST_ENV.AUTH_JWT_ISSUER,
    aud: TEST_ENV.AUTH_JWT_AUDIENCE,
    iat: t,
    exp: t + 600,
    ...o.claims,
  };
  for (const name of o.omit ?? []) delete claims[name];
  const key = o.key ??
    (alg === "HS256"
      ? new TextEncoder().encode(TEST_ENV.AUTH_JWT_SECRET)
      : alg === "RS256"
      ? keys.rsa
      : keys.ec);
  const header = {
    alg,
    typ: "JWT",
    ...(alg === "HS256" ? {} : { kid: o.kid ?? (alg === "RS256" ? "rsa-1" : "ec-1") }),
  };
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

function b64url(text: string): string {
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** An unsecured token (`alg: none`) for alice. */
export function unsecuredToken(): string {
  const t = now();
  const payload = {
    sub: "alice",
    iss: TEST_ENV.AUTH_JWT_ISSUER,
    aud: TEST_ENV.AUTH_JWT_AUDIENCE,
    exp: t + 600,
  };
  return `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${
    b64url(JSON.stringify(payload))
  }.`;
}

/** What a case sends, made fresh for each run (bodies are single-use). */
export type MakeRequest = (keys: TestKeys) => Promise<Request>;

/** Where a case that sends an Origin header runs: everywhere but the browser. */
export const NOT_IN_BROWSERS: TestOptions = {
  runtimes: ["deno", "node", "bun", "workerd", "edge-runtime"],
  why: "a browser drops the Origin header from a Request it builds",
};

/** One row of the contract. */
export interface ContractCase {
  name: string;
  request: MakeRequest;
  status: number;
  code?: string;
  /** Sends an Origin header, which a browser drops from a Request it builds. */
  setsOrigin?: boolean;
  check?: (
    response: Response,
    body: Record<string, unknown>,
    keys: TestKeys,
  ) => Promise<void> | void;
}

/** The signer with the test settings: checks what the service issued. */
export const TEST_API = new TLSSigAPIv2(SDK_APP_ID, TEST_ENV.SECRET_KEY);

function post(
  path: string,
  bearer?: string,
  body?: BodyInit,
  headers: Record<string, string> = {},
) {
  const h: Record<string, string> = { ...headers };
  if (bearer !== undefined) h.authorization = `Bearer ${bearer}`;
  if (typeof body === "string") h["content-type"] = "application/json";
  return new Request(BASE + path, { method: "POST", headers: h, body });
}

async function userSigFor(response: Response, body: Record<string, unknown>, userId: string) {
  assertEquals(Object.keys(body).sort(), ["expiresAt", "sdkAppId", "userId", "userSig"]);
  assertEquals(body.sdkAppId, SDK_APP_ID);
  assertEquals(body.userId, userId);
  const claims = await TEST_API.verifyUserSig(body.userSig as string, userId);
  assertEquals(claims.expire, 600);
  assertEquals(body.expiresAt, claims.expiresAt);
  assert(Math.abs(claims.time - now()) <= 5, "the ticket is issued now");
  assertEquals(response.headers.get("content-type"), "application/json; charset=utf-8");
}

async function roomKeyFor(
  body: Record<string, unknown>,
  userId: string,
  room: { roomId?: number; roomStr?: string },
  privileges: number,
) {
  assertEquals(body.userId, userId);
  assertEquals(body.privileges, privileges);
  const claims = await TEST_API.verifyPrivateMapKey(body.privateMapKey as string, userId, {
    ...room,
    privileges,
  });
  assertEquals(claims.privateMap.privilegeMap, privileges);
  assertEquals(claims.expire, 120);
  assertEquals(body.expiresAt, claims.expiresAt);
  if (room.roomId !== undefined) assertEquals(body.roomId, room.roomId);
  if (room.roomStr !== undefined) assertEquals(body.roomStr, room.roomStr);
}

function bigBody(bytes: number): string {
  return JSON.stringify({ roomId: 1, privileges: 2, pad: "x".repeat(bytes) });
}

function streamOf(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + 1024));
      at += 1024;
    },
  });
}

const unauthorized = (
  name: string,
  code: string,
  make: (k: TestKeys) => Promise<string> | string,
): ContractCase => ({
  name: `POST /usersig returns 401 ${code} for ${name}`,
  request: async (k) => post("/usersig", await make(k)),
  status: 401,
  code,
  check: (response) => {
    assert(
      response.headers.get("www-authenticate")?.startsWith("Bearer"),
      "WWW-Authenticate: Bearer",
    );
  },
});

/** Every row of the service's contract. */
export const CONTRACT: ContractCase[] = [
  {
    name: "POST /usersig issues a UserSig for the HS256 token's sub that verifies with the core",
    request: async (k) => post("/usersig", await token(k)),
    status: 200,
    check: (r, body) => userSigFor(r, body, "alice"),
  },
  {
    name:
      "POST /usersig ignores a user id in the body or the query: the ticket is for the token's sub",
    request: async (k) =>
      new Request(`${BASE}/usersig?userId=mallory&identifier=mallory`, {
        method: "POST",
        headers: { authorization: `Bearer ${await token(k, { claims: { sub: "bob" } })}` },
        body: JSON.stringify({ userId: "mallory", identifier: "mallory" }),
      }),
    status: 200,
    check: (r, body) => userSigFor(r, body, "bob"),
  },
  {
    name: "POST /usersig accepts an RS256 token signed by a key of the JWKS",
    request: async (k) =>
      post("/usersig", await token(k, { alg: "RS256", claims: { sub: "carol" } })),
    status: 200,
    check: (r, body) => userSigFor(r, body, "carol"),
  },
  {
    name: "POST /usersig accepts an ES256 token signed by a key of the JWKS",
    request: async (k) =>
      post("/usersig", await token(k, { alg: "ES256", claims: { sub: "Carol_2-ES" } })),
    status: 200,
    check: (r, body) => userSigFor(r, body, "Carol_2-ES"),
  },
  {
    name: "POST /usersig returns 401 ERR_AUTH_MISSING without an Authorization header",
    request: () => Promise.resolve(post("/usersig")),
    status: 401,
    code: "ERR_AUTH_MISSING",
  },
  {
    name: "POST /usersig returns 401 ERR_AUTH_TOKEN_INVALID for a Basic Authorization header",
    request: () =>
      Promise.resolve(
        new Request(BASE + "/usersig", {
          method: "POST",
          headers: { authorization: "Basic YWxpY2U6cHc=" },
        }),
      ),
    status: 401,
    code: "ERR_AUTH_TOKEN_INVALID",
  },
  unauthorized("a malformed token", "ERR_AUTH_TOKEN_INVALID", () => "not.a-jwt"),
  unauthorized(
    "a token signed with another secret",
    "ERR_AUTH_SIGNATURE_INVALID",
    (k) => token(k, { key: new TextEncoder().encode("another-secret-of-more-than-32-bytes-000") }),
  ),
  unauthorized("a token whose payload was altered", "ERR_AUTH_SIGNATURE_INVALID", async (k) => {
    const [h, , s] = (await token(k)).split(".");
    const payload = b64url(
      JSON.stringify({
        sub: "mallory",
        iss: TEST_ENV.AUTH_JWT_ISSUER,
        aud: TEST_ENV.AUTH_JWT_AUDIENCE,
        exp: now() + 600,
      }),
    );
    return `${h}.${payload}.${s}`;
  }),
  unauthorized(
    "an expired token",
    "ERR_AUTH_TOKEN_EXPIRED",
    (k) => token(k, { claims: { iat: now() - 7200, exp: now() - 120 } }),
  ),
  unauthorized(
    "a token that is not valid yet (nbf)",
    "ERR_AUTH_TOKEN_NOT_YET_VALID",
    (k) => token(k, { claims: { nbf: now() + 600 } }),
  ),
  unauthorized("an alg: none token", "ERR_AUTH_ALGORITHM_REJECTED", () => unsecuredToken()),
  unauthorized(
    "a token of another issuer",
    "ERR_AUTH_ISSUER_MISMATCH",
    (k) => token(k, { claims: { iss: "https://evil.test" } }),
  ),
  unauthorized(
    "a token for another audience",
    "ERR_AUTH_AUDIENCE_MISMATCH",
    (k) => token(k, { claims: { aud: "another-app" } }),
  ),
  unauthorized("a token without exp", "ERR_AUTH_TOKEN_INVALID", (k) => token(k, { omit: ["exp"] })),
  unauthorized("a token without sub", "ERR_AUTH_TOKEN_INVALID", (k) => token(k, { omit: ["sub"] })),
  unauthorized(
    "a sub that is not a Tencent UserID",
    "ERR_AUTH_SUBJECT_INVALID",
    (k) => token(k, { claims: { sub: "x".repeat(33) } }),
  ),
  unauthorized(
    "an ES256 token signed by a key outside the JWKS",
    "ERR_AUTH_SIGNATURE_INVALID",
    (k) => token(k, { alg: "ES256", key: k.stranger }),
  ),
  unauthorized(
    "an RS256 token whose kid is not in the JWKS",
    "ERR_AUTH_KEY_UNKNOWN",
    (k) => token(k, { alg: "RS256", kid: "rsa-unknown" }),
  ),
  {
    name:
      "POST /privatemapkey issues a key for a numeric room within the policy that verifies with the core",
    request: async (k) =>
      post("/privatemapkey", await token(k), JSON.stringify({ roomId: 10000, privileges: 42 })),
    status: 200,
    check: (_r, body) => roomKeyFor(body, "alice", { roomId: 10000 }, 42),
  },
  {
    name:
      "POST /privatemapkey accepts privilege names and grants everything in the user's own string room",
    request: async (k) =>
      post(
        "/privatemapkey",
        await token(k),
        JSON.stringify({ roomStr: "alice", privileges: ["CreateRoom", "enter-room", "SendVideo"] }),
      ),
    status: 200,
    check: (_r, body) => {
      assertEquals(body.privilegeNames, ["CreateRoom", "EnterRoom", "SendVideo"]);
      return roomKeyFor(body, "alice", { roomStr: "alice" }, 19);
    },
  },
  {
    name: "POST /privatemapkey returns 403 ERR_PRIVILEGES_DENIED beyond the room policy",
    request: async (k) =>
      post(
        "/privatemapkey",
        await token(k),
        JSON.stringify({ roomStr: "bob", privileges: "EnterRoom,SendVideo" }),
      ),
    status: 403,
    code: "ERR_PRIVILEGES_DENIED",
    check: (_r, body) => {
      assert(!JSON.stringify(body).includes("privateMapKey"), "no ticket");
    },
  },
  {
    name: "POST /privatemapkey returns 401 without a token, whatever the body",
    request: () =>
      Promise.resolve(
        post("/privatemapkey", undefined, JSON.stringify({ roomId: 1, privileges: 2 })),
      ),
    status: 401,
    code: "ERR_AUTH_MISSING",
  },
  {
    name: "POST /privatemapkey returns 400 ERR_BAD_JSON for a body that is not JSON",
    request: async (k) => post("/privatemapkey", await token(k), "{roomId: 1,"),
    status: 400,
    code: "ERR_BAD_JSON",
  },
  ...[
    ["both roomId and roomStr", { roomId: 1, roomStr: "a", privileges: 2 }],
    ["no room", { privileges: 2 }],
    ["roomId 0", { roomId: 0, privileges: 2 }],
    ["a roomStr of 65 bytes", { roomStr: "r".repeat(65), privileges: 2 }],
    ["a roomStr outside TRTC's 89 characters", { roomStr: "room/1", privileges: 2 }],
    ["a non-ASCII roomStr", { roomStr: "房间", privileges: 2 }],
    ["an unknown privilege name", { roomId: 1, privileges: ["Fly"] }],
    ["no privileges", { roomId: 1 }],
    ["privileges 0", { roomId: 1, privileges: 0 }],
    ["a JSON array", [1, 2]],
  ].map(([what, body]): ContractCase => ({
    name: `POST /privatemapkey returns 400 ERR_BAD_REQUEST for ${what}`,
    request: async (k) => post("/privatemapkey", await token(k), JSON.stringify(body)),
    status: 400,
    code: "ERR_BAD_REQUEST",
  })),
  {
    name: "POST /privatemapkey returns 413 ERR_BODY_TOO_LARGE for a body over 4096 bytes",
    request: async (k) => post("/privatemapkey", await token(k), bigBody(5000)),
    status: 413,
    code: "ERR_BODY_TOO_LARGE",
  },
  {
    name: "POST /usersig returns 413 ERR_BODY_TOO_LARGE for a streamed body over 4096 bytes",
    request: async (k) =>
      new Request(BASE + "/usersig", {
        method: "POST",
        headers: { authorization: `Bearer ${await token(k)}` },
        body: streamOf(bigBody(20000)),
        duplex: "half",
      } as RequestInit),
    status: 413,
    code: "ERR_BODY_TOO_LARGE",
  },
  {
    name: "GET /usersig returns 405 ERR_METHOD_NOT_ALLOWED with an Allow header",
    request: async (k) =>
      new Request(BASE + "/usersig", { headers: { authorization: `Bearer ${await token(k)}` } }),
    status: 405,
    code: "ERR_METHOD_NOT_ALLOWED",
    check: (r) => assertEquals(r.headers.get("allow"), "POST, OPTIONS"),
  },
  {
    name: "DELETE /privatemapkey returns 405 ERR_METHOD_NOT_ALLOWED",
    request: () => Promise.resolve(new Request(BASE + "/privatemapkey", { method: "DELETE" })),
    status: 405,
    code: "ERR_METHOD_NOT_ALLOWED",
  },
  {
    name: "an unknown path returns 404 ERR_NOT_FOUND",
    request: async (k) => post("/usersig/alice", await token(k)),
    status: 404,
    code: "ERR_NOT_FOUND",
  },
  {
    name: "GET /healthz returns 200",
    request: () => Promise.resolve(new Request(BASE + "/healthz")),
    status: 200,
    check: (_r, body) => assertEquals(body, { status: "ok" }),
  },
  {
    name: "a CORS preflight from an allowed origin is answered with 204 and the allowed methods",
    setsOrigin: true,
    request: () =>
      Promise.resolve(
        new Request(BASE + "/usersig", {
          method: "OPTIONS",
          headers: {
            origin: ORIGIN,
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization",
          },
        }),
      ),
    status: 204,
    check: (r) => {
      assertEquals(r.headers.get("access-control-allow-origin"), ORIGIN);
      assertEquals(r.headers.get("access-control-allow-methods"), "POST");
      assert(
        r.headers.get("access-control-allow-headers")?.includes("authorization"),
        "allows Authorization",
      );
      assertEquals(r.headers.get("access-control-allow-credentials"), null);
    },
  },
  {
    name:
      "a CORS preflight from another origin returns 403 ERR_ORIGIN_NOT_ALLOWED without CORS headers",
    setsOrigin: true,
    request: () =>
      Promise.resolve(
        new Request(BASE + "/usersig", {
          method: "OPTIONS",
          headers: { origin: "https://evil.test", "access-control-request-method": "POST" },
        }),
      ),
    status: 403,
    code: "ERR_ORIGIN_NOT_ALLOWED",
    check: (r) => assertEquals(r.headers.get("access-control-allow-origin"), null),
  },
  {
    name: "POST /usersig from an allowed origin carries Access-Control-Allow-Origin",
    setsOrigin: true,
    request: async (k) => post("/usersig", await token(k), undefined, { origin: ORIGIN }),
    status: 200,
    check: async (r, body) => {
      assertEquals(r.headers.get("access-control-allow-origin"), ORIGIN);
      await userSigFor(r, body, "alice");
    },
  },
  {
    name: "POST /usersig from another origin carries no Access-Control-Allow-Origin",
    setsOrigin: true,
    request: async (k) =>
      post("/usersig", await token(k), undefined, { origin: "https://evil.test" }),
    status: 200,
    check: (r) => assertEquals(r.headers.get("access-control-allow-origin"), null),
  },
];

/** Sends one case through `send` and checks the answer, headers common to all included. */
export async function runCase(
  c: ContractCase,
  keys: TestKeys,
  send: (request: Request) => Promise<Response>,
  issued: string[],
): Promise<void> {
  const response = await send(await c.request(keys));
  const text = await response.text();
  assertEquals(response.status, c.status, `${c.name}: status (body ${text.slice(0, 200)})`);
  assertEquals(response.headers.get("cache-control"), "no-store", "Cache-Control");
  const body = text === "" ? {} : JSON.parse(text) as Record<string, unknown>;
  if (c.status >= 400) {
    assertEquals(Object.keys(body), ["error"]);
    const error = body.error as Record<string, unknown>;
    assertEquals(Object.keys(error).sort(), ["code", "message"]);
    if (c.code !== undefined) assertEquals(error.code, c.code, "error code");
    for (const secret of [TEST_ENV.SECRET_KEY, TEST_ENV.AUTH_JWT_SECRET]) {
      assert(!text.includes(secret), "no secret in a response");
    }
  }
  for (const name of ["userSig", "privateMapKey"]) {
    if (typeof body[name] === "string") issued.push(body[name] as string);
  }
  await c.check?.(response, body, keys);
}

/** Throws when a log line holds a secret, an issued ticket or a bearer token. */
export function assertCleanLog(log: string, issued: string[], tokens: string[] = []): void {
  for (const secret of [TEST_ENV.SECRET_KEY, TEST_ENV.AUTH_JWT_SECRET]) {
    assert(!log.includes(secret), "a secret appears in the log");
  }
  for (const ticket of issued) {
    assert(!log.includes(ticket.slice(0, 40)), "a ticket appears in the log");
  }
  for (const t of tokens) assert(!log.includes(t.split(".")[1]), "a token appears in the log");
}
