// Legacy v1 tickets (ECDSA-SHA256): the vectors, round trips on both curves,
// Web Crypto as a second P-256 implementation, every verifier rule, a tamper
// test for each signed field, and the v1/v2 entry points. Web APIs only.

import { decodeUserSig, TLSSigAPIv2 } from "../mod.ts";
import { TLSSigAPI } from "../legacy.ts";
import { signedContentV1 } from "../src/legacy/document.ts";
import { signatureFromDer, signatureToDer } from "../src/legacy/signature.ts";
import { assert, assertEquals, assertRejects, fromHex, toHex } from "./assert.ts";
import { test } from "./harness.ts";
import {
  b64,
  K1_APP,
  LEGACY_VECTORS,
  ORDER,
  SIGNING_KEY,
  unb64,
  webCryptoPair,
} from "./legacy_keys.ts";
import { documentOf, ticketWithJson } from "./tickets.ts";

const T0 = 1_700_000_000;
const k1 = () => new TLSSigAPI(K1_APP, { privateKey: SIGNING_KEY.privateKeyPem });

/** A ticket rebuilt after `edit` changed its document. */
async function edited(
  ticket: string,
  edit: (document: Record<string, unknown>) => void,
): Promise<string> {
  const document = await documentOf(ticket);
  edit(document);
  return ticketWithJson(JSON.stringify(document));
}

const bigOf = (bytes: Uint8Array) => BigInt(`0x${toHex(bytes) || "0"}`);
const bytesOf = (n: bigint) => fromHex(n.toString(16).padStart(64, "0"));

/** r and s of a ticket's signature. */
async function rs(ticket: string): Promise<{ r: bigint; s: bigint }> {
  const compact = signatureFromDer(unb64(String((await documentOf(ticket))["TLS.sig"])));
  assert(compact !== null, "TLS.sig is DER");
  return { r: bigOf(compact.subarray(0, 32)), s: bigOf(compact.subarray(32)) };
}

// The vectors: tickets from Tencent's own v1 test suites.

for (const v of LEGACY_VECTORS) {
  const api = () => new TLSSigAPI(v.sdkAppId, { publicKey: v.publicKeySpkiBase64 });

  test(`legacy vector ${v.name}: verifies at its first and last valid second`, async () => {
    assertEquals(api().curve, v.curve);
    for (const now of [v.time, v.time + v.expireAfter]) {
      const claims = await api().verifyUserSig(v.userSig, v.userId, { now });
      assertEquals(claims.userId, v.userId);
      assertEquals(claims.sdkAppId, v.sdkAppId);
      assertEquals(claims.time, v.time);
      assertEquals(claims.expire, v.expireAfter);
      assertEquals(claims.expiresAt, v.time + v.expireAfter);
      assertEquals(claims.userBuf, undefined);
    }
  });

  test(`legacy vector ${v.name}: fails ERR_USERSIG_EXPIRED one second past its validity`, async () => {
    const now = v.time + v.expireAfter + 1;
    await assertRejects(
      () => api().verifyUserSig(v.userSig, v.userId, { now }),
      "ERR_USERSIG_EXPIRED",
    );
  });

  test(`legacy vector ${v.name}: decodeUserSig() reports its v1 fields`, () => {
    const info = decodeUserSig(v.userSig);
    assertEquals(info.format, "v1");
    assertEquals([info.userId, info.sdkAppId, info.time, info.expire], [
      v.userId,
      v.sdkAppId,
      v.time,
      v.expireAfter,
    ]);
    assertEquals(typeof info.accountType, "string");
  });
}

test("legacy vectors: the claims carry account type, appid_at_3rd and version as written", async () => {
  const [noAppId, crlf, plain] = LEGACY_VECTORS;
  const claims = (v: typeof plain) =>
    new TLSSigAPI(v.sdkAppId, { publicKey: v.publicKeySpkiBase64 })
      .verifyUserSig(v.userSig, v.userId, { now: v.time });
  const a = await claims(noAppId);
  assertEquals([a.accountType, a.appIdAt3rd, a.version], ["116", undefined, ""]);
  const b = await claims(crlf);
  assertEquals([b.accountType, b.appIdAt3rd, b.version], ["0", "0", "201512300000"]);
  const c = await claims(plain);
  assertEquals([c.accountType, c.appIdAt3rd, c.version], ["0", "0", "201803230000"]);
});

