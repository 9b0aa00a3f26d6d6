import {
  type Code,
  craftedStreams,
  dynamicHeader,
  StreamWriter,
  TICKET_ZLIB_BYTES,
} from "../bench/crafted.ts";
import { zlibDeflate } from "../src/deflate.ts";
import { UserSigError } from "../src/errors.ts";
import { zlibInflate } from "../src/inflate.ts";
import { adler32, reverse } from "../src/zlib_tables.ts";
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { test } from "./harness.ts";
import { standardDeflate, standardInflate } from "./tickets.ts";

const CAP = 65536;
const text = (s: string) => new TextEncoder().encode(s);

/** Inputs that exercise literals, short and long matches, and far distances. */
function samples(): Uint8Array[] {
  const out = [
    new Uint8Array(0),
    text("a"),
    text("aa"),
    text("aaa"),
    new Uint8Array(1000).fill(7),
    new Uint8Array(600).fill(255),
    text('{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":1400000000}'),
    text("abcabcabcabcabcabcabcabc".repeat(30)),
    crypto.getRandomValues(new Uint8Array(4000)),
  ];
  // A phrase repeated 33000 bytes apart: beyond the 32 KiB window.
  const far = new Uint8Array(40000);
  far.set(text("the quick brown fox"), 0);
  far.set(crypto.getRandomValues(new Uint8Array(32900)), 100);
  far.set(text("the quick brown fox"), 33100);
  out.push(far);
  for (let i = 0; i < 30; i++) {
    const n = Math.floor(Math.random() * 3000);
    const alphabet = 1 + Math.floor(Math.random() * 255);
    out.push(Uint8Array.from({ length: n }, () => Math.floor(Math.random() * alphabet)));
  }
  return out;
}

test("zlibDeflate() output inflates with the platform's standard zlib", async () => {
  for (const input of samples()) {
    assertEquals(await standardInflate(zlibDeflate(input)), input, `length ${input.length}`);
  }
});

test("zlibInflate() reads its own output and standard zlib's (dynamic Huffman) output", async () => {
  for (const input of samples()) {
    assertEquals(zlibInflate(zlibDeflate(input), CAP), input);
    assertEquals(zlibInflate(await standardDeflate(input), CAP), input);
  }
});

test("zlibInflate() reads stored blocks, including several and an empty final one", () => {
  const data = text("stored block data");
  const block = (final: number, bytes: Uint8Array) => [
    final,
    bytes.length & 255,
    bytes.length >> 8,
    ~bytes.length & 255,
    (~bytes.length >> 8) & 255,
    ...bytes,
  ];
  const body = [
    ...block(0, data.subarray(0, 5)),
    ...block(0, data.subarray(5)),
    ...block(1, new Uint8Array(0)),
  ];
  const check = zlibDeflate(data).slice(-4); // the Adler-32 of data
  const stream = new Uint8Array([0x78, 0x01, ...body, ...check]);
  assertEquals(zlibInflate(stream, CAP), data);
});

test("zlibDeflate() compresses ticket documents to within 20% of zlib level 6", async () => {
  const json = text(
    '{"TLS.ver":"2.0","TLS.identifier":"xiaojun","TLS.sdkappid":1400000000,"TLS.time":1700000000,' +
      '"TLS.expire":86400,"TLS.sig":"SNF4FmVCPucoXsBOpbVF3fFCf57JPm0ezZ1jeVILlVc="}',
  );
  const ours = zlibDeflate(json).length, standard = (await standardDeflate(json)).length;
  assert(ours <= standard * 1.2, `ours ${ours} bytes, standard ${standard}`);
});

function rejects(stream: Uint8Array, includes: string, cap = CAP): void {
  const error = assertThrows(() => zlibInflate(stream, cap), UserSigError, includes);
  assertEquals((error as UserSigError).code, "ERR_USERSIG_MALFORMED");
}

test("zlibInflate() rejects a bad checksum, a bad header, a preset dictionary and trailing data", () => {
  const good = zlibDeflate(text("hello hello hello"));
  const badSum = good.slice();
  badSum[badSum.length - 1] ^= 1;
  rejects(badSum, "Adler-32");
  rejects(new Uint8Array([0x79, ...good.subarray(1)]), "not deflate");
  rejects(new Uint8Array([0x88, ...good.subarray(1)]), "not deflate");
  rejects(new Uint8Array([0x78, 0x9d, ...good.subarray(2)]), "header check");
  rejects(new Uint8Array([0x78, 0xbb, ...good.subarray(2)]), "preset dictionary");
  rejects(new Uint8Array([...good, 0]), "data after the checksum");
});

test("zlibInflate() rejects every truncation of a valid stream", async () => {
  for (
    const stream of [
      zlibDeflate(text("truncate me ".repeat(20))),
      await standardDeflate(text("x".repeat(500) + "yz")),
    ]
  ) {
    for (let n = 0; n < stream.length; n++) {
      assertThrows(() => zlibInflate(stream.subarray(0, n), CAP), "ERR_USERSIG_MALFORMED");
    }
  }
});

