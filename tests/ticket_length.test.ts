// How long our tickets are against the same documents compressed by zlib at
// level 6 (what the official libraries use): the in-house writer uses the
// fixed Huffman code and matches only where ticket JSON repeats itself, so a
// userbuf's base64 costs 8 bits a character where level 6 needs about 6. The
// figures in docs/api.md are this test's bounds. Server runtimes: node:zlib.
import { deflateSync } from "node:zlib";
import { decodeUserSig, TLSSigAPIv2 } from "../mod.ts";
import { encodeTicketBase64 } from "../src/base64.ts";
import { assert } from "./assert.ts";
import { SERVER_RUNTIMES, test } from "./harness.ts";

/** mulberry32: the same 400 tickets in every run and runtime. */
function random(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** Our ticket's length over that of a ticket of the same document at zlib level 6. */
function ratio(ticket: string): number {
  const json = new TextEncoder().encode(decodeUserSig(ticket).json);
  return ticket.length / encodeTicketBase64(deflateSync(json, { level: 6 })).length;
}

test(
  "400 seeded tickets: without a userbuf of their own within 1.2× of zlib level 6's length, with up to 8 KiB of random bytes within 1.35×",
  async () => {
    const int = random(13);
    const id = () =>
      Array.from({ length: 1 + int(32) }, () => "abcdefghijklmnopqrstuvwxyz0123456789_-@."[int(40)])
        .join("");
    let plain = 0, withUserBuf = 0;
    for (let i = 0; i < 400; i++) {
      const api = new TLSSigAPIv2(1 + int(4294967295), `key-${i}`);
      const userId = id(), kind = i % 4;
      if (kind === 3) {
        const userBuf = Uint8Array.from({ length: 1 + int(8192) }, () => int(256));
        const r = ratio(await api.genUserSigWithUserBuf(userId, 1 + int(86400), userBuf));
        withUserBuf = Math.max(withUserBuf, r);
        continue;
      }
      const ticket = kind === 0
        ? await api.genUserSig(userId, 1 + int(15552000))
        : kind === 1
        ? await api.genPrivateMapKey(userId, 300, 1 + int(4294967294), int(256))
        : await api.genPrivateMapKeyWithStringRoomID(userId, 300, `room-${int(1e9)}`, int(256));
      plain = Math.max(plain, ratio(ticket));
    }
    assert(plain <= 1.2, `UserSig and PrivateMapKey: up to ${plain.toFixed(3)}×`);
    assert(withUserBuf <= 1.35, `random userbuf: up to ${withUserBuf.toFixed(3)}×`);
  },
  { runtimes: SERVER_RUNTIMES, why: "compares with node:zlib" },
);
