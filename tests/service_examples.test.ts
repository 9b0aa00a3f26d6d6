// The edge service's example servers as people start them, in child
// processes on loopback with the demo settings: examples/node/server.mjs on
// Node (with the bundle its comment builds) and examples/deno/main.ts on
// Deno. Each must answer an oversized chunked body with 413 and stay up:
// /healthz and a ticket request still work afterwards.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import process from "node:process";
import { SignJWT } from "jose";
import { TLSSigAPIv2 } from "../mod.ts";
import { assert, assertEquals } from "./assert.ts";
import { test, type TestOptions } from "./harness.ts";

const NODE_ONLY: TestOptions = {
  runtimes: ["node"],
  why: "starts the example servers (node, deno) as subprocesses; one host is enough",
};

const root = () => process.cwd();
const bin = (name: string) => join(root(), "node_modules", ".bin", name);
const DEMO_SDK_APP_ID = 1400000000;
const START_TIMEOUT_MS = 60_000;

/** The demo settings: wrangler.toml's SDKAppID and the made-up keys of .dev.vars.example. */
function demoSettings(): Record<string, string> {
  const vars: Record<string, string> = { SDK_APP_ID: String(DEMO_SDK_APP_ID) };
  for (const line of readFileSync(join(root(), ".dev.vars.example"), "utf8").split("\n")) {
    const match = /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match !== null) vars[match[1]] = match[2];
  }
  assert(vars.SECRET_KEY && vars.AUTH_JWT_SECRET, ".dev.vars.example has the demo keys");
  return vars;
}

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

/** Every child still running, killed when this process exits whatever happened. */
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** Runs a command to its end; rejects with its output when it fails. */
function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root(), env: childEnv({}) });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(" ")} exited ${code}: ${out}`));
    });
  });
}

interface Server {
  port: number;
  /** Everything the server printed so far. */
  output(): string;
  /** Whether it has exited (by itself: a crash). */
  exited(): boolean;
  /** Kills it and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts a server on port 0 and waits for the line that says where it listens. */
function serve(command: string, args: string[], env: Record<string, string>): Promise<Server> {
  const child = spawn(command, args, { cwd: root(), env: childEnv({ ...env, PORT: "0" }) });
  children.add(child);
  let out = "";
  let exitCode: number | string | null | undefined;
  const exited = new Promise<void>((resolve) => {
    child.on("exit", (code, signal) => {
      exitCode = code ?? signal;
      children.delete(child);
      resolve();
    });
  });
  const server = {
    port: 0,
    output: () => out,
    exited: () => exitCode !== undefined,
    async stop() {
      if (exitCode === undefined) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs `chunks` chunks of `size` bytes with Transfer-Encoding: chunked,
 * a millisecond apart, and goes on sending after the answer comes, as a
 * client that does not listen would. Resolves with the answer.
 */
function postChunked(
  port: number,
  bearer: string,
  chunks: number,
  size: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/usersig",
      agent: false,
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, text });
      });
    });
    req.on("error", (error) => {
      if (!answered) reject(new Error(`the oversized request got no answer: ${error.message}`));
    });
    (async () => {
      const chunk = "x".repeat(size);
      for (let i = 0; i < chunks && !req.destroyed; i++) {
        req.write(chunk);
        await sleep(1);
      }
      if (!req.destroyed) req.end();
    })();
  });
}

function demoToken(secret: string, userId: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(new TextEncoder().encode(secret));
}

/** The checks both examples must pass: 413 for a big chunked body, and still serving. */
async function survivesOversizedBody(server: Server, settings: Record<string, string>) {
  const bearer = await demoToken(settings.AUTH_JWT_SECRET, "alice");
  // 120 KB in 1 KB chunks: far over the 4096-byte limit, and still arriving after the answer.
  const big = await postChunked(server.port, bearer, 120, 1024);
  assertEquals(big.status, 413, `oversized body (${big.text}); server output: ${server.output()}`);
  assertEquals(JSON.parse(big.text).error.code, "ERR_BODY_TOO_LARGE");
  await sleep(200); // a crash after the answer would show now
  assert(!server.exited(), `the server exited after the oversized body: ${server.output()}`);

  const base = `http://127.0.0.1:${server.port}`;
  const health = await fetch(base + "/healthz");
  assertEquals([health.status, await health.json()], [200, { status: "ok" }]);

  const issued = await fetch(base + "/usersig", {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}` },
  });
  const body = await issued.json();
  assertEquals(issued.status, 200, JSON.stringify(body));
  assertEquals(body.userId, "alice");
  const api = new TLSSigAPIv2(DEMO_SDK_APP_ID, settings.SECRET_KEY);
  const claims = await api.verifyUserSig(body.userSig, "alice");
  assertEquals(claims.expiresAt, body.expiresAt);
  assert(!server.output().includes(bearer.split(".")[1]), "no token in the server's output");
}

test(
  "service examples: examples/node/server.mjs answers 413 to an oversized chunked body and keeps serving",
  async () => {
    // The bundle the example imports, built as its comment says.
    await run(bin("esbuild"), [
      "service.ts",
      "--bundle",
      "--format=esm",
      "--platform=node",
      "--outfile=.build/usersig-service.mjs",
      "--log-level=warning",
    ]);
    const settings = demoSettings();
    const server = await serve(process.execPath, ["examples/node/server.mjs"], settings);
    try {
      await survivesOversizedBody(server, settings);
    } finally {
      await server.stop();
    }
  },
  NODE_ONLY,
);

test(
  "service examples: examples/deno/main.ts answers 413 to an oversized chunked body and keeps serving",
  async () => {
    const settings = demoSettings();
    const server = await serve(
      bin("deno"),
      ["run", "--allow-env", "--allow-net=127.0.0.1", "examples/deno/main.ts"],
      settings,
    );
    try {
      await survivesOversizedBody(server, settings);
    } finally {
      await server.stop();
    }
  },
  NODE_ONLY,
);
