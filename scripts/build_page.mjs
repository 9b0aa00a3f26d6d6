#!/usr/bin/env node
// Bundles the browser page's script and genTestUserSig, each with the core,
// into examples/browser/dist/ (or the folder given as the argument). The
// bundles are committed, so the page needs no build step; a test rebuilds
// them elsewhere and fails if the committed ones are stale.
import { build } from "esbuild";
import { join } from "node:path";
import process from "node:process";

const root = process.cwd();
const outdir = process.argv[2] ?? join(root, "examples", "browser", "dist");

await build({
  entryPoints: ["app.ts", "gen_test_user_sig.ts"].map((f) => join(root, "examples", "browser", f)),
  outdir,
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2022",
  logLevel: "warning",
});
