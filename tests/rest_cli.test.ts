// `usersig rest` against the stand-in for Tencent on 127.0.0.1: the command
// through a fake I/O in Deno, Node and Bun (the call itself is real HTTP),
// then the real CLI (`deno task usersig`) in a subprocess. No output ever
// holds the key or the administrator's UserSig.
import process from "node:process";
import { type CliIo, runCli } from "../src/cli/main.ts";
import { assert, assertEquals } from "./assert.ts";
import { SERVER_RUNTIMES, test } from "./harness.ts";
import { withStandIn } from "./rest_http.ts";
import { STANDIN_APP, STANDIN_KEY, type TencentStandIn } from "./rest_standin.ts";
import { type Output, run } from "./subprocess.ts";

const SERVER = { runtimes: SERVER_RUNTIMES, why: "serves the stand-in with node:http" };
const NODE_ONLY = { runtimes: ["node" as const], why: "spawns the Deno CLI; one host is enough" };
const APP = String(STANDIN_APP);

interface Io extends CliIo {
  out: string;
  err: string;
  prompts: number;
}

/** The CLI's I/O with the key in the environment (or not), `stdin` its standard input. */
function io(
  { key = STANDIN_KEY, stdin }: { key?: string | null; stdin?: string } = {},
): Io {
  const fake: Io = {
    out: "",
    err: "",
    prompts: 0,
    stdout: (text) => void (fake.out += text),
    stderr: (text) => void (fake.err += text),
    env: (name) => (name === "TENCENT_SECRET_KEY" && key !== null ? key : undefined),
    readTextFile: () => Promise.reject(Object.assign(new Error("gone"), { name: "NotFound" })),
    readStdin: stdin === undefined ? undefined : () => Promise.resolve(stdin),
    readSecret: () => {
      fake.prompts++;
      return Promise.resolve(null);
    },
    now: () => Math.floor(Date.now() / 1000),
  };
  return fake;
}

/** What must never reach a terminal raw: controls but the line feed, DEL, C1, a bidi override. */
// deno-lint-ignore no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;

let tags = 0;
const newTag = () => `cli-${Date.now()}-${++tags}`;

/** `rest standin/echo {"Tag": tag} --sdkappid APP --base-url base`. */
function echo(tag: string, base: string): string[] {
  return [
    "rest",
    "standin/echo",
    JSON.stringify({ Tag: tag }),
    "--sdkappid",
    APP,
    "--base-url",
    base,
  ];
}

/** Neither the key nor any UserSig the stand-in saw for `tag` shows in the output. */
function assertClean(out: string, standIn: TencentStandIn, tag: string): void {
  const userSigs = standIn.log.filter((r) => r.tag === tag).map((r) => r.query.usersig);
  for (const secret of [STANDIN_KEY, ...userSigs.map((s) => s.slice(0, 24))]) {
    assert(!out.includes(secret), `the output shows a secret: ${out}`);
  }
  assert(!/usersig=(?!\[redacted\])/i.test(out), `the output shows a usersig: ${out}`);
  assert(!/^\s+at /m.test(out), `a stack trace: ${out}`);
}

test(
  "usersig rest prints Tencent's answer to a call made as the administrator",
  () =>
    withStandIn(async ({ url, standIn }) => {
      const tag = newTag();
      const fake = io();
      const status = await runCli(echo(tag, url), fake);
      assertEquals(status, 0, fake.err);
      assertEquals(fake.err, "");
      const answer = JSON.parse(fake.out);
      assertEquals([answer.ActionStatus, answer.Body], ["OK", { Tag: tag }]);
      const [seen] = standIn.log.filter((r) => r.tag === tag);
      assert(seen.verified && seen.query.identifier === "administrator", JSON.stringify(seen));
      assertClean(fake.out + fake.err, standIn, tag);
    }),
  SERVER,
);

