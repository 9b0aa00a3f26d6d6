import {
  decodeUserSig,
  encodePrivateMap,
  Privilege,
  TLSSigAPIv2,
  UserSigError,
  type UserSigErrorCode,
} from "../mod.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { test } from "./harness.ts";
import legacy from "./vectors/legacy-v1.json" with { type: "json" };
import {
  documentOf,
  hmac,
  rawRecord,
  signTicket,
  standardDeflate,
  ticketOf,
  ticketWithJson,
} from "./tickets.ts";

const APP = 1400000000;
const KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
const T = 1_700_000_000;
const api = new TLSSigAPIv2(APP, KEY);

/** A ticket holding `document` as JSON, signed over its own fields with `key`. */
const signedTicket = (doc: Record<string, unknown>, key = KEY) => signTicket(doc, key);

const base = () => ({
  "TLS.ver": "2.0",
  "TLS.identifier": "alice",
  "TLS.sdkappid": APP,
  "TLS.time": T,
  "TLS.expire": 600,
});

// Round trips

test("genUserSig() then verifyUserSig() round-trips, with a Date or unix seconds as the clock", async () => {
  const ticket = await api.genUserSig("alice", 600, { now: new Date(T * 1000 + 999) });
  const claims = await api.verifyUserSig(ticket, "alice", { now: T + 1 });
  assertEquals(claims, {
    version: "2.0",
    userId: "alice",
    sdkAppId: APP,
    time: T,
    expire: 600,
    expiresAt: T + 600,
  });
});

test("genUserSig() defaults to 180 days and the real clock", async () => {
  const before = Math.floor(Date.now() / 1000);
  const claims = await api.verifyUserSig(await api.genUserSig("alice"), "alice");
  assertEquals(claims.expire, 15552000);
  assert(claims.time >= before && claims.time <= before + 2, "issued now");
});

test("genUserSigWithUserBuf() carries the bytes; verifyUserSig() returns them", async () => {
  const bytes = crypto.getRandomValues(new Uint8Array(100));
  const ticket = await api.genUserSigWithUserBuf("alice", 600, bytes, { now: T });
  assertEquals(
    (await api.verifyUserSig(ticket, "alice", { now: T, userBuf: bytes })).userBuf,
    bytes,
  );
  assertEquals(
    (await api.verifyUserSig(ticket, "alice", { now: T, userBuf: "any" })).userBuf,
    bytes,
  );
  const empty = await api.genUserSigWithUserBuf("alice", 600, new Uint8Array(0), { now: T });
  assertEquals(
    (await api.verifyUserSig(empty, "alice", { now: T, userBuf: new Uint8Array(0) })).userBuf,
    new Uint8Array(0),
  );
});

test("the largest userbuf (8192 bytes) makes a ticket that verifies", async () => {
  const bytes = crypto.getRandomValues(new Uint8Array(8192));
  const ticket = await api.genUserSigWithUserBuf("alice", 600, bytes, { now: T });
  assertEquals(
    (await api.verifyUserSig(ticket, "alice", { now: T, userBuf: bytes })).userBuf,
    bytes,
  );
});

test("genPrivateMapKey() makes a record expiring exactly at time + expire, one clock reading", async () => {
  const ticket = await api.genPrivateMapKey("alice", 300, 4294967294, 42, { now: T });
  const claims = await api.verifyPrivateMapKey(ticket, "alice", { now: T, roomId: 4294967294 });
  assertEquals(claims.privateMap, {
    userId: "alice",
    sdkAppId: APP,
    roomId: 4294967294,
    expiresAt: T + 300,
    privilegeMap: 42,
    accountType: 0,
  });
  assertEquals(claims.expiresAt, claims.privateMap.expiresAt);
});

