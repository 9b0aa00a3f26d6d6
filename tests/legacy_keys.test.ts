// Legacy v1 keys and signatures: every container the console and OpenSSL
// write (SEC1 with or without EC PARAMETERS, PKCS#8, SPKI PEM or bare base64),
// every way a key can be wrong, and the DER signature codec. Web APIs only.

import { TLSSigAPI } from "../legacy.ts";
import { signatureFromDer, signatureToDer } from "../src/legacy/signature.ts";
import { assert, assertEquals, assertThrows, fromHex, toHex } from "./assert.ts";
import { test } from "./harness.ts";
import {
  b64,
  concat,
  K1,
  K1_APP,
  K1_ONE,
  OID,
  pem,
  pemBody,
  pkcs8,
  sec1,
  SIGNING_KEY,
  spki,
  tlv,
  webCryptoPair,
} from "./legacy_keys.ts";

const T0 = 1_700_000_000;
const EC_PARAMETERS = pem("EC PARAMETERS", OID.secp256k1);

/** Signs with `privateKey` and checks with the vectors' public key. */
async function signsAsTheVectorKey(privateKey: string): Promise<void> {
  const signer = new TLSSigAPI(K1_APP, { privateKey });
  assertEquals(signer.curve, "secp256k1");
  const ticket = await signer.genUserSig("abc", 600, { now: T0 });
  const verifier = new TLSSigAPI(K1_APP, { publicKey: SIGNING_KEY.publicKeyPem });
  assertEquals((await verifier.verifyUserSig(ticket, "abc", { now: T0 })).userId, "abc");
}

// Every accepted container.

const PRIVATE_FORMS: [string, string][] = [
  ["SEC1 after an EC PARAMETERS block (the vectors' file)", SIGNING_KEY.privateKeyPem],
  ["SEC1 without EC PARAMETERS", pem("EC PRIVATE KEY", K1.der)],
  [
    "SEC1 naming no curve, after EC PARAMETERS",
    EC_PARAMETERS + pem("EC PRIVATE KEY", sec1(K1.scalar)),
  ],
  ["SEC1 without its public part", pem("EC PRIVATE KEY", sec1(K1.scalar, OID.secp256k1))],
  ["SEC1 with CRLF line endings", pem("EC PRIVATE KEY", K1.der, "\r\n")],
  ["SEC1 with text around it", `my key:\n${pem("EC PRIVATE KEY", K1.der)}\nend\n`],
  ["SEC1 as a bare base64 body", b64(K1.der)],
  ["PKCS#8", pem("PRIVATE KEY", pkcs8(OID.secp256k1, sec1(K1.scalar, undefined, K1.point)))],
  ["PKCS#8 whose SEC1 names the curve too", pem("PRIVATE KEY", pkcs8(OID.secp256k1, K1.der))],
  ["PKCS#8 as a bare base64 body", b64(pkcs8(OID.secp256k1, sec1(K1.scalar)))],
  ["PKCS#8 with attributes", pem("PRIVATE KEY", concatPkcs8Attributes())],
];

function concatPkcs8Attributes(): Uint8Array {
  const inner = pkcs8(OID.secp256k1, sec1(K1.scalar));
  // Re-open the SEQUENCE and append an empty [0] attributes set.
  const body = inner.subarray(2);
  return tlv(0x30, body, tlv(0xa0));
}

for (const [what, privateKey] of PRIVATE_FORMS) {
  test(`legacy: TLSSigAPI reads a private key as ${what}`, () => signsAsTheVectorKey(privateKey));
}

const PUBLIC_FORMS: [string, string][] = [
  ["SPKI PEM", SIGNING_KEY.publicKeyPem],
  ["SPKI PEM with CRLF", SIGNING_KEY.publicKeyPem.replace(/\n/g, "\r\n")],
  ["SPKI bare base64 body", pemBody(SIGNING_KEY.publicKeyPem)],
  ["SPKI bare base64 body in lines", pemBody(SIGNING_KEY.publicKeyPem).replace(/(.{40})/g, "$1\n")],
  ["SPKI with a compressed point", pem("PUBLIC KEY", spki(OID.secp256k1, compress(K1.point)))],
];

function compress(point: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(2 + (point[64] & 1)), point.subarray(1, 33));
}

