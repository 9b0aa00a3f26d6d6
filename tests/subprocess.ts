// Running a command from a test (npm, deno, git, node, the CLI): to its end or
// its time limit, its input piped in and its output collected, with no
// settings inherited from an npm that runs the suite and no key from the
// shell. Server runtimes only.
import { spawn } from "node:child_process";
import process from "node:process";
import { assert } from "./assert.ts";

/** How a command ended, and what it printed. */
export interface Output {
  /** Its exit code; null when it was killed (at its time limit), -1 when it could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, in the order they came. */
  out: string;
}

/** Where and how a command runs. */
export interface RunOptions {
  /** Its working directory; the repository (this process's) by default. */
  cwd?: string;
  /** Variables set for it on top of {@link toolEnv}'s. */
  env?: Record<string, string>;
  /** Written to its standard input, which is then closed; nothing by default. */
  input?: string;
  /** Kills it (SIGKILL) after this long; 60 s by default. */
  timeoutMs?: number;
}

/**
 * This process's environment without npm's `npm_*` settings and without
 * TENCENT_SECRET_KEY (a command gets a key only where a test gives one),
 * colours and nags off, then `extra`.
 */
export function toolEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^npm_/i.test(key) && key !== "TENCENT_SECRET_KEY") {
      env[key] = value;
    }
  }
  return {
    ...env,
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
    npm_config_update_notifier: "false",
    npm_config_audit: "false",
    npm_config_fund: "false",
    ...extra,
  };
}

/** Runs a command to its end or its time limit; never rejects. */
export function run(cmd: string, args: string[], options: RunOptions = {}): Promise<Output> {
  const { cwd = process.cwd(), env = {}, input = "", timeoutMs = 60_000 } = options;
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd,
      env: toolEnv(env),
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
    let stdout = "", stderr = "", out = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      out += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      out += d;
    });
    child.on("error", (error) => {
      const text = `${cmd}: ${String(error)}`;
      resolve({ code: -1, stdout, stderr: stderr + text, out: out + text });
    });
    child.on("close", (code) => resolve({ code, stdout, stderr, out }));
    child.stdin.on("error", () => {}); // a command may exit before reading its input
    child.stdin.end(input);
  });
}

/** Runs a command that must succeed; what it printed (stdout and stderr together). */
export async function ok(cmd: string, args: string[], options: RunOptions = {}): Promise<string> {
  const { code, out } = await run(cmd, args, options);
  assert(code === 0, `${cmd} ${args.join(" ")} exited with ${code}:\n${out.trim()}`);
  return out;
}