test("verifyPrivateMapKey() accepts a record of a non-ASCII id and room in UTF-8, as Go and PHP write it", async () => {
  // Issuing refuses such ids; a ticket another library issued still verifies.
  const userBuf = rawRecord({
    account: new TextEncoder().encode("用户"),
    sdkAppId: APP,
    expiresAt: T + 300,
    privilegeMap: 255,
    room: new TextEncoder().encode("房间-1"),
  });
  const ticket = await signedTicket({
    ...base(),
    "TLS.identifier": "用户",
    "TLS.userbuf": btoa(String.fromCharCode(...userBuf)),
  });
  const claims = await api.verifyPrivateMapKey(ticket, "用户", { now: T, roomStr: "房间-1" });
  assertEquals(claims.privateMap.roomStr, "房间-1");
  assertEquals(claims.privateMap.userId, "用户");
  await api.verifyUserSig(await signedTicket({ ...base(), "TLS.identifier": "用户" }), "用户", {
    now: T,
  });
});

test("a CryptoKey is used as given, and a wrong kind of key is refused", async () => {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(KEY),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const withKey = new TLSSigAPIv2(APP, key);
  const ticket = await withKey.genUserSig("alice", 600, { now: T });
  assertEquals(ticket, await api.genUserSig("alice", 600, { now: T }));
  await withKey.verifyUserSig(ticket, "alice", { now: T });
  const sha1 = await crypto.subtle.importKey(
    "raw",
    new Uint8Array(16),
    { name: "HMAC", hash: "SHA-1" },
    false,
    ["sign"],
  );
  assertThrows(() => new TLSSigAPIv2(APP, sha1), TypeError, "HMAC SHA-256");
});

test("tickets are deterministic: same inputs and clock, same ticket", async () => {
  assertEquals(
    await api.genPrivateMapKey("bob", 300, 7, 255, { now: T }),
    await new TLSSigAPIv2(APP, KEY).genPrivateMapKey("bob", 300, 7, 255, { now: T }),
  );
});

// Caller mistakes

test("the constructor names a bad sdkAppId or key, and never echoes the key", () => {
  for (const bad of [0, -1, 1.5, 4294967296, NaN]) {
    assertThrows(() => new TLSSigAPIv2(bad, KEY), Error, "sdkAppId");
  }
  assertThrows(
    () => new TLSSigAPIv2("1400000000" as unknown as number, KEY),
    TypeError,
    "sdkAppId",
  );
  assertThrows(() => new TLSSigAPIv2(APP, ""), TypeError, "secretKey");
  assertThrows(() => new TLSSigAPIv2(APP, 42 as unknown as string), TypeError, "secretKey");
  assertThrows(() => new TLSSigAPIv2(APP, null as unknown as string), TypeError, "secretKey");
});

test("the constructor says what a key must be, whatever it was given instead", async () => {
  // An HMAC SHA-1 key is refused above, with the same message.
  const aes = await crypto.subtle.generateKey({ name: "AES-GCM", length: 128 }, false, ["encrypt"]);
  const lookalike = { algorithm: { name: "HMAC" }, type: "secret", usages: ["sign"] };
  for (const bad of ["", 42, null, undefined, {}, lookalike, aes]) {
    assertThrows(
      () => new TLSSigAPIv2(APP, bad as string),
      TypeError,
      "secretKey must be a non-empty string or an HMAC SHA-256 CryptoKey",
    );
  }
});

