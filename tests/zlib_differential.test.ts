// Differential fuzzing of our inflater against node:zlib, seeded and bounded:
// streams zlib writes at every level, strategy, memory level and window,
// random dynamic blocks built from random codes (complete, incomplete, over-
// subscribed, single, empty), the crafted streams of the benchmark, random
// edits of all of them, and every zlib header. For every input either both
// refuse, or both give the same bytes; we refuse more only where our rules
// say so: output beyond the cap, bytes after the checksum.
import { constants as zlib, deflateSync, inflateRawSync, inflateSync } from "node:zlib";
import {
  type Code,
  craftedStreams,
  dynamicHeader,
  FIXED_DISTANCES,
  FIXED_LITERALS,
  StreamWriter,
} from "../bench/crafted.ts";
import { UserSigError } from "../src/errors.ts";
import { zlibInflate } from "../src/inflate.ts";
import { adler32, DIST_BASE, DIST_EXTRA, LENGTH_BASE, LENGTH_EXTRA } from "../src/zlib_tables.ts";
import { assert, assertEquals } from "./assert.ts";
import { SERVER_RUNTIMES, test } from "./harness.ts";

const only = { runtimes: SERVER_RUNTIMES, why: "node:zlib is the reference" };
const CAP = 65536;
const SEED = 0x5eed14;

/** xorshift32: a deterministic source, so that a failure replays from the seed. */
function random(seed: number) {
  let x = seed | 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(list: readonly T[]): T => list[int(list.length)] };
}
type Random = ReturnType<typeof random>;

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** What the two inflaters did with one input. */
interface Verdicts {
  accepted: number;
  refused: number;
  extra: number;
}

/** What inflateSync returns with `info`: the bytes, and how many input bytes the stream took. */
interface ZlibResult {
  buffer: Uint8Array;
  engine: { bytesWritten: number };
}

/**
 * Inflates `input` with both and checks that they agree; counts the
 * outcome. `extra`: refused by us alone, for a reason of our own.
 */
function compare(input: Uint8Array, tally: Verdicts, what: string): void {
  // The input goes into the message only on failure: writing it out costs more than the test.
  const check = (ok: boolean, why: () => string) =>
    assert(ok, ok ? "" : `${what}: ${why()}: ${hex(input)}`);
  let ours: Uint8Array | UserSigError;
  try {
    ours = zlibInflate(input, CAP);
  } catch (error) {
    check(error instanceof UserSigError, () => `threw ${String(error)}`);
    ours = error as UserSigError;
  }
  let theirs: ZlibResult | null = null;
  try {
    theirs = inflateSync(input, { info: true } as object) as unknown as ZlibResult;
  } catch { /* refused */ }
  if (ours instanceof Uint8Array) {
    check(theirs !== null, () => "we accept what zlib refuses");
    const out = theirs!.buffer;
    check(ours.length === out.length && ours.every((b, i) => b === out[i]), () => "other bytes");
    tally.accepted++;
  } else if (theirs === null) {
    tally.refused++;
  } else {
    const used = theirs.engine.bytesWritten, out = theirs.buffer, why = ours.message;
    const beyondCap = out.length > CAP && why.includes(`beyond ${CAP} bytes`);
    const trailing = used < input.length && why.includes("data after the checksum") &&
      out.length <= CAP;
    check(beyondCap || trailing, () => `we refuse (${why}) what zlib reads`);
    if (trailing) assertEquals(zlibInflate(input.subarray(0, used), CAP), new Uint8Array(out));
    tally.extra++;
  }
}

/** A copy of `bytes` with one to three random edits. */
function mutate(r: Random, bytes: Uint8Array): Uint8Array {
  let s = bytes.slice();
  for (let k = 1 + r.int(3); k > 0 && s.length > 0; k--) {
    const at = r.int(s.length);
    switch (r.int(6)) {
      case 0:
      case 1:
        s[at] ^= 1 << r.int(8);
        break;
      case 2:
        s[at] = r.int(256);
        break;
      case 3:
        s = s.slice(0, at);
        break;
      case 4:
        s = Uint8Array.from([...s.subarray(0, at), r.int(256), ...s.subarray(at)]);
        break;
      default:
        s = Uint8Array.from([...s.subarray(0, at), ...s.subarray(at + 1)]);
    }
  }
  return s;
}

