// Hostile zlib streams for the inflater: valid streams (standard zlib
// inflates them) of at most a ticket's worth of bytes, each shaped to make
// one part of an inflater work as hard as it can per input byte. Used by the
// crafted-input benchmark (bench/crafted_runtime.ts) and by the tests.
// Runtime-neutral.

import { MAX_TICKET_LENGTH } from "../src/document.ts";
import { adler32, CODE_LENGTH_ORDER, fixedLiteralLengths, reverse } from "../src/zlib_tables.ts";

/** The zlib bytes of the longest ticket read (16,384 base64 characters: 12,288 bytes). */
export const TICKET_ZLIB_BYTES = MAX_TICKET_LENGTH / 4 * 3;

/** Canonical codes (RFC 1951 section 3.2.2) for code lengths, 0 for unused symbols. */
function canonicalCodes(lengths: number[]): number[] {
  const count = new Array(16).fill(0);
  for (const len of lengths) if (len > 0) count[len]++;
  const next = new Array(16).fill(0);
  for (let len = 1, code = 0; len <= 15; len++) {
    code = (code + (len > 1 ? count[len - 1] : 0)) << 1;
    next[len] = code;
  }
  return lengths.map((len) => (len > 0 ? next[len]++ : 0));
}

/** Writes a zlib stream bit by bit and keeps what it inflates to, for the Adler-32. */
export class StreamWriter {
  #bytes: number[] = [0x78, 0x01];
  #acc = 0;
  #n = 0;
  /** The bytes the stream inflates to, so far. */
  readonly output: number[] = [];

  /** Writes `count` bits of `value`, least significant first. */
  bits(value: number, count: number): this {
    for (let i = 0; i < count; i++) {
      this.#acc |= ((value >> i) & 1) << this.#n++;
      if (this.#n === 8) {
        this.#bytes.push(this.#acc);
        this.#acc = 0;
        this.#n = 0;
      }
    }
    return this;
  }

  /** Writes a Huffman code of `length` bits, most significant first. */
  code(code: number, length: number): this {
    return this.bits(reverse(code, length), length);
  }

  /** Pads to a byte boundary with zero bits. */
  align(): this {
    if (this.#n > 0) this.bits(0, 8 - this.#n);
    return this;
  }

  /** Bytes written so far, counting a partial byte and the 4-byte checksum to come. */
  get size(): number {
    return this.#bytes.length + (this.#n > 0 ? 1 : 0) + 4;
  }

  /** The finished stream: pads the last byte and appends the Adler-32. */
  finish(): Uint8Array {
    this.align();
    const check = adler32(Uint8Array.from(this.output));
    return Uint8Array.from([
      ...this.#bytes,
      check >>> 24,
      (check >>> 16) & 255,
      (check >>> 8) & 255,
      check & 255,
    ]);
  }
}

/** A code in a block: its lengths and canonical codes, by symbol. */
export class Code {
  readonly codes: number[];
  constructor(readonly lengths: number[]) {
    this.codes = canonicalCodes(lengths);
  }
  /** Writes symbol `s`. */
  put(w: StreamWriter, s: number): void {
    if (this.lengths[s] === 0) throw new Error(`symbol ${s} has no code`);
    w.code(this.codes[s], this.lengths[s]);
  }
}

/** The fixed literal/length and distance codes. */
export const FIXED_LITERALS: Code = new Code(Array.from(fixedLiteralLengths()));
/** The fixed distance code. */
export const FIXED_DISTANCES: Code = new Code(new Array(30).fill(5));

/**
 * Code lengths for `k` symbols (2 or more) that make a complete code, as
 * short and even as can be.
 */
function completeLengths(k: number): number[] {
  const bits = Math.ceil(Math.log2(k));
  const short = (1 << bits) - k;
  return Array.from({ length: k }, (_, i) => (i < short ? bits - 1 : bits));
}

/** Code-length symbols (0..18, with extra bits) for a run of lengths, with or without repeats. */
function codeLengthSymbols(lengths: number[], repeats: boolean): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < lengths.length;) {
    const len = lengths[i];
    let run = 1;
    while (i + run < lengths.length && lengths[i + run] === len) run++;
    if (!repeats) {
      out.push([len, 0, 0]);
      i++;
      continue;
    }
    if (len === 0 && run >= 11) {
      const n = Math.min(run, 138);
      out.push([18, n - 11, 7]);
      i += n;
    } else if (len === 0 && run >= 3) {
      out.push([17, run - 3, 3]);
      i += run;
    } else if (len !== 0 && run >= 4) {
      const n = Math.min(run - 1, 6);
      out.push([len, 0, 0], [16, n - 3, 2]);
      i += n + 1;
    } else {
      out.push([len, 0, 0]);
      i++;
    }
  }
  return out;
}