test("legacy vectors: OpenSSL's high-s signatures are among them, on both curves", async () => {
  const high = [];
  for (const v of LEGACY_VECTORS) {
    const { s } = await rs(v.userSig);
    if (s > ORDER[v.curve as keyof typeof ORDER] / 2n) high.push(v.curve);
  }
  assertEquals(high.sort(), ["P-256", "secp256k1"]);
});

test("legacy vector p256-sig-with-crlf: TLS.sig really holds \\r\\n line breaks", async () => {
  const v = LEGACY_VECTORS.find((v) => v.name === "p256-sig-with-crlf")!;
  assert(String((await documentOf(v.userSig))["TLS.sig"]).includes("\r\n"));
});

test("legacy: TLSSigAPI.verifyUserSig() ignores \\n and \\r\\n line breaks inside TLS.sig", async () => {
  const ticket = await k1().genUserSig("abc", 600, { now: T0 });
  for (const eol of ["\n", "\r\n"]) {
    const wrapped = await edited(ticket, (d) => {
      d["TLS.sig"] = String(d["TLS.sig"]).match(/.{1,16}/g)!.join(eol) + eol;
    });
    const claims = await k1().verifyUserSig(wrapped, "abc", { now: T0 });
    assertEquals(claims.userId, "abc");
  }
});

test("legacy: the signing key is the key pair of vector secp256k1-plain", () => {
  const v = LEGACY_VECTORS.find((v) => v.name === "secp256k1-plain")!;
  const api = new TLSSigAPI(K1_APP, {
    privateKey: SIGNING_KEY.privateKeyPem,
    publicKey: v.publicKeySpkiBase64,
  });
  assertEquals(api.curve, "secp256k1");
});

// Round trips.

test("legacy: TLSSigAPI.genUserSig() round-trips on secp256k1", async () => {
  const api = k1();
  const ticket = await api.genUserSig("alice", 86400, { now: T0 });
  const claims = await api.verifyUserSig(ticket, "alice", { now: T0 + 100 });
  assertEquals(claims, {
    version: "201610110000",
    userId: "alice",
    sdkAppId: K1_APP,
    time: T0,
    expire: 86400,
    expiresAt: T0 + 86400,
    accountType: "0",
    appIdAt3rd: "0",
  });
  const verifier = new TLSSigAPI(K1_APP, { publicKey: SIGNING_KEY.publicKeyPem });
  assertEquals((await verifier.verifyUserSig(ticket, "alice", { now: T0 })).userId, "alice");
});

test("legacy: TLSSigAPI.genUserSig() defaults to 180 days and the real clock", async () => {
  const before = Math.floor(Date.now() / 1000);
  const claims = await k1().verifyUserSig(await k1().genUserSig("alice"), "alice");
  assertEquals(claims.expire, 15552000);
  assert(claims.time >= before && claims.time <= before + 5, "time is now");
});

test("legacy: TLSSigAPI round-trips on P-256 with a Web Crypto PKCS#8/SPKI key pair", async () => {
  const pair = await webCryptoPair("P-256");
  const signer = new TLSSigAPI(1400000000, { privateKey: pair.privateKeyPem });
  const verifier = new TLSSigAPI(1400000000, { publicKey: pair.publicKeyPem });
  assertEquals([signer.curve, verifier.curve], ["P-256", "P-256"]);
  const ticket = await signer.genUserSig("bob", 600, { now: T0 });
  assertEquals((await verifier.verifyUserSig(ticket, "bob", { now: T0 })).expiresAt, T0 + 600);
  const bytes = new TextEncoder().encode("room 42");
  const withBuf = await signer.genUserSigWithUserBuf("bob", 600, bytes, { now: T0 });
  const claims = await verifier.verifyUserSig(withBuf, "bob", { now: T0, userBuf: bytes });
  assertEquals(claims.userBuf, bytes);
});

