// This module is browser compatible.
// A small synchronous zlib writer for tickets: one final block with the fixed
// Huffman code (RFC 1951 section 3.2.6) and greedy LZ77 matching on a hash of
// three bytes. Tickets are a few hundred bytes of JSON, so this gets within a
// few percent of zlib level 6 while costing far less than the HMAC beside it.
// The output is a function of the input alone, in every runtime.

import {
  adler32,
  DIST_BASE,
  DIST_EXTRA,
  fixedLiteralLengths,
  LENGTH_BASE,
  LENGTH_EXTRA,
} from "./zlib_tables.ts";

const WINDOW = 32768;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
const MAX_CHAIN = 16;
const HASH_BITS = 12;

/** Bit-reversed fixed code of each literal/length symbol, and its length. */
const litCode = new Uint16Array(288);
const litBits = fixedLiteralLengths();
{
  // Canonical code assignment (RFC 1951 section 3.2.2), then reversal,
  // because deflate packs Huffman codes starting from their top bit.
  const next: Record<number, number> = { 7: 0, 8: 0x30, 9: 0x190 };
  const order = [[256, 280], [0, 144], [280, 288], [144, 256]];
  for (const [from, to] of order) {
    for (let s = from; s < to; s++) {
      litCode[s] = reverse(next[litBits[s]]++, litBits[s]);
    }
  }
}

/** Length 3..258: code, symbol extra bits and their count, packed. */
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

function distanceSymbol(dist: number): number {
  let sym = 29;
  while (DIST_BASE[sym] > dist) sym--;
  return sym;
}

// Match-finder tables, reused between calls: heads by hash, chains by position.
const head = new Int32Array(1 << HASH_BITS);
let prev = new Int32Array(1024);

/**
 * Compresses `input` into a complete zlib stream (RFC 1950) that any
 * standard inflater accepts.
 */
export function zlibDeflate(input: Uint8Array): Uint8Array {
  const n = input.length;
  const out = new Uint8Array(n + (n >> 3) + 16);
  out[0] = 0x78; // deflate, 32 KiB window
  out[1] = 0x5e; // level "fast"; 0x785e % 31 === 0
  let pos = 2;
  let acc = 0b011; // BFINAL = 1, BTYPE = 01 (fixed Huffman)
  let accBits = 3;

  if (prev.length < n) prev = new Int32Array(Math.max(n, prev.length * 2));
  head.fill(-1);
  const mask = (1 << HASH_BITS) - 1;

  let i = 0;
  while (i < n) {
    let bestLen = 0;
    let bestDist = 0;
    if (i + MIN_MATCH <= n) {
      const h = ((input[i] << 10) ^ (input[i + 1] << 5) ^ input[i + 2]) & mask;
      let candidate = head[h];
      prev[i] = candidate;
      head[h] = i;
      const limit = Math.min(MAX_MATCH, n - i);
      for (let chain = MAX_CHAIN; candidate >= 0 && chain > 0; chain--) {
        if (i - candidate > WINDOW) break;
        if (input[candidate + bestLen] === input[i + bestLen]) {
          let len = 0;
          while (len < limit && input[candidate + len] === input[i + len]) len++;
          if (len > bestLen) {
            bestLen = len;
            bestDist = i - candidate;
            if (len === limit) break;
          }
        }
        candidate = prev[candidate];
      }
    }
    if (bestLen >= MIN_MATCH) {
      acc |= lengthCode[bestLen] << accBits;
      accBits += lengthBits[bestLen];
      while (accBits >= 8) {
        out[pos++] = acc & 255;
        acc >>>= 8;
        accBits -= 8;
      }
      const sym = distanceSymbol(bestDist);
      // Fixed distance codes are 5 bits, packed top bit first.
      acc |= (reverse(sym, 5) | ((bestDist - DIST_BASE[sym]) << 5)) << accBits;
      accBits += 5 + DIST_EXTRA[sym];
      // Index the positions the match covers so later text can refer to them.
      const end = i + bestLen;
      for (i++; i < end; i++) {
        if (i + MIN_MATCH <= n) {
          const h = ((input[i] << 10) ^ (input[i + 1] << 5) ^ input[i + 2]) & mask;
          prev[i] = head[h];
          head[h] = i;
        }
      }
    } else {
      const byte = input[i++];
      acc |= litCode[byte] << accBits;
      accBits += litBits[byte];
    }
    while (accBits >= 8) {
      out[pos++] = acc & 255;
      acc >>>= 8;
      accBits -= 8;
    }
  }
  acc |= litCode[256] << accBits; // end of block
  accBits += litBits[256];
  while (accBits > 0) {
    out[pos++] = acc & 255;
    acc >>>= 8;
    accBits -= 8;
  }
  const check = adler32(input);
  out[pos++] = check >>> 24;
  out[pos++] = (check >>> 16) & 255;
  out[pos++] = (check >>> 8) & 255;
  out[pos++] = check & 255;
  return out.subarray(0, pos);
}
