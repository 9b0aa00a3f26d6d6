// Local development helpers shared by `deno task start`, `token` and `load`:
// the DEMO settings of .dev.vars.example, test tokens signed with the demo
// AUTH_JWT_SECRET, and a local Worker run by `wrangler dev` on loopback
// without touching the network.
import { SignJWT } from "jose";

/** The committed demo settings. Public values: never deploy them. */
export const DEMO_VARS_FILE = ".dev.vars.example";
/** The demo SDKAppID of wrangler.toml's [vars]. */
export const DEMO_SDK_APP_ID = 1400000000;

/** Reads KEY=VALUE lines (comments and blanks ignored) from a .dev.vars-style file. */
export function readDevVars(path: string = DEMO_VARS_FILE): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of Deno.readTextFileSync(path).split("\n")) {
    const match = /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match !== null) vars[match[1]] = match[2].replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

/** The `aud` of the demo tokens: wrangler.toml's AUTH_JWT_AUDIENCE. */
const DEMO_AUDIENCE = "usersig";

/** A test token (HS256) for `userId`, signed with the demo AUTH_JWT_SECRET. */
export function mintToken(userId: string, secret: string, seconds = 3600): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setAudience(DEMO_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${seconds}s`)
    .sign(new TextEncoder().encode(secret));
}

/** A port on 127.0.0.1 that was free a moment ago (wrangler dev and next start take no port 0). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** A running local Worker. */
export interface LocalWorker {
  /** Its base URL, on 127.0.0.1. */
  url: string;
  /** Stops wrangler and workerd; resolves when they have exited. */
  stop(): Promise<void>;
}

/** Environment for wrangler that keeps it off the network and quiet. */
export const OFFLINE_WRANGLER_ENV: Record<string, string> = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false", // no download of the Request.cf placeholder
};

/**
 * The arguments of `node …` that run `wrangler dev` (workerd) on
 * 127.0.0.1:`port` with the demo settings, from the repository's root.
 */
export function wranglerDevArgs(port: number): string[] {
  return [
    "node_modules/wrangler/bin/wrangler.js",
    "dev",
    "--local",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--env-file",
    DEMO_VARS_FILE,
    "--show-interactive-dev-session=false",
  ];
}

/**
 * Starts `wrangler dev` (workerd) on 127.0.0.1:`port` with the demo
 * settings and waits until /healthz answers.
 */
export async function startLocalWorker(
  port: number,
  options: { quiet?: boolean; timeoutMs?: number } = {},
): Promise<LocalWorker> {
  const url = `http://127.0.0.1:${port}`;
  const child = new Deno.Command("node", {
    args: [
      ...wranglerDevArgs(port),
      ...(options.quiet ? ["--log-level", "error"] : []),
    ],
    env: OFFLINE_WRANGLER_ENV,
    stdin: "null",
    stdout: options.quiet ? "null" : "inherit",
    stderr: "inherit",
  }).spawn();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const stop = async () => {
    if (!exited) {
      try {
        child.kill("SIGINT");
      } catch { /* already gone */ }
      const timer = setTimeout(() => !exited && child.kill("SIGKILL"), 5000);
      await status;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (exited) throw new Error(`wrangler dev exited (${(await status).code}) before it was ready`);
    try {
      const response = await fetch(`${url}/healthz`);
      await response.body?.cancel();
      if (response.status === 200) return { url, stop };
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`wrangler dev did not answer on ${url} within the time limit`);
}