for (const [what, publicKey] of PUBLIC_FORMS) {
  test(`legacy: TLSSigAPI reads a public key as ${what}`, async () => {
    const signer = new TLSSigAPI(K1_APP, { privateKey: SIGNING_KEY.privateKeyPem });
    const ticket = await signer.genUserSig("abc", 600, { now: T0 });
    const verifier = new TLSSigAPI(K1_APP, { publicKey, privateKey: SIGNING_KEY.privateKeyPem });
    assertEquals(verifier.curve, "secp256k1");
    const onlyPublic = new TLSSigAPI(K1_APP, { publicKey });
    assertEquals((await onlyPublic.verifyUserSig(ticket, "abc", { now: T0 })).userId, "abc");
  });
}

test("legacy: TLSSigAPI pads a scalar written without its leading zero bytes (OpenSSL 1.0)", async () => {
  const privateKey = pem("EC PRIVATE KEY", sec1(K1_ONE.scalar, OID.secp256k1, K1_ONE.point));
  const signer = new TLSSigAPI(K1_APP, { privateKey });
  const verifier = new TLSSigAPI(K1_APP, {
    publicKey: pem("PUBLIC KEY", spki(OID.secp256k1, K1_ONE.point)),
  });
  const ticket = await signer.genUserSig("abc", 600, { now: T0 });
  assertEquals((await verifier.verifyUserSig(ticket, "abc", { now: T0 })).userId, "abc");
});

test("legacy: TLSSigAPI reads Web Crypto's P-256 PKCS#8 and SPKI, PEM and bare", async () => {
  const pair = await webCryptoPair("P-256");
  for (
    const keys of [
      { privateKey: pair.privateKeyPem },
      { privateKey: pemBody(pair.privateKeyPem), publicKey: pemBody(pair.publicKeyPem) },
      { privateKey: pair.privateKeyPem, publicKey: pair.publicKeyPem },
    ]
  ) {
    const api = new TLSSigAPI(1400000000, keys);
    assertEquals(api.curve, "P-256");
    const ticket = await api.genUserSig("bob", 60, { now: T0 });
    await api.verifyUserSig(ticket, "bob", { now: T0 });
  }
});

// Every way a key can be wrong: a TypeError that says what, never the key.

const FOREIGN_POINT = fromHex("04" + "11".repeat(64));