test("gen*() name every bad argument with a TypeError or RangeError", async () => {
  const cases: [() => Promise<unknown>, ErrorConstructor, string][] = [
    [() => api.genUserSig("", 600), RangeError, "userId is empty"],
    [() => api.genUserSig("x".repeat(33), 600), RangeError, "userId is too long"],
    [
      () => api.genUserSig("é".repeat(17), 600),
      RangeError,
      "has a refused character at position 1",
    ],
    [() => api.genUserSig("a\nTLS.sdkappid:1", 600), RangeError, "at position 2"],
    [() => api.genUserSig("bob\ud800", 600), RangeError, "printable ASCII"],
    [() => api.genUserSig("bob\u007f", 600), RangeError, "printable ASCII"],
    [() => api.genUserSig(42 as unknown as string, 600), TypeError, "userId must be a string"],
    [() => api.genUserSig("alice", 0), RangeError, "expire"],
    [() => api.genUserSig("alice", 1.5), TypeError, "expire must be an integer"],
    [() => api.genUserSig("alice", 4294967295 - T + 1, { now: T }), RangeError, "time + expire"],
    [() => api.genUserSig("alice", 600, { now: -1 }), RangeError, "now"],
    [() => api.genUserSig("alice", 600, { now: new Date(NaN) }), TypeError, "valid Date"],
    [() => api.genUserSig("alice", 600, { now: "today" as unknown as number }), TypeError, "now"],
    [
      () => api.genUserSigWithUserBuf("alice", 600, [1, 2] as unknown as Uint8Array),
      TypeError,
      "userBuf",
    ],
    [() => api.genUserSigWithUserBuf("alice", 600, new Uint8Array(8193)), RangeError, "8192"],
    [() => api.genPrivateMapKey("alice", 300, 0, 255), RangeError, "roomId"],
    [() => api.genPrivateMapKey("alice", 300, 4294967295, 255), RangeError, "roomId"],
    [() => api.genPrivateMapKey("alice", 300, 1, -1), RangeError, "privilegeMap"],
    [() => api.genPrivateMapKey("alice", 300, 1, 2 ** 32), RangeError, "privilegeMap"],
    [() => api.genPrivateMapKeyWithStringRoomID("alice", 300, "", 255), RangeError, "is empty"],
    [
      () => api.genPrivateMapKeyWithStringRoomID("alice", 300, "r\ud83d", 255),
      RangeError,
      "has a refused character at position 2",
    ],
    [
      () => api.genPrivateMapKeyWithStringRoomID("alice", 300, "r".repeat(65), 255),
      RangeError,
      "is too long",
    ],
    [
      () => api.genPrivateMapKeyWithStringRoomID("alice", 300, 5 as unknown as string, 255),
      TypeError,
      "roomStr",
    ],
  ];
  for (const [fn, kind, message] of cases) await assertRejects(fn, kind, message);
});

test("every gen*() refuses a UserID Tencent refuses, naming the rule and 7003, never the id", async () => {
  const bad = ["用户甲", "alice\u001b[2J", "ünïcode", "a".repeat(33), "x\u00a0y", "e\u0301", "😀"];
  const methods = [
    (id: string) => api.genUserSig(id, 600),
    (id: string) => api.genUserSigWithUserBuf(id, 600, new Uint8Array(1)),
    (id: string) => api.genPrivateMapKey(id, 300, 1, 255),
    (id: string) => api.genPrivateMapKeyWithStringRoomID(id, 300, "room", 255),
  ];
  for (const id of bad) {
    for (const issue of methods) {
      const error = await assertRejects(() => issue(id), RangeError, "error 7003");
      assert(error.message.includes("printable ASCII"), error.message);
      assert(!error.message.includes(id), `the id is echoed: ${error.message}`);
    }
  }
  // Printable ASCII is Tencent's rule; everything in it is issued.
  for (const id of [" ", "~!@#$%^&*()+={}[]|:;'<>,.?/\\\"`", "a".repeat(32), "user_1-A"]) {
    await api.verifyUserSig(await api.genUserSig(id, 600, { now: T }), id, { now: T });
  }
});

test("genPrivateMapKeyWithStringRoomID() refuses a room outside TRTC's 89 characters, naming -100014", async () => {
  for (
    const room of ["房间", "a/b", 'a"b', "a\\b", "a'b", "a*b", "a`b", "tab\there", "r".repeat(65)]
  ) {
    const error = await assertRejects(
      () => api.genPrivateMapKeyWithStringRoomID("alice", 300, room, 255),
      RangeError,
      "-100014",
    );
    assert(!error.message.includes(room), `the room is echoed: ${error.message}`);
  }
  const all =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,";
  assertEquals(all.length, 89);
  for (const room of [all.slice(0, 64), all.slice(25), " "]) {
    const key = await api.genPrivateMapKeyWithStringRoomID("alice", 300, room, 255, { now: T });
    await api.verifyPrivateMapKey(key, "alice", { now: T, roomStr: room });
  }
});

