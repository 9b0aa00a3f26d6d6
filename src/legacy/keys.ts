// This module is browser compatible.
// v1 key pairs: private keys in SEC1 (`EC PRIVATE KEY`, with or without a
// leading `EC PARAMETERS` block) or PKCS#8 (`PRIVATE KEY`), public keys in
// SPKI (`PUBLIC KEY`) or its bare base64 body. The curve comes from the key.
// Every failure is a TypeError naming the argument and the problem, never
// quoting the key.

import { type Curve, curveOf, EC_PUBLIC_KEY_OID } from "./curves.ts";
import { DerReader, oidText, readOnly, Tag } from "./der.ts";
import { type PemBlock, readPem } from "./pem.ts";
import { SCALAR_BYTES } from "./signature.ts";

/** A parsed private key and the public key derived from it. */
export interface PrivateKey {
  curve: Curve;
  /** The 32-byte private scalar. */
  secretKey: Uint8Array;
  /** The uncompressed public point. */
  publicKey: Uint8Array;
}

/** A parsed public key. */
export interface PublicKey {
  curve: Curve;
  /** The public point as encoded in the key (compressed or not). */
  publicKey: Uint8Array;
}

const ALGORITHM_NAMES: Record<string, string> = {
  "1.2.840.113549.1.1.1": "RSA",
  "1.3.101.112": "Ed25519",
  "1.3.101.110": "X25519",
};

function bad(name: string, what: string): TypeError {
  return new TypeError(`${name} is not ${what}`);
}

/** The named-curve OID of an `ECParameters` element (SEC1 [0], EC PARAMETERS). */
function namedCurve(parameters: Uint8Array, name: string): string {
  if (parameters[0] === Tag.SEQUENCE) {
    throw new TypeError(`${name} has explicit curve parameters; use a named-curve key`);
  }
  const oid = readOnly(parameters, Tag.OID);
  const text = oid === null ? null : oidText(oid);
  if (text === null) throw bad(name, "a valid EC key: its curve parameters are malformed");
  return text;
}

/** The curve OID of an `AlgorithmIdentifier` (PKCS#8 and SPKI). */
function algorithmCurve(algorithm: Uint8Array | null, name: string): string {
  if (algorithm === null) throw bad(name, "a valid key: no algorithm identifier");
  const reader = new DerReader(algorithm);
  const oid = reader.read(Tag.OID);
  const text = oid === null ? null : oidText(oid);
  if (text === null) throw bad(name, "a valid key: its algorithm identifier is malformed");
  if (text !== EC_PUBLIC_KEY_OID) {
    const known = ALGORITHM_NAMES[text];
    throw bad(name, `an EC key (its algorithm is ${known ? `${known}, ` : ""}${text})`);
  }
  return namedCurve(reader.rest(), name);
}

/** The one curve all of `oids` name. */
function agreeOnCurve(oids: (string | undefined)[], name: string): Curve {
  const named = [...new Set(oids.filter((oid) => oid !== undefined))];
  if (named.length > 1) throw new TypeError(`${name} names two different curves`);
  if (named.length === 0) {
    throw new TypeError(
      `${name} does not name its curve; keep the EC PARAMETERS block or use PKCS#8`,
    );
  }
  return curveOf(named[0], name);
}

const isVersion = (value: Uint8Array | null, n: number) => value?.length === 1 && value[0] === n;

/** A SEC1 `ECPrivateKey`, its curve named here or by `outer` OIDs. */
function sec1(der: Uint8Array, outer: (string | undefined)[], name: string): PrivateKey {
  const body = readOnly(der, Tag.SEQUENCE);
  if (body === null) throw bad(name, "a valid EC private key");
  const reader = new DerReader(body);
  if (!isVersion(reader.read(Tag.INTEGER), 1)) throw bad(name, "a SEC1 EC private key");
  const scalar = reader.read(Tag.OCTET_STRING);
  const parameters = reader.peek() === Tag.CONTEXT_0 ? reader.read(Tag.CONTEXT_0) : undefined;
  const embedded = reader.peek() === Tag.CONTEXT_1 ? reader.read(Tag.CONTEXT_1) : undefined;
  if (parameters === null || embedded === null || !reader.done) {
    throw bad(name, "a valid EC private key: unexpected or malformed fields");
  }
  const curve = agreeOnCurve(
    [...outer, parameters === undefined ? undefined : namedCurve(parameters, name)],
    name,
  );
  if (scalar === null || scalar.length === 0 || scalar.length > SCALAR_BYTES) {
    throw bad(name, "a valid EC private key: its scalar is malformed");
  }
  // OpenSSL 1.0 wrote scalars with leading zero bytes dropped.
  const secretKey = new Uint8Array(SCALAR_BYTES);
  secretKey.set(scalar, SCALAR_BYTES - scalar.length);
  if (!curve.ecdsa.utils.isValidSecretKey(secretKey)) {
    throw new TypeError(`${name}'s scalar is out of range for ${curve.name}`);
  }
  const publicKey = curve.ecdsa.getPublicKey(secretKey, false);
  if (embedded !== undefined) {
    const point = readOnly(embedded, Tag.BIT_STRING);
    if (point === null || point[0] !== 0 || !samePoint(curve, point.subarray(1), publicKey)) {
      throw new TypeError(`${name}'s public part does not match its private scalar`);
    }
  }
  return { curve, secretKey, publicKey };
}