test(
  "usersig rest takes v4/SERVICE/COMMAND, --identifier, and the body from stdin with -",
  () =>
    withStandIn(async ({ url, standIn }) => {
      const tag = newTag();
      const fake = io({ stdin: `{"Tag":"${tag}","Nick":"Ålice"}\n` });
      const status = await runCli([
        "rest",
        "v4/standin/echo",
        "-",
        "--sdkappid",
        APP,
        "--identifier",
        "ops_admin",
        "--timeout",
        "30s",
        "--base-url",
        url,
      ], fake);
      assertEquals(status, 0, fake.err);
      assertEquals(JSON.parse(fake.out).Body, { Tag: tag, Nick: "Ålice" });
      const [seen] = standIn.log.filter((r) => r.tag === tag);
      assert(seen.verified && seen.query.identifier === "ops_admin", JSON.stringify(seen));
    }),
  SERVER,
);

test(
  "usersig rest exits 1 on ActionStatus FAIL, with Tencent's answer and the code explained",
  () =>
    withStandIn(async ({ url, standIn }) => {
      const tag = newTag();
      const argv = echo(tag, url);
      const text = io({ key: "another-apps-key" });
      assertEquals(await runCli(argv, text), 1);
      assertEquals(JSON.parse(text.out).ErrorCode, 70009);
      assert(text.err.startsWith("usersig: ERR_REST_ACTION_FAILED: "), text.err);
      assert(text.err.includes("UserSig was signed with the wrong key"), text.err);
      const json = io({ key: "another-apps-key" });
      assertEquals(await runCli([...argv, "--json"], json), 1);
      const { error, response } = JSON.parse(json.out);
      assertEquals([error.code, error.errorCode, error.explanation.code], [
        "ERR_REST_ACTION_FAILED",
        70009,
        70009,
      ]);
      assertEquals(response.ActionStatus, "FAIL");
      assertEquals(json.err, "");
      assertClean(text.out + text.err + json.out, standIn, tag);
    }),
  SERVER,
);

test(
  "usersig rest exits 1 when no answer comes: timeout, refused connection",
  () =>
    withStandIn(async ({ url, refused, standIn }) => {
      const tag = newTag();
      const slow = io();
      assertEquals(await runCli([...echo(tag, `${url}/hang`), "--timeout", "1"], slow), 1);
      assert(slow.err.startsWith("usersig: ERR_REST_TIMEOUT: "), slow.err);
      const down = io();
      assertEquals(await runCli([...echo(tag, refused), "--json"], down), 1);
      assertEquals(JSON.parse(down.out).error.code, "ERR_REST_UNREACHABLE");
      assertClean(slow.out + slow.err + down.out + down.err, standIn, tag);
    }),
  SERVER,
);

test(
  "usersig rest escapes what the server sends before it reaches the terminal",
  () =>
    withStandIn(async ({ url, standIn }) => {
      const tag = newTag();
      const hostile = "\u001b]52;c;cGF3bmVk\u0007\u009b2J\u202eevil";
      for (const json of [false, true]) {
        const fake = io();
        const body = JSON.stringify({ Tag: tag, ErrorCode: 20003, ErrorInfo: hostile });
        const argv = ["rest", "standin/fail", body, "--sdkappid", APP, "--base-url", url];
        assertEquals(await runCli(json ? [...argv, "--json"] : argv, fake), 1);
        const shown = fake.out + fake.err;
        assert(!UNSAFE.test(shown) && shown.includes("evil"), shown);
        assertClean(shown, standIn, tag);
      }
    }),
  SERVER,
);

