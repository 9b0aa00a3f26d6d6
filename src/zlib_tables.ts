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

// Where bytes are stored little end first (everywhere this runs, in
// practice), Adler-32 reads long inputs four bytes at a time.
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Adler-32 (RFC 1950) of the first `n` bytes. */
export function adler32(bytes: Uint8Array, n: number = bytes.length): number {
  let a = 1, b = 0;
  let i = 0;
  if (LITTLE_ENDIAN && n >= 1024 && bytes.byteOffset % 4 === 0) {
    const sum = adler32Words(new Uint32Array(bytes.buffer, bytes.byteOffset, n >> 2));
    a = sum & 0xffff;
    b = (sum >> 16) & 0xffff;
    i = n & ~3;
  }
  while (i < n) {
    // Sums stay below 2^31 for 3,800 bytes before they are reduced.
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

/** Adler-32 of little-endian words, a word's four bytes at once, as `b << 16 | a`. */
function adler32Words(words: Uint32Array): number {
  let a = 1, b = 0;
  for (let j = 0; j < words.length;) {
    // Sums stay below 2^31 for 3,760 bytes before they are reduced.
    const stop = Math.min(words.length, j + 940);
    while (j < stop) {
      // Twenty words at a time in two 16-bit lanes each (bytes 0 and 2,
      // bytes 1 and 3), so that no lane overflows: s sums the bytes, t
      // sums s as it stood before each word.
      const end = Math.min(stop, j + 20);
      const count = end - j;
      let s02 = 0, s13 = 0, t02 = 0, t13 = 0;
      for (; j < end; j++) {
        const w = words[j];
        t02 += s02;
        t13 += s13;
        s02 += w & 0xff00ff;
        s13 += (w >>> 8) & 0xff00ff;
      }
      const s1 = s13 & 0xffff, s2 = s02 >>> 16, s3 = s13 >>> 16;
      const s = (s02 & 0xffff) + s1 + s2 + s3;
      const t = (t02 & 0xffff) + (t02 >>> 16) + (t13 & 0xffff) + (t13 >>> 16);
      // Byte r of word k counts 4 * (count - k) - r times in b.
      b += 4 * count * a + 4 * (t + s) - s1 - 2 * s2 - 3 * s3;
      a += s;
    }
    a %= 65521;
    b %= 65521;
  }
  return (b << 16) | a;
}
