// Differential tests against Tencent's official Node library (tls-sig-api-v2)
// and Node's zlib. Server runtimes only: they load CommonJS and node:zlib.
import { createRequire } from "node:module";
import { constants as zlib, deflateRawSync, deflateSync, gzipSync, inflateSync } from "node:zlib";
import { decodeUserSig, TLSSigAPIv2 } from "../mod.ts";
import { zlibDeflate } from "../src/deflate.ts";
import { UserSigError } from "../src/errors.ts";
import { zlibInflate } from "../src/inflate.ts";
import { CUT_TEXT } from "../src/private_map.ts";
import { roomRecordOf } from "../src/cli/format.ts";
import { type CliIo, runCli } from "../src/cli/main.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { SERVER_RUNTIMES, test } from "./harness.ts";
import { ticketBytes } from "./tickets.ts";

const require = createRequire(`${process.cwd()}/package.json`);

/** The CLI's I/O with output kept, a fixed clock, and the key in the environment. */
function cliIo(now: number, key?: string): CliIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    env: (name: string) => name === "TENCENT_SECRET_KEY" ? key : undefined,
    readTextFile: () => Promise.reject(new Error("no files here")),
    readSecret: () => Promise.resolve(null),
    now: () => now,
  };
  return io;
}

interface OfficialApi {
  genUserSig(userId: string, expire: number): string;
  genPrivateMapKey(userId: string, expire: number, roomId: number, privileges: number): string;
  genPrivateMapKeyWithStringRoomID(
    userId: string,
    expire: number,
    roomStr: string,
    privileges: number,
  ): string;
}
const Official: new (sdkAppId: number, key: string) => OfficialApi =
  // The file by name: the package.json names "main" twice, and Bun reads the first.
  require("tls-sig-api-v2/TLSSigAPIv2.js").Api;

const only = {
  runtimes: SERVER_RUNTIMES,
  why: "loads the official CommonJS library and node:zlib",
};
const N = 1000;

/** Runs `fn` with Date.now() fixed at unix second `t`, as the official library reads it. */
function at<T>(t: number, fn: () => T): T {
  const real = Date.now;
  Date.now = () => t * 1000;
  try {
    return fn();
  } finally {
    Date.now = real;
  }
}

