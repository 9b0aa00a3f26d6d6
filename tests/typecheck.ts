// A user's TypeScript type-checked against the npm package's declarations, as
// a Node project would check it: this repository's tsc, module nodenext,
// strict, ES and DOM libraries, no @types. Node only.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { assert } from "./assert.ts";
import { ok } from "./subprocess.ts";

/**
 * Writes `source` as `file` in `dir` (a project with the package in its
 * node_modules) and a tsconfig.json that checks that file alone, then runs
 * tsc there; fails with tsc's output.
 */
export async function typeCheck(dir: string, file: string, source: string): Promise<void> {
  const tsc = join(process.cwd(), "node_modules", "typescript", "bin", "tsc");
  assert(existsSync(tsc), "TypeScript is missing: run `npm install`");
  writeFileSync(join(dir, file), source);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "es2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        lib: ["es2022", "dom"],
        types: [],
        strict: true,
        noEmit: true,
      },
      files: [file],
    }),
  );
  await ok(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: dir });
}