test('legacy: P-256 tickets we sign by default carry TLS.appid_at_3rd "0" and verify with Web Crypto ECDSA', async () => {
  const pair = await webCryptoPair("P-256");
  const api = new TLSSigAPI(1400000000, { privateKey: pair.privateKeyPem });
  const ticket = await api.genUserSig("bob", 600, { now: T0 });
  const document = await documentOf(ticket);
  const content = `TLS.appid_at_3rd:0\nTLS.account_type:0\nTLS.identifier:bob\n` +
    `TLS.sdk_appid:1400000000\nTLS.time:${T0}\nTLS.expire_after:600\n`;
  const compact = signatureFromDer(unb64(String(document["TLS.sig"])))!;
  const ok = await crypto.subtle.verify(
    { name: "ECDSA", hash: "SHA-256" },
    pair.keys.publicKey,
    compact as Uint8Array<ArrayBuffer>,
    new TextEncoder().encode(content),
  );
  assert(ok, "Web Crypto accepts our signature");
});

test("legacy: tickets signed by Web Crypto ECDSA P-256 verify, high or low s", async () => {
  const pair = await webCryptoPair("P-256");
  const api = new TLSSigAPI(1400000000, { publicKey: pair.publicKeyPem });
  for (let i = 0; i < 8; i++) {
    const content = `TLS.account_type:0\nTLS.identifier:u${i}\nTLS.sdk_appid:1400000000\n` +
      `TLS.time:${T0}\nTLS.expire_after:600\n`;
    const raw = new Uint8Array(
      await crypto.subtle.sign(
        { name: "ECDSA", hash: "SHA-256" },
        pair.keys.privateKey,
        new TextEncoder().encode(content),
      ),
    );
    const json = JSON.stringify({
      "TLS.account_type": "0",
      "TLS.identifier": `u${i}`,
      "TLS.sdk_appid": "1400000000",
      "TLS.expire_after": "600",
      "TLS.version": "201610110000",
      "TLS.time": String(T0),
      "TLS.sig": b64(signatureToDer(raw)),
    });
    const claims = await api.verifyUserSig(await ticketWithJson(json), `u${i}`, { now: T0 });
    assertEquals(claims.appIdAt3rd, undefined);
  }
});

test("legacy: TLSSigAPI signs with low s and accepts high s", async () => {
  const api = k1();
  for (let i = 0; i < 16; i++) {
    const ticket = await api.genUserSig(`user${i}`, 600, { now: T0 });
    const { r, s } = await rs(ticket);
    assert(s <= ORDER.secp256k1 / 2n, "low s");
    const high = await edited(ticket, (d) => {
      const compact = new Uint8Array(64);
      compact.set(bytesOf(r));
      compact.set(bytesOf(ORDER.secp256k1 - s), 32);
      d["TLS.sig"] = b64(signatureToDer(compact));
    });
    assertEquals((await api.verifyUserSig(high, `user${i}`, { now: T0 })).userId, `user${i}`);
  }
});

test("legacy: TLSSigAPI signatures are deterministic (RFC 6979)", async () => {
  const a = await k1().genUserSig("alice", 600, { now: T0 });
  const b = await k1().genUserSig("alice", 600, { now: T0 });
  assertEquals(a, b);
});

// What we write.

test("legacy: TLSSigAPI writes string values in the official Node v1 library's key order", async () => {
  const plain = decodeUserSig(await k1().genUserSig("alice", 600, { now: T0 }));
  assertEquals(Object.keys(plain.document), [
    "TLS.account_type",
    "TLS.identifier",
    "TLS.appid_at_3rd",
    "TLS.sdk_appid",
    "TLS.expire_after",
    "TLS.version",
    "TLS.time",
    "TLS.sig",
  ]);
  const buf = decodeUserSig(
    await k1().genUserSigWithUserBuf("alice", 600, Uint8Array.of(1, 2, 3), { now: T0 }),
  );
  assertEquals(Object.keys(buf.document), [
    "TLS.account_type",
    "TLS.identifier",
    "TLS.appid_at_3rd",
    "TLS.sdk_appid",
    "TLS.expire_after",
    "TLS.version",
    "TLS.time",
    "TLS.userbuf",
    "TLS.sig",
  ]);
  for (const value of Object.values(buf.document)) assertEquals(typeof value, "string");
  assertEquals(buf.document["TLS.appid_at_3rd"], "0");
  assertEquals(buf.document["TLS.userbuf"], "AQID");
  assertEquals(buf.document["TLS.time"], String(T0));
  assertEquals(buf.document["TLS.sdk_appid"], String(K1_APP));
});

