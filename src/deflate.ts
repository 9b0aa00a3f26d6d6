// This module is browser compatible.
// A small synchronous zlib writer for tickets: one final block with the fixed
// Huffman code (RFC 1951 section 3.2.6). Ticket documents are JSON whose
// repeats (`","TLS.`, `":`) start at a quote or a comma, while the signature
// and userbuf (base64) never repeat; so back-references are looked for only
// at those two characters, at the latest earlier place that starts with the
// same three bytes. That finds the repeats zlib level 6 finds in a ticket at
// a fraction of the cost, and the output is still a standard stream for any
// input, identical in every runtime.

import { adler32, fixedLiteralLengths, LENGTH_BASE, reverse } from "./zlib_tables.ts";

const MIN_MATCH = 3;
const MAX_MATCH = 258;
const HASH_SIZE = 256;
const QUOTE = 0x22, COMMA = 0x2c;

/**
 * The fixed code (RFC 1951 section 3.2.6) of each literal/length symbol,
 * bit-reversed as deflate packs it, and its length: `length << 16 | code`,
 * one load a byte. Codes count up within a length from the first, which
 * the lengths before fix: 0x30 for 0..143, 0x190 for 144..255, 0 for
 * 256..279, 0xc0 for 280..287.
 */
const litEntry = Int32Array.from(
  fixedLiteralLengths(),
  (len, s) =>
    reverse(s < 144 ? s + 48 : s < 256 ? s + 256 : s < 280 ? s - 256 : s - 88, len) | (len << 16),
);

/** Fixed distance codes: 5 bits, bit-reversed. */
const distCode = Uint8Array.from({ length: 30 }, (_, sym) => reverse(sym, 5));

// The latest quote or comma place for each hash of three bytes, reused
// between calls: an entry counts only when stamped with this call's number.
const latest = new Int32Array(HASH_SIZE);
const stamp = new Int32Array(HASH_SIZE);
let call = 0;

/** The most bytes a stream of `n` input bytes takes (9 bits a byte at worst). */
export function deflateBound(n: number): number {
  return n + (n >> 3) + 16;
}

/**
 * Compresses `input` into a complete zlib stream (RFC 1950) that any
 * standard inflater accepts.
 */
export function zlibDeflate(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(deflateBound(input.length));
  return out.subarray(0, deflateInto(input, input.length, out));
}

/**
 * Compresses the first `n` bytes of `input` into `out`, which must hold
 * `deflateBound(n)` bytes; returns the stream's length. Allocates nothing.
 */
export function deflateInto(input: Uint8Array, n: number, out: Uint8Array): number {
  out[0] = 0x78; // deflate, 32 KiB window
  out[1] = 0x01; // fastest level; 0x7801 % 31 === 0
  let pos = 2;
  let acc = 0b011; // BFINAL = 1, BTYPE = 01 (fixed Huffman)
  let accBits = 3;
  if (++call === 0x7fffffff) {
    call = 1;
    stamp.fill(0);
  }

  let i = 0;
  while (i < n) {
    const byte = input[i];
    let bestLen = 0, bestDist = 0;
    if ((byte === QUOTE || byte === COMMA) && i + MIN_MATCH <= n) {
      const h = ((input[i + 1] * 31 + input[i + 2]) & (HASH_SIZE / 2 - 1)) |
        (byte === COMMA ? HASH_SIZE / 2 : 0);
      const from = latest[h];
      if (stamp[h] === call && i - from <= 32768) {
        const limit = Math.min(MAX_MATCH, n - i);
        while (bestLen < limit && input[from + bestLen] === input[i + bestLen]) bestLen++;
        bestDist = i - from;
      }
      latest[h] = i;
      stamp[h] = call;
    }
    if (bestLen >= MIN_MATCH) {
      // Length symbols: 0..7 for lengths 3..10, then four for each power of
      // two, with two extra bits fewer than the power; 28 for 258 alone.
      const x = bestLen - 3;
      const extraBits = x < 8 || x > 254 ? 0 : 29 - Math.clz32(x);
      const sym = x > 254 ? 28 : x < 8 ? x : 4 * extraBits + 4 + ((x >> extraBits) & 3);
      const entry = litEntry[257 + sym];
      acc |= ((entry & 0xffff) | ((bestLen - LENGTH_BASE[sym]) << (entry >>> 16))) << accBits;
      accBits += (entry >>> 16) + extraBits;
      while (accBits >= 8) { // down to 7 bits: a distance takes up to 18
        out[pos++] = acc;
        acc >>>= 8;
        accBits -= 8;
      }
      // Distance symbols: 0..3 for distances 1..4, then two for each power
      // of two, with one extra bit fewer than the power.
      const d = bestDist - 1;
      const extra = d < 4 ? 0 : 30 - Math.clz32(d);
      acc |= (distCode[d < 4 ? d : 2 * extra + 2 + ((d >> extra) & 1)] |
        ((d & ((1 << extra) - 1)) << 5)) << accBits;
      accBits += 5 + extra;
      i += bestLen;
    } else {
      const entry = litEntry[byte];
      acc |= (entry & 0xffff) << accBits;
      accBits += entry >>> 16;
      i++;
    }
    // At most 15 bits stay behind; a literal or length takes up to 13 more.
    if (accBits >= 16) {
      out[pos] = acc;
      out[pos + 1] = acc >>> 8;
      pos += 2;
      acc >>>= 16;
      accBits -= 16;
    }
  }
  accBits += 7; // end of block: code 0000000
  for (; accBits > 0; accBits -= 8) {
    out[pos++] = acc;
    acc >>>= 8;
  }
  const check = adler32(input, n);
  out[pos++] = check >>> 24;
  out[pos++] = check >>> 16;
  out[pos++] = check >>> 8;
  out[pos++] = check;
  return pos;
}
