#!/usr/bin/env node
// Measures what a page loads: the whole core (mod.ts and everything it
// imports) and the browser test-ticket generator (issuing alone), each bundled
// and minified by esbuild, then gzipped, against its budget. `node
// bench/size.mjs` prints both and exits 1 when either is over; a test runs it.
import { gzipSync } from "node:zlib";
import process from "node:process";

/** What is measured, and the most each may weigh minified and gzipped. */
export const BUDGETS = [
  { name: "core", entry: "mod.ts", maxGzipped: 8704 }, // 8.5 KiB
  { name: "generator", entry: "examples/browser/gen_test_user_sig.ts", maxGzipped: 4096 },
];

/** Bytes of `entry` bundled: minified, and minified + gzipped. */
export async function bundleSize(entry) {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  const code = result.outputFiles[0].contents;
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

/** Every budget with its measured sizes and whether it holds. */
export async function measure() {
  return await Promise.all(BUDGETS.map(async (budget) => {
    const size = await bundleSize(budget.entry);
    return { ...budget, ...size, ok: size.gzipped <= budget.maxGzipped };
  }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let over = false;
  for (const m of await measure()) {
    over ||= !m.ok;
    console.log(
      `${m.name} (${m.entry}): ${m.minified} bytes minified, ${m.gzipped} bytes minified + gzipped` +
        ` (budget ${m.maxGzipped}: ${m.ok ? "within" : "OVER"})`,
    );
  }
  process.exit(over ? 1 : 0);
}
