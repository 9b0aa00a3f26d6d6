// This module is browser compatible.
// ECDSA signatures as v1 tickets carry them: DER `SEQUENCE { INTEGER r,
// INTEGER s }` (what OpenSSL writes), converted to and from the fixed-size
// `r || s` form the curve code works with.

import { DerReader, encodeDer, readOnly, Tag } from "./der.ts";

/** Bytes of each of r and s for the 256-bit curves supported here. */
export const SCALAR_BYTES = 32;

/**
 * A positive DER INTEGER's contents as `size` big-endian bytes, or null when
 * it is not minimally encoded, is negative or zero, or does not fit.
 */
function unsigned(contents: Uint8Array | null, size: number): Uint8Array | null {
  if (contents === null || contents.length === 0) return null;
  if (contents[0] & 0x80) return null; // negative
  if (contents.length > 1 && contents[0] === 0 && !(contents[1] & 0x80)) return null; // not minimal
  const magnitude = contents[0] === 0 ? contents.subarray(1) : contents;
  if (magnitude.length > size || magnitude.every((b) => b === 0)) return null;
  const out = new Uint8Array(size);
  out.set(magnitude, size - magnitude.length);
  return out;
}

/**
 * The `r || s` form (64 bytes) of a strict DER ECDSA signature, or null when
 * the bytes are not one.
 */
export function signatureFromDer(der: Uint8Array): Uint8Array | null {
  const body = readOnly(der, Tag.SEQUENCE);
  if (body === null) return null;
  const reader = new DerReader(body);
  const r = unsigned(reader.read(Tag.INTEGER), SCALAR_BYTES);
  const s = unsigned(reader.read(Tag.INTEGER), SCALAR_BYTES);
  if (r === null || s === null || !reader.done) return null;
  const out = new Uint8Array(2 * SCALAR_BYTES);
  out.set(r);
  out.set(s, SCALAR_BYTES);
  return out;
}

/** The DER INTEGER of big-endian unsigned bytes. */
function integer(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const magnitude = bytes.subarray(start);
  if (!(magnitude[0] & 0x80)) return encodeDer(Tag.INTEGER, magnitude);
  const padded = new Uint8Array(magnitude.length + 1);
  padded.set(magnitude, 1);
  return encodeDer(Tag.INTEGER, padded);
}

/** The DER form of an `r || s` signature. */
export function signatureToDer(compact: Uint8Array): Uint8Array {
  const half = compact.length / 2;
  const r = integer(compact.subarray(0, half));
  const s = integer(compact.subarray(half));
  const body = new Uint8Array(r.length + s.length);
  body.set(r);
  body.set(s, r.length);
  return encodeDer(Tag.SEQUENCE, body);
}
