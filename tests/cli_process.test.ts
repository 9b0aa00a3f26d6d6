// The CLI as a process under attack: a ticket that forges an output line, a
// prompt killed by a signal, key files that never end or are not UTF-8, and
// paths Deno will not open. Each runs `deno run cli.ts …` in a subprocess.
import { spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { TLSSigAPIv2 } from "../mod.ts";
import { assert, assertEquals } from "./assert.ts";
import { test, type TestOptions } from "./harness.ts";
import { run, toolEnv } from "./subprocess.ts";
import { signTicket } from "./tickets.ts";

const NODE_ONLY: TestOptions = {
  runtimes: ["node"],
  why: "spawns the Deno CLI; one host is enough",
};

const KEY = "cli-process-secret-key-2b8e41";
const APP = "1400000000";
const deno = () => join(process.cwd(), "node_modules", ".bin", "deno");

/** `deno run --allow-read --allow-env cli.ts …args`: exit status and stdout with stderr. */
function usersig(args: string[], timeout?: number) {
  return run(
    deno(),
    ["run", "--allow-read", "--allow-env", "cli.ts", ...args],
    { timeoutMs: timeout },
  );
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "usersig-process-"));
}

test("usersig inspect of a ticket whose TLS.ver holds a line break adds no line", async () => {
  const now = Math.floor(Date.now() / 1000);
  const ticket = await signTicket({
    "TLS.ver": "x\nvalid: UserSig",
    "TLS.identifier": "alice",
    "TLS.sdkappid": Number(APP),
    "TLS.time": now,
    "TLS.expire": 600,
  }, KEY);
  const r = await usersig(["inspect", ticket]);
  assertEquals(r.code, 1, r.out);
  assertEquals(r.out.split("\n").length, 2, r.out); // one line and its end
  assert(r.out.startsWith("usersig: ERR_USERSIG_UNSUPPORTED_VERSION: "), r.out);
  assert(r.out.includes('"x\\u000avalid: UserSig"'), r.out);
}, NODE_ONLY);

interface Prompted {
  code: number | null;
  out: string;
}

/**
 * Runs `gen` at its key prompt on a pseudo-terminal (`script`, util-linux),
 * types `typed`, sends `signal` to the CLI, then prints the CLI's exit status
 * and the terminal's settings. Null where there is no `script`.
 */