test("legacy: TLSSigAPI.genUserSig() writes accountType and appIdAt3rd when given", async () => {
  const api = k1();
  const options = { now: T0, accountType: "116", appIdAt3rd: "1400001052" };
  const ticket = await api.genUserSig("alice", 600, options);
  const { document } = decodeUserSig(ticket);
  assertEquals(document["TLS.account_type"], "116");
  assertEquals(document["TLS.appid_at_3rd"], "1400001052");
  const claims = await api.verifyUserSig(ticket, "alice", { now: T0 });
  assertEquals([claims.accountType, claims.appIdAt3rd], ["116", "1400001052"]);
  const withBuf = await api.genUserSigWithUserBuf("alice", 600, Uint8Array.of(9), options);
  assertEquals(decodeUserSig(withBuf).document["TLS.appid_at_3rd"], "1400001052");
});

test("legacy: signedContentV1() is the spec's text, optional lines included", () => {
  const base = { accountType: "0", userId: "abc", sdkAppId: "1400001052", time: "1", expire: "2" };
  assertEquals(
    signedContentV1(base),
    "TLS.account_type:0\nTLS.identifier:abc\nTLS.sdk_appid:1400001052\nTLS.time:1\n" +
      "TLS.expire_after:2\n",
  );
  assertEquals(
    signedContentV1({ ...base, appIdAt3rd: "0", userBufBase64: "AQID" }),
    "TLS.appid_at_3rd:0\nTLS.account_type:0\nTLS.identifier:abc\nTLS.sdk_appid:1400001052\n" +
      "TLS.time:1\nTLS.expire_after:2\nTLS.userbuf:AQID\n",
  );
});

test("legacy: TLSSigAPI.genUserSig() rejects bad arguments and options", async () => {
  const api = k1();
  await assertRejects(() => api.genUserSig("", 600), RangeError, "userId");
  await assertRejects(() => api.genUserSig("a".repeat(33), 600), RangeError, "userId");
  await assertRejects(() => api.genUserSig("a\nb", 600), RangeError, "printable ASCII");
  await assertRejects(() => api.genUserSig("用户", 600), RangeError, "error 7003");
  await assertRejects(() => api.genUserSig("alice", 0), RangeError, "expire");
  await assertRejects(() => api.genUserSig("alice", 1.5), TypeError, "expire");
  await assertRejects(
    () => api.genUserSig("alice", 600, { accountType: 0 as unknown as string }),
    TypeError,
    "options.accountType",
  );
  await assertRejects(
    () => api.genUserSig("alice", 600, { accountType: "0\nTLS.identifier:bob" }),
    RangeError,
    "options.accountType",
  );
  await assertRejects(
    () => api.genUserSig("alice", 600, { appIdAt3rd: "" }),
    RangeError,
    "options.appIdAt3rd",
  );
  await assertRejects(
    () => api.genUserSigWithUserBuf("alice", 600, "abc" as unknown as Uint8Array),
    TypeError,
    "userBuf",
  );
  await assertRejects(
    () => api.genUserSigWithUserBuf("alice", 600, new Uint8Array(8193)),
    RangeError,
    "userBuf",
  );
});

test("legacy: a TLSSigAPI method called without its instance rejects instead of throwing", async () => {
  const { genUserSig, genUserSigWithUserBuf, verifyUserSig } = k1();
  await assertRejects(() => genUserSig("alice"), TypeError);
  await assertRejects(() => genUserSigWithUserBuf("alice", 600, new Uint8Array(1)), TypeError);
  await assertRejects(() => verifyUserSig("x", "alice"), "ERR_USERSIG_MALFORMED");
});

test("legacy: TLSSigAPI with only a public key cannot issue tickets", async () => {
  const api = new TLSSigAPI(K1_APP, { publicKey: SIGNING_KEY.publicKeyPem });
  await assertRejects(() => api.genUserSig("alice"), TypeError, "no privateKey");
});

// The verifier's rules, in order.