test("verify*() name bad options with a TypeError or RangeError", async () => {
  const ticket = await api.genPrivateMapKey("alice", 300, 1, 255, { now: T });
  await assertRejects(() => api.verifyUserSig(ticket, 5 as unknown as string), TypeError, "userId");
  await assertRejects(
    () => api.verifyUserSig(ticket, "alice", { userBuf: "all" as "any" }),
    TypeError,
    "userBuf",
  );
  await assertRejects(
    () => api.verifyUserSig(ticket, "alice", { clockSkew: -1 }),
    RangeError,
    "clockSkew",
  );
  await assertRejects(
    () => api.verifyPrivateMapKey(ticket, "alice", { roomId: 1, roomStr: "1" }),
    TypeError,
    "at most one",
  );
  await assertRejects(
    () => api.verifyPrivateMapKey(ticket, "alice", { roomId: 0 }),
    RangeError,
    "options.roomId",
  );
  await assertRejects(
    () => api.verifyPrivateMapKey(ticket, "alice", { privileges: -1 }),
    RangeError,
    "options.privileges",
  );
});

test("no message, string form or JSON form of the API holds the key", async () => {
  const texts: string[] = [String(api), JSON.stringify(api), Object.keys(api).join()];
  for (const fn of [() => new TLSSigAPIv2(0, KEY), () => api.genUserSig("", 1)]) {
    try {
      await fn();
    } catch (error) {
      texts.push(String(error), (error as Error).stack ?? "");
    }
  }
  for (const text of texts) assert(!text.includes(KEY) && !text.includes(KEY.slice(0, 16)), text);
});

// Every error code

test("ERR_USERSIG_MALFORMED for everything that is not a ticket document", async () => {
  const cases: [unknown, string][] = [
    [undefined, "must be a string"],
    [null, "must be a string"],
    ["", "empty"],
    ["x".repeat(16385), "longer than 16384"],
    ["eJ+rVgrx", "alphabet"],
    ["eJ/rVgrx", "alphabet"],
    ["eJyrVgrx\n", "alphabet"],
    ["AAAA", "zlib"],
    [await ticketWithJson("\u00ff"), "JSON"],
    [await ticketWithJson("[1]"), "JSON object"],
    [await ticketWithJson("null"), "JSON object"],
    [await ticketWithJson("{}"), "neither a v2 nor a v1"],
  ];
  const notUtf8 = new Uint8Array([0x7b, 0xff, 0x7d]);
  cases.push([ticketOf(await standardDeflate(notUtf8)), "UTF-8"]);
  for (const [ticket, message] of cases) {
    await assertRejects(
      () => api.verifyUserSig(ticket as string, "alice"),
      "ERR_USERSIG_MALFORMED",
      message,
    );
    assertThrows(() => decodeUserSig(ticket as string), "ERR_USERSIG_MALFORMED", message);
  }
});

test("ERR_USERSIG_MALFORMED for each field missing or of the wrong type", async () => {
  const good = { ...base(), "TLS.sig": await hmac("x", KEY) };
  const edits: [string, unknown, string][] = [
    ["TLS.identifier", undefined, "TLS.identifier is missing"],
    ["TLS.identifier", 5, "TLS.identifier must be a string"],
    ["TLS.sdkappid", "1400000000", "TLS.sdkappid must be"],
    ["TLS.sdkappid", 1.5, "TLS.sdkappid must be"],
    ["TLS.sdkappid", 2 ** 32, "TLS.sdkappid must be"],
    ["TLS.time", undefined, "TLS.time is missing"],
    ["TLS.time", -1, "TLS.time must be"],
    ["TLS.expire", "600", "TLS.expire must be"],
    ["TLS.expire", null, "TLS.expire must be"],
    ["TLS.sig", undefined, "TLS.sig is missing"],
    ["TLS.sig", ["x"], "TLS.sig must be a string"],
    ["TLS.sig", "not base64!", "TLS.sig is not canonical base64"],
    ["TLS.userbuf", 5, "TLS.userbuf must be a string"],
    ["TLS.userbuf", "YWJ", "TLS.userbuf is not canonical base64"],
    ["TLS.userbuf", "YWJk", ""],
  ];
  for (const [key, value, message] of edits) {
    const ticket = await ticketWithJson(JSON.stringify({ ...good, [key]: value }));
    if (message === "") continue; // a well-formed edit; covered by the tamper test
    await assertRejects(
      () => api.verifyUserSig(ticket, "alice", { now: T }),
      "ERR_USERSIG_MALFORMED",
      message,
    );
  }
});

