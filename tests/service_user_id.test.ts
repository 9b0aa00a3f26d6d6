// Where the UserID comes from, in every runtime: the token's `sub`, another
// claim (`userId: "uid"`, AUTH_USER_ID_CLAIM), or a mapping function; the
// public mapping helpers; and the refusal of an id Tencent would not accept.
import {
  createUserSigHandler,
  fromEnv,
  hashedUserId,
  jwtAuthenticator,
  type JwtAuthOptions,
  ServiceError,
  serviceFromEnv,
  uuidUserId,
} from "../service.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { test } from "./harness.ts";
import {
  assertCleanLog,
  BASE,
  SDK_APP_ID,
  TEST_API,
  TEST_ENV,
  testKeys,
  token,
} from "./service_cases.ts";

/** A handler with the test settings and `auth` changes, and the lines it logs. */
function service(auth: Partial<JwtAuthOptions> = {}) {
  const log: string[] = [];
  const settings = fromEnv(TEST_ENV);
  const handler = createUserSigHandler(settings, {
    authenticate: jwtAuthenticator({ ...settings.auth, ...auth }),
    log: (line) => log.push(line),
  });
  return { handler, log };
}

async function ask(
  handler: (r: Request) => Promise<Response>,
  claims: Record<string, unknown>,
) {
  const bearer = await token(await testKeys(), { claims });
  const response = await handler(
    new Request(BASE + "/usersig", {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}` },
    }),
  );
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text), bearer, response };
}

async function issuedFor(
  answer: { status: number; body: Record<string, unknown>; text: string },
  userId: string,
) {
  assertEquals(answer.status, 200, answer.text);
  assertEquals(answer.body.userId, userId);
  await TEST_API.verifyUserSig(answer.body.userSig as string, userId);
}

test("service user id: by default the ticket is for the token's sub", async () => {
  const { handler } = service();
  await issuedFor(await ask(handler, { sub: "bob", uid: "u_42" }), "bob");
});

test("service user id: userId names another claim, which is then required and must be a string", async () => {
  const { handler, log } = service({ userId: "uid" });
  await issuedFor(await ask(handler, { sub: "bob", uid: "u_42" }), "u_42");
  await issuedFor(await ask(handler, { sub: undefined, uid: "u_43" }), "u_43");
  const missing = await ask(handler, { sub: "bob" });
  assertEquals([missing.status, missing.body.error.code], [401, "ERR_AUTH_TOKEN_INVALID"]);
  assert(missing.body.error.message.includes('"uid"'), missing.text);
  const number = await ask(handler, { uid: 42 });
  assertEquals([number.status, number.body.error.code], [401, "ERR_AUTH_TOKEN_INVALID"]);
  assertEquals(number.body.error.message, 'the token\'s "uid" claim must be a string');
  assertEquals(log.length, 2);
});

test("service user id: a namespaced claim name works, as Auth0 custom claims are named", async () => {
  const claim = "https://usersig.example.com/user_id";
  const { handler } = service({ userId: claim });
  await issuedFor(
    await ask(handler, { sub: "auth0|64f1c2d3e4f5a6b7c8d9e0f1", [claim]: "u_7" }),
    "u_7",
  );
});

test("service user id: userId as a function, plain or async, maps the verified claims", async () => {
  const plain = service({ userId: (claims) => `org1_${claims.sub}` });
  await issuedFor(await ask(plain.handler, { sub: "bob" }), "org1_bob");
  const later = service({
    userId: async (claims) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return uuidUserId(claims.sub);
    },
  });
  await issuedFor(
    await ask(later.handler, { sub: "123E4567-E89B-12D3-A456-426614174000" }),
    "123e4567e89b12d3a456426614174000",
  );
  // The function decides: a token without sub is fine when it does not need one.
  const bySession = service({ userId: (claims) => String(claims.sid) });
  await issuedFor(await ask(bySession.handler, { sub: undefined, sid: "s_1" }), "s_1");
});

test("service user id: a mapping's ServiceError is the answer; another failure is a logged 500", async () => {
  const refused = service({
    userId: () => {
      throw new ServiceError(403, "ERR_NOT_A_MEMBER", "this user may not chat");
    },
  });
  const answer = await ask(refused.handler, {});
  assertEquals([answer.status, answer.body.error.code], [403, "ERR_NOT_A_MEMBER"]);
  const broken = service({ userId: () => Promise.reject(new Error("directory down")) });
  const failed = await ask(broken.handler, {});
  assertEquals([failed.status, failed.body.error.code], [500, "ERR_INTERNAL"]);
  assert(!failed.text.includes("directory"), "the cause stays in the log");
  assertEquals(broken.log, ["usersig: 500 ERR_INTERNAL POST /usersig: Error: directory down"]);
});

// UserIDs that break Tencent's rule (7003: 1 to 32 bytes of printable
// ASCII): empty, too long, a C0 or C1 control character, DEL, non-ASCII. Each
// carries a marker that must not appear in the answer or the log.
const NOT_USER_IDS: [string, string][] = [
  ["an id with a C1 control (CSI)", "MARK-a\u009b2Jb"],
  ["a non-ASCII id", "MARK-用户-1"],
  ["an id with an accent", "MARK-é"],
  ["an id with a bidi override", "MARK-\u202eb"],
  ["an empty id", ""],
  ["an id of 33 bytes", "MARK-" + "x".repeat(28)],
  ["an id of 200 bytes", "MARK-" + "y".repeat(195)],
  ["an id with a NUL", "MARK-\u0000"],
  ["an id with a BEL", "MARK-\u0007-x"],
  ["an id with a newline", "MARK-\nusersig: 200 OK"],
  ["an id with ESC", "MARK-\u001b[2J"],
  ["an id with DEL", "MARK-\u007f"],
];

for (const [what, id] of NOT_USER_IDS) {
  test(`service user id: ${what} gets 401 ERR_AUTH_SUBJECT_INVALID naming the rule, never the id`, async () => {
    const check = (answer: Awaited<ReturnType<typeof ask>>, log: string[]) => {
      assertEquals(answer.status, 401, answer.text);
      assertEquals(answer.body.error, {
        code: "ERR_AUTH_SUBJECT_INVALID",
        message:
          "the token's user id is not a Tencent UserID (error 7003: 1 to 32 bytes of printable ASCII)",
      });
      assert(answer.response.headers.get("www-authenticate")?.includes("invalid_token"));
      assert(!answer.text.includes("MARK"), "the id is not in the answer");
      assert(!log.join("\n").includes("MARK"), "the id is not in the log");
      assertEquals(log, ["usersig: 401 ERR_AUTH_SUBJECT_INVALID POST /usersig"]);
      assertCleanLog(log.join("\n"), [], [answer.bearer]);
    };
    const bySub = service();
    check(await ask(bySub.handler, { sub: id }), bySub.log);
    const byClaim = service({ userId: "uid" });
    check(await ask(byClaim.handler, { uid: id }), byClaim.log);
    const byMapping = service({ userId: () => id });
    check(await ask(byMapping.handler, {}), byMapping.log);
  });
}

test("service user id: a mapping that returns no string, or an authenticate hook that returns a bad id, gets 401 ERR_AUTH_SUBJECT_INVALID", async () => {
  for (const value of [42, undefined, null, { id: "alice" }]) {
    const { handler } = service({ userId: () => value as unknown as string });
    const answer = await ask(handler, {});
    assertEquals([answer.status, answer.body.error.code], [401, "ERR_AUTH_SUBJECT_INVALID"]);
  }
  const session = createUserSigHandler(
    { sdkAppId: SDK_APP_ID, secretKey: TEST_ENV.SECRET_KEY },
    { authenticate: () => Promise.resolve("x".repeat(33)), log: () => {} },
  );
  const response = await session(new Request(BASE + "/usersig", { method: "POST" }));
  assertEquals(response.status, 401);
  assertEquals((await response.json()).error.code, "ERR_AUTH_SUBJECT_INVALID");
});

test("service user id: fromEnv() and serviceFromEnv() read AUTH_USER_ID_CLAIM", async () => {
  assertEquals(fromEnv(TEST_ENV).auth.userId, undefined);
  assertEquals(fromEnv({ ...TEST_ENV, AUTH_USER_ID_CLAIM: " uid " }).auth.userId, "uid");
  const handler = serviceFromEnv({ ...TEST_ENV, AUTH_USER_ID_CLAIM: "uid" }, { log: () => {} });
  await issuedFor(await ask(handler, { sub: "bob", uid: "u_9" }), "u_9");
});

test("service user id: AUTH_USER_ID_MAPPING maps the sub (or AUTH_USER_ID_CLAIM) with uuidUserId or hashedUserId", async () => {
  const uuid = serviceFromEnv({ ...TEST_ENV, AUTH_USER_ID_MAPPING: "uuid" }, { log: () => {} });
  await issuedFor(
    await ask(uuid, { sub: "123E4567-E89B-12D3-A456-426614174000" }),
    "123e4567e89b12d3a456426614174000",
  );
  const notUuid = await ask(uuid, { sub: "alice" });
  assertEquals([notUuid.status, notUuid.body.error.code], [401, "ERR_AUTH_SUBJECT_INVALID"]);
  const hash = serviceFromEnv(
    { ...TEST_ENV, AUTH_USER_ID_MAPPING: "hash", AUTH_USER_ID_CLAIM: "uid" },
    { log: () => {} },
  );
  await issuedFor(
    await ask(hash, { sub: "ignored", uid: "google-oauth2|112233445566778899001" }),
    "3S3UWXjVhTSVjy7bFMNs-0eb1C-S30L_",
  );
});

test("service user id: jwtAuthenticator() refuses a userId that is neither a claim name nor a function", () => {
  for (const userId of ["", 5, null, ["sub"]]) {
    assertThrows(
      () =>
        jwtAuthenticator({
          secret: TEST_ENV.AUTH_JWT_SECRET,
          userId: userId as unknown as string,
        }),
      TypeError,
      "options.userId",
    );
  }
});

test("service user id: uuidUserId() gives the UUID's 32 hex digits in lower case", () => {
  assertEquals(
    uuidUserId("123e4567-e89b-12d3-a456-426614174000"),
    "123e4567e89b12d3a456426614174000",
  );
  assertEquals(
    uuidUserId("0B4E8C1A-5F2D-4C3B-9A8E-7D6C5B4A3F21"),
    "0b4e8c1a5f2d4c3b9a8e7d6c5b4a3f21",
  );
  for (
    const value of [
      "123e4567e89b12d3a456426614174000",
      "{123e4567-e89b-12d3-a456-426614174000}",
      "urn:uuid:123e4567-e89b-12d3-a456-426614174000",
      "123e4567-e89b-12d3-a456-42661417400",
      "123e4567-e89b-12d3-a456-4266141740000",
      "123e4567-e89b-12d3-a456-42661417400g",
      " 123e4567-e89b-12d3-a456-426614174000",
      "123e4567-e89b-12d3-a456-426614174000\n",
      "",
      42,
      undefined,
    ]
  ) {
    const error = assertThrows(() => uuidUserId(value), ServiceError) as ServiceError;
    assertEquals([error.status, error.code], [401, "ERR_AUTH_SUBJECT_INVALID"]);
    assert(!error.message.includes("123e4567"), "the value is not repeated");
  }
});

test("service user id: hashedUserId() gives 32 base64url characters of SHA-256 (known answers)", async () => {
  // printf %s "$id" | openssl dgst -sha256 -binary | basenc --base64url | cut -c1-32
  assertEquals(
    await hashedUserId("google-oauth2|112233445566778899001"),
    "3S3UWXjVhTSVjy7bFMNs-0eb1C-S30L_",
  );
  assertEquals(
    await hashedUserId("auth0|64f1c2d3e4f5a6b7c8d9e0f1"),
    "wZiDnSgW4E2Ir1etm0IXuu1FMqDM1Fpl",
  );
  assertEquals(await hashedUserId("a"), "ypeBEsobvcr6wjGzmiPcTaeG7_gUfE5y");
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const id = await hashedUserId(`github|${i}`);
    assert(/^[A-Za-z0-9_-]{32}$/.test(id), id);
    seen.add(id);
  }
  assertEquals(seen.size, 200);
  for (const value of ["", "\ud800", "a\udc00b", 42, null]) {
    const error = await assertRejects(() => hashedUserId(value), ServiceError) as ServiceError;
    assertEquals([error.status, error.code], [401, "ERR_AUTH_SUBJECT_INVALID"]);
  }
});

test("service user id: administrator and @TIM#SYSTEM get 403 ERR_USER_ID_RESERVED by default, from a sub or a mapping", async () => {
  for (const id of ["administrator", "@TIM#SYSTEM"]) {
    const bySub = service();
    const answer = await ask(bySub.handler, { sub: id });
    assertEquals([answer.status, answer.body.error.code], [403, "ERR_USER_ID_RESERVED"]);
    assertEquals(
      answer.body.error.message,
      "no ticket is issued for this UserID: it is reserved for the application's administrators or Tencent's system accounts",
    );
    assert(!("userSig" in answer.body), "no ticket");
    assertEquals(bySub.log, ["usersig: 403 ERR_USER_ID_RESERVED POST /usersig"]);
    const byMapping = service({ userId: () => id });
    const mapped = await ask(byMapping.handler, { sub: "someone-else" });
    assertEquals([mapped.status, mapped.body.error.code], [403, "ERR_USER_ID_RESERVED"]);
    const byClaim = service({ userId: "uid" });
    const claimed = await ask(byClaim.handler, { uid: id });
    assertEquals([claimed.status, claimed.body.error.code], [403, "ERR_USER_ID_RESERVED"]);
  }
  // A room key is refused the same way.
  const { handler } = service();
  const bearer = await token(await testKeys(), { claims: { sub: "administrator" } });
  const room = await handler(
    new Request(BASE + "/privatemapkey", {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ roomStr: "administrator", privileges: "EnterRoom" }),
    }),
  );
  assertEquals(room.status, 403);
  assertEquals((await room.json()).error.code, "ERR_USER_ID_RESERVED");
});

test("service user id: reserved ids compare exactly, as Tencent compares UserIDs: Administrator is another account", async () => {
  const { handler } = service();
  for (const id of ["Administrator", "ADMINISTRATOR", "administrator_", "admin", "@tim#system"]) {
    await issuedFor(await ask(handler, { sub: id }), id);
  }
});

test("service user id: reservedUserIds and RESERVED_USER_IDS replace the list; an entry must be a UserID", async () => {
  const settings = fromEnv({
    ...TEST_ENV,
    RESERVED_USER_IDS: "administrator, @TIM#SYSTEM,ops_admin",
  });
  assertEquals(settings.reservedUserIds, ["administrator", "@TIM#SYSTEM", "ops_admin"]);
  assertEquals(fromEnv(TEST_ENV).reservedUserIds, ["administrator", "@TIM#SYSTEM"]);
  const handler = createUserSigHandler(settings, {
    authenticate: jwtAuthenticator(settings.auth),
    log: () => {},
  });
  for (const id of ["ops_admin", "administrator"]) {
    const answer = await ask(handler, { sub: id });
    assertEquals([answer.status, answer.body.error.code], [403, "ERR_USER_ID_RESERVED"]);
  }
  // In code, the list may be emptied on purpose.
  const open = createUserSigHandler({ ...fromEnv(TEST_ENV), reservedUserIds: [] }, {
    authenticate: jwtAuthenticator(fromEnv(TEST_ENV).auth),
    log: () => {},
  });
  await issuedFor(await ask(open, { sub: "administrator" }), "administrator");
  for (const value of [",", "x".repeat(33), "a,\u0007", "a,管理员", "a,b\u0085c"]) {
    const error = assertThrows(
      () => fromEnv({ ...TEST_ENV, RESERVED_USER_IDS: value }),
      Error,
      "RESERVED_USER_IDS",
    );
    assertEquals((error as { setting?: string }).setting, "RESERVED_USER_IDS");
  }
  assertThrows(
    () =>
      createUserSigHandler({ sdkAppId: 1, secretKey: "k", reservedUserIds: ["x".repeat(33)] }, {
        authenticate: () => Promise.resolve("a"),
      }),
    RangeError,
  );
  assertThrows(
    () =>
      createUserSigHandler(
        { sdkAppId: 1, secretKey: "k", reservedUserIds: "administrator" as unknown as string[] },
        { authenticate: () => Promise.resolve("a") },
      ),
    TypeError,
  );
});