test("legacy: TLSSigAPI.verifyUserSig() rejects another app and another user", async () => {
  const ticket = await k1().genUserSig("alice", 600, { now: T0 });
  const other = new TLSSigAPI(K1_APP + 1, { publicKey: SIGNING_KEY.publicKeyPem });
  await assertRejects(
    () => other.verifyUserSig(ticket, "alice", { now: T0 }),
    "ERR_USERSIG_SDKAPPID_MISMATCH",
  );
  await assertRejects(
    () => k1().verifyUserSig(ticket, "bob", { now: T0 }),
    "ERR_USERSIG_IDENTIFIER_MISMATCH",
  );
});

test("legacy: TLSSigAPI.verifyUserSig() rejects a ticket signed with another key", async () => {
  const ticket = await k1().genUserSig("alice", 600, { now: T0 });
  const v = LEGACY_VECTORS.find((v) => v.name === "secp256k1-no-appid_at_3rd")!;
  const other = new TLSSigAPI(K1_APP, { publicKey: v.publicKeySpkiBase64 });
  await assertRejects(
    () => other.verifyUserSig(ticket, "alice", { now: T0 }),
    "ERR_USERSIG_SIGNATURE_INVALID",
  );
  const p256 = await webCryptoPair("P-256");
  const onP256 = new TLSSigAPI(K1_APP, { publicKey: p256.publicKeyPem });
  await assertRejects(
    () => onP256.verifyUserSig(ticket, "alice", { now: T0 }),
    "ERR_USERSIG_SIGNATURE_INVALID",
  );
});

test("legacy: TLSSigAPI.verifyUserSig() checks time against the clock skew", async () => {
  const ticket = await k1().genUserSig("alice", 600, { now: T0 });
  await k1().verifyUserSig(ticket, "alice", { now: T0 - 300 });
  await assertRejects(
    () => k1().verifyUserSig(ticket, "alice", { now: T0 - 301 }),
    "ERR_USERSIG_NOT_YET_VALID",
  );
  await k1().verifyUserSig(ticket, "alice", { now: T0 - 1000, clockSkew: 1000 });
  await assertRejects(
    () => k1().verifyUserSig(ticket, "alice", { now: T0 - 1, clockSkew: 0 }),
    "ERR_USERSIG_NOT_YET_VALID",
  );
  await k1().verifyUserSig(ticket, "alice", { now: new Date((T0 + 600) * 1000) });
  await assertRejects(
    () => k1().verifyUserSig(ticket, "alice", { now: new Date((T0 + 601) * 1000) }),
    "ERR_USERSIG_EXPIRED",
  );
});

test("legacy: TLSSigAPI.verifyUserSig() applies the userbuf policy", async () => {
  const bytes = Uint8Array.of(1, 2, 3);
  const withBuf = await k1().genUserSigWithUserBuf("alice", 600, bytes, { now: T0 });
  const plain = await k1().genUserSig("alice", 600, { now: T0 });
  const now = T0;
  await assertRejects(
    () => k1().verifyUserSig(withBuf, "alice", { now }),
    "ERR_USERSIG_USERBUF_MISMATCH",
  );
  assertEquals(
    (await k1().verifyUserSig(withBuf, "alice", { now, userBuf: "any" })).userBuf,
    bytes,
  );
  assertEquals(
    (await k1().verifyUserSig(withBuf, "alice", { now, userBuf: bytes })).userBuf,
    bytes,
  );
  await assertRejects(
    () => k1().verifyUserSig(withBuf, "alice", { now, userBuf: Uint8Array.of(1, 2, 4) }),
    "ERR_USERSIG_USERBUF_MISMATCH",
  );
  await assertRejects(
    () => k1().verifyUserSig(plain, "alice", { now, userBuf: bytes }),
    "ERR_USERSIG_USERBUF_MISMATCH",
  );
  assertEquals(
    (await k1().verifyUserSig(plain, "alice", { now, userBuf: "any" })).userBuf,
    undefined,
  );
  const empty = await k1().genUserSigWithUserBuf("alice", 600, new Uint8Array(0), { now });
  assertEquals(
    (await k1().verifyUserSig(empty, "alice", { now, userBuf: new Uint8Array(0) })).userBuf,
    new Uint8Array(0),
  );
});

test("legacy: TLSSigAPI.verifyUserSig() checks the signature before time and userbuf", async () => {
  const ticket = await k1().genUserSigWithUserBuf("alice", 600, Uint8Array.of(1), { now: T0 });
  const forged = await edited(ticket, (d) => (d["TLS.expire_after"] = "601"));
  for (const now of [T0 + 10_000, T0 - 10_000, T0]) {
    await assertRejects(
      () => k1().verifyUserSig(forged, "alice", { now }),
      "ERR_USERSIG_SIGNATURE_INVALID",
    );
  }
});