const BAD_PRIVATE: [string, unknown, string][] = [
  ["not a string", 42, "privateKey must be a string"],
  ["empty", "  \n", "must not be empty"],
  ["neither PEM nor base64", "my secret key!", "neither PEM nor a base64 key body"],
  [
    "a PEM block with bad base64",
    "-----BEGIN EC PRIVATE KEY-----\n@@@@\n-----END EC PRIVATE KEY-----",
    "not valid base64",
  ],
  [
    "an unterminated PEM block",
    "-----BEGIN EC PRIVATE KEY-----\nMHQCAQEE\n",
    "incomplete PEM block",
  ],
  [
    "a PEM block closed by another label",
    `-----BEGIN EC PRIVATE KEY-----\n${b64(K1.der)}\n-----END PRIVATE KEY-----`,
    "is closed by END PRIVATE KEY",
  ],
  [
    "an encrypted SEC1 key",
    `-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n${
      b64(K1.der)
    }\n-----END EC PRIVATE KEY-----`,
    "encrypted",
  ],
  ["an encrypted PKCS#8 key", pem("ENCRYPTED PRIVATE KEY", K1.der), "encrypted"],
  ["a public key", SIGNING_KEY.publicKeyPem, "holds a public key"],
  ["an RSA key", pem("RSA PRIVATE KEY", K1.der), "holds BEGIN RSA PRIVATE KEY"],
  ["two private keys", pem("EC PRIVATE KEY", K1.der).repeat(2), "exactly one private key, found 2"],
  ["only EC PARAMETERS", EC_PARAMETERS, "exactly one private key, found 0"],
  ["SEC1 naming no curve", pem("EC PRIVATE KEY", sec1(K1.scalar)), "does not name its curve"],
  [
    "SEC1 after EC PARAMETERS of another curve",
    pem("EC PARAMETERS", OID.p256) + pem("EC PRIVATE KEY", K1.der),
    "names two different curves",
  ],
  [
    "EC PARAMETERS with explicit curve parameters",
    pem("EC PARAMETERS", tlv(0x30, tlv(0x02, Uint8Array.of(1)))) + pem("EC PRIVATE KEY", K1.der),
    "explicit curve parameters",
  ],
  ["SEC1 on P-384", pem("EC PRIVATE KEY", sec1(K1.scalar, OID.p384)), "P-384 (1.3.132.0.34)"],
  [
    "SEC1 on an unknown curve",
    pem("EC PRIVATE KEY", sec1(K1.scalar, fromHex("06032a0304"))),
    "curve 1.2.3.4",
  ],
  ["a zero scalar", pem("EC PRIVATE KEY", sec1(new Uint8Array(32), OID.secp256k1)), "out of range"],
  [
    "a scalar above the order",
    pem("EC PRIVATE KEY", sec1(new Uint8Array(32).fill(255), OID.secp256k1)),
    "out of range",
  ],
  [
    "a 33-byte scalar",
    pem("EC PRIVATE KEY", sec1(new Uint8Array(33).fill(1), OID.secp256k1)),
    "scalar is malformed",
  ],
  [
    "SEC1 whose public part is another key's",
    pem("EC PRIVATE KEY", sec1(K1.scalar, OID.secp256k1, K1_ONE.point)),
    "does not match its private scalar",
  ],
  [
    "SEC1 whose public part is not a point",
    pem("EC PRIVATE KEY", sec1(K1.scalar, OID.secp256k1, FOREIGN_POINT)),
    "does not match its private scalar",
  ],
  [
    "SEC1 version 2",
    pem("EC PRIVATE KEY", concat(K1.der.slice(0, 4), Uint8Array.of(2), K1.der.slice(5))),
    "not a SEC1",
  ],
  ["truncated SEC1", pem("EC PRIVATE KEY", K1.der.slice(0, 50)), "not a valid EC private key"],
  [
    "SEC1 with trailing bytes",
    pem("EC PRIVATE KEY", concat(K1.der, Uint8Array.of(0))),
    "not a valid EC private key",
  ],
  [
    "SEC1 with a non-minimal length",
    pem("EC PRIVATE KEY", concat(Uint8Array.of(0x30, 0x81), K1.der.subarray(1))),
    "not a valid EC private key",
  ],
  ["PKCS#8 of an RSA key", pem("PRIVATE KEY", pkcs8(tlv(0x05), K1.der, OID.rsaEncryption)), "RSA"],
  ["PKCS#8 on P-384", pem("PRIVATE KEY", pkcs8(OID.p384, sec1(K1.scalar))), "P-384"],
  [
    "PKCS#8 holding no SEC1",
    pem("PRIVATE KEY", pkcs8(OID.secp256k1, Uint8Array.of(5, 0))),
    "not a valid EC private key",
  ],
  ["a bare SPKI body", pemBody(SIGNING_KEY.publicKeyPem), "not a SEC1 or PKCS#8"],
  ["a bare body of random bytes", b64(fromHex("00112233445566778899")), "not a SEC1 or PKCS#8"],
];

for (const [what, privateKey, message] of BAD_PRIVATE) {
  test(`legacy: new TLSSigAPI() rejects a private key that is ${what}`, () => {
    const error = assertThrows(
      () => new TLSSigAPI(K1_APP, { privateKey: privateKey as string }),
      TypeError,
      message,
    );
    assert(!error.message.includes(b64(K1.der).slice(8, 24)), "the key is not in the message");
    assert(error.message.startsWith("privateKey"), error.message);
  });
}

const BAD_PUBLIC: [string, unknown, string][] = [
  ["not a string", new Uint8Array(4), "publicKey must be a string"],
  ["a private key", SIGNING_KEY.privateKeyPem, "holds a private key"],
  ["a certificate", pem("CERTIFICATE", K1.der), "expected BEGIN PUBLIC KEY"],
  ["two PEM blocks", SIGNING_KEY.publicKeyPem.repeat(2), "exactly one PEM block"],
  ["a bare SEC1 body", b64(K1.der), "not an SPKI public key"],
  [
    "an RSA key",
    pem("PUBLIC KEY", spki(tlv(0x05), FOREIGN_POINT, OID.rsaEncryption)),
    "RSA, 1.2.840.113549.1.1.1",
  ],
  ["on P-384", pem("PUBLIC KEY", spki(OID.p384, FOREIGN_POINT)), "P-384"],
  [
    "not a point on the curve",
    pem("PUBLIC KEY", spki(OID.secp256k1, FOREIGN_POINT)),
    "not a valid point on secp256k1",
  ],
  [
    "the point at infinity",
    pem("PUBLIC KEY", spki(OID.secp256k1, Uint8Array.of(0))),
    "not a valid point",
  ],
  [
    "a point with unused bits",
    pem(
      "PUBLIC KEY",
      tlv(0x30, tlv(0x30, OID.ecPublicKey, OID.secp256k1), tlv(0x03, Uint8Array.of(1), K1.point)),
    ),
    "key bits are malformed",
  ],
  ["truncated", b64(spki(OID.secp256k1, K1.point).slice(0, 40)), "not an SPKI public key"],
];

