// CI's check of the Next.js example (examples/nextjs), as a user runs it:
// the npm build of this repository (what the example depends on), `npm ci`
// from the example's lockfile, `next build`, `next start` on 127.0.0.1 at a
// free port with the demo settings; then tickets through /api/im with a demo
// token, verified with the core. The server is stopped whatever happens.
// Prints each step with its time and ends with `nextjs: N passed, N failed,
// 0 skipped`; exits 1 on any failure. `npm test` runs it as its last step when
// USERSIG_NEXTJS=1 (as `.ci/run` sets it).
//
//   ./node_modules/.bin/deno run -A scripts/check_nextjs.ts
import { TLSSigAPIv2 } from "../mod.ts";
import { DEMO_SDK_APP_ID, freePort, mintToken, readDevVars } from "./dev_env.ts";

const EXAMPLE = "examples/nextjs";
const BIN = `${Deno.cwd()}/${EXAMPLE}/node_modules/.bin`;
const ORIGIN = "http://localhost:5173";
const START_TIMEOUT_MS = 120_000;
const demo = readDevVars();
const settings: Record<string, string> = {
  SDK_APP_ID: String(DEMO_SDK_APP_ID),
  SECRET_KEY: demo.SECRET_KEY,
  AUTH_JWT_SECRET: demo.AUTH_JWT_SECRET,
  ALLOWED_ORIGINS: ORIGIN,
};

