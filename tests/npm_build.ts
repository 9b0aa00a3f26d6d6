// The npm package as scripts/build_npm.mjs builds it: built once a run for
// every test that packs, installs or copies it, in a temporary directory
// that goes when the process exits. Server runtimes only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ok } from "./subprocess.ts";

/** A new directory under the system's temporary one, removed when this process exits. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let built: Promise<string> | undefined;

/** The built package's directory, built on first use; tests read it and never write to it. */
export function npmPackage(): Promise<string> {
  built ??= (async () => {
    const pkg = join(scratchDir("usersig-npm-build-"), "package");
    const script = join(process.cwd(), "scripts", "build_npm.mjs");
    await ok(process.execPath, [script, "--outdir", pkg]);
    return pkg;
  })();
  return built;
}