/**
 * `stream` with random edits to its deflate data; half the time with the
 * checksum of what zlib reads from the edited data, so that the edit is
 * judged by the decoders and not only by the checksum.
 */
function edit(r: Random, stream: Uint8Array): Uint8Array {
  const body = mutate(r, stream.subarray(2, stream.length - 4));
  let check = stream.subarray(stream.length - 4);
  if (r.int(2) === 0) {
    try {
      const sum = adler32(new Uint8Array(inflateRawSync(body)));
      check = Uint8Array.of(sum >>> 24, (sum >>> 16) & 255, (sum >>> 8) & 255, sum & 255);
    } catch { /* zlib refuses the edited data: keep the old checksum */ }
  }
  return Uint8Array.from([...stream.subarray(0, 2), ...body, ...check]);
}

/** Text like a ticket's document, or bytes from a small alphabet, of random length. */
function document(r: Random): Uint8Array {
  if (r.int(2) === 0) {
    const userBuf = Array.from({ length: r.int(3000) }, () => "ABCDxyz019+/"[r.int(12)]).join("");
    return new TextEncoder().encode(
      `{"TLS.ver":"2.0","TLS.identifier":"user${r.int(1e6)}","TLS.sdkappid":1400000000,` +
        `"TLS.time":${1_700_000_000 + r.int(1e6)},"TLS.expire":86400,"TLS.userbuf":"${userBuf}",` +
        `"TLS.sig":"SNF4FmVCPucoXsBOpbVF3fFCf57JPm0ezZ1jeVILlVc="}`,
    );
  }
  const alphabet = 1 + r.int(256);
  return Uint8Array.from({ length: r.int(8000) }, () => r.int(alphabet));
}

const STRATEGIES = [
  zlib.Z_DEFAULT_STRATEGY,
  zlib.Z_FILTERED,
  zlib.Z_HUFFMAN_ONLY,
  zlib.Z_RLE,
  zlib.Z_FIXED,
];

/** What zlib writes for a random document, at random settings (memory level 1: many blocks). */
function zlibStream(r: Random): Uint8Array {
  return new Uint8Array(deflateSync(document(r), {
    level: r.int(10),
    strategy: r.pick(STRATEGIES),
    memLevel: 1 + r.int(9),
    windowBits: 9 + r.int(7),
  }));
}

/**
 * Random code lengths for `n` symbols: a complete code of random shape, a
 * single code of any length, no code, or lengths at random (mostly over-
 * subscribed or incomplete). `must` gets a code when the code has any.
 */
function randomLengths(r: Random, n: number, must: number): number[] {
  const lengths = new Array(n).fill(0);
  const kind = r.int(10);
  if (kind === 0) return lengths;
  if (kind === 1 || kind === 2) {
    lengths[must >= 0 ? must : r.int(n)] = r.int(2) === 0 ? 1 : 1 + r.int(15);
    return lengths;
  }
  if (kind === 3) return lengths.map(() => (r.int(3) === 0 ? r.int(16) : 0));
  if (n === 1) return [1];
  // A complete code: split random leaves of a one-leaf tree, at most 15 deep.
  const leaves = [1, 1];
  const k = Math.min(n, 2 + r.int(kind === 4 ? 6 : n));
  while (leaves.length < k) {
    const i = r.int(leaves.length);
    if (leaves[i] === 15) continue;
    leaves[i]++;
    leaves.push(leaves[i]);
  }
  const symbols = Array.from({ length: n }, (_, s) => s);
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(i + 1);
    [symbols[i], symbols[j]] = [symbols[j], symbols[i]];
  }
  if (must >= 0) symbols.splice(symbols.indexOf(must), 1), symbols.unshift(must);
  leaves.forEach((depth, i) => (lengths[symbols[i]] = depth));
  return lengths;
}