/** This process's environment without service settings, plus `extra`; no telemetry. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  const kept = Object.entries(Deno.env.toObject())
    .filter(([name]) =>
      !/^(SDK_APP_ID|SECRET_KEY|AUTH_|ALLOWED_ORIGINS|BASE_PATH|npm_)/.test(name)
    );
  return {
    ...Object.fromEntries(kept),
    NEXT_TELEMETRY_DISABLED: "1",
    NO_COLOR: "1",
    npm_config_update_notifier: "false",
    npm_config_audit: "false",
    npm_config_fund: "false",
    ...extra,
  };
}

const results = { passed: 0, failed: 0 };

/** Runs one step, printing `ok <name> (seconds)` or `FAIL <name>` and why. */
async function step(name: string, fn: () => Promise<void>): Promise<boolean> {
  const started = performance.now();
  try {
    await fn();
    results.passed++;
    console.log(`ok ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    return true;
  } catch (error) {
    results.failed++;
    console.log(`FAIL ${name}\n  ${String(error instanceof Error ? error.message : error)}`);
    return false;
  }
}

/** Runs a command to its end; throws with the end of its output when it fails. */
async function run(command: string, args: string[], cwd = "."): Promise<void> {
  const { code, stdout, stderr } = await new Deno.Command(command, {
    args,
    cwd,
    env: env(),
    clearEnv: true,
    stdin: "null",
  }).output();
  if (code !== 0) {
    const out = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
    throw new Error(`${command} ${args.join(" ")} exited ${code}:\n${out.trim().slice(-4000)}`);
  }
}

let server: Deno.ChildProcess | undefined;
let output = "";

/** Stops `next start` and everything it started; waits until it has exited. */
async function stop(): Promise<void> {
  if (server === undefined) return;
  const child = server;
  server = undefined;
  const kill = (signal: Deno.Signal) => {
    try {
      Deno.kill(-child.pid, signal); // its process group
    } catch { /* already gone */ }
  };
  kill("SIGTERM");
  const timer = setTimeout(() => kill("SIGKILL"), 5000);
  await child.status;
  clearTimeout(timer);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => stop().finally(() => Deno.exit(1)));
}

async function start(port: number): Promise<void> {
  server = new Deno.Command(`${BIN}/next`, {
    args: ["start", "--hostname", "127.0.0.1", "--port", String(port)],
    cwd: EXAMPLE,
    env: env(settings),
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  const decoder = new TextDecoder();
  for (const stream of [server.stdout, server.stderr]) {
    stream.pipeTo(new WritableStream({ write: (chunk) => void (output += decoder.decode(chunk)) }))
      .catch(() => {});
  }
  const exited = server.status.then((status) => status.code);
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const code = await Promise.race([exited, new Promise((r) => setTimeout(r, 200))]);
    if (typeof code === "number") throw new Error(`next start exited ${code}:\n${output}`);
    const health = await fetch(`http://127.0.0.1:${port}/api/im/healthz`).catch(() => undefined);
    if (health !== undefined) {
      const body = await health.text();
      if (health.status === 200 && body === '{"status":"ok"}') return;
      throw new Error(`GET /api/im/healthz answered ${health.status}: ${body}`);
    }
  }
  throw new Error(`next start did not answer within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
}

function assertEquals(actual: unknown, expected: unknown, what: string): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
}

/** The tickets and refusals the example must give, through the running server. */
async function calls(base: string): Promise<void> {
  const api = new TLSSigAPIv2(DEMO_SDK_APP_ID, settings.SECRET_KEY);
  const token = await mintToken("alice", settings.AUTH_JWT_SECRET, 600);
  const bearer = { authorization: `Bearer ${token}` };

  await step(
    "POST /api/im/usersig issues a UserSig for the token's user, verified by the core",
    async () => {
      const response = await fetch(`${base}/api/im/usersig`, { method: "POST", headers: bearer });
      const body = await response.json();
      assertEquals(response.status, 200, `status (${JSON.stringify(body)})`);
      const claims = await api.verifyUserSig(body.userSig, "alice");
      assertEquals([body.userId, body.expiresAt], ["alice", claims.expiresAt], "the ticket");
    },
  );
  await step("POST /api/im/privatemapkey issues a room key within the room policy", async () => {
    const response = await fetch(`${base}/api/im/privatemapkey`, {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json" },
      body: JSON.stringify({ roomStr: "alice", privileges: "EnterRoom,SendAudio" }),
    });
    const body = await response.json();
    assertEquals(response.status, 200, `status (${JSON.stringify(body)})`);
    await api.verifyPrivateMapKey(body.privateMapKey, "alice", {
      roomStr: "alice",
      privileges: body.privileges,
    });
  });
  await step("refusals are the service's JSON: 401 without a token, 405, 404", async () => {
    for (
      const [method, path, status, code] of [
        ["POST", "/api/im/usersig", 401, "ERR_AUTH_MISSING"],
        ["GET", "/api/im/usersig", 405, "ERR_METHOD_NOT_ALLOWED"],
        ["PUT", "/api/im/privatemapkey", 405, "ERR_METHOD_NOT_ALLOWED"],
        ["POST", "/api/im/usersig/alice", 404, "ERR_NOT_FOUND"],
      ] as const
    ) {
      const response = await fetch(base + path, { method });
      const body = await response.json();
      assertEquals([response.status, body.error?.code], [status, code], `${method} ${path}`);
      assertEquals(response.headers.get("cache-control"), "no-store", `${method} ${path}`);
    }
  });
  await step("a CORS preflight from an allowed origin is answered", async () => {
    const response = await fetch(`${base}/api/im/usersig`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST" },
    });
    await response.body?.cancel();
    assertEquals(
      [response.status, response.headers.get("access-control-allow-origin")],
      [204, ORIGIN],
      "preflight",
    );
  });
  await step("the server's log holds no token", () => {
    if (output.includes(token.split(".")[1])) throw new Error("a token is in the log");
    return Promise.resolve();
  });
}

try {
  const ready = await step("npm build of the library (scripts/build_npm.mjs)", () =>
    run("node", ["scripts/build_npm.mjs"])) &&
    await step("npm ci in examples/nextjs", () =>
      run("npm", ["ci"], EXAMPLE)) &&
    await step("next build", () =>
      run(`${BIN}/next`, ["build"], EXAMPLE));
  if (ready) {
    const port = freePort();
    if (
      await step(`next start on 127.0.0.1:${port} answers GET /api/im/healthz`, () =>
        start(port))
    ) {
      await calls(`http://127.0.0.1:${port}`);
    }
  }
} finally {
  await stop();
}
console.log(`nextjs: ${results.passed} passed, ${results.failed} failed, 0 skipped`);
Deno.exit(results.failed === 0 ? 0 : 1);