/** A deterministic pseudo-random source, so that a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
}

const ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

function inputs(seed: number) {
  const r = rng(seed);
  const pick = (n: number) => Math.floor(r() * n);
  const word = (min: number, max: number, chars = ID_CHARS) =>
    Array.from({ length: min + pick(max - min + 1) }, () => chars[pick(chars.length)]).join("");
  return Array.from({ length: N }, () => ({
    sdkAppId: 1400000000 + pick(99999999),
    key: word(64, 64, "0123456789abcdef"),
    userId: word(1, 32),
    time: 1_600_000_000 + pick(200_000_000),
    expire: 1 + pick(31_536_000),
    roomId: 1 + pick(4294967293),
    roomStr: word(1, 64),
    privileges: pick(256),
  }));
}

test(
  "official library → ours: 1000 UserSigs and PrivateMapKeys of each room kind verify",
  async () => {
    for (const x of inputs(1)) {
      const theirs = new Official(x.sdkAppId, x.key);
      const ours = new TLSSigAPIv2(x.sdkAppId, x.key);
      const now = x.time + 1;
      const userSig = at(x.time, () => theirs.genUserSig(x.userId, x.expire));
      await ours.verifyUserSig(userSig, x.userId, { now });
      const numeric = at(
        x.time,
        () => theirs.genPrivateMapKey(x.userId, x.expire, x.roomId, x.privileges),
      );
      await ours.verifyPrivateMapKey(numeric, x.userId, {
        now,
        roomId: x.roomId,
        privileges: x.privileges,
      });
      const named = at(
        x.time,
        () => theirs.genPrivateMapKeyWithStringRoomID(x.userId, x.expire, x.roomStr, x.privileges),
      );
      await ours.verifyPrivateMapKey(named, x.userId, { now, roomStr: x.roomStr });
    }
  },
  only,
);

test(
  "ours → official format: 1000 inputs give the same JSON text and records, tickets at most 1.35× as long",
  async () => {
    for (const x of inputs(2)) {
      const theirs = new Official(x.sdkAppId, x.key);
      const ours = new TLSSigAPIv2(x.sdkAppId, x.key);
      const options = { now: x.time };
      const pairs: [string, string][] = [
        [
          at(x.time, () => theirs.genUserSig(x.userId, x.expire)),
          await ours.genUserSig(x.userId, x.expire, options),
        ],
        [
          at(x.time, () => theirs.genPrivateMapKey(x.userId, x.expire, x.roomId, x.privileges)),
          await ours.genPrivateMapKey(x.userId, x.expire, x.roomId, x.privileges, options),
        ],
        [
          at(
            x.time,
            () =>
              theirs.genPrivateMapKeyWithStringRoomID(x.userId, x.expire, x.roomStr, x.privileges),
          ),
          await ours.genPrivateMapKeyWithStringRoomID(
            x.userId,
            x.expire,
            x.roomStr,
            x.privileges,
            options,
          ),
        ],
      ];
      for (const [official, mine] of pairs) {
        assert(mine.length <= official.length * 1.35, `${mine.length} vs ${official.length} chars`);
        const json = inflateSync(ticketBytes(mine)).toString("utf8");
        assertEquals(json, decodeUserSig(official).json);
        assertEquals(decodeUserSig(mine).privateMap, decodeUserSig(official).privateMap);
      }
    }
  },
  only,
);

test("node:zlib agrees with our inflater on every level and strategy", () => {
  const r = rng(3);
  const strategies = [
    zlib.Z_DEFAULT_STRATEGY,
    zlib.Z_FILTERED,
    zlib.Z_HUFFMAN_ONLY,
    zlib.Z_RLE,
    zlib.Z_FIXED,
  ];
  for (let i = 0; i < 400; i++) {
    const n = Math.floor(r() * 5000);
    const spread = 1 + Math.floor(r() * 255);
    const input = Uint8Array.from({ length: n }, () => Math.floor(r() * spread));
    const level = i % 10, strategy = strategies[i % strategies.length];
    const stream = deflateSync(input, { level, strategy });
    assertEquals(zlibInflate(stream, 65536), input, `level ${level} strategy ${strategy}`);
    assertEquals(new Uint8Array(inflateSync(zlibDeflate(input))), input);
  }
}, only);

test(
  "our inflater accepts a corrupted stream only where node:zlib reads the same bytes from it",
  () => {
    const r = rng(4);
    let refused = 0, accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const input = new TextEncoder().encode(
        "ticket-like text, TLS.identifier ".repeat(1 + (i % 20)),
      );
      const stream = new Uint8Array(
        i % 2 ? zlibDeflate(input) : deflateSync(input, { level: i % 10 }),
      );
      for (let k = 0; k < 1 + (i % 3); k++) {
        stream[Math.floor(r() * stream.length)] ^= 1 << Math.floor(r() * 8);
      }
      let theirs: Uint8Array | null = null, ours: Uint8Array | null = null;
      try {
        theirs = new Uint8Array(inflateSync(stream));
      } catch { /* refused */ }
      try {
        ours = zlibInflate(stream, 65536);
      } catch (error) {
        assert(error instanceof UserSigError, String(error));
      }
      if (ours !== null) {
        assert(theirs !== null, "we accepted what zlib refuses");
        assertEquals(ours, theirs);
        accepted++;
      } else refused++;
    }
    assert(refused > 1000, `refused ${refused}, accepted ${accepted}`);
  },
  only,
);

test("a raw deflate or gzip stream is not a ticket", () => {
  const input = new TextEncoder().encode('{"TLS.ver":"2.0"}');
  for (const stream of [deflateRawSync(input), gzipSync(input)]) {
    let error: unknown;
    try {
      zlibInflate(new Uint8Array(stream), 65536);
    } catch (e) {
      error = e;
    }
    assert(error instanceof UserSigError && error.code === "ERR_USERSIG_MALFORMED");
  }
}, only);

test(
  "official library: a UserSig for a non-ASCII or unusual UserID still verifies here, though we issue none",
  async () => {
    for (const userId of ["用户甲", "alice.smith", "a b", "ünï"]) {
      const theirs = new Official(1400000000, "official-key");
      const ticket = at(1_700_000_000, () => theirs.genUserSig(userId, 600));
      await new TLSSigAPIv2(1400000000, "official-key").verifyUserSig(ticket, userId, {
        now: 1_700_000_000,
      });
    }
  },
  only,
);