test("ERR_USERSIG_MALFORMED for an identifier with a lone surrogate, though its UTF-8 signs alike", async () => {
  // "bob\ud800" encodes to the same UTF-8 as "bob\ufffd"; a signature over one must not pass as the other.
  const authentic = await signedTicket({ ...base(), "TLS.identifier": "bob\ufffd" });
  const doc = await documentOf(authentic);
  const forged = await ticketWithJson(
    JSON.stringify({ ...doc, "TLS.identifier": "bob\ud800" }),
  );
  assert(forged.length > 0 && JSON.stringify("bob\ud800") === '"bob\\ud800"');
  await assertRejects(
    () => api.verifyUserSig(forged, "bob\ud800", { now: T }),
    "ERR_USERSIG_MALFORMED",
    "TLS.identifier contains a lone surrogate",
  );
  assertThrows(() => decodeUserSig(forged), "ERR_USERSIG_MALFORMED", "lone surrogate");
  await api.verifyUserSig(authentic, "bob\ufffd", { now: T });
});

test("ERR_USERSIG_UNSUPPORTED_VERSION for a v1 ticket, pointing to the legacy entry", async () => {
  const v1 = legacy.vectors[0];
  const error = await assertRejects(
    () => new TLSSigAPIv2(v1.sdkAppId, KEY).verifyUserSig(v1.userSig, v1.userId),
    "ERR_USERSIG_UNSUPPORTED_VERSION",
    "legacy",
  );
  assert(error.message.includes("TLSSigAPI"), error.message);
});

test("ERR_USERSIG_UNSUPPORTED_VERSION for an unknown or mistyped TLS.ver", async () => {
  for (const ver of ["3.0", "2", 2, null]) {
    const ticket = await signedTicket({ ...base(), "TLS.ver": ver });
    await assertRejects(
      () => api.verifyUserSig(ticket, "alice", { now: T }),
      ver === null || ver === 2 ? "ERR_USERSIG_MALFORMED" : "ERR_USERSIG_UNSUPPORTED_VERSION",
    );
  }
});

test("ERR_USERSIG_SDKAPPID_MISMATCH and ERR_USERSIG_IDENTIFIER_MISMATCH", async () => {
  const ticket = await api.genUserSig("alice", 600, { now: T });
  await assertRejects(
    () => new TLSSigAPIv2(1400000001, KEY).verifyUserSig(ticket, "alice", { now: T }),
    "ERR_USERSIG_SDKAPPID_MISMATCH",
  );
  await assertRejects(
    () => api.verifyUserSig(ticket, "Alice", { now: T }),
    "ERR_USERSIG_IDENTIFIER_MISMATCH",
  );
  await assertRejects(
    () => api.verifyUserSig(ticket, "alice ", { now: T }),
    "ERR_USERSIG_IDENTIFIER_MISMATCH",
  );
});

test("ERR_USERSIG_SIGNATURE_INVALID for another key, even before the ticket's time is looked at", async () => {
  const other = await new TLSSigAPIv2(APP, KEY + "x").genUserSig("alice", 1, { now: 1 });
  // Long expired, but the signature speaks first.
  await assertRejects(
    () => api.verifyUserSig(other, "alice", { now: T }),
    "ERR_USERSIG_SIGNATURE_INVALID",
  );
});

