// Differential tests of legacy v1 tickets against Tencent's official Node v1
// library (tls-sig-api, which signs and verifies with OpenSSL) and against
// node:crypto's own ECDSA. Server runtimes only: they load CommonJS and
// node:crypto. Bun's BoringSSL has no secp256k1, so the secp256k1 cases run
// in Deno and Node; the P-256 ones in all three.

import { createRequire } from "node:module";
import { Buffer } from "node:buffer";
import crypto from "node:crypto";
import process from "node:process";
import { decodeUserSig } from "../mod.ts";
import { TLSSigAPI } from "../legacy.ts";
import { assert, assertEquals } from "./assert.ts";
import { type Runtime, runtime, SERVER_RUNTIMES, test } from "./harness.ts";
import { K1_APP, SIGNING_KEY } from "./legacy_keys.ts";

const require = createRequire(`${process.cwd()}/package.json`);

interface OfficialSigConfig {
  sdk_appid: number;
  expire_after?: number;
  private_key_string?: string;
  public_key_string?: string;
}
interface OfficialSig {
  genSig(identifier: string): string;
  genSigWithUserbuf(identifier: string, userbuf: string): string;
  verifySig(sig: string, identifier: string): boolean;
  verifySigWithUserbuf(sig: string, identifier: string): string | false;
}
const Official: new (config: OfficialSigConfig) => OfficialSig =
  require("tls-sig-api/TLSAPI.js").Sig;

const P256: { runtimes: Runtime[]; why: string } = {
  runtimes: SERVER_RUNTIMES,
  why: "loads the official CommonJS library and node:crypto",
};
const K1: { runtimes: Runtime[]; why: string } = {
  runtimes: ["deno", "node"],
  why: "Bun's node:crypto (BoringSSL) has no secp256k1",
};

/** A key pair from node:crypto as SEC1, PKCS#8 and SPKI PEM. */
function nodePair(namedCurve: "prime256v1" | "secp256k1") {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve });
  return {
    sec1: String(privateKey.export({ type: "sec1", format: "pem" })),
    pkcs8: String(privateKey.export({ type: "pkcs8", format: "pem" })),
    spki: String(publicKey.export({ type: "spki", format: "pem" })),
  };
}

const KEYS = {
  secp256k1: () => ({ privateKey: SIGNING_KEY.privateKeyPem, publicKey: SIGNING_KEY.publicKeyPem }),
  "P-256": () => {
    const pair = nodePair("prime256v1");
    return { privateKey: pair.sec1, publicKey: pair.spki };
  },
};

/** The signed content of a v1 document, written out here independently. */
function content(d: Record<string, unknown>): string {
  const keys = ["TLS.account_type", "TLS.identifier", "TLS.sdk_appid", "TLS.time"];
  keys.push("TLS.expire_after");
  if ("TLS.userbuf" in d) keys.push("TLS.userbuf");
  if ("TLS.appid_at_3rd" in d) keys.unshift("TLS.appid_at_3rd");
  return keys.map((k) => `${k}:${d[k]}\n`).join("");
}

/**
 * The signed content as Tencent's Go v1 verifier builds it: the
 * TLS.appid_at_3rd line always, empty when the ticket has no such field.
 */
function goContent(d: Record<string, unknown>): string {
  const { "TLS.appid_at_3rd": appId = "", ...rest } = d;
  return `TLS.appid_at_3rd:${appId}\n${content(rest)}`;
}

