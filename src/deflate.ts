// This module is browser compatible.
// A small synchronous zlib writer for tickets: one final block with the fixed
// Huffman code (RFC 1951 section 3.2.6). Ticket documents are JSON whose
// repeats (`","TLS.`, `":`) start at a quote or a comma, while the signature
// and userbuf (base64) never repeat; so back-references are looked for only
// at those two characters, at the latest earlier place that starts with the
// same three bytes. That finds the repeats zlib level 6 finds in a ticket at
// a fraction of the cost, and the output is still a standard stream for any
// input, identical in every runtime.

import { adler32, fixedLiteralLengths, LENGTH_BASE, LENGTH_EXTRA } from "./zlib_tables.ts";

const MIN_MATCH = 3;
const MAX_MATCH = 258;
const HASH_SIZE = 256;
const QUOTE = 0x22, COMMA = 0x2c;

/** Bit-reversed fixed code of each literal/length symbol, and its length. */
const litCode = new Uint16Array(288);
const litBits = fixedLiteralLengths();
{
  // Canonical code assignment (RFC 1951 section 3.2.2), then reversal,
  // because deflate packs Huffman codes starting from their top bit.
  const next: Record<number, number> = { 7: 0, 8: 0x30, 9: 0x190 };
  for (const [from, to] of [[256, 280], [0, 144], [280, 288], [144, 256]]) {
    for (let s = from; s < to; s++) litCode[s] = reverse(next[litBits[s]]++, litBits[s]);
  }
}

/** Code and length of each literal in one entry (`length << 16 | code`): one load a byte. */
const litEntry = Int32Array.from({ length: 257 }, (_, b) => litCode[b] | (litBits[b] << 16));

/** Fixed distance codes: 5 bits, packed top bit first. */
const distCode = Uint8Array.from({ length: 30 }, (_, sym) => reverse(sym, 5));

/** For each match length 3..258: its code followed by its extra bits, and their count. */
const lengthCode = new Uint32Array(MAX_MATCH + 1);
const lengthBits = new Uint8Array(MAX_MATCH + 1);
for (let sym = 0; sym < 29; sym++) {
  const top = sym === 28 ? 258 : LENGTH_BASE[sym] + (1 << LENGTH_EXTRA[sym]) - 1;
  for (let len = LENGTH_BASE[sym]; len <= top; len++) {
    const bits = litBits[257 + sym];
    lengthCode[len] = litCode[257 + sym] | ((len - LENGTH_BASE[sym]) << bits);
    lengthBits[len] = bits + LENGTH_EXTRA[sym];
  }
}

function reverse(code: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) {
    r = (r << 1) | (code & 1);
    code >>= 1;
  }
  return r;
}

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
      acc |= lengthCode[bestLen] << accBits;
      accBits += lengthBits[bestLen];
      while (accBits >= 8) { // down to 7 bits: a distance takes up to 18
        out[pos++] = acc;
        acc >>>= 8;
        accBits -= 8;
      }
      // Distance symbols: 0..3 for distances 1..4, then two for each power
      // of two, with one extra bit fewer than the power.
      const x = bestDist - 1;
      let sym = x, extra = 0;
      if (x >= 4) {
        extra = 30 - Math.clz32(x);
        sym = 2 * extra + 2 + ((x >> extra) & 1);
      }
      acc |= (distCode[sym] | ((x & ((1 << extra) - 1)) << 5)) << accBits;
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
  acc |= litCode[256] << accBits; // end of block
  accBits += litBits[256];
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