/**
 * Writes a dynamic block header for literal/length and distance code
 * lengths; returns the two codes. `repeats: false` writes every code length
 * on its own, the longest way.
 */
export function dynamicHeader(
  w: StreamWriter,
  last: boolean,
  literals: number[],
  distances: number[],
  repeats = true,
): [Code, Code] {
  const symbols = codeLengthSymbols([...literals, ...distances], repeats);
  const used = [...new Set(symbols.map(([s]) => s))].sort((a, b) => a - b);
  if (used.length === 1) used.push(used[0] === 0 ? 1 : 0);
  const clLengths = new Array(19).fill(0);
  completeLengths(used.length).forEach((len, i) => (clLengths[used[i]] = len));
  const clCode = new Code(clLengths);
  let hclen = 19;
  while (hclen > 4 && clLengths[CODE_LENGTH_ORDER[hclen - 1]] === 0) hclen--;
  w.bits(last ? 1 : 0, 1).bits(2, 2);
  w.bits(literals.length - 257, 5).bits(distances.length - 1, 5).bits(hclen - 4, 4);
  for (let i = 0; i < hclen; i++) w.bits(clLengths[CODE_LENGTH_ORDER[i]], 3);
  for (const [s, extra, count] of symbols) {
    clCode.put(w, s);
    w.bits(extra, count);
  }
  return [new Code(literals), new Code(distances)];
}

/** Literal/length lengths with end-of-block alone, one bit: the incomplete code zlib allows. */
const EOB_ONLY = Array.from({ length: 257 }, (_, s) => (s === 256 ? 1 : 0));

/** Literal/length lengths where `symbol` and end-of-block have one bit each. */
function oneBit(symbol: number): number[] {
  return Array.from(
    { length: Math.max(257, symbol + 1) },
    (_, s) => (s === symbol || s === 256 ? 1 : 0),
  );
}

/**
 * A complete code over `n` symbols: the lengths `first`, then codes of
 * `fill` bits, as many of them one bit shorter (from the last symbol back)
 * as make the code complete.
 */
function complete(first: number[], n: number, fill: number): number[] {
  const lengths = [...first, ...new Array(n - first.length).fill(fill)];
  // Kraft's sum in units of 2^-15; shortening a code by one bit adds 2^(15 - fill).
  let spare = 2 ** 15 - lengths.reduce((sum, len) => sum + 2 ** (15 - len), 0);
  for (let s = n - 1; spare > 0; s--, spare -= 2 ** (15 - fill)) lengths[s]--;
  if (spare !== 0) throw new Error("not a complete code");
  return lengths;
}

/**
 * Code lengths where no two neighbours are alike, a complete code: `even`
 * at every other symbol from the first, the lengths `odd` between them.
 */
function interleaved(even: number, odd: number[]): number[] {
  const lengths = odd.flatMap((len) => [even, len]);
  if (lengths.reduce((sum, len) => sum + 2 ** -len, 0) !== 1) throw new Error("not complete");
  return lengths;
}

/**
 * A complete code over `n` symbols where the two symbols `long` have 15-bit
 * codes and `one` a 1-bit code; 13 others take the lengths 2 to 14.
 */
