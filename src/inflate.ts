// This module is browser compatible.
// A bounded zlib reader (RFC 1950 around RFC 1951): stored, fixed and dynamic
// Huffman blocks, header and Adler-32 checked, nothing accepted after the
// checksum, and the output capped so that a hostile ticket cannot make it
// allocate without bound. Every failure is an ERR_USERSIG_MALFORMED error.
// It refuses what zlib refuses, and a hostile stream costs about what it
// costs zlib: a block's tables are built in reused space, in time linear in
// its code, and codes of any length decode in one or two table lookups.

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

/**
 * A decoding table. The first 2^bits entries are indexed by the next `bits`
 * input bits; an entry is `length << 16 | symbol` for a code of that many
 * bits, LINK with `subBits << 16 | offset` for codes longer than `bits`,
 * which continue in the sub-table at `offset` indexed by the `subBits` bits
 * that follow, and 0 for no code.
 */
interface Table {
  entries: Int32Array;
  bits: number;
}

const LINK = 1 << 24;

// A sub-table of s bits holds at least s + 1 codes, and 2^s / (s + 1) grows
// with s, so n codes longer than the root's r bits take at most
// ceil(n / (16 - r)) sub-tables of 2^(15 - r) entries.
const tableSize = (n: number, root: number) =>
  (1 << root) + Math.ceil(n / (16 - root)) * (1 << (MAX_BITS - root));

// Root bits: zlib's choice, which keeps the tables small. Code-length codes
// have 7 bits at most, so their table is one level.
const LIT_ROOT = 9, DIST_ROOT = 6, CODE_LENGTH_ROOT = 7;

function fail(what: string): UserSigError {
  return malformed(`ticket is not a valid zlib stream: ${what}`);
}

/** Bytes with their bits in reverse order. */
const REVERSED = Uint8Array.from({ length: 256 }, (_, byte) => {
  let r = 0;
  for (let b = 0; b < 8; b++) r |= ((byte >> b) & 1) << (7 - b);
  return r;
});

// Space for building a table, reused: the next code of each length, the
// codes longer than the root (`reversed << 13 | length << 9 | symbol`), and
// the depth of the sub-table under each root entry.
const nextCode = new Uint16Array(MAX_BITS + 1);
const longCodes = new Int32Array(288);
const depth = new Uint8Array(1 << LIT_ROOT);

/**
 * Builds into `t` the decoding table of a code given as the first `k`
 * entries of `list`, `symbol << 4 | length` for each symbol that has a
 * code, in symbol order, and `count`, the number of codes of each length;
 * the first level takes at most `root` bits. The work is linear in `k` and
 * in the table's size, so a code costs what it takes to describe. Throws
 * for an over-subscribed code, and for an incomplete one unless `single`
 * and it is the one incomplete code zlib accepts: a single code of one bit.
 * No code at all is accepted, as zlib does: decoding from it fails.
 */