test("zlibInflate() stops a stream that inflates beyond the cap", async () => {
  const bomb = await standardDeflate(new Uint8Array(10_000_000));
  assert(bomb.length < 12000, "a 10 MB bomb is small");
  rejects(bomb, "inflates beyond 65536 bytes");
  rejects(zlibDeflate(new Uint8Array(1001)), "inflates beyond 1000 bytes", 1000);
  assertEquals(zlibInflate(zlibDeflate(new Uint8Array(1000)), 1000).length, 1000);
});

/**
 * A zlib stream from deflate fields, each `[value, bit count]`, LSB first,
 * with the Adler-32 of an empty output (what the fields inflate to is not
 * tracked: these streams are refused).
 */
function stream(...fields: [number, number][]): Uint8Array {
  const w = new StreamWriter();
  for (const [value, count] of fields) w.bits(value, count);
  return w.finish();
}

/** A fixed Huffman code, which deflate writes top bit first. */
const code = (value: number, count: number): [number, number] => [reverse(value, count), count];

test("zlibInflate() rejects invalid block types, codes, lengths and distances", () => {
  rejects(stream([1, 1], [3, 2]), "invalid block type");
  rejects(
    new Uint8Array([0x78, 0x01, 0x01, 5, 0, 5, 0, 1, 2, 3, 4, 5, 0, 0, 0, 0]),
    "length check",
  );
  // Fixed block: length 3 (symbol 257, code 0000001), distance 1 (code 00000), with no output yet.
  rejects(stream([1, 1], [1, 2], code(1, 7), code(0, 5)), "distance too far back");
  // Fixed block: the reserved length symbol 286 (code 11000110).
  rejects(stream([1, 1], [1, 2], code(0xc6, 8)), "invalid length symbol");
  // Fixed block: the reserved distance symbol 30 after a literal.
  rejects(
    stream([1, 1], [1, 2], code(0x30 + 65, 8), code(1, 7), code(30, 5)),
    "invalid distance symbol",
  );
  // Dynamic block declaring 287 literal/length codes.
  rejects(stream([1, 1], [2, 2], [30, 5], [0, 5], [15, 4]), "too many length or distance codes");
  // Dynamic block whose code-length code gives all 19 symbols length 1.
  const allOnes: [number, number][] = Array.from({ length: 19 }, () => [1, 3]);
  rejects(stream([1, 1], [2, 2], [0, 5], [0, 5], [15, 4], ...allOnes), "over-subscribed");
  // Dynamic block whose code-length code is incomplete (one symbol of length 2).
  rejects(
    stream([1, 1], [2, 2], [0, 5], [0, 5], [0, 4], [2, 3], [0, 3], [0, 3], [0, 3]),
    "incomplete code-length code",
  );
  // Dynamic block starting its code lengths with "repeat previous" (symbol 16).
  // Code-length code: symbols 16 and 17, length 1 each (order: 16, 17, 18, 0).
  rejects(
    stream([1, 1], [2, 2], [0, 5], [0, 5], [0, 4], [1, 3], [1, 3], [0, 3], [0, 3], [0, 1]),
    "repeat with no previous length",
  );
  // Dynamic block where end-of-block (symbol 256) has no code: 138 + 119 zeros (symbol 18 twice).
  // Code-length code: 18 and 0 with length 1 (order index 2 and 3).
  rejects(
    stream(
      [1, 1],
      [2, 2],
      [0, 5],
      [0, 5],
      [0, 4],
      [0, 3],
      [0, 3],
      [1, 3],
      [1, 3],
      [1, 1],
      [127, 7],
      [1, 1],
      [108, 7],
      [0, 1],
    ),
    "no end-of-block code",
  );
});

test("zlibInflate() throws nothing but UserSigError on random bytes and random edits", async () => {
  const valid = [
    zlibDeflate(text("some text ".repeat(40))),
    await standardDeflate(text("other text ".repeat(40))),
  ];
  for (let i = 0; i < 3000; i++) {
    let input: Uint8Array;
    if (i % 2 === 0) {
      input = crypto.getRandomValues(new Uint8Array(Math.floor(Math.random() * 200)));
      input[0] = 0x78;
      input[1] = 0x01;
    } else {
      input = valid[i % 4 === 1 ? 0 : 1].slice();
      for (let k = 0; k < 1 + (i % 3); k++) {
        input[Math.floor(Math.random() * input.length)] ^= 1 << Math.floor(Math.random() * 8);
      }
    }
    try {
      zlibInflate(input, CAP);
    } catch (error) {
      assert(error instanceof UserSigError, `not a UserSigError: ${error}`);
    }
  }
});

const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));

/** A stream of one dynamic block with the given code lengths, its symbols, then end-of-block. */
function dynamicStream(
  literals: number[],
  distances: number[],
  body: (lit: Code, dist: Code, w: StreamWriter) => void,
): Uint8Array {
  const w = new StreamWriter();
  const [lit, dist] = dynamicHeader(w, true, literals, distances);
  body(lit, dist, w);
  lit.put(w, 256);
  return w.finish();
}

