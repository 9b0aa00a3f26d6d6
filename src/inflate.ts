// This module is browser compatible.
// A bounded zlib reader (RFC 1950 around RFC 1951): stored, fixed and dynamic
// Huffman blocks, header and Adler-32 checked, nothing accepted after the
// checksum, and the output capped so that a hostile ticket cannot make it
// allocate without bound. Every failure is an ERR_USERSIG_MALFORMED error.

import { malformed, type UserSigError } from "./errors.ts";
import {
  adler32,
  DIST_BASE,
  DIST_EXTRA,
  fixedLiteralLengths,
  LENGTH_BASE,
  LENGTH_EXTRA,
} from "./zlib_tables.ts";

const MAX_BITS = 15;
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

const FAST_BITS = 9;

/**
 * A canonical Huffman code: how many codes of each length, symbols in
 * order, and a table that decodes codes of up to FAST_BITS bits at once
 * (`length << 16 | symbol`, 0 for a longer or unused code).
 */
interface Huffman {
  count: Uint16Array;
  symbol: Uint16Array;
  fast: Int32Array;
}

function fail(what: string): UserSigError {
  return malformed(`ticket is not a valid zlib stream: ${what}`);
}

/**
 * Builds a decoding table from code lengths. Returns the number of unused
 * codes: 0 for a complete code, more for an incomplete one; throws for an
 * over-subscribed one.
 */
function build(h: Huffman, lengths: Uint8Array, from: number, n: number): number {
  h.count.fill(0);
  for (let s = 0; s < n; s++) h.count[lengths[from + s]]++;
  if (h.count[0] === n) return 0;
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = (left << 1) - h.count[len];
    if (left < 0) throw fail("over-subscribed Huffman code");
  }
  const offs = new Uint16Array(MAX_BITS + 1);
  for (let len = 1; len < MAX_BITS; len++) offs[len + 1] = offs[len] + h.count[len];
  for (let s = 0; s < n; s++) {
    if (lengths[from + s] !== 0) h.symbol[offs[lengths[from + s]]++] = s;
  }
  // Symbols in canonical order take consecutive codes, length by length.
  h.fast.fill(0);
  let code = 0, index = 0;
  for (let len = 1; len <= FAST_BITS; len++) {
    for (let k = 0; k < h.count[len]; k++, code++) {
      let reversed = 0;
      for (let b = 0; b < len; b++) reversed |= ((code >> b) & 1) << (len - 1 - b);
      const entry = (len << 16) | h.symbol[index++];
      for (let j = reversed; j < 1 << FAST_BITS; j += 1 << len) h.fast[j] = entry;
    }
    code <<= 1;
  }
  return left;
}

function huffman(): Huffman {
  return {
    count: new Uint16Array(MAX_BITS + 1),
    symbol: new Uint16Array(288),
    fast: new Int32Array(1 << FAST_BITS),
  };
}

const fixedLit = huffman();
const fixedDist = huffman();
build(fixedLit, fixedLiteralLengths(), 0, 288);
// All 32 fixed distance codes take part in the code; 30 and 31 are then refused.
build(fixedDist, new Uint8Array(32).fill(5), 0, 32);

// Output space, reused: in V8 a fresh typed array over 64 bytes costs a
// microsecond or more, as much as inflating a whole ticket. Larger output
// grows into space of its own, which is not kept.
const outScratch = new Uint8Array(1024);

class Reader {
  pos = 2;
  bitBuf = 0;
  bitCount = 0;
  out: Uint8Array;
  outLen = 0;

  constructor(readonly input: Uint8Array, readonly cap: number) {
    this.out = outScratch;
  }

  bits(need: number): number {
    let val = this.bitBuf;
    while (this.bitCount < need) {
      if (this.pos >= this.input.length) throw fail("truncated");
      val |= this.input[this.pos++] << this.bitCount;
      this.bitCount += 8;
    }
    this.bitBuf = val >>> need;
    this.bitCount -= need;
    return val & ((1 << need) - 1);
  }

  /** Bytes not yet consumed, counting whole bytes still in the bit buffer. */
  get unread(): number {
    return this.pos - (this.bitCount >>> 3);
  }

  decode(h: Huffman): number {
    const { input } = this;
    while (this.bitCount <= 24 && this.pos < input.length) {
      this.bitBuf |= input[this.pos++] << this.bitCount;
      this.bitCount += 8;
    }
    const entry = h.fast[this.bitBuf & ((1 << FAST_BITS) - 1)];
    if (entry !== 0) {
      const len = entry >>> 16;
      if (len > this.bitCount) throw fail("truncated");
      this.bitBuf >>>= len;
      this.bitCount -= len;
      return entry & 0xffff;
    }
    return this.decodeSlowly(h);
  }

  decodeSlowly(h: Huffman): number {
    let code = 0, first = 0, index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      code |= this.bits(1);
      const count = h.count[len];
      if (code - count < first) return h.symbol[index + (code - first)];
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw fail("invalid Huffman code");
  }

