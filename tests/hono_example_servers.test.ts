// The Hono example started as people start it, on loopback with demo
// settings: `deno serve examples/hono/server.ts`, `bun examples/hono/
// server.ts`, and examples/hono/worker.ts in workerd (miniflare, with
// examples/hono/wrangler.toml's date and vars). Each issues a ticket for the
// token's user over HTTP and refuses a request without a token.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { SignJWT } from "jose";
import { TLSSigAPIv2 } from "../mod.ts";
import { assert, assertEquals } from "./assert.ts";
import { test, type TestOptions } from "./harness.ts";
import { withServer } from "./servers.ts";
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
const SETTINGS = {
  SDK_APP_ID: "1400000000",
  SECRET_KEY: "test-only-secret-key-for-the-hono-example-servers",
  AUTH_JWT_SECRET: "test-only-jwt-secret-for-the-hono-example-servers",
};

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
  await withServer(
    bin("deno"),
    [
      "serve",
      "--allow-env",
      "--allow-net=127.0.0.1",
      "--host",
      "127.0.0.1",
      "--port",
      "0",
      "examples/hono/server.ts",
    ],
    SETTINGS,
    async (server) => {
      const bearer = await issuesTickets(`http://127.0.0.1:${server.port}`);
      assert(!server.output().includes(bearer.split(".")[1]), "no token in the output");
    },
  );
}, NODE_ONLY);

test("hono example: bun examples/hono/server.ts issues tickets", async () => {
  await withServer(bin("bun"), ["examples/hono/server.ts"], SETTINGS, async (server) => {
    await issuesTickets(`http://127.0.0.1:${server.port}`);
  });
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
