// This module is browser compatible.
// The length and distance alphabets of deflate (RFC 1951 section 3.2.5),
// shared by the writer and the reader.

/** Base values of an alphabet from its extra bits: each symbol's 2^extra values follow the last's. */
function bases(extra: Uint8Array, first: number): Uint16Array {
  const base = new Uint16Array(extra.length);
  for (let s = 0, value = first; s < extra.length; value += 1 << extra[s++]) base[s] = value;
  return base;
}

/** Extra bits of length symbols 257..285: none for the first 8, then four for each count. */
export const LENGTH_EXTRA: Uint8Array = Uint8Array.from(
  { length: 29 },
  (_, s) => (s < 8 || s > 27 ? 0 : (s - 4) >> 2),
);
/** Base match length of length symbols 257..285. */
export const LENGTH_BASE: Uint16Array = bases(LENGTH_EXTRA, 3);
// The last length symbol stands for 258 alone, with no extra bits.
LENGTH_BASE[28] = 258;
/** Extra bits of distance symbols 0..29: none for the first 4, then two for each count. */
export const DIST_EXTRA: Uint8Array = Uint8Array.from(
  { length: 30 },
  (_, s) => (s < 4 ? 0 : (s - 2) >> 1),
);
/** Base distance of distance symbols 0..29. */
export const DIST_BASE: Uint16Array = bases(DIST_EXTRA, 1);

/** The order in which a dynamic block sends its code-length code's lengths (RFC 1951 3.2.7). */
export const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Code lengths of the fixed literal/length code (symbols 0..287). */
export function fixedLiteralLengths(): Uint8Array {
  return Uint8Array.from({ length: 288 }, (_, s) => (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8));
}

/**
 * The first `len` bits of `code` (a Huffman code, top bit first) in reverse
 * order: deflate packs codes from their top bit, and both sides index them
 * in the order the bits arrive.
 */
export function reverse(code: number, len: number): number {
  let r = 0;
  for (; len > 0; len--, code >>= 1) r = (r << 1) | (code & 1);
  return r;
}

/** Adler-32 (RFC 1950) of the first `n` bytes. */
export function adler32(bytes: Uint8Array, n: number = bytes.length): number {
  let a = 1, b = 0;
  for (let i = 0; i < n;) {
    // Sums stay below 2^31 for 3,800 bytes before they are reduced.
    for (const stop = Math.min(n, i + 3800); i < stop; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
