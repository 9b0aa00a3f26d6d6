// The edge service as people start it, in child processes on loopback with
// the demo settings: examples/node/server.mjs on Node (with the bundle its
// comment builds), examples/deno/main.ts on Deno, and the Worker in
// `wrangler dev` as `npm start` runs it. Each must answer refused chunked
// uploads (too large, no token, no route, wrong method) and stay up:
// /healthz and a ticket request still work after each.
import { readFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import process from "node:process";
import { TLSSigAPIv2 } from "../mod.ts";
import {
  DEMO_SDK_APP_ID,
  mintToken,
  OFFLINE_WRANGLER_ENV,
  wranglerDevArgs,
} from "../scripts/dev_env.ts";
import { assert, assertEquals } from "./assert.ts";
import { test, type TestOptions } from "./harness.ts";
import { type Server, sleep, withServer } from "./servers.ts";
import { ok } from "./subprocess.ts";

const NODE_ONLY: TestOptions = {
  runtimes: ["node"],
  why: "starts the example servers (node, deno) as subprocesses; one host is enough",
};

const root = () => process.cwd();
const bin = (name: string) => join(root(), "node_modules", ".bin", name);

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

/** A TCP port that was free a moment ago, for a server that cannot take port 0. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Sends `chunks` chunks of `size` bytes with Transfer-Encoding: chunked, a
 * millisecond apart, and goes on sending after the answer comes, as a
 * client that does not listen would. Resolves with the answer.
 */
function sendChunked(
  port: number,
  request: { method: string; path: string; bearer?: string },
  chunks: number,
  size: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (request.bearer !== undefined) headers.authorization = `Bearer ${request.bearer}`;
    const req = httpRequest({
      host: "127.0.0.1",
      port,
      method: request.method,
      path: request.path,
      agent: false,
      headers,
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
      if (!answered) reject(new Error(`the upload got no answer: ${error.message}`));
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

/**
 * The checks every way of running the service must pass: refused uploads
 * (too large, no token, no such path, wrong method), each 120 KB in 1 KB
 * chunks still arriving after the answer, get their answer, and the server
 * keeps serving: /healthz and a ticket request work after each.
 */
async function survivesRefusedUploads(server: Server, settings: Record<string, string>) {
  const bearer = await mintToken("alice", settings.AUTH_JWT_SECRET, 600);
  const base = `http://127.0.0.1:${server.port}`;
  const api = new TLSSigAPIv2(DEMO_SDK_APP_ID, settings.SECRET_KEY);
  const uploads: [{ method: string; path: string; bearer?: string }, number, string][] = [
    [{ method: "POST", path: "/usersig", bearer }, 413, "ERR_BODY_TOO_LARGE"],
    [{ method: "POST", path: "/privatemapkey", bearer }, 413, "ERR_BODY_TOO_LARGE"],
    [{ method: "POST", path: "/usersig" }, 401, "ERR_AUTH_MISSING"],
    [{ method: "POST", path: "/nowhere", bearer }, 404, "ERR_NOT_FOUND"],
    [{ method: "PUT", path: "/usersig", bearer }, 405, "ERR_METHOD_NOT_ALLOWED"],
  ];
  for (const [request, status, code] of uploads) {
    const what = `${request.method} ${request.path}`;
    const answer = await sendChunked(server.port, request, 120, 1024);
    assertEquals(answer.status, status, `${what} (${answer.text}); output: ${server.output()}`);
    assertEquals(JSON.parse(answer.text).error.code, code);
    await sleep(200); // a crash after the answer would show now
    assert(!server.exited(), `the server exited after ${what}: ${server.output()}`);

    const health = await fetch(base + "/healthz");
    const healthText = await health.text();
    assertEquals(health.status, 200, `/healthz after ${what}: ${healthText}`);
    assertEquals(JSON.parse(healthText), { status: "ok" });

    const issued = await fetch(base + "/usersig", {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}` },
    });
    const text = await issued.text();
    assertEquals(issued.status, 200, `a ticket after ${what}: ${text}`);
    const body = JSON.parse(text);
    assertEquals(body.userId, "alice");
    const claims = await api.verifyUserSig(body.userSig, "alice");
    assertEquals(claims.expiresAt, body.expiresAt);
  }
  assert(!server.output().includes(bearer.split(".")[1]), "no token in the server's output");
}

/**
 * Sends `head` (request line and headers) and `body` as raw bytes, and
 * reads one answer; with `abort`, drops the connection right after sending
 * instead.
 */
function rawExchange(
  port: number,
  head: string,
  body: string,
  abort = false,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(head + "\r\n" + body);
      if (abort) {
        setTimeout(() => {
          socket.destroy();
          resolve({ status: 0, text: "" });
        }, 20);
      }
    });
    let raw = "";
    socket.setEncoding("utf8");
    // The answer is complete at its Content-Length, or at the last chunk:
    // a server need not close while a declared body is still to come.
    const complete = (): { status: number; text: string } | undefined => {
      const end = raw.indexOf("\r\n\r\n");
      if (end < 0) return undefined;
      const head = raw.slice(0, end);
      const rest = raw.slice(end + 4);
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      if (length !== null) {
        const size = Number(length[1]);
        return rest.length >= size
          ? { status: Number(raw.slice(9, 12)), text: rest.slice(0, size) }
          : undefined;
      }
      if (!/\r\ntransfer-encoding: *chunked/i.test(head) || !rest.includes("\r\n0\r\n\r\n")) {
        return undefined;
      }
      let text = "";
      for (let at = 0;;) {
        const eol = rest.indexOf("\r\n", at);
        const size = parseInt(rest.slice(at, eol), 16);
        if (!(size > 0)) break;
        text += rest.slice(eol + 2, eol + 2 + size);
        at = eol + 2 + size + 2;
      }
      return { status: Number(raw.slice(9, 12)), text };
    };
    socket.on("data", (d: string) => {
      raw += d;
      const answer = complete();
      if (answer !== undefined && !abort) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on("close", () => {
      if (!abort) reject(new Error(`the connection closed before a whole answer: ${raw}`));
    });
    socket.on("error", (error) => {
      if (!abort) reject(error);
    });
  });
}

/**
 * What a stranger can send an example server: a TRACE, a Content-Length far
 * beyond the 2 bytes that follow it, uploads that stop halfway because the
 * client went away. Each gets a prompt answer (or none: the client is gone),
 * and no error line.
 */
async function survivesStrangers(server: Server, settings: Record<string, string>) {
  const bearer = await mintToken("alice", settings.AUTH_JWT_SECRET, 600);
  const trace = await rawExchange(
    server.port,
    "TRACE /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n",
    "",
  );
  assertEquals(trace.status, 405, `TRACE: ${trace.text}`);
  assertEquals(JSON.parse(trace.text).error.code, "ERR_METHOD_NOT_ALLOWED");

  const declared = await rawExchange(
    server.port,
    `POST /usersig HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${bearer}\r\n` +
      "content-length: 99999999999\r\nconnection: close\r\n",
    "{}",
  );
  assertEquals(declared.status, 413, `Content-Length 99999999999: ${declared.text}`);
  assertEquals(JSON.parse(declared.text).error.code, "ERR_BODY_TOO_LARGE");

  for (let i = 0; i < 20; i++) {
    await rawExchange(
      server.port,
      `POST /privatemapkey HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${bearer}\r\n` +
        "transfer-encoding: chunked\r\n",
      "400\r\n" + "x".repeat(1024) + "\r\n",
      true,
    );
  }
  await sleep(300);
  const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
  assertEquals(health.status, 200);
  await health.body?.cancel();
  assert(!server.exited(), server.output());
  assert(!/\b500\b|ERR_INTERNAL/.test(server.output()), `an error line: ${server.output()}`);
}

/**
 * Request targets and Host headers a stranger can send: a Host that would
 * move the path (one with a path and a query: `Deno.serve` and `Bun.serve`
 * build the URL from it) or holds userinfo, Hosts that are no host name,
 * and targets that only a server that parses them itself sees (Node's http
 * server hands them over as sent). Each gets a 400 ERR_BAD_REQUEST in the
 * service's JSON (or, where the server builds the URL from its own address,
 * the route's own answer), never a 500, and nothing of them is logged: a
 * query may hold a token.
 */
async function survivesHostileUrls(
  server: Server,
  expected: { badHost: number; targets: [string, number][] },
) {
  const exchange = (target: string, host: string) =>
    rawExchange(
      server.port,
      `GET ${target} HTTP/1.1\r\nhost: ${host}\r\nconnection: close\r\n`,
      "",
    );
  const cases: [string, string, number][] = [
    ["/nowhere", "x/healthz?", 400], // served as /healthz by a URL built from the Host
    ["/healthz", "u@x", 400],
    ["/healthz", "x\\y", 400],
    ["/healthz", "a b", 400],
    ...["[", "x:99999", "%"].map((host): [string, string, number] => [
      "/healthz?token=leak-me",
      host,
      expected.badHost,
    ]),
    ...expected.targets.map(([target, status]): [string, string, number] => [
      target,
      "127.0.0.1",
      status,
    ]),
  ];
  for (const [target, host, status] of cases) {
    const what = `GET ${target} with Host ${JSON.stringify(host)}`;
    const answer = await exchange(target, host);
    assertEquals(answer.status, status, `${what}: ${answer.text}`);
    const body = JSON.parse(answer.text);
    if (status === 400) assertEquals(body.error.code, "ERR_BAD_REQUEST", what);
  }
  await sleep(200);
  const output = server.output();
  assert(!/\b500\b|ERR_INTERNAL|Invalid URL|leak-me|evil|a:b@/.test(output), `logged: ${output}`);
}

test(
  "service examples: examples/node/server.mjs answers refused uploads, TRACE and a false Content-Length, logs no aborted upload, and keeps serving",
  async () => {
    // The bundle the example imports, built as its comment says.
    await ok(bin("esbuild"), [
      "service.ts",
      "--bundle",
      "--format=esm",
      "--platform=node",
      "--outfile=.build/usersig-service.mjs",
      "--log-level=warning",
    ]);
    const settings = demoSettings();
    await withServer(process.execPath, ["examples/node/server.mjs"], settings, async (server) => {
      await survivesRefusedUploads(server, settings);
      await survivesStrangers(server, settings);
      // Node builds the URL from its own address and hands over the target as sent.
      await survivesHostileUrls(server, {
        badHost: 200,
        targets: [
          ["//evil/healthz", 404], // a path on this server, not the host evil
          ["http://a:b@y/healthz", 400],
          ["http://y/healthz", 400],
          ["http://[/healthz?token=leak-me", 400],
          ["*", 400],
          ["/healthz?token=leak-me", 200],
        ],
      });
    });
  },
  NODE_ONLY,
);

test(
  "service examples: examples/deno/main.ts answers refused uploads, TRACE and a false Content-Length, logs no aborted upload, and keeps serving",
  async () => {
    const settings = demoSettings();
    await withServer(
      bin("deno"),
      ["run", "--allow-env", "--allow-net=127.0.0.1", "examples/deno/main.ts"],
      settings,
      async (server) => {
        await survivesRefusedUploads(server, settings);
        await survivesStrangers(server, settings);
        await survivesHostileUrls(server, { badHost: 400, targets: [] });
      },
    );
  },
  NODE_ONLY,
);

test(
  "service examples: Bun.serve with the handler answers a hostile Host with 400 JSON",
  async () => {
    const settings = demoSettings();
    const script = 'import { serviceFromEnv } from "./service.ts";' +
      "const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: serviceFromEnv(process.env) });" +
      "console.log(`usersig service on http://127.0.0.1:${server.port}`);";
    await withServer(bin("bun"), ["-e", script], settings, async (server) => {
      await survivesHostileUrls(server, { badHost: 400, targets: [] });
    });
  },
  NODE_ONLY,
);

test(
  "service examples: npm start's Worker (wrangler dev) answers refused chunked uploads and keeps serving",
  async () => {
    const settings = demoSettings();
    await withServer(
      process.execPath,
      wranglerDevArgs(await freePort()),
      OFFLINE_WRANGLER_ENV,
      (server) => survivesRefusedUploads(server, settings),
      "SIGINT",
    );
  },
  NODE_ONLY,
);