/** A PKCS#8 `PrivateKeyInfo` (or `OneAsymmetricKey`) holding a SEC1 key. */
function pkcs8(der: Uint8Array, parameterOid: string | undefined, name: string): PrivateKey {
  const body = readOnly(der, Tag.SEQUENCE);
  if (body === null) throw bad(name, "a valid PKCS#8 private key");
  const reader = new DerReader(body);
  const version = reader.read(Tag.INTEGER);
  if (!isVersion(version, 0) && !isVersion(version, 1)) throw bad(name, "a PKCS#8 private key");
  const curveOid = algorithmCurve(reader.read(Tag.SEQUENCE), name);
  const inner = reader.read(Tag.OCTET_STRING);
  if (inner === null) throw bad(name, "a valid PKCS#8 private key: no key data");
  if (reader.peek() === Tag.CONTEXT_0) reader.read(Tag.CONTEXT_0); // attributes
  if (reader.peek() === 0x81) reader.read(0x81); // [1] IMPLICIT public key
  if (!reader.done) throw bad(name, "a valid PKCS#8 private key: unexpected trailing fields");
  return sec1(inner, [curveOid, parameterOid], name);
}

/** Whether two encoded points are the same point on `curve` (false if either is not one). */
export function samePoint(curve: Curve, a: Uint8Array, b: Uint8Array): boolean {
  try {
    return curve.ecdsa.Point.fromBytes(a).equals(curve.ecdsa.Point.fromBytes(b));
  } catch {
    return false;
  }
}

/** SEC1 or PKCS#8, told apart by structure (for a bare base64 body). */
function privateKeyDer(der: Uint8Array, name: string): PrivateKey {
  const body = readOnly(der, Tag.SEQUENCE);
  const reader = new DerReader(body ?? new Uint8Array(0));
  const version = reader.read(Tag.INTEGER);
  if (isVersion(version, 1) && reader.peek() === Tag.OCTET_STRING) {
    return sec1(der, [], name);
  }
  if ((isVersion(version, 0) || isVersion(version, 1)) && reader.peek() === Tag.SEQUENCE) {
    return pkcs8(der, undefined, name);
  }
  throw bad(name, "a SEC1 or PKCS#8 EC private key");
}

function labels(blocks: PemBlock[]): string {
  return blocks.map((b) => b.label).join(", ");
}

/**
 * Parses a v1 private key: SEC1 or PKCS#8, PEM or bare base64.
 *
 * @throws {TypeError} For anything else, another curve, or a malformed key.
 */
export function parsePrivateKey(text: unknown, name = "privateKey"): PrivateKey {
  const blocks = readPem(text, name);
  if (blocks.length === 1 && blocks[0].label === "") {
    return privateKeyDer(blocks[0].der, name);
  }
  let parameterOid: string | undefined;
  const keys: PemBlock[] = [];
  for (const block of blocks) {
    if (block.label === "EC PARAMETERS") {
      if (parameterOid !== undefined) throw new TypeError(`${name} has two EC PARAMETERS blocks`);
      parameterOid = namedCurve(block.der, name);
    } else if (block.label === "EC PRIVATE KEY" || block.label === "PRIVATE KEY") {
      keys.push(block);
    } else if (block.label === "PUBLIC KEY") {
      throw new TypeError(`${name} holds a public key (BEGIN PUBLIC KEY); pass it as publicKey`);
    } else if (block.label === "ENCRYPTED PRIVATE KEY") {
      throw new TypeError(
        `${name} is encrypted (BEGIN ENCRYPTED PRIVATE KEY); decrypt it first, ` +
          "e.g. with `openssl pkcs8 -in key.pem -out plain.pem`",
      );
    } else {
      throw new TypeError(
        `${name} holds BEGIN ${block.label}; expected BEGIN EC PRIVATE KEY or BEGIN PRIVATE KEY`,
      );
    }
  }
  if (keys.length !== 1) {
    throw new TypeError(`${name} must hold exactly one private key, found ${keys.length}`);
  }
  const [key] = keys;
  return key.label === "EC PRIVATE KEY"
    ? sec1(key.der, [parameterOid], name)
    : pkcs8(key.der, parameterOid, name);
}

/**
 * Parses a v1 public key: SPKI, PEM or bare base64.
 *
 * @throws {TypeError} For anything else, another curve, or a malformed key.
 */
export function parsePublicKey(text: unknown, name = "publicKey"): PublicKey {
  const blocks = readPem(text, name);
  if (blocks.some((block) => block.label.includes("PRIVATE KEY"))) {
    throw new TypeError(`${name} holds a private key; pass it as privateKey, and keep it secret`);
  }
  if (blocks.length !== 1) {
    throw new TypeError(`${name} must hold exactly one PEM block, found ${labels(blocks)}`);
  }
  const [{ label, der }] = blocks;
  if (label !== "" && label !== "PUBLIC KEY") {
    throw new TypeError(`${name} holds BEGIN ${label}; expected BEGIN PUBLIC KEY`);
  }
  const body = readOnly(der, Tag.SEQUENCE);
  if (body === null) throw bad(name, "an SPKI public key");
  const reader = new DerReader(body);
  const algorithm = reader.read(Tag.SEQUENCE);
  if (algorithm === null) throw bad(name, "an SPKI public key");
  const curve = curveOf(algorithmCurve(algorithm, name), name);
  const bits = reader.read(Tag.BIT_STRING);
  if (bits === null || bits[0] !== 0 || !reader.done) {
    throw bad(name, "a valid SPKI public key: its key bits are malformed");
  }
  const publicKey = bits.subarray(1);
  let valid = false;
  try {
    valid = !curve.ecdsa.Point.fromBytes(publicKey).is0();
  } catch {
    // Not a point on the curve.
  }
  if (!valid) throw new TypeError(`${name} is not a valid point on ${curve.name}`);
  return { curve, publicKey };
}