test("zlibInflate() refuses an incomplete code unless it is a single one-bit code, as zlib does", () => {
  // From issue 14: zlib refuses both ("invalid literal/lengths set", "invalid distances set").
  rejects(fromHex("780105208048fed6070000000001"), "incomplete literal/length code");
  rejects(fromHex("78010dc081000000008020d6fc257e1303ce0185"), "incomplete distance code");
  for (let len = 1; len <= 15; len++) {
    // End-of-block alone in the literal/length code, with `len` bits.
    const eobOnly = Array.from({ length: 257 }, (_, s) => (s === 256 ? len : 0));
    const empty = dynamicStream(eobOnly, [0], () => {});
    // A literal, then a copy through a distance code of one symbol with `len` bits.
    const literals = Array.from(
      { length: 258 },
      (_, s) => (s === 97 || s === 256 ? 2 : s === 257 ? 1 : 0),
    );
    const copy = dynamicStream(literals, [len], (lit, dist, w) => {
      lit.put(w, 97);
      lit.put(w, 257);
      dist.put(w, 0);
      w.output.push(97, 97, 97, 97);
    });
    if (len === 1) {
      assertEquals(zlibInflate(empty, CAP), new Uint8Array(0));
      assertEquals(zlibInflate(copy, CAP), text("aaaa"));
    } else {
      rejects(empty, "incomplete literal/length code");
      rejects(copy, "incomplete distance code");
    }
  }
  // No distance code at all is fine until a copy needs one.
  const literal = dynamicStream(
    Array.from({ length: 258 }, (_, s) => (s === 97 || s === 256 ? 2 : s === 257 ? 1 : 0)),
    [0],
    (lit, _, w) => {
      lit.put(w, 97);
      w.output.push(97);
    },
  );
  assertEquals(zlibInflate(literal, CAP), text("a"));
});

test("zlibInflate() stops where a stream ends, though the bits missing would read as literals", () => {
  // One-bit codes: "a" is 0, end-of-block 1. Cut after the header, the stream
  // would go on as zeros, literals up to the cap: refused at its end.
  const w = new StreamWriter();
  const literals = Array.from({ length: 257 }, (_, s) => (s === 97 || s === 256 ? 1 : 0));
  dynamicHeader(w, true, literals, [0]);
  const header = w.finish().subarray(0, -4);
  rejects(header, "truncated");
  for (let n = 6; n < header.length; n++) rejects(header.subarray(0, n), "truncated");
});

test("zlibInflate() reads the benchmark's crafted streams as standard zlib does", async () => {
  for (const [name, stream] of Object.entries(craftedStreams())) {
    assert(stream.length <= TICKET_ZLIB_BYTES, `${name}: ${stream.length} bytes`);
    assertEquals(zlibInflate(stream, CAP), await standardInflate(stream), name);
  }
});

test("zlibInflate() builds a dynamic block's tables in reused space: nothing allocated per block", () => {
  // Issue 14: tables built in new arrays for every block made a ticket of empty
  // dynamic blocks cost 25 ms. Count the typed arrays made while reading one.
  const stream = craftedStreams()["empty dynamic blocks, 1-bit codes"];
  const g = globalThis as unknown as Record<string, unknown>;
  const kinds = ["Uint8Array", "Uint16Array", "Int32Array"];
  const saved = kinds.map((k) => g[k]);
  let made = 0;
  for (const k of kinds) {
    g[k] = new Proxy(g[k] as object, {
      construct(target, args) {
        made++;
        return Reflect.construct(target as new (...a: unknown[]) => object, args);
      },
    });
  }
  try {
    zlibInflate(stream, CAP, true);
  } finally {
    kinds.forEach((k, i) => (g[k] = saved[i]));
  }
  assertEquals(made, 0, "typed arrays made while reading about 1,000 dynamic blocks");
});

test("adler32() agrees with its definition at every length, alignment and byte value", () => {
  const reference = (bytes: Uint8Array) => {
    let a = 1, b = 0;
    for (const x of bytes) [a, b] = [(a + x) % 65521, (b + (a + x) % 65521) % 65521];
    return ((b << 16) | a) >>> 0;
  };
  const random = Uint8Array.from(
    { length: 65536 * 3 + 7 },
    (_, i) => Math.imul(i, 2654435761) >>> 24,
  );
  const ones = new Uint8Array(random.length).fill(255); // the largest sums
  for (const source of [random, ones]) {
    for (
      const [from, length] of [[0, 0], [0, 1023], [0, 1024], [0, 1027], [4, 3761 * 4], [1, 5000], [
        0,
        random.length - 7,
      ], [8, 65536 * 3 - 1]]
    ) {
      const bytes = source.subarray(from, from + length);
      assertEquals(adler32(bytes), reference(bytes), `${from} + ${length}`);
      assertEquals(adler32(bytes, length >> 1), reference(bytes.subarray(0, length >> 1)));
    }
  }
});
