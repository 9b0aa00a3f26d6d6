// The Hono example started as people start it, on loopback with demo
// settings: `deno serve examples/hono/server.ts`, `bun examples/hono/
// server.ts`, and examples/hono/worker.ts in workerd (miniflare, with
// examples/hono/wrangler.toml's date and vars). Each issues a ticket for the
// token's user over HTTP and refuses a request without a token.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { SignJWT } from "jose";
import { TLSSigAPIv2 } from "../mod.ts";
import { assert, assertEquals } from "./assert.ts";
import { test, type TestOptions } from "./harness.ts";
import { bundleWorker } from "./worker_bundle.ts";

// miniflare's types need @types/node, which Deno's checker does not have
// here: load it by a name the checker does not follow, and describe what is used.
const MINIFLARE: string = "miniflare";
type MiniflareClass = new (options: Record<string, unknown>) => {
  ready: Promise<URL>;
  dispose(): Promise<void>;
};

const NODE_ONLY: TestOptions = {
  runtimes: ["node"],
  why: "starts the example in deno, bun and workerd as subprocesses; one host is enough",
};
const root = () => process.cwd();
const bin = (name: string) => join(root(), "node_modules", ".bin", name);
const TOML = "examples/hono/wrangler.toml";
const START_TIMEOUT_MS = 60_000;
const SETTINGS = {
  SDK_APP_ID: "1400000000",
  SECRET_KEY: "test-only-secret-key-for-the-hono-example-servers",
  AUTH_JWT_SECRET: "test-only-jwt-secret-for-the-hono-example-servers",
};

/** Every child still running, killed when this process exits whatever happened. */
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/**
 * Starts `command` with the demo settings and waits for the line that says
 * where it listens; returns that URL and a stop function.
 */
function serve(command: string, args: string[], env: Record<string, string>) {
  const child = spawn(command, args, {
    cwd: root(),
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", ...env },
  });
  children.add(child);
  let out = "";
  const exited = new Promise<void>((resolve) => {
    child.on("exit", () => {
      children.delete(child);
      resolve();
    });
  });
  const stop = async () => {
    if (children.has(child)) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise<{ url: string; stop: () => Promise<void>; output: () => string }>(
    (resolve, reject) => {
      const timer = setTimeout(() => {
        stop().then(() => reject(new Error(`${command} did not start: ${out}`)));
      }, START_TIMEOUT_MS);
      const listen = (d: unknown) => {
        out += String(d);
        const match = /http:\/\/127\.0\.0\.1:[1-9]\d*/.exec(out);
        if (match !== null) {
          clearTimeout(timer);
          resolve({ url: match[0], stop, output: () => out });
        }
      };
      child.stdout.on("data", listen);
      child.stderr.on("data", listen);
      exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${command} exited before listening: ${out}`));
      });
    },
  );
}

/** What every way of running the example must do, over HTTP at `url`. */
async function issuesTickets(url: string): Promise<string> {
  const bearer = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("alice")
    .setIssuedAt().setExpirationTime("10m").sign(
      new TextEncoder().encode(SETTINGS.AUTH_JWT_SECRET),
    );
  const issued = await fetch(`${url}/api/im/usersig`, {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}` },
  });
  const body = await issued.json();
  assertEquals(issued.status, 200, JSON.stringify(body));
  const api = new TLSSigAPIv2(Number(SETTINGS.SDK_APP_ID), SETTINGS.SECRET_KEY);
  assertEquals((await api.verifyUserSig(body.userSig, "alice")).expiresAt, body.expiresAt);
  const refused = await fetch(`${url}/api/im/usersig`, { method: "POST" });
  assertEquals(refused.status, 401);
  await refused.body?.cancel();
  const page = await fetch(`${url}/`);
  assert(page.status === 200 && (await page.text()).includes("/api/im/usersig"), "the app's page");
  return bearer;
}

test("hono example: deno serve examples/hono/server.ts issues tickets", async () => {
  const server = await serve(bin("deno"), [
    "serve",
    "--allow-env",
    "--allow-net=127.0.0.1",
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "examples/hono/server.ts",
  ], SETTINGS);
  try {
    const bearer = await issuesTickets(server.url);
    assert(!server.output().includes(bearer.split(".")[1]), "no token in the output");
  } finally {
    await server.stop();
  }
}, NODE_ONLY);

test("hono example: bun examples/hono/server.ts issues tickets", async () => {
  const server = await serve(bin("bun"), ["examples/hono/server.ts"], { ...SETTINGS, PORT: "0" });
  try {
    await issuesTickets(server.url);
  } finally {
    await server.stop();
  }
}, NODE_ONLY);

test(
  "hono example: examples/hono/worker.ts issues tickets in workerd, with wrangler.toml's settings",
  async () => {
    const { Miniflare } = await import(MINIFLARE) as { Miniflare: MiniflareClass };
    const toml = readFileSync(join(root(), TOML), "utf8");
    const value = (key: string) => new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, "m").exec(toml)?.[1];
    assertEquals(value("main"), "worker.ts");
    const script = await bundleWorker("examples/hono/worker.ts");
    const mf = new Miniflare({
      host: "127.0.0.1",
      port: 0,
      cf: false,
      modules: [{ type: "ESModule", path: "worker.mjs", contents: script }],
      compatibilityDate: value("compatibility_date"),
      // [vars] of wrangler.toml, and the secrets `wrangler secret put` stores.
      bindings: {
        SDK_APP_ID: value("SDK_APP_ID"),
        ALLOWED_ORIGINS: value("ALLOWED_ORIGINS"),
        SECRET_KEY: SETTINGS.SECRET_KEY,
        AUTH_JWT_SECRET: SETTINGS.AUTH_JWT_SECRET,
      },
    });
    try {
      assertEquals(value("SDK_APP_ID"), SETTINGS.SDK_APP_ID);
      await issuesTickets((await mf.ready).href.replace(/\/$/, ""));
    } finally {
      await mf.dispose();
    }
  },
  NODE_ONLY,
);
