// This module is browser compatible.
// The two curves v1 keys come on, found by the named-curve OID in the key,
// and the audited ECDSA code for each. Web Crypto has no secp256k1, so both
// go through @noble/curves, which hashes the message with SHA-256 itself.

import { p256 } from "@noble/curves/nist.js";
import { secp256k1 } from "@noble/curves/secp256k1.js";

/** The name of a curve a v1 key may be on. */
export type LegacyCurve = "secp256k1" | "P-256";

/** A supported curve: its name and its ECDSA implementation. */
export interface Curve {
  name: LegacyCurve;
  ecdsa: typeof secp256k1;
}

/** The `id-ecPublicKey` algorithm OID of EC keys in PKCS#8 and SPKI. */
export const EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1";

const CURVES: Record<string, Curve> = {
  "1.3.132.0.10": { name: "secp256k1", ecdsa: secp256k1 },
  "1.2.840.10045.3.1.7": { name: "P-256", ecdsa: p256 },
};

const OTHER_NAMES: Record<string, string> = {
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521",
  "1.3.132.0.33": "P-224",
  "1.2.840.10045.3.1.1": "P-192",
};

/**
 * The curve with named-curve OID `oid`.
 *
 * @throws {TypeError} For any other curve, naming it and the argument.
 */
export function curveOf(oid: string, name: string): Curve {
  const curve = CURVES[oid];
  if (curve !== undefined) return curve;
  const known = OTHER_NAMES[oid];
  throw new TypeError(
    `${name} is on curve ${known === undefined ? oid : `${known} (${oid})`}; ` +
      "v1 keys must be on secp256k1 or P-256",
  );
}