  /** Makes room for `more` output bytes, within the cap (the reused space may exceed it). */
  room(more: number): void {
    const need = this.outLen + more;
    if (need > this.cap) throw fail(`inflates beyond ${this.cap} bytes`);
    if (need <= this.out.length) return;
    const grown = new Uint8Array(Math.min(this.cap, Math.max(need, this.out.length * 2)));
    grown.set(this.out.subarray(0, this.outLen));
    this.out = grown;
  }

  stored(): void {
    this.pos = this.unread; // whole bytes read ahead go back; the partial one is padding
    this.bitBuf = 0;
    this.bitCount = 0;
    const { input } = this;
    if (this.pos + 4 > input.length) throw fail("truncated");
    const len = input[this.pos] | (input[this.pos + 1] << 8);
    const nlen = input[this.pos + 2] | (input[this.pos + 3] << 8);
    if ((len ^ 0xffff) !== nlen) throw fail("stored block length check");
    this.pos += 4;
    if (this.pos + len > input.length) throw fail("truncated");
    this.room(len);
    this.out.set(input.subarray(this.pos, this.pos + len), this.outLen);
    this.outLen += len;
    this.pos += len;
  }

  codes(lit: Huffman, dist: Huffman): void {
    for (;;) {
      const sym = this.decode(lit);
      if (sym < 256) {
        this.room(1);
        this.out[this.outLen++] = sym;
      } else if (sym === 256) {
        return;
      } else {
        const ls = sym - 257;
        if (ls >= 29) throw fail("invalid length symbol");
        const len = LENGTH_BASE[ls] + this.bits(LENGTH_EXTRA[ls]);
        const ds = this.decode(dist);
        if (ds >= 30) throw fail("invalid distance symbol");
        const d = DIST_BASE[ds] + this.bits(DIST_EXTRA[ds]);
        if (d > this.outLen) throw fail("distance too far back");
        this.room(len);
        const out = this.out;
        for (let k = 0; k < len; k++, this.outLen++) out[this.outLen] = out[this.outLen - d];
      }
    }
  }

  dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw fail("too many length or distance codes");
    const lengths = new Uint8Array(320);
    for (let i = 0; i < ncode; i++) lengths[CODE_LENGTH_ORDER[i]] = this.bits(3);
    const lencode = huffman();
    if (build(lencode, lengths, 0, 19) !== 0) throw fail("incomplete code-length code");
    lengths.fill(0);
    for (let i = 0; i < nlen + ndist;) {
      const sym = this.decode(lencode);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let len = 0, repeat: number;
      if (sym === 16) {
        if (i === 0) throw fail("repeat with no previous length");
        len = lengths[i - 1];
        repeat = 3 + this.bits(2);
      } else if (sym === 17) {
        repeat = 3 + this.bits(3);
      } else {
        repeat = 11 + this.bits(7);
      }
      if (i + repeat > nlen + ndist) throw fail("too many code lengths");
      while (repeat--) lengths[i++] = len;
    }
    if (lengths[256] === 0) throw fail("no end-of-block code");
    const lit = huffman();
    const litLeft = build(lit, lengths, 0, nlen);
    if (litLeft !== 0 && nlen - lit.count[0] !== 1) throw fail("incomplete literal/length code");
    const dist = huffman();
    const distLeft = build(dist, lengths, nlen, ndist);
    if (distLeft !== 0 && ndist - dist.count[0] !== 1) throw fail("incomplete distance code");
    this.codes(lit, dist);
  }
}

/**
 * Inflates a complete zlib stream, refusing output larger than `cap` bytes.
 * With `reuse`, the result is a view that the next call overwrites.
 *
 * @throws {UserSigError} `ERR_USERSIG_MALFORMED` for anything but a valid,
 * complete stream within the cap.
 */
export function zlibInflate(input: Uint8Array, cap: number, reuse = false): Uint8Array {
  if (input.length < 6) throw fail("too short");
  const cmf = input[0], flg = input[1];
  if ((cmf & 15) !== 8 || cmf >> 4 > 7) throw fail("not deflate");
  if (((cmf << 8) | flg) % 31 !== 0) throw fail("header check");
  if (flg & 0x20) throw fail("preset dictionary");
  const r = new Reader(input, cap);
  let last: number;
  do {
    last = r.bits(1);
    const type = r.bits(2);
    if (type === 0) r.stored();
    else if (type === 1) r.codes(fixedLit, fixedDist);
    else if (type === 2) r.dynamic();
    else throw fail("invalid block type");
  } while (!last);
  const p = r.unread;
  if (p + 4 !== input.length) {
    throw fail(p + 4 > input.length ? "truncated" : "data after the checksum");
  }
  const check = ((input[p] << 24) | (input[p + 1] << 16) | (input[p + 2] << 8) | input[p + 3]) >>>
    0;
  const out = r.out.subarray(0, r.outLen);
  if (check !== adler32(out)) throw fail("Adler-32 checksum mismatch");
  return reuse ? out : out.slice();
}
