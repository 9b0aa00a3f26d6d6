// Servers the tests start as people start them: a subprocess in a process
// group of its own, on port 0, with this process's environment but no real
// service settings, found by the http://127.0.0.1:PORT line it prints, and
// killed with everything it started when the test is done or this process
// exits. For the example servers (Node, Deno, Bun, wrangler dev, Hono).
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";

const START_TIMEOUT_MS = 60_000;

/** The environment of a child: this process's, without any real service settings, plus `extra`. */
function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(SDK_APP_ID|SECRET_KEY|AUTH_|ALLOWED_ORIGINS)/.test(name)) {
      env[name] = value;
    }
  }
  return { ...env, ...extra };
}

/** Signals a child's whole process group (it was spawned detached: the group is its own). */
function killGroup(child: ChildProcess, signal: "SIGTERM" | "SIGINT" | "SIGKILL"): void {
  try {
    process.kill(-child.pid!, signal);
  } catch { /* the group is gone */ }
}

/** Every child still running, killed with its group when this process exits whatever happened. */
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of children) killGroup(child, "SIGKILL");
});

/** A server started by {@link serve}. */
export interface Server {
  port: number;
  /** Everything the server printed so far. */
  output(): string;
  /** Whether it has exited (by itself: a crash). */
  exited(): boolean;
  /** Kills it and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts a server on port 0 and waits for the line that says where it listens. */
export function serve(
  command: string,
  args: string[],
  env: Record<string, string>,
  stopSignal: "SIGTERM" | "SIGINT" = "SIGTERM",
): Promise<Server> {
  // A process group of its own, so that stopping it stops what it started
  // too (wrangler runs workerd and esbuild, and forwards no signal to them).
  const child = spawn(command, args, {
    cwd: process.cwd(),
    env: childEnv({ ...env, PORT: "0" }),
    detached: true,
  });
  children.add(child);
  let out = "";
  let exitCode: number | string | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exitCode = code ?? signal;
      resolve();
    });
  });
  const server = {
    port: 0,
    output: () => out,
    exited: () => exitCode !== undefined,
    async stop() {
      if (exitCode === undefined) {
        killGroup(child, stopSignal);
        const timer = setTimeout(() => killGroup(child, "SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await sleep(500); // what it started stops after it
      killGroup(child, "SIGKILL");
      children.delete(child);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      server.stop().then(() => reject(new Error(`${command} did not start: ${out}`)));
    }, START_TIMEOUT_MS);
    const listen = (d: unknown) => {
      out += String(d);
      const match = /http:\/\/127\.0\.0\.1:([1-9]\d*)/.exec(out);
      if (match !== null && server.port === 0) {
        server.port = Number(match[1]);
        clearTimeout(timer);
        resolve(server);
      }
    };
    child.stdout.on("data", listen);
    child.stderr.on("data", listen);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${command} exited ${exitCode} before listening: ${out}`));
    });
  });
}

/** Starts a server (see `serve`), runs `check` on it, and stops it whatever happened. */
export async function withServer(
  command: string,
  args: string[],
  env: Record<string, string>,
  check: (server: Server) => Promise<void>,
  stopSignal: "SIGTERM" | "SIGINT" = "SIGTERM",
): Promise<void> {
  const server = await serve(command, args, env, stopSignal);
  try {
    await check(server);
  } finally {
    await server.stop();
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