test("legacy: TLSSigAPI.verifyUserSig() rejects bad arguments and malformed tickets", async () => {
  const api = k1();
  const ticket = await api.genUserSig("alice", 600, { now: T0 });
  await assertRejects(() => api.verifyUserSig(ticket, 1 as unknown as string), TypeError, "userId");
  await assertRejects(
    () => api.verifyUserSig(ticket, "alice", { userBuf: "all" as unknown as "any" }),
    TypeError,
    "options.userBuf",
  );
  await assertRejects(() => api.verifyUserSig(ticket, "alice", { clockSkew: -1 }), RangeError);
  await assertRejects(() => api.verifyUserSig("", "alice"), "ERR_USERSIG_MALFORMED");
  await assertRejects(() => api.verifyUserSig("not a ticket!", "alice"), "ERR_USERSIG_MALFORMED");
  for (
    const [edit, code] of [
      [(d: Record<string, unknown>) => delete d["TLS.identifier"], "ERR_USERSIG_MALFORMED"],
      [(d: Record<string, unknown>) => (d["TLS.time"] = T0), "ERR_USERSIG_MALFORMED"],
      [(d: Record<string, unknown>) => (d["TLS.sig"] = "%%%"), "ERR_USERSIG_MALFORMED"],
      [(d: Record<string, unknown>) => (d["TLS.sig"] = "AQID"), "ERR_USERSIG_SIGNATURE_INVALID"],
      [(d: Record<string, unknown>) => (d["TLS.sig"] = ""), "ERR_USERSIG_SIGNATURE_INVALID"],
    ] as const
  ) {
    await assertRejects(
      async () => api.verifyUserSig(await edited(ticket, edit), "alice", { now: T0 }),
      code,
    );
  }
});

test("legacy: TLSSigAPI error messages never hold the ticket", async () => {
  const api = k1();
  const ticket = await api.genUserSig("alice", 600, { now: T0 });
  const errors = await Promise.all([
    api.verifyUserSig(ticket, "bob", { now: T0 }).catch((e) => e),
    api.verifyUserSig(ticket, "alice", { now: T0 + 601 }).catch((e) => e),
    api.verifyUserSig(ticket.slice(0, -8), "alice", { now: T0 }).catch((e) => e),
  ]);
  for (const error of errors) {
    assert(error instanceof Error);
    assert(!error.message.includes(ticket.slice(10, 40)), error.message);
  }
});

// Tampering: every signed field is covered by the signature.

const TAMPERS: [string, (d: Record<string, unknown>) => void][] = [
  ["TLS.appid_at_3rd changed", (d) => (d["TLS.appid_at_3rd"] = "1")],
  ["TLS.appid_at_3rd removed", (d) => delete d["TLS.appid_at_3rd"]],
  ["TLS.account_type changed", (d) => (d["TLS.account_type"] = "1")],
  ["TLS.time changed", (d) => (d["TLS.time"] = String(T0 + 1))],
  ["TLS.expire_after changed", (d) => (d["TLS.expire_after"] = "6000")],
  // Same number, other text: the text is what is signed.
  ["TLS.expire_after with a leading zero", (d) => (d["TLS.expire_after"] = "0600")],
  ["TLS.userbuf changed", (d) => (d["TLS.userbuf"] = "AQIE")],
  ["TLS.userbuf removed", (d) => delete d["TLS.userbuf"]],
  ["TLS.sig r changed", (d) => (d["TLS.sig"] = flipInR(String(d["TLS.sig"])))],
];

function flipInR(sig: string): string {
  const der = unb64(sig);
  der[10] ^= 1; // inside r, whatever its length
  return b64(der);
}

for (const [what, edit] of TAMPERS) {
  test(`legacy: TLSSigAPI.verifyUserSig() rejects a ticket with ${what}`, async () => {
    const ticket = await k1().genUserSigWithUserBuf("alice", 600, Uint8Array.of(1, 2, 3), {
      now: T0,
    });
    const tampered = await edited(ticket, edit);
    await assertRejects(
      () => k1().verifyUserSig(tampered, "alice", { now: T0, userBuf: "any" }),
      "ERR_USERSIG_SIGNATURE_INVALID",
    );
  });
}