function build(
  t: Table,
  list: Uint16Array,
  k: number,
  count: Uint16Array,
  root: number,
  single: boolean,
  name: string,
): void {
  let max = MAX_BITS;
  while (max > 0 && count[max] === 0) max--;
  const e = t.entries;
  if (max === 0) {
    t.bits = 1;
    e[0] = e[1] = 0;
    return;
  }
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = (left << 1) - count[len];
    if (left < 0) throw fail("over-subscribed Huffman code");
  }
  if (left > 0 && !(single && max === 1)) throw fail(`incomplete ${name} code`);
  // Canonical codes (RFC 1951, 3.2.2): a length's codes count up from its
  // first, in symbol order.
  nextCode[1] = 0;
  for (let len = 1; len < max; len++) nextCode[len + 1] = (nextCode[len] + count[len]) << 1;
  const bits = Math.min(root, max);
  const size = 1 << bits, mask = size - 1;
  t.bits = bits;
  if (left > 0) e[1] = 0; // the single one-bit code is 0; 1 is no code
  let longs = 0;
  for (let j = 0; j < k; j++) {
    const len = list[j] & 15, symbol = list[j] >> 4, code = nextCode[len]++;
    // Codes arrive first bit first, so tables are indexed by codes reversed.
    const rev = ((REVERSED[code & 255] << 8) | REVERSED[code >> 8]) >> (16 - len);
    if (len <= bits) {
      for (let i = rev; i < size; i += 1 << len) e[i] = (len << 16) | symbol;
    } else longCodes[longs++] = (rev << 13) | (len << 9) | symbol;
  }
  // Longer codes: under each root entry they start from, a sub-table as
  // deep as the longest of them.
  for (let j = 0; j < longs; j++) {
    const prefix = (longCodes[j] >> 13) & mask, len = (longCodes[j] >> 9) & 15;
    if (depth[prefix] < len) depth[prefix] = len;
  }
  let free = size;
  for (let j = 0; j < longs; j++) {
    const prefix = (longCodes[j] >> 13) & mask;
    if (depth[prefix] !== 0) {
      const subBits = depth[prefix] - bits;
      e[prefix] = LINK | (subBits << 16) | free;
      free += 1 << subBits;
      depth[prefix] = 0;
    }
  }
  for (let j = 0; j < longs; j++) {
    const rev = longCodes[j] >> 13, d = ((longCodes[j] >> 9) & 15) - bits;
    const link = e[rev & mask], sub = link & 0xffff, end = 1 << ((link >> 16) & 15);
    const entry = (d << 16) | (longCodes[j] & 511);
    for (let i = rev >> bits; i < end; i += 1 << d) e[sub + i] = entry;
  }
}

/**
 * The entry that the LINK entry `link` leads to for the input bits `buf`,
 * with the length of the whole code; 0 for no code.
 */
function subEntry(entries: Int32Array, bits: number, buf: number, link: number): number {
  const entry = entries[(link & 0xffff) + ((buf >> bits) & ((1 << ((link >> 16) & 15)) - 1))];
  return entry === 0 ? 0 : entry + (bits << 16);
}

/** Copies out[n - d ..] to out[n .. stop), 32 bytes or more; returns stop. */
function copyLong(out: Uint8Array, n: number, d: number, stop: number): number {
  if (d === 1) out.fill(out[n - 1], n, stop);
  else {
    // What is copied repeats every d bytes: copy all that is there, doubling.
    const from = n - d;
    while (n < stop) {
      const c = Math.min(n - from, stop - n);
      out.copyWithin(n, from, from + c);
      n += c;
    }
  }
  return stop;
}

function table(size: number): Table {
  return { entries: new Int32Array(size), bits: 0 };
}

/** Makes the code list and counts (see build) of code lengths by symbol; returns its length. */
function listOf(lengths: Uint8Array, list: Uint16Array, count: Uint16Array): number {
  let k = 0;
  count.fill(0);
  for (let s = 0; s < lengths.length; s++) {
    if (lengths[s] !== 0) {
      list[k++] = (s << 4) | lengths[s];
      count[lengths[s]]++;
    }
  }
  return k;
}

/** The table of a fixed code, built once: its codes fit in the root. */
function fixedTable(lengths: Uint8Array, root: number): Table {
  const t = table(1 << root);
  const list = new Uint16Array(lengths.length), count = new Uint16Array(MAX_BITS + 1);
  build(t, list, listOf(lengths, list, count), count, root, false, "");
  return t;
}

const fixedLit = fixedTable(fixedLiteralLengths(), LIT_ROOT);
// All 32 fixed distance codes take part in the code; 30 and 31 are then refused.
const fixedDist = fixedTable(new Uint8Array(32).fill(5), DIST_ROOT);

// A dynamic block's codes and tables, reused.
const codeLengthLengths = new Uint8Array(19);
const codeLengthList = new Uint16Array(19), codeLengthCount = new Uint16Array(MAX_BITS + 1);
const litList = new Uint16Array(286), litCount = new Uint16Array(MAX_BITS + 1);
const distList = new Uint16Array(30), distCount = new Uint16Array(MAX_BITS + 1);
const codeLengthTable = table(1 << CODE_LENGTH_ROOT);
const litTable = table(tableSize(286, LIT_ROOT));
const distTable = table(tableSize(30, DIST_ROOT));

