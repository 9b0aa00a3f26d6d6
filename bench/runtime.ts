// Runs the scenarios in the runtime that runs this file and prints one JSON
// line: { runtime, results (best rounds), slowest (slowest rounds),
// heapGrowth? }. In Node, Tencent's official library takes its turn in the
// same rounds. Arguments: total ops per round, concurrency, rounds, tickets
// for the heap check (0 to skip).
import { createRequire } from "node:module";
import process from "node:process";
import { heapGrowth, INPUT, measure, type SyncScenario } from "./scenarios.ts";

/** The official Node library's genUserSig: synchronous, one call after another. */
function official(): SyncScenario {
  const { Api } = createRequire(import.meta.url)("tls-sig-api-v2/TLSSigAPIv2.js");
  const api = new Api(INPUT.sdkAppId, INPUT.key);
  return (n) => {
    const start = performance.now();
    for (let i = 0; i < n; i++) api.genUserSig(INPUT.userId, INPUT.expire);
    return n / ((performance.now() - start) / 1000);
  };
}

const [total = 100000, concurrency = 256, rounds = 5, heapCount = 0] = process.argv.slice(2)
  .map(Number);
const g = globalThis as { Deno?: unknown; Bun?: { gc(force: boolean): void }; gc?: () => void };
const runtime = g.Deno ? "deno" : g.Bun ? "bun" : "node";
const sync = runtime === "node" ? { "official genUserSig": official() } : undefined;
const { best: results, slowest } = await measure(total, concurrency, rounds, sync);
let growth: number | undefined;
if (heapCount > 0) {
  const gc = g.Bun ? () => g.Bun!.gc(true) : g.gc;
  if (gc === undefined) throw new Error("run with the garbage collector exposed (--expose-gc)");
  growth = await heapGrowth(heapCount, gc, () => process.memoryUsage().heapUsed);
}
console.log(JSON.stringify({ runtime, results, slowest, heapGrowth: growth }));
