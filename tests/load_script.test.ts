// scripts/load.ts (`deno task load`) as people call it: `--help` prints the
// options and starts nothing; an unknown option or a value out of range is
// refused before anything starts (those runs point at a port where nothing
// listens, so that a script that ignored the mistake would run and fail
// there instead); and a short run starts its own Worker at a free port, not
// at a fixed one where another server may answer. (A full run is not a
// test: it is bounded but long.)
import { createServer } from "node:http";
import { join } from "node:path";
import process from "node:process";
import { assert, assertEquals } from "./assert.ts";
import { test, type TestOptions } from "./harness.ts";
import { run } from "./subprocess.ts";

const root = () => process.cwd();

/** `deno task load` with `args`, as deno.json's task runs it, killed after `timeout` ms. */
function load(args: string[], timeout = 60_000) {
  return run(
    join(root(), "node_modules", ".bin", "deno"),
    [
      "run",
      "--allow-read=.",
      "--allow-env",
      "--allow-net=127.0.0.1",
      "--allow-run=node",
      "scripts/load.ts",
      ...args,
    ],
    { timeoutMs: timeout },
  );
}

const ONE_HOST: TestOptions = {
  runtimes: ["node"],
  why: "runs the script in Deno as a subprocess; one host is enough",
};
const NOWHERE = ["--url", "http://127.0.0.1:9", "--requests", "1"];

test("load script: --help prints the options and exits 0 without sending anything", async () => {
  for (const help of ["--help", "-h"]) {
    const { code, out } = await load([help, ...NOWHERE]);
    assertEquals(code, 0, out);
    for (const option of ["--requests", "--concurrency", "--oversized", "--max-seconds", "--url"]) {
      assert(out.includes(option), `${option} in ${out}`);
    }
    assert(!out.includes("requests to http"), `a run started: ${out}`);
  }
}, ONE_HOST);

test(
  "load script: an unknown option, a missing value or one out of range exits 2 before anything starts",
  async () => {
    const cases: [string[], string][] = [
      [[...NOWHERE, "--bogus"], 'unknown argument "--bogus"'],
      [[...NOWHERE, "extra"], 'unknown argument "extra"'],
      [[...NOWHERE, "--oversized"], "--oversized needs a value"],
      [["--url", "http://127.0.0.1:9", "--requests", "0"], "--requests must be an integer"],
      [[...NOWHERE, "--concurrency=1.5"], "--concurrency must be an integer"],
      [
        ["--url", "http://example.com", "--requests", "1"],
        "--url must be an http URL on 127.0.0.1",
      ],
      [
        ["--url", "http://localhost:9", "--requests", "1"],
        "--url must be an http URL on 127.0.0.1",
      ],
      [["--url", "http://u:pw@127.0.0.1:9", "--requests", "1"], "--url must not carry credentials"],
    ];
    for (const [args, message] of cases) {
      const { code, out } = await load(args);
      assertEquals(code, 2, `${args.join(" ")}: ${out}`);
      assert(out.includes(message), `${args.join(" ")}: ${out}`);
      assert(!out.includes("requests to http"), `a run started: ${out}`);
    }
  },
  ONE_HOST,
);

test(
  "load script: a --url's control characters are written escaped, as the URL parser writes them",
  async () => {
    const { out } = await load(["--url", "http://127.0.0.1:9/\x1b[31m", "--requests", "1"]);
    assert(out.includes("requests to http://127.0.0.1:9/%1B[31m"), out);
    assert(!out.includes("\x1b"), `an escape sequence in ${JSON.stringify(out)}`);
  },
  ONE_HOST,
);

test(
  "load script: a short run starts its own Worker at a free port, never sending to a server on the old fixed one",
  async () => {
    // A server on 8790, where the script used to start its Worker: it answers
    // everything with 200, as a Worker's /healthz would, and counts.
    let strays = 0;
    const decoy = createServer((req, res) => {
      strays++;
      req.resume();
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    });
    const held = await new Promise<boolean>((resolve) => {
      decoy.once("error", () => resolve(false)); // taken already: the run must not use it either
      decoy.listen(8790, "127.0.0.1", () => resolve(true));
    });
    try {
      const { code, out } = await load(["--requests", "3", "--concurrency", "1"], 240_000);
      assertEquals(code, 0, out);
      const url = /3 of 3 requests to (http:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      assert(url !== null && url[2] !== "8790", `the run's Worker: ${out}`);
      assert(out.includes("tickets verified with the core: 3 of 3"), out);
      assertEquals(strays, 0, "requests sent to the server on 8790");
    } finally {
      if (held) await new Promise((resolve) => decoy.close(resolve));
    }
  },
  ONE_HOST,
);