test(
  "official library: its PrivateMapKey of a non-ASCII id or room is authentic but corrupt, and said so",
  async () => {
    const theirs = new Official(1400000000, "official-key");
    const ours = new TLSSigAPIv2(1400000000, "official-key");
    const now = 1_700_000_000;
    const cases: [string, () => string, { roomId?: number; roomStr?: string }, string][] = [
      [
        "用户",
        () => theirs.genPrivateMapKey("用户", 300, 10000, 255),
        { roomId: 10000 },
        "account",
      ],
      [
        "alice",
        () => theirs.genPrivateMapKeyWithStringRoomID("alice", 300, "房间", 255),
        { roomStr: "房间" },
        "room",
      ],
      [
        "用户",
        () => theirs.genPrivateMapKeyWithStringRoomID("用户", 300, "房间", 255),
        { roomStr: "房间" },
        "account and its room",
      ],
    ];
    for (const [userId, issue, room, what] of cases) {
      const ticket = at(now, issue);
      // The signature is theirs and valid: as a UserSig with a userbuf, it verifies.
      await ours.verifyUserSig(ticket, userId, { now, userBuf: "any" });
      const error = await assertRejects(
        () => ours.verifyPrivateMapKey(ticket, userId, { now, ...room }),
        "ERR_PRIVATEMAPKEY_RECORD_CORRUPT",
        "the signature is valid, but ",
      );
      assert(/Node and Java libraries|is not UTF-8/.test(error.message), error.message);
      // What the CLI and the page show: a PrivateMapKey, and what its library wrote badly.
      const record = roomRecordOf(decodeUserSig(ticket));
      assertEquals(record?.map.sdkAppId, 1400000000);
      assertEquals(
        record?.defect,
        `its ${what} ${what.includes(" and ") ? "are" : "is"} ${CUT_TEXT}`,
      );
      const io = cliIo(now);
      assertEquals(await runCli(["inspect", ticket], io), 0);
      assert(
        io.out.includes("PrivateMapKey, format v2 (HMAC-SHA256), its room record corrupt"),
        io.out,
      );
      const verify = cliIo(now, "official-key");
      const argv = ["verify", "--sdkappid", "1400000000", "--user", userId, ticket];
      assertEquals(await runCli(argv, verify), 1);
      assert(
        verify.err.startsWith(
          "invalid: ERR_PRIVATEMAPKEY_RECORD_CORRUPT: the PrivateMapKey is authentic",
        ),
        verify.err,
      );
      assert(verify.err.includes("Tencent's Node and Java libraries"), verify.err);
      assert(verify.err.includes("Tencent answers it with -100006 (TRTC native)"), verify.err);
    }
    // Their empty string room: a string-room record of length 0.
    const empty = at(now, () => theirs.genPrivateMapKeyWithStringRoomID("alice", 300, "", 255));
    assertEquals(roomRecordOf(decodeUserSig(empty))?.defect, "an empty string room");
    await assertRejects(
      () => ours.verifyPrivateMapKey(empty, "alice", { now }),
      "ERR_PRIVATEMAPKEY_RECORD_CORRUPT",
      "the signature is valid, but userbuf is not a PrivateMapKey record: an empty string room",
    );
  },
  only,
);

test(
  "ours → official library: tickets for every printable ASCII UserID and TRTC room verify there",
  async () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
    const rooms =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,";
    const ours = new TLSSigAPIv2(1400000000, "official-key");
    const theirs = new Official(1400000000, "official-key");
    for (let i = 0; i < ascii.length; i += 32) {
      const userId = ascii.slice(i, i + 32);
      const roomStr = rooms.slice(i % 60, (i % 60) + 64);
      const now = 1_700_000_000;
      const mine = await ours.genPrivateMapKeyWithStringRoomID(userId, 300, roomStr, 255, { now });
      const official = at(
        now,
        () => theirs.genPrivateMapKeyWithStringRoomID(userId, 300, roomStr, 255),
      );
      assertEquals(decodeUserSig(mine).json, decodeUserSig(official).json, userId);
    }
  },
  only,
);
