// Quick local comparisons with `deno bench bench/usersig_bench.ts`: one call
// at a time, so the figures show each step's cost, not throughput under load
// (for that, and for the official library, run `deno task bench`).
import { decodeUserSig, TLSSigAPIv2 } from "../mod.ts";
import { zlibDeflate } from "../src/deflate.ts";
import { zlibInflate } from "../src/inflate.ts";
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