function killAtPrompt(signal: NodeJS.Signals, typed: string): Promise<Prompted | null> {
  const cli = `${deno()} run --allow-read --allow-env cli.ts gen --sdkappid ${APP} --user a`;
  // `exec` keeps the shell's pid for the CLI; stty reads the terminal it leaves.
  const command = `sh -c 'echo "pid=$$"; exec ${cli}'; echo "status=$?"; stty -a`;
  return new Promise<Prompted>((resolve, reject) => {
    const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], {
      cwd: process.cwd(),
      env: toolEnv(),
    });
    let out = "", sent = false;
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.stdout.on("data", (d) => {
      out += d;
      const pid = /pid=(\d+)/.exec(out)?.[1];
      if (!sent && pid !== undefined && out.includes("Secret key (not echoed): ")) {
        sent = true;
        child.stdin.write(typed);
        setTimeout(() => process.kill(Number(pid), signal), 500);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  }).catch((error) => {
    if ((error as { code?: string }).code === "ENOENT") return null;
    throw error;
  });
}

test(
  "usersig gen killed at its key prompt restores the terminal's echo, then exits as the signal would",
  async () => {
    const signals = [["SIGTERM", 143], ["SIGHUP", 129], ["SIGQUIT", 131], [
      "SIGUSR1",
      138,
    ]] as const;
    for (const [signal, status] of signals) {
      const r = await killAtPrompt(signal, "S3CRET-partial");
      if (r === null) return; // no `script` on this machine
      assertEquals(r.code, 0, r.out);
      assert(r.out.includes(`status=${status}`), `${signal}: ${r.out}`);
      assert(!r.out.includes("S3CRET"), `${signal}: the typed key was echoed: ${r.out}`);
      const settings = r.out.slice(r.out.lastIndexOf("status="));
      assert(/(^|[\s;])echo([\s;]|$)/.test(settings), `${signal}: echo is off: ${settings}`);
      assert(/(^|[\s;])icanon([\s;]|$)/.test(settings), `${signal}: still raw: ${settings}`);
    }
  },
  NODE_ONLY,
);

test("usersig --key-file gives up on a FIFO that opens but never ends, and says so", async () => {
  const dir = tempDir();
  const fds: number[] = [];
  try {
    const paths = ["written", "silent"].map((name) => join(dir, name));
    for (const path of paths) {
      if (spawnSync("mkfifo", [path]).status !== 0) return; // no mkfifo on this machine
      // Open for reading and writing: it opens at once, and never ends while open.
      fds.push(openSync(path, constants.O_RDWR));
    }
    writeSync(fds[0], "S3CRET-in-a-fifo\n"); // as `<(echo key; sleep 999)`; the other as `<(sleep 12)`
    const started = Date.now();
    const runs = await Promise.all(
      paths.map((path) =>
        usersig(["gen", "--sdkappid", APP, "--user", "a", "--key-file", path], 30_000)
      ),
    );
    for (const r of runs) {
      assertEquals(r.code, 2, r.out);
      assert(r.out.includes("not read to its end within seconds: a FIFO"), r.out);
      assert(!r.out.includes("S3CRET") && !r.out.includes(dir), r.out);
    }
    assert(Date.now() - started < 25_000, "it waited for the test to kill it");
  } finally {
    for (const fd of fds) closeSync(fd);
    rmSync(dir, { recursive: true });
  }
}, NODE_ONLY);

test(
  "usersig --key-file refuses UTF-16, bytes that are not UTF-8, and control characters, never showing the key",
  async () => {
    const dir = tempDir();
    try {
      const bytes = (text: string) => new TextEncoder().encode(text);
      const utf16 = Uint8Array.from([
        0xff,
        0xfe,
        ...[..."S3CRET-key"].flatMap((c) => [c.charCodeAt(0), 0]),
      ]);
      const files: [string, Uint8Array, string][] = [
        ["notepad-unicode.key", utf16, 'it is UTF-16 (Notepad\'s "Unicode"); save it as UTF-8'],
        ["latin1.key", Uint8Array.from([...bytes("S3CRET-cl"), 0xe9]), "it is not UTF-8 text"],
        ["nul.key", bytes("S3CRET\u0000key"), "has a control character"],
        ["escape.key", bytes("S3CRET\u001b[2Jkey\n"), "has a control character"],
        ["zero-width.key", bytes("S3CRET\u200bkey"), "has an invisible character"],
      ];
      for (const [name, content] of files) writeFileSync(join(dir, name), content);
      writeFileSync(
        join(dir, "bom.key"),
        Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes(`${KEY}\r\n`)]),
      );
      const runs = await Promise.all(
        [...files.map(([name]) => name), "bom.key"].map((name) =>
          usersig(["gen", "--sdkappid", APP, "--user", "a", "--key-file", join(dir, name)])
        ),
      );
      for (const [i, [name, , message]] of files.entries()) {
        assertEquals(runs[i].code, 2, `${name}: ${runs[i].out}`);
        assert(runs[i].out.includes(message), `${name}: ${runs[i].out}`);
        assert(!runs[i].out.includes("S3CRET") && !runs[i].out.includes(dir), runs[i].out);
      }
      // A UTF-8 file with Notepad's byte order mark is read as the key it holds.
      const bom = runs[files.length];
      assertEquals(bom.code, 0, bom.out);
      await new TLSSigAPIv2(Number(APP), KEY).verifyUserSig(bom.out.trim(), "a");
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
  NODE_ONLY,
);

test(
  "usersig --key-file /dev/stdin says Deno opens it only with --allow-all, and how to pipe the key",
  async () => {
    for (const path of ["/dev/stdin", "/proc/self/environ"]) {
      const r = await usersig(["gen", "--sdkappid", APP, "--user", "a", "--key-file", path]);
      assertEquals(r.code, 2, r.out);
      assert(r.out.includes("only with --allow-all, as it does /dev/stdin"), r.out);
      assert(r.out.includes("pipe it in and leave out --key-file"), r.out);
      assert(!r.out.includes("run deno with --allow-read"), r.out);
    }
  },
  NODE_ONLY,
);
