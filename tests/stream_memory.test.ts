// Memory, measured without a clock: whatever reads a stranger's stream (the
// service's drain and body reading, the REST client's answer) must not keep
// the chunks it has read. In each server runtime, a probe of the same
// runtime (stream_memory_probe.ts) runs with its garbage collector at hand,
// and counts how many of 2000 chunks read — each a 64 KiB buffer — are
// still alive after a full collection. Holding them (a race per read, or a
// list of views) would keep all 2000: 125 MiB, and 64 KiB more for each
// further chunk.
import { join } from "node:path";
import process from "node:process";
import { assert, assertEquals } from "./assert.ts";
import { runtime, SERVER_RUNTIMES, test } from "./harness.ts";
import { ok, run } from "./subprocess.ts";

const root = () => process.cwd();
const bin = (name: string) => join(root(), "node_modules", ".bin", name);

/** The probe in this runtime, with its garbage collector exposed: what it printed. */
async function probe(): Promise<Record<string, number>> {
  const script = "tests/stream_memory_probe.ts";
  let command: [string, string[]];
  if (runtime === "deno") {
    command = [process.execPath, ["run", "--v8-flags=--expose-gc", script]];
  } else if (runtime === "bun") {
    command = [process.execPath, [script]];
  } else {
    const bundle = join(root(), ".build", "stream_memory_probe.mjs");
    await ok(bin("esbuild"), [
      script,
      "--bundle",
      "--format=esm",
      "--platform=node",
      "--packages=external",
      "--log-level=error",
      `--outfile=${bundle}`,
    ]);
    command = [process.execPath, ["--expose-gc", bundle]];
  }
  const { code, stdout, out } = await run(...command);
  assert(code === 0, `the probe exited with ${code}:\n${out.trim()}`);
  return JSON.parse(stdout.trim().split("\n").at(-1)!); // the JSON is its last line
}

test(
  `stream memory (${runtime}): the drain, the body reader and the REST client keep no chunk they have read`,
  async () => {
    const { of, ...alive } = await probe();
    assertEquals(of, 2000);
    assertEquals(Object.keys(alive), ["drain", "body", "rest"]);
    for (const [reader, count] of Object.entries(alive)) {
      // A conservative collector (Bun's) may keep a few by chance; a reader that kept them keeps all.
      assert(count >= 0 && count <= 20, `${reader}: ${count} of ${of} chunks still alive`);
    }
  },
  { runtimes: SERVER_RUNTIMES, why: "runs a probe process with its garbage collector exposed" },
);