// Output space, reused: in V8 a fresh typed array over 64 bytes costs a
// microsecond or more, as much as inflating a whole ticket. Larger output
// grows into space of its own, which is not kept.
const outScratch = new Uint8Array(1024);

class Reader {
  pos = 2;
  /** Input bits read ahead, `bitCount` of them (31 at most, so `>>` shifts in zeros). */
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
    this.bitBuf = val >> need;
    this.bitCount -= need;
    return val & ((1 << need) - 1);
  }

  /** Bytes not yet consumed, counting whole bytes still in the bit buffer. */
  get unread(): number {
    return this.pos - (this.bitCount >> 3);
  }

  /** A code-length symbol: codes of 7 bits at most, one lookup in a table of 7 bits. */
  codeLength(): number {
    const { input } = this;
    while (this.bitCount < 7 && this.pos < input.length) {
      this.bitBuf |= input[this.pos++] << this.bitCount;
      this.bitCount += 8;
    }
    const entry = codeLengthTable.entries[this.bitBuf & ((1 << codeLengthTable.bits) - 1)];
    if (entry === 0) throw fail("invalid Huffman code");
    const len = entry >> 16;
    if (len > this.bitCount) throw fail("truncated");
    this.bitBuf >>= len;
    this.bitCount -= len;
    return entry & 0xffff;
  }

  /** Makes room for `more` output bytes, within the cap (the reused space may exceed it). */
  room(more: number): void {
    const need = this.outLen + more;
    if (need > this.cap) throw fail(`inflates beyond ${this.cap} bytes`);
    if (need <= this.out.length) return;
    const grown = new Uint8Array(Math.min(this.cap, Math.max(need, this.out.length * 4)));
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
    const out = this.out;
    // A short block is copied byte by byte: the view that set() needs costs more.
    if (len < 64) { for (let k = 0; k < len; k++) out[this.outLen++] = input[this.pos++]; }
    else {
      out.set(input.subarray(this.pos, this.pos + len), this.outLen);
      this.outLen += len;
      this.pos += len;
    }
  }

  /** Decodes a block's symbols until end-of-block, making room as it goes. */
  codes(lit: Table, dist: Table): void {
    let need: number;
    while ((need = this.symbols(lit, dist)) !== 0) this.room(need);
  }

  /**
   * Decodes symbols into the output space as it stands until end-of-block
   * (returns 0) or a symbol that needs more room (returns how much, with the
   * reader back before that symbol). The hot loop: the reader's state is in
   * locals, codes of up to the root's length and extra bits are read inline,
   * and the output array does not change under it.
   */
  symbols(lit: Table, dist: Table): number {
    const { input } = this;
    const inLen = input.length;
    const litEntries = lit.entries, litBits = lit.bits, litMask = (1 << litBits) - 1;
    const distEntries = dist.entries, distBits = dist.bits, distMask = (1 << distBits) - 1;
    let pos = this.pos, buf = this.bitBuf, cnt = this.bitCount;
    const out = this.out, limit = Math.min(out.length, this.cap);
    let n = this.outLen;
    for (;;) {
      const symbolPos = pos, symbolBuf = buf, symbolCnt = cnt;
      // 15 bits or more for a code, two bytes at a time while they last.
      if (cnt < 15) {
        if (pos + 1 < inLen) {
          buf |= (input[pos] | (input[pos + 1] << 8)) << cnt;
          pos += 2;
          cnt += 16;
        } else if (pos < inLen) {
          buf |= input[pos++] << cnt;
          cnt += 8;
        }
      }
      let entry = litEntries[buf & litMask];
      if (entry & LINK) entry = subEntry(litEntries, litBits, buf, entry);
      if (entry === 0) throw fail("invalid Huffman code");
      let len = entry >> 16;
      if (len > cnt) throw fail("truncated");
      buf >>= len;
      cnt -= len;
      const sym = entry & 0xffff;
      if (sym < 256) {
        if (n === limit) return this.backTo(symbolPos, symbolBuf, symbolCnt, n, 1);
        out[n++] = sym;
        continue;
      }
      if (sym === 256) break;
      const ls = sym - 257;
      if (ls >= 29) throw fail("invalid length symbol");
      let length = LENGTH_BASE[ls];
      const lengthExtra = LENGTH_EXTRA[ls];
      // The length's extra bits (5 at most) and a distance code (15 at most).
      while (cnt < 20 && pos < inLen) {
        buf |= input[pos++] << cnt;
        cnt += 8;
      }
      if (lengthExtra > 0) {
        if (lengthExtra > cnt) throw fail("truncated");
        length += buf & ((1 << lengthExtra) - 1);
        buf >>= lengthExtra;
        cnt -= lengthExtra;
      }
      entry = distEntries[buf & distMask];
      if (entry & LINK) entry = subEntry(distEntries, distBits, buf, entry);
      if (entry === 0) throw fail("invalid Huffman code");
      len = entry >> 16;
      if (len > cnt) throw fail("truncated");
      buf >>= len;
      cnt -= len;
      const ds = entry & 0xffff;
      if (ds >= 30) throw fail("invalid distance symbol");
      let d = DIST_BASE[ds];
      const distExtra = DIST_EXTRA[ds];
      if (distExtra > 0) {
        while (cnt < distExtra && pos < inLen) { // 13 at most
          buf |= input[pos++] << cnt;
          cnt += 8;
        }
        if (distExtra > cnt) throw fail("truncated");
        d += buf & ((1 << distExtra) - 1);
        buf >>= distExtra;
        cnt -= distExtra;
      }
      if (d > n) throw fail("distance too far back");
      if (n + length > limit) return this.backTo(symbolPos, symbolBuf, symbolCnt, n, length);
      const stop = n + length;
      if (length < 32) { for (; n < stop; n++) out[n] = out[n - d]; }
      else n = copyLong(out, n, d, stop);
    }
    return this.backTo(pos, buf, cnt, n, 0);
  }

  /** Sets the reader's state; returns `need`. */
  backTo(pos: number, buf: number, cnt: number, n: number, need: number): number {
    this.pos = pos;
    this.bitBuf = buf;
    this.bitCount = cnt;
    this.outLen = n;
    return need;
  }

  dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw fail("too many length or distance codes");
    codeLengthLengths.fill(0);
    for (let i = 0; i < ncode; i++) codeLengthLengths[CODE_LENGTH_ORDER[i]] = this.bits(3);
    const k = listOf(codeLengthLengths, codeLengthList, codeLengthCount);
    build(
      codeLengthTable,
      codeLengthList,
      k,
      codeLengthCount,
      CODE_LENGTH_ROOT,
      false,
      "code-length",
    );
    // Code lengths go straight into the two code lists, counted a run at a
    // time; runs of zeros cost nothing.
    const total = nlen + ndist;
    let kLit = 0, kDist = 0, previous = 0, eob = false;
    litCount.fill(0);
    distCount.fill(0);
    for (let i = 0; i < total;) {
      let len = this.codeLength(), end = i + 1;
      if (len === 16) {
        if (i === 0) throw fail("repeat with no previous length");
        len = previous;
        end = i + 3 + this.bits(2);
      } else if (len === 17) {
        len = 0;
        end = i + 3 + this.bits(3);
      } else if (len === 18) {
        len = 0;
        end = i + 11 + this.bits(7);
      }
      if (end > total) throw fail("too many code lengths");
      previous = len;
      if (len === 0) {
        i = end;
        continue;
      }
      if (i <= 256 && end > 256) eob = true;
      const split = Math.min(Math.max(i, nlen), end); // literal/length codes before, distance after
      litCount[len] += split - i;
      distCount[len] += end - split;
      for (; i < split; i++) litList[kLit++] = (i << 4) | len;
      for (; i < end; i++) distList[kDist++] = ((i - nlen) << 4) | len;
    }
    if (!eob) throw fail("no end-of-block code");
    build(litTable, litList, kLit, litCount, LIT_ROOT, true, "literal/length");
    build(distTable, distList, kDist, distCount, DIST_ROOT, true, "distance");
    this.codes(litTable, distTable);
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