test("ERR_USERSIG_EXPIRED at expiresAt + 1 and ERR_USERSIG_NOT_YET_VALID beyond the clock skew", async () => {
  const ticket = await api.genUserSig("alice", 600, { now: T });
  await api.verifyUserSig(ticket, "alice", { now: T + 600 });
  await assertRejects(
    () => api.verifyUserSig(ticket, "alice", { now: T + 601 }),
    "ERR_USERSIG_EXPIRED",
  );
  await api.verifyUserSig(ticket, "alice", { now: T - 300 });
  await assertRejects(
    () => api.verifyUserSig(ticket, "alice", { now: T - 301 }),
    "ERR_USERSIG_NOT_YET_VALID",
  );
  await api.verifyUserSig(ticket, "alice", { now: T - 301, clockSkew: 301 });
  await assertRejects(
    () => api.verifyUserSig(ticket, "alice", { now: T - 1, clockSkew: 0 }),
    "ERR_USERSIG_NOT_YET_VALID",
  );
});

test("ERR_USERSIG_USERBUF_MISMATCH for a userbuf absent, present or different", async () => {
  const plain = await api.genUserSig("alice", 600, { now: T });
  const carrying = await api.genUserSigWithUserBuf("alice", 600, new Uint8Array([1, 2, 3]), {
    now: T,
  });
  const now = T;
  await assertRejects(
    () => api.verifyUserSig(carrying, "alice", { now }),
    "ERR_USERSIG_USERBUF_MISMATCH",
    "carries a userbuf",
  );
  await assertRejects(
    () => api.verifyUserSig(plain, "alice", { now, userBuf: new Uint8Array([1, 2, 3]) }),
    "ERR_USERSIG_USERBUF_MISMATCH",
    "carries no userbuf",
  );
  for (
    const other of [new Uint8Array([1, 2, 4]), new Uint8Array([1, 2]), new Uint8Array([1, 2, 3, 0])]
  ) {
    await assertRejects(
      () => api.verifyUserSig(carrying, "alice", { now, userBuf: other }),
      "ERR_USERSIG_USERBUF_MISMATCH",
      "different",
    );
  }
  await assertRejects(
    () => api.verifyPrivateMapKey(plain, "alice", { now }),
    "ERR_USERSIG_USERBUF_MISMATCH",
    "not a PrivateMapKey",
  );
  assertEquals(
    (await api.verifyUserSig(plain, "alice", { now, userBuf: "any" })).userBuf,
    undefined,
  );
});

test("ERR_PRIVATEMAPKEY_ROOM_MISMATCH and ERR_PRIVATEMAPKEY_PRIVILEGE_DENIED", async () => {
  const numeric = await api.genPrivateMapKey(
    "alice",
    300,
    10000,
    Privilege.EnterRoom | Privilege.SendAudio,
    { now: T },
  );
  const named = await api.genPrivateMapKeyWithStringRoomID("alice", 300, "10000", 255, { now: T });
  const now = T;
  await assertRejects(
    () => api.verifyPrivateMapKey(numeric, "alice", { now, roomId: 10001 }),
    "ERR_PRIVATEMAPKEY_ROOM_MISMATCH",
  );
  await assertRejects(
    () => api.verifyPrivateMapKey(numeric, "alice", { now, roomStr: "10000" }),
    "ERR_PRIVATEMAPKEY_ROOM_MISMATCH",
  );
  await assertRejects(
    () => api.verifyPrivateMapKey(named, "alice", { now, roomId: 10000 }),
    "ERR_PRIVATEMAPKEY_ROOM_MISMATCH",
  );
  await assertRejects(
    () => api.verifyPrivateMapKey(named, "alice", { now, roomStr: "1000" }),
    "ERR_PRIVATEMAPKEY_ROOM_MISMATCH",
  );
  await api.verifyPrivateMapKey(numeric, "alice", {
    now,
    roomId: 10000,
    privileges: Privilege.EnterRoom | Privilege.SendAudio,
  });
  await assertRejects(
    () =>
      api.verifyPrivateMapKey(numeric, "alice", {
        now,
        privileges: Privilege.EnterRoom | Privilege.SendVideo,
      }),
    "ERR_PRIVATEMAPKEY_PRIVILEGE_DENIED",
  );
  await api.verifyPrivateMapKey(named, "alice", {
    now,
    roomStr: "10000",
    privileges: Privilege.All,
  });
});

