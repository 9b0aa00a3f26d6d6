// This module is browser compatible.
// A bounded zlib reader (RFC 1950 around RFC 1951): stored, fixed and dynamic
// Huffman blocks, header and Adler-32 checked, nothing accepted after the
// checksum, and the output capped so that a hostile ticket cannot make it
// allocate without bound. Every failure is an ERR_USERSIG_MALFORMED error.
// It refuses what zlib refuses, and a hostile stream costs about what it
// costs zlib: nothing is allocated per block, a block's codes take time
// linear in the codes it describes (runs of unused symbols cost nothing),
// and a code too long for its 9-bit table is read on a bit at a time, which
// costs no more than the bits it takes.

import { malformed } from "./errors.ts";
import {
  adler32,
  CODE_LENGTH_ORDER,
  DIST_BASE,
  DIST_EXTRA,
  fixedLiteralLengths,
  LENGTH_BASE,
  LENGTH_EXTRA,
  reverse,
} from "./zlib_tables.ts";

/**
 * A Huffman code is held in one Uint16Array (see build()):
 * - from 0, a table indexed by the next input bits, as many as the longest
 *   code has or 9 if fewer: `symbol << 4 | length` for a code that fits,
 *   `first << 4` where a longer code starts (`first`: those bits as a
 *   code, top bit first), 0 for no code;
 * - at COUNT, that width, then the number of codes of each length 1..15;
 * - at LONG, the first code one bit longer than the table;
 * - at NEXT, while the code is built, by length: the next code (bits
 *   reversed) of a length that fits, where the next symbol of a longer one
 *   goes;
 * - at SYMBOLS, the symbols of the longer codes in canonical order (by
 *   length, then symbol);
 * - at RUNS, the code as build() takes it: runs of symbols with the same
 *   length, in symbol order, two entries each: `first symbol << 4 |
 *   length`, end.
 */
const COUNT = 512, LONG = COUNT + 16, NEXT = LONG + 1, SYMBOLS = NEXT + 16, RUNS = SYMBOLS + 288;
const huffman = () => new Uint16Array(RUNS + 2 * 288);

/** Throws: the stream is refused for `what`. */
function fail(what: string): never {
  throw malformed(`ticket is not a valid zlib stream: ${what}`);
}

/** Empties the code lengths of `h`; returns where its runs end. */
function reset(h: Uint16Array): number {
  for (let len = 1; len < 16; len++) h[COUNT + len] = 0;
  return RUNS;
}

/**
 * Adds symbols `from` to `to` (excluded), of code length `len`, to the runs
 * of `h`, which end at `k`, and counts them; returns where the runs end now.
 */
function addRun(h: Uint16Array, k: number, from: number, to: number, len: number): number {
  h[COUNT + len] += to - from;
  if (k > RUNS && h[k - 1] === from && (h[k - 2] & 15) === len) h[k - 1] = to;
  else {
    h[k++] = (from << 4) | len;
    h[k++] = to;
  }
  return k;
}

/** The code after `code` (of `len` bits, both in reverse order). */
function nextReversed(code: number, len: number): number {
  let bit = 1 << (len - 1);
  while (code & bit) bit >>= 1;
  return bit ? (code & (bit - 1)) | bit : 0;
}

/**
 * Builds `h` from its runs, which end at `k`, in time linear in the runs
 * and in the table. Throws for an over-subscribed code, and for an
 * incomplete one unless `single` and it is what zlib accepts then: a single
 * code of one bit, or none (decoding from it fails).
 */
