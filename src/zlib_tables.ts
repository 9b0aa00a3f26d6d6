// This module is browser compatible.
// The length and distance alphabets of deflate (RFC 1951 section 3.2.5),
// shared by the writer and the reader.

/** Base match length of length symbols 257..285. */
export const LENGTH_BASE: Uint16Array = new Uint16Array([
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
  11,
  13,
  15,
  17,
  19,
  23,
  27,
  31,
  35,
  43,
  51,
  59,
  67,
  83,
  99,
  115,
  131,
  163,
  195,
  227,
  258,
]);
/** Extra bits of length symbols 257..285. */
export const LENGTH_EXTRA: Uint8Array = new Uint8Array([
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  0,
  1,
  1,
  1,
  1,
  2,
  2,
  2,
  2,
  3,
  3,
  3,
  3,
  4,
  4,
  4,
  4,
  5,
  5,
  5,
  5,
  0,
]);
/** Base distance of distance symbols 0..29. */
export const DIST_BASE: Uint16Array = new Uint16Array([
  1,
  2,
  3,
  4,
  5,
  7,
  9,
  13,
  17,
  25,
  33,
  49,
  65,
  97,
  129,
  193,
  257,
  385,
  513,
  769,
  1025,
  1537,
  2049,
  3073,
  4097,
  6145,
  8193,
  12289,
  16385,
  24577,
]);
/** Extra bits of distance symbols 0..29. */
export const DIST_EXTRA: Uint8Array = new Uint8Array([
  0,
  0,
  0,
  0,
  1,
  1,
  2,
  2,
  3,
  3,
  4,
  4,
  5,
  5,
  6,
  6,
  7,
  7,
  8,
  8,
  9,
  9,
  10,
  10,
  11,
  11,
  12,
  12,
  13,
  13,
]);

/** Code lengths of the fixed literal/length code (symbols 0..287). */
export function fixedLiteralLengths(): Uint8Array {
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  return lengths;
}

/** Adler-32 (RFC 1950) of the first `n` bytes. */
export function adler32(bytes: Uint8Array, n: number = bytes.length): number {
  let a = 1, b = 0;
  let i = 0;
  while (i < n) {
    const stop = Math.min(n, i + 3800);
    for (; i < stop; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
