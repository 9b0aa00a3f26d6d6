// The version: written once, in deno.json; read through src/version.ts by the
// CLI (and the npm build, and any entry that reports it), in every runtime.
import { type CliIo, runCli } from "../src/cli/main.ts";
import { VERSION } from "../src/version.ts";
import { assert, assertEquals } from "./assert.ts";
import { test } from "./harness.ts";

/** Semantic Versioning 2.0.0, without build metadata. */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

function io(): CliIo & { out: string; err: string } {
  const fake = {
    out: "",
    err: "",
    stdout: (text: string) => void (fake.out += text),
    stderr: (text: string) => void (fake.err += text),
    env: () => undefined,
    readTextFile: () => Promise.reject(new Error("no file is read")),
    readSecret: () => Promise.reject(new Error("no key is asked for")),
    now: () => 1_700_000_000,
  };
  return fake;
}

test("VERSION reads deno.json's version, a semantic version, in this runtime", () => {
  assert(typeof VERSION === "string" && SEMVER.test(VERSION), `VERSION is ${VERSION}`);
});

test("usersig --version and -V print `usersig <version>` and exit 0", async () => {
  for (const flag of ["--version", "-V"]) {
    const fake = io();
    assertEquals(await runCli([flag], fake), 0, flag);
    assertEquals(fake.out, `usersig ${VERSION}\n`, flag);
    assertEquals(fake.err, "", flag);
  }
});

test("usersig --help shows --version; a near miss is an unknown option", async () => {
  const help = io();
  assertEquals(await runCli(["--help"], help), 0);
  assert(help.out.includes("usersig -V, --version"), help.out);
  const typo = io();
  assertEquals(await runCli(["--versions"], typo), 2);
  assert(typo.err.includes("unknown option --versions"), typo.err);
  assertEquals(typo.out, "");
});