function build(h: Uint16Array, k: number, single: boolean, name: string): void {
  let left = 1, max = 0;
  for (let len = 1; len < 16; len++) {
    left = (left << 1) - h[COUNT + len];
    if (left < 0) fail("over-subscribed Huffman code");
    if (h[COUNT + len]) max = len;
  }
  if (left && !(single && max < 2)) fail(`incomplete ${name} code`);
  const bits = max < 9 ? max : 9, size = 1 << bits;
  h[COUNT] = bits;
  // The incomplete codes allowed have a table of one or two entries, and
  // one code at most: the entries no code fills must be 0.
  if (left) h[0] = h[1] = 0;
  // Canonical codes (RFC 1951, 3.2.2) count up within a length, from the
  // first, which follows the last of the length before, one bit longer.
  // A code's first bit is its top bit and the table is indexed by codes in
  // reverse order.
  for (let len = 1, code = 0, at = SYMBOLS; len <= max; len++) {
    if (len === bits + 1) h[LONG] = code;
    h[NEXT + len] = len > bits ? at : reverse(code, len);
    if (len > bits) at += h[COUNT + len];
    code = (code + h[COUNT + len]) << 1;
  }
  // A code that fits fills every entry that starts with it; longer codes
  // go in canonical order for slow().
  for (let j = RUNS; j < k; j += 2) {
    const len = h[j] & 15, end = h[j + 1];
    let next = h[NEXT + len];
    for (let s = h[j] >> 4; s < end; s++) {
      if (len > bits) h[next++] = s;
      else {
        for (let i = next; i < size; i += 1 << len) h[i] = (s << 4) | len;
        next = nextReversed(next, len);
      }
    }
    h[NEXT + len] = next;
  }
  // In a complete code, the entries that no code fills start longer codes:
  // every value from the first bits of the first longer code on.
  if (max > bits) {
    for (let code = h[LONG] >> 1, i = reverse(code, bits); code < size; code++) {
      h[i] = code << 4;
      i = nextReversed(i, bits);
    }
  }
}

/** Builds `h` from code lengths by symbol (0: no code); refuses an incomplete code. */
function fromLengths(h: Uint16Array, lengths: ArrayLike<number>): void {
  let k = reset(h);
  for (let s = 0; s < lengths.length; s++) if (lengths[s]) k = addRun(h, k, s, s + 1, lengths[s]);
  build(h, k, false, "code-length");
}

// The fixed codes, built once; all 32 fixed distance codes take part in the
// code, and 30 and 31 are then refused.
const fixedLit = huffman(), fixedDist = huffman();
fromLengths(fixedLit, fixedLiteralLengths());
fromLengths(fixedDist, new Uint8Array(32).fill(5));

// A dynamic block's codes, reused, and the code-length code's lengths.
const codeLengthCode = huffman(), litCode = huffman(), distCode = huffman();
const codeLengthLengths = new Uint8Array(19);

/**
 * 25 bits or more of `data` from bit `bit` on, the first in the lowest
 * bit, and above them copies of the last (`>>` keeps numbers in 32 bits,
 * which V8 handles fastest). Past the end they are zeros; but the data of
 * a valid stream is followed by its 4-byte checksum, so reading one never
 * gets there.
 */
function peek(data: Uint8Array, bit: number): number {
  const i = bit >> 3;
  return (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24)) >> (bit & 7);
}

/**
 * The entry of a code of `h` too long for its table, from the input bits
 * `ahead` (the code's first bit lowest) and the table's `entry` for them
 * (none: throws). The code goes on a bit at a time: the codes of a length
 * count up from its first, and their symbols are in order, so a code of
 * `len` bits is the one at `code - first` if there are that many.
 */
function slow(h: Uint16Array, ahead: number, entry: number): number {
  let len = h[COUNT], code = entry >> 4, first = h[LONG], j = SYMBOLS;
  for (ahead >>= len; entry && len++ < 15; ahead >>= 1) {
    code = (code << 1) | (ahead & 1);
    const count = h[COUNT + len];
    if (code - first < count) return (h[j + code - first] << 4) | len;
    j += count;
    first = (first + count) << 1;
  }
  fail("invalid Huffman code");
}

// The stream being read (one at a time: the reader never waits) and the
// next bit to read (codes() and dynamic() read on locals and put it back).
let input: Uint8Array, at: number;
// Output space, kept from call to call (in V8 a new typed array over 64
// bytes costs a microsecond or more, as much as inflating a ticket), and
// grown as a stream needs; `n` bytes written.
let out = new Uint8Array(1024), n: number, cap: number;

