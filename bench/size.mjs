#!/usr/bin/env node
// Measures the core bundle: mod.ts and everything it imports, bundled and
// minified by esbuild, then gzipped. `node bench/size.mjs` prints it.
import { gzipSync } from "node:zlib";
import process from "node:process";

/** Bytes of the core bundle, minified and minified + gzipped. */
export async function coreSize(entry = "mod.ts") {
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

if (import.meta.url === `file://${process.argv[1]}`) {
  const { minified, gzipped } = await coreSize();
  console.log(`core bundle: ${minified} bytes minified, ${gzipped} bytes minified + gzipped`);
}