test("a PrivateMapKey whose record names another user, app or an earlier expiry is refused", async () => {
  const record = (edit: object) =>
    encodePrivateMap({
      userId: "alice",
      sdkAppId: APP,
      roomId: 1,
      expiresAt: T + 600,
      privilegeMap: 255,
      accountType: 0,
      ...edit,
    });
  const sign = (edit: object) => api.genUserSigWithUserBuf("alice", 600, record(edit), { now: T });
  const now = T + 100;
  await api.verifyPrivateMapKey(await sign({}), "alice", { now });
  await assertRejects(
    async () => api.verifyPrivateMapKey(await sign({ userId: "mallory" }), "alice", { now }),
    "ERR_USERSIG_IDENTIFIER_MISMATCH",
  );
  await assertRejects(
    async () => api.verifyPrivateMapKey(await sign({ sdkAppId: 1 }), "alice", { now }),
    "ERR_USERSIG_SDKAPPID_MISMATCH",
  );
  await assertRejects(
    async () => api.verifyPrivateMapKey(await sign({ expiresAt: T + 99 }), "alice", { now }),
    "ERR_USERSIG_EXPIRED",
    "room permission",
  );
  const garbage = await api.genUserSigWithUserBuf("alice", 600, new Uint8Array([9, 9, 9]), {
    now: T,
  });
  await assertRejects(
    () => api.verifyPrivateMapKey(garbage, "alice", { now }),
    "ERR_PRIVATEMAPKEY_RECORD_CORRUPT",
    "the signature is valid, but userbuf is not a PrivateMapKey record: too short",
  );
});

test("tampering with any field of a valid ticket is caught", async () => {
  const original = await documentOf(
    await api.genPrivateMapKey("alice", 300, 10000, 42, { now: T }),
  );
  const now = T + 10;
  const sig = original["TLS.sig"] as string;
  const flipped = (sig[0] === "A" ? "B" : "A") + sig.slice(1);
  const userbuf = original["TLS.userbuf"] as string;
  const tampered: [string, unknown, UserSigErrorCode][] = [
    ["TLS.ver", "1.0", "ERR_USERSIG_UNSUPPORTED_VERSION"],
    ["TLS.identifier", "mallory", "ERR_USERSIG_IDENTIFIER_MISMATCH"],
    ["TLS.sdkappid", APP + 1, "ERR_USERSIG_SDKAPPID_MISMATCH"],
    ["TLS.time", T + 1, "ERR_USERSIG_SIGNATURE_INVALID"],
    ["TLS.expire", 301, "ERR_USERSIG_SIGNATURE_INVALID"],
    [
      "TLS.userbuf",
      (userbuf[0] === "A" ? "B" : "A") + userbuf.slice(1),
      "ERR_USERSIG_SIGNATURE_INVALID",
    ],
    ["TLS.userbuf", undefined, "ERR_USERSIG_SIGNATURE_INVALID"],
    ["TLS.sig", flipped, "ERR_USERSIG_SIGNATURE_INVALID"],
    ["TLS.sig", sig.slice(0, 40) + "AA==", "ERR_USERSIG_SIGNATURE_INVALID"], // 31 bytes
  ];
  const verifyAs = (ticket: string) => api.verifyPrivateMapKey(ticket, "alice", { now });
  await verifyAs(await ticketWithJson(JSON.stringify(original)));
  for (const [key, value, expected] of tampered) {
    const ticket = await ticketWithJson(JSON.stringify({ ...original, [key]: value }));
    const verify = key === "TLS.userbuf" && value === undefined
      ? () => api.verifyUserSig(ticket, "alice", { now })
      : () => verifyAs(ticket);
    await assertRejects(verify, expected);
  }
});