function longCode(n: number, long: [number, number], one: number): number[] {
  const lengths = new Array(n).fill(0);
  lengths[one] = 1;
  lengths[long[0]] = lengths[long[1]] = 15;
  for (let s = 0, len = 2; len <= 14; s++) if (lengths[s] === 0) lengths[s] = len++;
  return lengths;
}

/**
 * Writes `block`, then again while another fits in `room` bytes, then ends
 * the stream with an empty fixed block.
 */
function fill(w: StreamWriter, room: number, block: (w: StreamWriter) => void): Uint8Array {
  const before = w.size;
  block(w);
  const per = w.size - before + 1;
  while (w.size + per + 2 <= room) block(w);
  w.bits(1, 1).bits(1, 2);
  FIXED_LITERALS.put(w, 256);
  return w.finish();
}

/**
 * Output up to the 64 KiB cap through 258-byte copies at distance `d`
 * (1 to 4), after `d` literals, in one fixed block.
 */
function bomb(w: StreamWriter, cap: number, d: number): void {
  w.bits(0, 1).bits(1, 2);
  for (let i = 0; i < d; i++) {
    FIXED_LITERALS.put(w, 97 + i);
    w.output.push(97 + i);
  }
  while (w.output.length + 258 <= cap) {
    FIXED_LITERALS.put(w, 285);
    FIXED_DISTANCES.put(w, d - 1);
    for (let i = 0; i < 258; i++) w.output.push(w.output[w.output.length - d]);
  }
  FIXED_LITERALS.put(w, 256);
}

/**
 * The crafted streams, by name, each at most `room` bytes (a whole ticket's
 * worth by default) and inflating to at most 64 KiB.
 */
