// This module is browser compatible.
// The length and distance alphabets of deflate (RFC 1951 section 3.2.5),
// shared by the writer and the reader.

/**
 * Extra bits and base values of an alphabet whose symbols, after the first
 * `linear` (no extra bits), come two or four to each extra-bit count, each
 * symbol covering 2^extra values from where the last one stopped.
 */
function alphabet(size: number, linear: number, perExtra: number, first: number) {
  const extra = new Uint8Array(size);
  const base = new Uint16Array(size);
  base[0] = first;
  for (let s = 0; s < size; s++) {
    if (s >= linear) extra[s] = ((s - linear) / perExtra | 0) + 1;
    if (s > 0) base[s] = base[s - 1] + (1 << extra[s - 1]);
  }
  return { extra, base };
}

const lengths = alphabet(29, 8, 4, 3);
// The last length symbol stands for 258 alone, with no extra bits.
lengths.extra[28] = 0;
lengths.base[28] = 258;
const distances = alphabet(30, 4, 2, 1);

/** Base match length of length symbols 257..285. */
export const LENGTH_BASE: Uint16Array = lengths.base;
/** Extra bits of length symbols 257..285. */
export const LENGTH_EXTRA: Uint8Array = lengths.extra;
/** Base distance of distance symbols 0..29. */
export const DIST_BASE: Uint16Array = distances.base;
/** Extra bits of distance symbols 0..29. */
export const DIST_EXTRA: Uint8Array = distances.extra;

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