/** The next `count` bits of the stream, as a number. */
function bits(count: number): number {
  const value = peek(input, at) & ((1 << count) - 1);
  if ((at += count) > input.length * 8) fail("truncated");
  return value;
}

/**
 * Makes room for `need` output bytes in all: refuses more than the cap,
 * grows the space if short. Returns how many bytes fit now.
 */
function room(need: number): number {
  if (need > cap) fail(`inflates beyond ${cap} bytes`);
  if (need > out.length) {
    const grown = new Uint8Array(Math.min(cap, Math.max(need, out.length * 4)));
    grown.set(out);
    out = grown;
  }
  return Math.min(cap, out.length);
}

/** A block's symbols, up to end-of-block: the hot loop, on locals. */
function codes(lit: Uint16Array, dist: Uint16Array): void {
  const data = input, end = data.length * 8;
  const litMask = (1 << lit[COUNT]) - 1, distMask = (1 << dist[COUNT]) - 1;
  // Input bits are taken 25 or more at a time: `window` holds those from
  // bit `start` on; `pos` is the next bit to read.
  let pos = at, start = pos, window = peek(data, pos);
  let written = n, limit = room(written), output = out;
  for (;;) {
    // A literal/length code: 15 bits at most.
    if (pos - start > 10) {
      // Reading zeros past the end would end at the cap, at a cost; stop there.
      if (pos > end) fail("truncated");
      window = peek(data, start = pos);
    }
    let ahead = window >> (pos - start), entry = lit[ahead & litMask];
    if (!(entry & 15)) entry = slow(lit, ahead, entry);
    let sym = entry >> 4;
    pos += entry & 15;
    if (sym < 256) {
      if (written === limit) {
        limit = room(written + 1);
        output = out;
      }
      output[written++] = sym;
      // Literals that follow while their codes are in the bits at hand, in
      // a tighter loop: V8 reads a run of them a third faster.
      while (pos - start < 11 && written < limit) {
        entry = lit[(window >> (pos - start)) & litMask];
        if (entry > 4095 || !(entry & 15)) break; // not a literal, or a long code
        pos += entry & 15;
        output[written++] = entry >> 4;
      }
      continue;
    }
    if (sym === 256) break;
    sym -= 257;
    if (sym > 28) fail("invalid length symbol");
    // The length's extra bits (5 at most) and a distance code (15 at most).
    if (pos - start > 5) window = peek(data, start = pos);
    const extra = LENGTH_EXTRA[sym];
    ahead = window >> (pos - start);
    const length = LENGTH_BASE[sym] + (ahead & ((1 << extra) - 1));
    ahead >>= extra;
    entry = dist[ahead & distMask];
    if (!(entry & 15)) entry = slow(dist, ahead, entry);
    pos += extra + (entry & 15);
    sym = entry >> 4;
    if (sym > 29) fail("invalid distance symbol");
    // The distance's extra bits: 13 at most.
    if (pos - start > 12) window = peek(data, start = pos);
    const distance = DIST_BASE[sym] + ((window >> (pos - start)) & ((1 << DIST_EXTRA[sym]) - 1));
    pos += DIST_EXTRA[sym];
    if (distance > written) fail("distance too far back");
    if (written + length > limit) {
      limit = room(written + length);
      output = out;
    }
    for (const stop = written + length; written < stop; written++) {
      output[written] = output[written - distance];
    }
  }
  at = pos;
  n = written;
}

function stored(): void {
  const data = input;
  let byte = (at + 7) >> 3; // the rest of the byte is padding
  if (byte + 4 > data.length) fail("truncated");
  const len = data[byte] | (data[byte + 1] << 8);
  if ((len ^ data[byte + 2] ^ (data[byte + 3] << 8)) !== 0xffff) {
    fail("stored block length check");
  }
  byte += 4;
  if (byte + len > data.length) fail("truncated");
  room(n + len);
  // A byte at a time: a view of the input for set() would be an allocation.
  const output = out, stop = byte + len;
  let written = n;
  while (byte < stop) output[written++] = data[byte++];
  n = written;
  at = byte * 8;
}