test("legacy: TLSSigAPI.verifyUserSig() rejects a ticket with TLS.appid_at_3rd added", async () => {
  const v = LEGACY_VECTORS.find((v) => v.name === "secp256k1-no-appid_at_3rd")!;
  const api = new TLSSigAPI(v.sdkAppId, { publicKey: v.publicKeySpkiBase64 });
  await api.verifyUserSig(v.userSig, v.userId, { now: v.time });
  const tampered = await edited(v.userSig, (d) => (d["TLS.appid_at_3rd"] = "0"));
  await assertRejects(
    () => api.verifyUserSig(tampered, v.userId, { now: v.time }),
    "ERR_USERSIG_SIGNATURE_INVALID",
  );
});

test("legacy: TLSSigAPI.verifyUserSig() rejects a ticket with TLS.identifier changed", async () => {
  const ticket = await k1().genUserSig("alice", 600, { now: T0 });
  const tampered = await edited(ticket, (d) => (d["TLS.identifier"] = "mallory"));
  await assertRejects(
    () => k1().verifyUserSig(tampered, "mallory", { now: T0 }),
    "ERR_USERSIG_SIGNATURE_INVALID",
  );
});

test("legacy: TLSSigAPI.verifyUserSig() rejects a ticket with TLS.sdk_appid changed", async () => {
  const ticket = await k1().genUserSig("alice", 600, { now: T0 });
  const tampered = await edited(ticket, (d) => (d["TLS.sdk_appid"] = "1400000001"));
  const other = new TLSSigAPI(1400000001, { publicKey: SIGNING_KEY.publicKeyPem });
  await assertRejects(
    () => other.verifyUserSig(tampered, "alice", { now: T0 }),
    "ERR_USERSIG_SIGNATURE_INVALID",
  );
});

test("legacy: TLSSigAPI.verifyUserSig() accepts a ticket with only TLS.version changed", async () => {
  const ticket = await k1().genUserSig("alice", 600, { now: T0 });
  const renamed = await edited(ticket, (d) => (d["TLS.version"] = "201512300000"));
  assertEquals((await k1().verifyUserSig(renamed, "alice", { now: T0 })).version, "201512300000");
});

// The two entry points.

test("legacy: TLSSigAPI.verifyUserSig() rejects a v2 ticket, naming TLSSigAPIv2", async () => {
  const v2 = await new TLSSigAPIv2(K1_APP, "demo-secret-key").genUserSig("alice", 600);
  const error = await assertRejects(
    () => k1().verifyUserSig(v2, "alice"),
    "ERR_USERSIG_UNSUPPORTED_VERSION",
    "TLSSigAPIv2",
  );
  assert(error.message.includes("main entry"), error.message);
});

test("legacy: TLSSigAPIv2.verifyUserSig() rejects a v1 ticket, naming the legacy TLSSigAPI", async () => {
  const v1 = await k1().genUserSig("alice", 600);
  const api = new TLSSigAPIv2(K1_APP, "demo-secret-key");
  const error = await assertRejects(
    () => api.verifyUserSig(v1, "alice"),
    "ERR_USERSIG_UNSUPPORTED_VERSION",
    "TLSSigAPI ",
  );
  assert(error.message.includes("legacy"), error.message);
  await assertRejects(
    () => api.verifyPrivateMapKey(v1, "alice"),
    "ERR_USERSIG_UNSUPPORTED_VERSION",
    "legacy",
  );
});

test("legacy: decodeUserSig() reads a ticket TLSSigAPI wrote", async () => {
  const bytes = Uint8Array.of(7, 8);
  const ticket = await k1().genUserSigWithUserBuf("alice", 600, bytes, {
    now: T0,
    accountType: "6",
  });
  const info = decodeUserSig(ticket);
  assertEquals(
    [info.format, info.version, info.userId, info.sdkAppId, info.time, info.expire],
    ["v1", "201610110000", "alice", K1_APP, T0, 600],
  );
  assertEquals([info.expiresAt, info.accountType, info.appIdAt3rd], [T0 + 600, "6", "0"]);
  assertEquals(info.userBuf, bytes);
});
