// Running the repository's tools (npm, deno, git, node) from a test: to the
// end, output collected, with no settings inherited from an npm that runs the
// suite. Server runtimes only.
import { spawn } from "node:child_process";
import process from "node:process";
import { assert } from "./assert.ts";

/** How a command ended, and what it printed on stdout and stderr together. */
export interface Output {
  code: number | null;
  out: string;
}

/** This process's environment without npm's `npm_*` settings, colours and nags off. */
function toolEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^npm_/i.test(key)) env[key] = value;
  }
  return {
    ...env,
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
    npm_config_update_notifier: "false",
    npm_config_audit: "false",
    npm_config_fund: "false",
  };
}

/** Runs a command to its end (at most `timeout` ms); never rejects. */
export function run(cmd: string, args: string[], cwd: string, timeout = 60_000): Promise<Output> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env: toolEnv(), timeout });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", (error) => resolve({ code: -1, out: out + String(error) }));
    child.on("close", (code) => resolve({ code, out }));
  });
}

/** Runs a command that must succeed; its output. */
export async function ok(
  cmd: string,
  args: string[],
  cwd: string,
  timeout?: number,
): Promise<string> {
  const { code, out } = await run(cmd, args, cwd, timeout);
  assert(code === 0, `${cmd} ${args.join(" ")} exited with ${code}:\n${out.trim()}`);
  return out;
}
