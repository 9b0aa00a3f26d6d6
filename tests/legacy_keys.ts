// Key fixtures for the legacy tests: the vectors' secp256k1 key rebuilt in
// every container format, P-256 and P-384 keys from Web Crypto, and small
// DER/PEM builders for the malformed ones. Web APIs only.

import legacy from "./vectors/legacy-v1.json" with { type: "json" };
import { fromHex } from "./assert.ts";

/** A v1 vector, as stored in vectors/legacy-v1.json. */
export interface LegacyVector {
  name: string;
  curve: string;
  sdkAppId: number;
  userId: string;
  time: number;
  expireAfter: number;
  publicKeySpkiBase64: string;
  userSig: string;
}

/** Every v1 vector. */
export const LEGACY_VECTORS: LegacyVector[] = legacy.vectors;

/** The vectors' signing key (secp256k1), the key pair of vector "secp256k1-plain". */
export const SIGNING_KEY = legacy.signingKeys[0];

/** The SDKAppID and user of vector "secp256k1-plain", which the signing key signed. */
export const K1_APP = 1400001052;

/** Standard base64 of bytes. */
export function b64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

/** Bytes of standard base64. */
export function unb64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** PEM armour, 64 characters a line. */
export function pem(label: string, der: Uint8Array, eol = "\n"): string {
  const lines = b64(der).match(/.{1,64}/g)!.join(eol);
  return `-----BEGIN ${label}-----${eol}${lines}${eol}-----END ${label}-----${eol}`;
}

/** The base64 body of the first PEM block of `text`. */
export function pemBody(text: string): string {
  return text.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
}

/** A DER element. */
export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(...parts);
  const n = body.length;
  const head = n < 0x80 ? [tag, n] : n < 0x100 ? [tag, 0x81, n] : [tag, 0x82, n >> 8, n & 255];
  return concat(Uint8Array.from(head), body);
}

/** Bytes one after another. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** DER object identifiers (whole elements). */
export const OID = {
  ecPublicKey: fromHex("06072a8648ce3d0201"),
  secp256k1: fromHex("06052b8104000a"),
  p256: fromHex("06082a8648ce3d030107"),
  p384: fromHex("06052b81040022"),
  rsaEncryption: fromHex("06092a864886f70d010101"),
};

const int = (n: number) => tlv(0x02, Uint8Array.of(n));

/** A SEC1 ECPrivateKey from its parts; `curve` and `point` optional. */
export function sec1(scalar: Uint8Array, curve?: Uint8Array, point?: Uint8Array): Uint8Array {
  return tlv(
    0x30,
    int(1),
    tlv(0x04, scalar),
    curve ? tlv(0xa0, curve) : new Uint8Array(0),
    point ? tlv(0xa1, tlv(0x03, Uint8Array.of(0), point)) : new Uint8Array(0),
  );
}

/** A PKCS#8 PrivateKeyInfo around SEC1 bytes. */
export function pkcs8(curve: Uint8Array, sec1Der: Uint8Array, algorithm = OID.ecPublicKey) {
  return tlv(0x30, int(0), tlv(0x30, algorithm, curve), tlv(0x04, sec1Der));
}

/** An SPKI SubjectPublicKeyInfo. */
export function spki(curve: Uint8Array, point: Uint8Array, algorithm = OID.ecPublicKey) {
  return tlv(0x30, tlv(0x30, algorithm, curve), tlv(0x03, Uint8Array.of(0), point));
}

/** The parts of the vectors' SEC1 secp256k1 key. */
export const K1 = (() => {
  const der = unb64(pemBody(SIGNING_KEY.privateKeyPem.split("-----END EC PARAMETERS-----")[1]));
  // 30 74 | 02 01 01 | 04 20 <scalar> | a0 07 <oid> | a1 44 03 42 00 <point>
  const scalar = der.slice(7, 39);
  const point = der.slice(der.length - 65);
  return { der, scalar, point };
})();

/** The secp256k1 key pair with private scalar 1: its public key is the generator. */
export const K1_ONE = {
  scalar: Uint8Array.of(1),
  point: fromHex(
    "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" +
      "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8",
  ),
};

/** The group orders, for making high-s signatures. */
export const ORDER = {
  secp256k1: BigInt("0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"),
  "P-256": BigInt("0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"),
};

/** A key pair from Web Crypto as PKCS#8 and SPKI PEM, and the CryptoKeys. */
export interface WebCryptoPair {
  privateKeyPem: string;
  publicKeyPem: string;
  keys: CryptoKeyPair;
}

/** A fresh ECDSA key pair on `namedCurve`, exported as PEM. */
export async function webCryptoPair(namedCurve: "P-256" | "P-384"): Promise<WebCryptoPair> {
  const keys = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve }, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const pkcs8Der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", keys.privateKey));
  const spkiDer = new Uint8Array(await crypto.subtle.exportKey("spki", keys.publicKey));
  return {
    privateKeyPem: pem("PRIVATE KEY", pkcs8Der),
    publicKeyPem: pem("PUBLIC KEY", spkiDer),
    keys,
  };
}
