// Runs the scenarios in the runtime that runs this file and prints one JSON
// line: { runtime, results (best rounds), slowest (slowest rounds),
// heapGrowth? }. Arguments: total ops per round, concurrency, rounds,
// tickets for the heap check (0 to skip).
import process from "node:process";
import { heapGrowth, measure } from "./scenarios.ts";

const [total = 100000, concurrency = 256, rounds = 5, heapCount = 0] = process.argv.slice(2)
  .map(Number);
const g = globalThis as { Deno?: unknown; Bun?: { gc(force: boolean): void }; gc?: () => void };
const runtime = g.Deno ? "deno" : g.Bun ? "bun" : "node";
const { best: results, slowest } = await measure(total, concurrency, rounds);
let growth: number | undefined;
if (heapCount > 0) {
  const gc = g.Bun ? () => g.Bun!.gc(true) : g.gc;
  if (gc === undefined) throw new Error("run with the garbage collector exposed (--expose-gc)");
  growth = await heapGrowth(heapCount, gc, () => process.memoryUsage().heapUsed);
}
console.log(JSON.stringify({ runtime, results, slowest, heapGrowth: growth }));