for (const curve of ["secp256k1", "P-256"] as const) {
  const only = curve === "secp256k1" ? K1 : P256;

  test(`legacy ${curve}: tickets we sign verify with the official Node v1 library`, async () => {
    const keys = KEYS[curve]();
    const ours = new TLSSigAPI(K1_APP, { privateKey: keys.privateKey });
    const theirs = new Official({ sdk_appid: K1_APP, public_key_string: keys.publicKey });
    for (let i = 0; i < 20; i++) {
      const userId = `user_${i}`;
      const plain = await ours.genUserSig(userId, 3600);
      assert(theirs.verifySig(plain, userId), `plain ticket ${i}`);
      const withAppId = await ours.genUserSig(userId, 3600, { appIdAt3rd: "0", accountType: "6" });
      assert(theirs.verifySig(withAppId, userId), `ticket ${i} with appid_at_3rd`);
      const userBuf = new TextEncoder().encode(`buf-${i}`);
      const withBuf = await ours.genUserSigWithUserBuf(userId, 3600, userBuf);
      assertEquals(theirs.verifySigWithUserbuf(withBuf, userId), `buf-${i}`);
      assert(!theirs.verifySig(plain, `${userId}x`), "another user fails");
    }
  }, only);

  test(`legacy ${curve}: tickets the official Node v1 library signs verify with ours`, async () => {
    const keys = KEYS[curve]();
    const theirs = new Official({ sdk_appid: K1_APP, private_key_string: keys.privateKey });
    const ours = new TLSSigAPI(K1_APP, { publicKey: keys.publicKey });
    let high = 0;
    for (let i = 0; i < 20; i++) {
      const userId = `user_${i}`;
      const plain = theirs.genSig(userId);
      const claims = await ours.verifyUserSig(plain, userId);
      assertEquals([claims.expire, claims.appIdAt3rd, claims.version], [
        15552000,
        "0",
        "201610110000",
      ]);
      const withBuf = theirs.genSigWithUserbuf(userId, `buf-${i}`);
      const bufClaims = await ours.verifyUserSig(withBuf, userId, { userBuf: "any" });
      assertEquals(new TextDecoder().decode(bufClaims.userBuf), `buf-${i}`);
      if (isHighS(plain, curve)) high++;
    }
    // Node's OpenSSL does not normalise s; Deno's and Bun's node:crypto may.
    if (runtime === "node") assert(high > 0, "OpenSSL wrote high-s signatures, and they verified");
  }, only);

  test(`legacy ${curve}: tickets we sign verify with node:crypto's crypto.verify`, async () => {
    const keys = KEYS[curve]();
    const ours = new TLSSigAPI(K1_APP, { privateKey: keys.privateKey });
    for (let i = 0; i < 20; i++) {
      const ticket = i % 2
        ? await ours.genUserSig(`u${i}`, 60)
        : await ours.genUserSigWithUserBuf(`u${i}`, 60, Uint8Array.of(i));
      const { document } = decodeUserSig(ticket);
      const der = Buffer.from(String(document["TLS.sig"]), "base64");
      const ok = crypto.verify("sha256", Buffer.from(content(document)), keys.publicKey, der);
      assert(ok, `ticket ${i}`);
    }
  }, only);
}

test("legacy: our default v1 tickets verify as Tencent's Go v1 verifier checks them", async () => {
  const keys = KEYS["P-256"]();
  const ours = new TLSSigAPI(K1_APP, { privateKey: keys.privateKey });
  for (let i = 0; i < 60; i++) {
    const ticket = i % 2
      ? await ours.genUserSig(`user_${i}`, 3600)
      : await ours.genUserSigWithUserBuf(`user_${i}`, 3600, Uint8Array.of(i));
    const { document } = decodeUserSig(ticket);
    assertEquals(document["TLS.appid_at_3rd"], "0");
    const der = Buffer.from(String(document["TLS.sig"]), "base64");
    const ok = crypto.verify("sha256", Buffer.from(goContent(document)), keys.publicKey, der);
    assert(ok, `ticket ${i}`);
  }
}, P256);

test("legacy: keys written by node:crypto (SEC1, PKCS#8, SPKI) load on both curves", async () => {
  const curves = runtime === "bun" ? ["prime256v1"] as const : ["prime256v1", "secp256k1"] as const;
  for (const namedCurve of curves) {
    const pair = nodePair(namedCurve);
    for (const privateKey of [pair.sec1, pair.pkcs8]) {
      const api = new TLSSigAPI(1400000000, { privateKey, publicKey: pair.spki });
      assertEquals(api.curve, namedCurve === "prime256v1" ? "P-256" : "secp256k1");
      await api.verifyUserSig(await api.genUserSig("alice", 60), "alice");
    }
  }
}, P256);

const ORDERS = {
  secp256k1: BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"),
  "P-256": BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"),
};

/** Whether a ticket's DER signature has s above half the group order. */
function isHighS(ticket: string, curve: keyof typeof ORDERS): boolean {
  const der = Buffer.from(decodeUserSig(ticket).signature, "base64");
  const rLength = der[3];
  const sLength = der[5 + rLength];
  const s = der.subarray(6 + rLength, 6 + rLength + sLength);
  return BigInt(`0x${s.toString("hex")}`) > ORDERS[curve] / 2n;
}