test("a ticket parses generically: any key order and white space", async () => {
  const doc = await documentOf(await api.genUserSig("alice", 600, { now: T }));
  const reordered = Object.fromEntries(Object.entries(doc).reverse());
  await api.verifyUserSig(await ticketWithJson(JSON.stringify(reordered, null, 2)), "alice", {
    now: T,
  });
});

test("UserSigError is an Error with a stable code and a cause-free message", async () => {
  const error = await assertRejects(() => api.verifyUserSig("AAAA", "alice"), UserSigError);
  assert(error instanceof Error);
  assertEquals(error.name, "UserSigError");
  assertEquals((error as UserSigError).code, "ERR_USERSIG_MALFORMED");
});

test("concurrent calls do not disturb each other (Web Crypto copies its data when called)", async () => {
  // Signing reuses one buffer for the signed text, and verifying one for the
  // ticket's bytes and document: each call must be done with them before the
  // next starts, however the calls interleave.
  const users = Array.from({ length: 64 }, (_, i) => `user-${i}-${"x".repeat(i % 20)}`);
  const tickets = await Promise.all(
    users.map((u, i) => api.genPrivateMapKey(u, 300 + i, i + 1, 255, { now: T + i })),
  );
  for (const [i, ticket] of tickets.entries()) {
    const d = decodeUserSig(ticket);
    assertEquals([d.userId, d.time, d.expire, d.privateMap?.roomId], [
      users[i],
      T + i,
      300 + i,
      i + 1,
    ]);
    const content = `TLS.identifier:${users[i]}\nTLS.sdkappid:${APP}\nTLS.time:${T + i}\n` +
      `TLS.expire:${300 + i}\nTLS.userbuf:${btoa(String.fromCharCode(...d.userBuf!))}\n`;
    assertEquals(d.signature, await hmac(content, KEY), users[i]);
  }
  const claims = await Promise.all(
    tickets.map((t, i) => api.verifyPrivateMapKey(t, users[i], { now: T + i, roomId: i + 1 })),
  );
  assertEquals(claims.map((c) => c.userId), users);
  const mixed = await Promise.allSettled(
    tickets.map((t, i) => api.verifyUserSig(t, users[(i + 1) % users.length], { now: T + i })),
  );
  for (const r of mixed) {
    assert(r.status === "rejected" && r.reason.code === "ERR_USERSIG_IDENTIFIER_MISMATCH");
  }
});

test("arguments are read when called, even before a new instance has imported its key", async () => {
  const fresh = new TLSSigAPIv2(APP, KEY);
  const buf = new Uint8Array([1, 2, 3]);
  const options = { now: T };
  const pending = fresh.genUserSigWithUserBuf("alice", 600, buf, options);
  buf[0] = 9;
  options.now = T + 1000;
  const d = decodeUserSig(await pending);
  assertEquals([d.userBuf, d.time], [new Uint8Array([1, 2, 3]), T]);
  // A bad argument is reported as such, before any key is involved.
  await assertRejects(
    () => new TLSSigAPIv2(APP, KEY).genUserSigWithUserBuf("", 600, "x" as unknown as Uint8Array),
    TypeError,
    "userBuf must be a Uint8Array",
  );
  await assertRejects(
    () => new TLSSigAPIv2(APP, KEY).verifyUserSig("!!", "alice"),
    "ERR_USERSIG_MALFORMED",
  );
});

test("a method called without its instance rejects instead of throwing", async () => {
  const { genUserSig, verifyUserSig, verifyPrivateMapKey } = api;
  await assertRejects(() => genUserSig("alice"), TypeError);
  await assertRejects(() => verifyUserSig("x", "alice"), TypeError);
  await assertRejects(() => verifyPrivateMapKey("x", "alice"), TypeError);
});