export function craftedStreams(room: number = TICKET_ZLIB_BYTES): Record<string, Uint8Array> {
  // Every literal/length and distance symbol, codes of 4 to 15 bits: the most table to build.
  const full = [
    complete([15, 15, 14, 13, 12, 11, 10], 286, 9),
    complete([15, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6], 30, 5),
  ];
  return {
    "empty dynamic blocks, 1-bit codes": fill(new StreamWriter(), room, (w) => {
      const [lit] = dynamicHeader(w, false, EOB_ONLY, [0]);
      lit.put(w, 256);
    }),
    "empty dynamic blocks, full codes": fill(new StreamWriter(), room, (w) => {
      const [lit] = dynamicHeader(w, false, full[0], full[1]);
      lit.put(w, 256);
    }),
    "empty dynamic blocks, 8- and 9-bit codes": fill(new StreamWriter(), room, (w) => {
      // 60 codes of 9 bits and 226 of 8; 28 distance codes of 5 bits and 2 of 4.
      const [lit] = dynamicHeader(w, false, complete([], 286, 9), complete([], 30, 5));
      lit.put(w, 256);
    }),
    "empty dynamic blocks, no repeats": fill(new StreamWriter(), room, (w) => {
      const [lit] = dynamicHeader(w, false, full[0], full[1], false);
      lit.put(w, 256);
    }),
    "empty dynamic blocks, no two lengths alike": fill(new StreamWriter(), room, (w) => {
      // Every code length on its own, none a repeat of the one before: the most runs to read.
      const [lit] = dynamicHeader(
        w,
        false,
        interleaved(8, [
          ...new Array(30).fill(7),
          ...new Array(99).fill(9),
          ...new Array(14).fill(10),
        ]),
        interleaved(5, [3, 4, 4, 4, 4, ...new Array(10).fill(6)]),
      );
      lit.put(w, 256);
    }),
    "empty stored blocks": fill(new StreamWriter(), room, (w) => {
      w.bits(0, 1).bits(0, 2).align().bits(0, 16).bits(0xffff, 16);
    }),
    "empty fixed blocks": fill(new StreamWriter(), room, (w) => {
      w.bits(0, 1).bits(1, 2);
      FIXED_LITERALS.put(w, 256);
    }),
    "15-bit literal codes": (() => {
      const w = new StreamWriter();
      const [lit] = dynamicHeader(w, true, longCode(257, [0, 1], 256), [0]);
      let k = 0;
      while (w.size + 3 <= room) {
        lit.put(w, k & 1);
        w.output.push(k++ & 1);
      }
      lit.put(w, 256);
      return w.finish();
    })(),
    "15-bit length and distance codes": (() => {
      const w = new StreamWriter();
      const [lit, dist] = dynamicHeader(
        w,
        true,
        longCode(259, [257, 258], 256),
        longCode(16, [0, 1], 15),
      );
      lit.put(w, 2); // a literal to copy from
      w.output.push(2);
      while (w.size + 5 <= room) {
        lit.put(w, 257);
        dist.put(w, 0);
        w.output.push(2, 2, 2);
      }
      lit.put(w, 256);
      return w.finish();
    })(),
    "one stored block": (() => {
      const w = new StreamWriter();
      const n = room - 11;
      w.bits(1, 1).bits(0, 2).align().bits(n, 16).bits(n ^ 0xffff, 16);
      for (let i = 0; i < n; i++) {
        w.bits(i & 255, 8);
        w.output.push(i & 255);
      }
      return w.finish();
    })(),
    "9-bit literals, fixed code": (() => {
      const w = new StreamWriter();
      w.bits(1, 1).bits(1, 2);
      for (let k = 0; w.size + 3 <= room; k++) {
        FIXED_LITERALS.put(w, 144 + (k % 112));
        w.output.push(144 + (k % 112));
      }
      FIXED_LITERALS.put(w, 256);
      return w.finish();
    })(),
    "1-bit literals up to 64 KiB": (() => {
      const w = new StreamWriter();
      const [lit] = dynamicHeader(w, true, oneBit(97), [0]);
      while (w.output.length < 65536) {
        lit.put(w, 97);
        w.output.push(97);
      }
      lit.put(w, 256);
      return w.finish();
    })(),
    "3-byte copies in 2 bits up to 64 KiB": (() => {
      const w = new StreamWriter();
      w.bits(0, 1).bits(1, 2); // one literal to copy from, in a fixed block
      FIXED_LITERALS.put(w, 97);
      FIXED_LITERALS.put(w, 256);
      w.output.push(97);
      const [lit, dist] = dynamicHeader(w, true, oneBit(257), [1]);
      while (w.output.length + 3 <= 65536) {
        lit.put(w, 257);
        dist.put(w, 0);
        w.output.push(97, 97, 97);
      }
      lit.put(w, 256);
      return w.finish();
    })(),
    // Found by the attack review: copies of 32 bytes at distance 2, each in 4 bits.
    "32-byte copies at distance 2 up to 64 KiB": (() => {
      const w = new StreamWriter();
      w.bits(0, 1).bits(1, 2); // two literals to copy from, in a fixed block
      FIXED_LITERALS.put(w, 97);
      FIXED_LITERALS.put(w, 98);
      FIXED_LITERALS.put(w, 256);
      w.output.push(97, 98);
      // Length 32 is symbol 272 (31 and 2 extra bits: 1); distance 2 is symbol 1.
      const [lit, dist] = dynamicHeader(w, true, oneBit(272), [1, 1]);
      while (w.output.length + 32 <= 65536) {
        lit.put(w, 272);
        w.bits(1, 2);
        dist.put(w, 1);
        for (let i = 0; i < 32; i++) w.output.push(w.output[w.output.length - 2]);
      }
      lit.put(w, 256);
      return w.finish();
    })(),
    "64 KiB of copies at distance 1": fill(new StreamWriter(), 0, (w) => bomb(w, 65536, 1)),
    "64 KiB of copies at distance 3": fill(new StreamWriter(), 0, (w) => bomb(w, 65536, 3)),
    "64 KiB of copies, then empty dynamic blocks": (() => {
      const w = new StreamWriter();
      bomb(w, 65536, 1);
      return fill(w, room, (w) => {
        const [lit] = dynamicHeader(w, false, EOB_ONLY, [0]);
        lit.put(w, 256);
      });
    })(),
  };
}