/** Symbols of a block: literals and copies the codes can say, then end-of-block. */
function symbols(r: Random, w: StreamWriter, lit: Code, dist: Code): void {
  const literals = lit.lengths.flatMap((len, s) => (len > 0 && s < 256 ? [s] : []));
  const lengths = lit.lengths.flatMap((len, s) => (len > 0 && s > 256 && s < 286 ? [s] : []));
  const distances = dist.lengths.flatMap((len, s) => (len > 0 && s < 30 ? [s] : []));
  for (let i = r.int(40); i > 0; i--) {
    // Mostly distances within the output so far; now and then one beyond it, which both refuse.
    const near = distances.filter((s) => DIST_BASE[s] <= w.output.length || r.int(20) === 0);
    if (lengths.length > 0 && near.length > 0 && r.int(2) === 0) {
      const ls = r.pick(lengths) - 257, ds = r.pick(near);
      const le = r.int(1 << LENGTH_EXTRA[ls]);
      const de = Math.min(r.int(1 << DIST_EXTRA[ds]), Math.max(0, w.output.length - DIST_BASE[ds]));
      const d = DIST_BASE[ds] + de;
      lit.put(w, ls + 257);
      w.bits(le, LENGTH_EXTRA[ls]);
      dist.put(w, ds);
      w.bits(de, DIST_EXTRA[ds]);
      for (let k = 0; k < LENGTH_BASE[ls] + le && d <= w.output.length; k++) {
        w.output.push(w.output[w.output.length - d]);
      }
    } else if (literals.length > 0) {
      const s = r.pick(literals);
      lit.put(w, s);
      w.output.push(s);
    }
  }
  lit.put(w, 256);
}

/** A stream of one to four random blocks: stored, fixed, or dynamic with random codes. */
function blockStream(r: Random): Uint8Array {
  const w = new StreamWriter();
  for (let b = 1 + r.int(4); b > 0; b--) {
    const last = b === 1;
    const type = r.int(5);
    if (type === 0) {
      const n = r.int(20);
      w.bits(last ? 1 : 0, 1).bits(0, 2).align().bits(n, 16).bits(n ^ 0xffff, 16);
      for (let i = 0; i < n; i++) {
        const byte = r.int(256);
        w.bits(byte, 8);
        w.output.push(byte);
      }
    } else if (type === 1) {
      w.bits(last ? 1 : 0, 1).bits(1, 2);
      symbols(r, w, FIXED_LITERALS, FIXED_DISTANCES);
    } else {
      const literals = randomLengths(r, 257 + r.int(30), 256);
      const distances = randomLengths(r, 1 + r.int(30), -1);
      const [lit, dist] = dynamicHeader(w, last, literals, distances, r.int(2) === 0);
      if (lit.lengths[256] > 0) symbols(r, w, lit, dist);
    }
  }
  return w.finish();
}

test("our inflater and node:zlib agree on every stream, edited or not (seeded fuzz)", () => {
  const r = random(SEED);
  const tally: Verdicts = { accepted: 0, refused: 0, extra: 0 };
  for (let i = 0; i < 200; i++) {
    const stream = zlibStream(r);
    compare(stream, tally, "zlib stream");
    for (let k = 0; k < 4; k++) compare(edit(r, stream), tally, "edited zlib stream");
  }
  for (let i = 0; i < 2000; i++) {
    const stream = blockStream(r);
    compare(stream, tally, "random blocks");
    compare(edit(r, stream), tally, "edited random blocks");
  }
  for (const [name, stream] of Object.entries(craftedStreams(2048))) {
    compare(stream, tally, name);
    for (let k = 0; k < 20; k++) compare(edit(r, stream), tally, `edited ${name}`);
  }
  assert(tally.accepted > 1000 && tally.refused > 3000, JSON.stringify(tally));
}, only);

test("our inflater and node:zlib agree on every zlib header", () => {
  const body = deflateSync(new TextEncoder().encode("header test, header test")).subarray(2);
  const tally: Verdicts = { accepted: 0, refused: 0, extra: 0 };
  for (let cmf = 0; cmf < 256; cmf++) {
    for (let flg = 0; flg < 256; flg++) {
      // Every header that passes the check, and a sample of the rest.
      if (((cmf << 8) | flg) % 31 === 0 || (cmf * 7 + flg) % 61 === 0) {
        compare(Uint8Array.from([cmf, flg, ...body]), tally, "header");
      }
    }
  }
  assert(tally.accepted >= 8 && tally.refused > 3000, JSON.stringify(tally));
}, only);