function dynamic(): void {
  const nlen = bits(5) + 257, ndist = bits(5) + 1, ncode = bits(4) + 4;
  if (nlen > 286 || ndist > 30) fail("too many length or distance codes");
  codeLengthLengths.fill(0);
  for (let i = 0; i < ncode; i++) codeLengthLengths[CODE_LENGTH_ORDER[i]] = bits(3);
  fromLengths(codeLengthCode, codeLengthLengths);
  // Code lengths go straight into the two codes' runs; runs of zeros cost
  // nothing. The code-length code is complete and its codes have 7 bits
  // at most: its table has them all. Bits are read as in codes().
  const data = input, total = nlen + ndist, mask = (1 << codeLengthCode[COUNT]) - 1;
  let kLit = reset(litCode), kDist = reset(distCode), previous = 0, eob = false;
  let pos = at, start = pos, window = peek(data, pos);
  for (let i = 0; i < total;) {
    // A code and its extra bits: 14 bits at most.
    if (pos - start > 11) window = peek(data, start = pos);
    const ahead = window >> (pos - start), entry = codeLengthCode[ahead & mask];
    let len = entry >> 4, end = i + 1;
    pos += entry & 15;
    if (len > 15) {
      // 16: the previous length 3-6 times; 17: 3-10 zeros; 18: 11-138 zeros.
      if (len === 16 && i === 0) fail("repeat with no previous length");
      const extra = len === 18 ? 7 : len - 14;
      end += (len === 18 ? 10 : 2) + ((ahead >> (entry & 15)) & ((1 << extra) - 1));
      pos += extra;
      len = len === 16 ? previous : 0;
      if (end > total) fail("too many code lengths");
    }
    previous = len;
    if (len) {
      if (i <= 256 && end > 256) eob = true;
      if (i < nlen) kLit = addRun(litCode, kLit, i, Math.min(end, nlen), len);
      if (end > nlen) kDist = addRun(distCode, kDist, Math.max(i, nlen) - nlen, end - nlen, len);
    }
    i = end;
  }
  at = pos;
  if (at > input.length * 8) fail("truncated");
  if (!eob) fail("no end-of-block code");
  build(litCode, kLit, true, "literal/length");
  build(distCode, kDist, true, "distance");
  codes(litCode, distCode);
}

/**
 * Inflates a complete zlib stream, refusing output larger than `max` bytes.
 * With `reuse`, the result is a view that the next call overwrites.
 *
 * @throws {UserSigError} `ERR_USERSIG_MALFORMED` for anything but a valid,
 * complete stream within the cap.
 */
export function zlibInflate(stream: Uint8Array, max: number, reuse = false): Uint8Array {
  const length = stream.length, cmf = stream[0], flg = stream[1];
  if (length < 6) fail("too short");
  if ((cmf & 15) !== 8 || cmf >> 4 > 7) fail("not deflate");
  if (((cmf << 8) | flg) % 31) fail("header check");
  if (flg & 0x20) fail("preset dictionary");
  input = stream;
  at = 16;
  n = 0;
  cap = max;
  let last;
  do {
    last = bits(1);
    const type = bits(2);
    if (type === 0) stored();
    else if (type === 1) codes(fixedLit, fixedDist);
    else if (type === 2) dynamic();
    else fail("invalid block type");
  } while (!last);
  const p = (at + 7) >> 3;
  if (p + 4 !== length) fail(p + 4 > length ? "truncated" : "data after the checksum");
  const check =
    ((stream[p] << 24) | (stream[p + 1] << 16) | (stream[p + 2] << 8) | stream[p + 3]) >>>
    0;
  const result = out.subarray(0, n);
  if (check !== adler32(result)) fail("Adler-32 checksum mismatch");
  return reuse ? result : result.slice();
}
