// Quick local comparisons with `deno bench bench/usersig_bench.ts`: one call
// at a time, so the figures show each step's cost, not throughput under load
// (for that, and for the official library, run `deno task bench`).
import { inflateSync } from "node:zlib";
import { decodeUserSig, TLSSigAPIv2 } from "../mod.ts";
import { zlibDeflate } from "../src/deflate.ts";
import { zlibInflate } from "../src/inflate.ts";
import { craftedStreams } from "./crafted.ts";
import { bareHmac, INPUT } from "./scenarios.ts";

const api = new TLSSigAPIv2(INPUT.sdkAppId, INPUT.key);
const options = { now: INPUT.time };
const userSig = await api.genUserSig(INPUT.userId, INPUT.expire, options);
const json = new TextEncoder().encode(decodeUserSig(userSig).json);
const zlib = zlibDeflate(json);
const hmac = await bareHmac();

Deno.bench("bare crypto.subtle HMAC", { baseline: true, group: "issue" }, async () => {
  await hmac();
});
Deno.bench("genUserSig", { group: "issue" }, async () => {
  await api.genUserSig(INPUT.userId, INPUT.expire, options);
});
Deno.bench("verifyUserSig", { group: "issue" }, async () => {
  await api.verifyUserSig(userSig, INPUT.userId, options);
});
Deno.bench("zlibDeflate (ticket document)", { group: "zlib" }, () => {
  zlibDeflate(json);
});
Deno.bench("zlibInflate (ticket document)", { group: "zlib" }, () => {
  zlibInflate(zlib, 65536);
});
Deno.bench("decodeUserSig", { group: "zlib" }, () => {
  decodeUserSig(userSig);
});

// The costliest crafted tickets (bench/crafted.ts; all of them: `deno task bench -- --crafted`).
const crafted = craftedStreams();
for (
  const name of ["empty dynamic blocks, full codes", "empty dynamic blocks, 8- and 9-bit codes"]
) {
  const stream = crafted[name];
  Deno.bench(`node:zlib inflateSync (${name})`, { baseline: true, group: name }, () => {
    inflateSync(stream);
  });
  Deno.bench(`zlibInflate (${name})`, { group: name }, () => {
    zlibInflate(stream, 65536, true);
  });
}