for (const [what, publicKey, message] of BAD_PUBLIC) {
  test(`legacy: new TLSSigAPI() rejects a public key that is ${what}`, () => {
    const error = assertThrows(
      () => new TLSSigAPI(K1_APP, { publicKey: publicKey as string }),
      TypeError,
      message,
    );
    assert(error.message.startsWith("publicKey"), error.message);
  });
}

test("legacy: new TLSSigAPI() rejects a P-384 key pair from Web Crypto", async () => {
  const pair = await webCryptoPair("P-384");
  assertThrows(() => new TLSSigAPI(1, { privateKey: pair.privateKeyPem }), TypeError, "P-384");
  assertThrows(() => new TLSSigAPI(1, { publicKey: pair.publicKeyPem }), TypeError, "P-384");
});

test("legacy: new TLSSigAPI() rejects a public key that does not match the private key", async () => {
  const p256 = await webCryptoPair("P-256");
  const other = pem("PUBLIC KEY", spki(OID.secp256k1, K1_ONE.point));
  for (const publicKey of [other, p256.publicKeyPem]) {
    assertThrows(
      () => new TLSSigAPI(K1_APP, { privateKey: SIGNING_KEY.privateKeyPem, publicKey }),
      TypeError,
      "publicKey does not match privateKey",
    );
  }
});

test("legacy: new TLSSigAPI() rejects missing keys and a bad SDKAppID", () => {
  assertThrows(() => new TLSSigAPI(K1_APP, {}), TypeError, "privateKey, publicKey or both");
  assertThrows(
    () => new TLSSigAPI(K1_APP, null as unknown as { publicKey: string }),
    TypeError,
    "keys must be an object",
  );
  assertThrows(
    () => new TLSSigAPI(0, { publicKey: SIGNING_KEY.publicKeyPem }),
    RangeError,
    "sdkAppId",
  );
  assertThrows(
    () => new TLSSigAPI("1" as unknown as number, { publicKey: SIGNING_KEY.publicKeyPem }),
    TypeError,
    "sdkAppId",
  );
});

// DER signatures.

test("legacy: signatureToDer() writes minimal positive INTEGERs", () => {
  const r = new Uint8Array(32).fill(0x80);
  const s = concat(new Uint8Array(31), Uint8Array.of(0x7f));
  assertEquals(
    toHex(signatureToDer(concat(r, s))),
    "3026022100" + "80".repeat(32) + "02017f",
  );
  const small = concat(
    new Uint8Array(31),
    Uint8Array.of(1),
    Uint8Array.of(0x01),
    new Uint8Array(31),
  );
  assertEquals(toHex(signatureToDer(small)), "3025020101" + "0220" + "01" + "00".repeat(31));
});

test("legacy: signatureFromDer() inverts signatureToDer() for random signatures", () => {
  for (let i = 0; i < 200; i++) {
    const compact = crypto.getRandomValues(new Uint8Array(64));
    if (i % 3 === 0) compact.fill(0, 0, i % 32); // short r
    if (i % 5 === 0) compact.fill(0, 32, 32 + (i % 32)); // short s
    compact[31] |= 1;
    compact[63] |= 1;
    assertEquals(signatureFromDer(signatureToDer(compact)), compact);
  }
});

test("legacy: signatureFromDer() rejects anything but strict DER", () => {
  const r = "0220" + "11".repeat(32);
  const cases = [
    "", // empty
    "3044" + r + r.slice(0, -2), // short
    "3046" + r + r + "0500", // extra element
    `3045${r}${r}`, // length too long
    `3044${r}${r}00`, // trailing byte after the sequence
    "3022" + r, // one integer
    "3025" + r + "020100", // zero s
    "3025" + r + "0201ff", // negative s
    "3026" + r + "02020001", // non-minimal s
    "3045" + r + "022100" + "11".repeat(32), // needless leading zero
    "3045" + r + "0221" + "11".repeat(33), // s too long
    "308144" + r + r, // non-minimal length
    "3180" + r + r + "0000", // indefinite, wrong tag
  ];
  for (const hex of cases) {
    assertEquals(signatureFromDer(fromHex(hex)), null, hex);
  }
  assert(signatureFromDer(fromHex(`3044${r}${r}`)) !== null, "the valid one passes");
});