test("usersig rest refuses bad usage with exit 2, before asking for the key", async () => {
  const cases: [string[], string][] = [
    [["rest", "--sdkappid", APP], "SERVICE/COMMAND argument is missing"],
    [["rest", "a/b/c", "--sdkappid", APP], "two names"],
    [["rest", "../x", "--sdkappid", APP], "service must be"],
    [["rest", "s/c?x", "--sdkappid", APP], "command must be"],
    [["rest", "s/c", '{"secret-body":', "--sdkappid", APP], "must be a JSON object"],
    [["rest", "s/c", "[1]", "--sdkappid", APP], "must be a JSON object"],
    [["rest", "s/c", "{}", "stray-secret", "--sdkappid", APP], "1 extra"],
    [["rest", "s/c"], "--sdkappid is required"],
    [["rest", "s/c", "--sdkappid", "14e8"], "whole number"],
    [["rest", "s/c", "--sdkappid", "0"], "sdkAppId"],
    [["rest", "s/c", "--sdkappid", APP, "--region", "mars"], "silicon-valley"],
    [
      ["rest", "s/c", "--sdkappid", APP, "--region", "tokyo", "--base-url", "https://x.example"],
      "not both",
    ],
    [
      ["rest", "s/c", "--sdkappid", APP, "--base-url", "http://x.example"],
      "--base-url must be https",
    ],
    [["rest", "s/c", "--sdkappid", APP, "--timeout", "0"], "--timeout"],
    [["rest", "s/c", "--sdkappid", APP, "--timeout", "25d"], "at most"],
    [["rest", "s/c", "--sdkappid", APP, "--identifier", "a\u001bb"], "--identifier"],
    [["rest", "s/c", "--sdkappid", APP, "--secret-key", "k"], "not accepted"],
  ];
  // Should a case get past its checks, it reaches nothing: a closed port on loopback.
  const nowhere = ["--base-url", "http://127.0.0.1:9"];
  for (const [argv, includes] of cases) {
    const fake = io({ key: null });
    const where = argv.includes("--region") || argv.includes("--base-url") ? [] : nowhere;
    assertEquals(await runCli([...argv, ...where], fake), 2, `${argv.join(" ")}: ${fake.err}`);
    assert(fake.err.includes(includes), `${argv.join(" ")}: ${fake.err}`);
    assert(!fake.err.includes("secret-body") && !fake.err.includes("stray-secret"), fake.err);
    assertEquals(fake.prompts, 0, argv.join(" "));
  }
  const piped = io({ key: null, stdin: "{}" });
  assertEquals(await runCli(["rest", "s/c", "-", "--sdkappid", APP, ...nowhere], piped), 2);
  assert(piped.err.includes("the key cannot"), piped.err);
  assertEquals(piped.prompts, 0);
});

/** Runs `deno …` in the repository with the key in the environment and `input` piped in. */
function deno(args: string[], input = "", key = STANDIN_KEY): Promise<Output> {
  const command = `${process.cwd()}/node_modules/.bin/deno`;
  return run(command, args, { input, env: { TENCENT_SECRET_KEY: key } });
}

test(
  "deno task usersig rest calls the stand-in, the body piped in; exit 0",
  () =>
    withStandIn(async ({ url, standIn }) => {
      const tag = newTag();
      const r = await deno(
        [
          "task",
          "-q",
          "usersig",
          "rest",
          "standin/echo",
          "-",
          "--sdkappid",
          APP,
          "--base-url",
          url,
        ],
        JSON.stringify({ Tag: tag }),
      );
      assertEquals(r.code, 0, r.stderr);
      assertEquals(JSON.parse(r.stdout).Body, { Tag: tag });
      assertClean(r.stdout + r.stderr, standIn, tag);
    }),
  NODE_ONLY,
);

test(
  "the real CLI exits 1 on FAIL, and without --allow-net says how to grant it",
  () =>
    withStandIn(async ({ url, standIn }) => {
      const tag = newTag();
      const argv = echo(tag, url);
      const failed = await deno(
        ["run", "--allow-read", "--allow-env", "--allow-net=127.0.0.1", "cli.ts", ...argv],
        "",
        "another-apps-key",
      );
      assertEquals(failed.code, 1, failed.stderr);
      assert(failed.stderr.includes("ErrorCode 70009"), failed.stderr);
      const denied = await deno(["run", "--allow-read", "--allow-env", "cli.ts", ...argv]);
      assertEquals(denied.code, 1, denied.stderr);
      assert(denied.stderr.includes("--allow-net"), denied.stderr);
      assertClean(failed.stdout + failed.stderr + denied.stdout + denied.stderr, standIn, tag);
    }),
  NODE_ONLY,
);
