// The edge service in the real workerd: worker.ts bundled with esbuild and
// run by miniflare, called over HTTP on loopback. Every row of the contract
// (service_cases.ts), RS256/ES256 keys fetched from a JWKS served on
// loopback by this test, misconfigured Workers, and the Worker's log.
import { test } from "./harness.ts";
import { assert, assertEquals } from "./assert.ts";
import {
  assertCleanLog,
  BASE,
  CONTRACT,
  makeKeys,
  runCase,
  TEST_ENV,
  type TestKeys,
  token,
} from "./service_cases.ts";
import { bundleWorker } from "./worker_bundle.ts";

// miniflare's and node:*'s types need @types/node, which Deno's checker does not have here:
// load them by a name the checker does not follow, and describe what is used.
const MINIFLARE: string = "miniflare";
const NODE_HTTP: string = "node:http";
const NODE_NET: string = "node:net";
interface HttpServer {
  listen(port: number, host: string, done: () => void): void;
  address(): { port: number };
  close(done: () => void): void;
}
type CreateServer = (
  handler: (
    req: { url?: string },
    res: {
      writeHead(status: number, headers: Record<string, string>): void;
      end(body: string): void;
    },
  ) => void,
) => HttpServer;
interface ClientRequest {
  on(event: "error", listener: (error: Error) => void): void;
  write(chunk: string): void;
  end(): void;
  destroyed: boolean;
}
interface IncomingMessage {
  statusCode?: number;
  setEncoding(encoding: string): void;
  on(event: "data", listener: (chunk: string) => void): void;
  on(event: "end", listener: () => void): void;
}
type HttpRequest = (
  options: Record<string, unknown>,
  callback: (res: IncomingMessage) => void,
) => ClientRequest;
interface Socket {
  write(data: string): void;
  destroy(): void;
  on(event: "error", listener: () => void): void;
}
type Connect = (port: number, host: string, connected: () => void) => Socket;
interface Fetcher {
  fetch(url: string, init: unknown): Promise<Response>;
}
interface MiniflareInstance {
  ready: Promise<URL>;
  getWorker(name: string): Promise<Fetcher>;
  unsafeGetDirectURL(name: string): Promise<URL>;
  dispose(): Promise<void>;
}
type MiniflareClass = new (options: Record<string, unknown>) => MiniflareInstance;
interface Readable {
  on(event: "data", listener: (chunk: unknown) => void): void;
}

const NODE = { runtimes: ["node" as const], why: "drives workerd through miniflare from Node" };
const IDLE_MS = 3000;

interface Workerd {
  keys: TestKeys;
  url: string;
  /** The Worker with BASE_PATH=/api/im, on a socket of its own. */
  basedUrl: string;
  /** Sends a request to the named Worker (default: the configured one, over HTTP). */
  send(request: Request, worker?: string): Promise<Response>;
  logs: string[];
  /** The Worker's structured log lines with their level. */
  levels: [string, string][];
  /** How often the Worker fetched the JWKS. */
  readonly jwksFetches: number;
  stop(): Promise<void>;
}

let running: Promise<Workerd> | undefined;
let idle: ReturnType<typeof setTimeout> | undefined;
const issued: string[] = [];
const tokens: string[] = [];

async function start(): Promise<Workerd> {
  const { Miniflare } = (await import(MINIFLARE)) as { Miniflare: MiniflareClass };
  const { createServer } = (await import(NODE_HTTP)) as { createServer: CreateServer };
  const keys = await makeKeys();
  const script = await bundleWorker("worker.ts");

  // The identity provider's key set, on loopback.
  let jwksFetches = 0;
  const jwksServer = createServer((req, res) => {
    if (req.url === "/jwks.json") jwksFetches++;
    res.writeHead(req.url === "/jwks.json" ? 200 : 404, { "content-type": "application/json" });
    res.end(JSON.stringify(keys.jwks));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
  const jwksPort = jwksServer.address().port;

  const logs: string[] = [];
  const levels: [string, string][] = [];
  const worker = (name: string, bindings: Record<string, string | undefined>) => ({
    name,
    modules: [{ type: "ESModule" as const, path: "worker.mjs", contents: script }],
    compatibilityDate: "2025-09-01",
    bindings: Object.fromEntries(
      Object.entries(bindings).filter(([, v]) => v !== undefined),
    ) as Record<
      string,
      string
    >,
  });
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    cf: false,
    structuredWorkerdLogs: true,
    handleStructuredLogs: ({ level, message }: { level: string; message: string }) => {
      logs.push(message);
      levels.push([level, message]);
    },
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
      stdout.on("data", (d) => logs.push(String(d)));
      stderr.on("data", (d) => logs.push(String(d)));
    },
    workers: [
      worker("usersig", {
        ...TEST_ENV,
        AUTH_JWKS_URL: `http://127.0.0.1:${jwksPort}/jwks.json`,
        AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "true", // the test's key server has no certificate
      }),
      {
        ...worker("based", { ...TEST_ENV, BASE_PATH: "/api/im" }),
        // Its own socket, for raw HTTP requests that no client normalizes.
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      },
      worker("no-secret", { ...TEST_ENV, SECRET_KEY: undefined }),
      worker("bad-app-id", { ...TEST_ENV, SDK_APP_ID: "0" }),
      // A port nothing listens on: the key set cannot be fetched.
      worker("jwks-down", {
        ...TEST_ENV,
        AUTH_JWKS_URL: `http://127.0.0.1:${jwksPort}/missing.json`,
        AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "true",
      }),
    ],
  });
  const url = (await mf.ready).href.replace(/\/$/, "");
  const basedUrl = (await mf.unsafeGetDirectURL("based")).href.replace(/\/$/, "");
  const fetchers = new Map<string, Fetcher>();
  return {
    keys,
    url,
    basedUrl,
    logs,
    levels,
    get jwksFetches() {
      return jwksFetches;
    },
    async send(request, name) {
      const path = request.url.slice(BASE.length);
      const init: RequestInit & { duplex?: string } = {
        method: request.method,
        headers: request.headers,
        body: request.body,
        redirect: "manual",
      };
      if (request.body !== null) init.duplex = "half";
      if (name === undefined) return fetch(url + path, init);
      if (!fetchers.has(name)) fetchers.set(name, await mf.getWorker(name));
      return await fetchers.get(name)!.fetch(url + path, init);
    },
    async stop() {
      await mf.dispose();
      await new Promise<void>((resolve) => jwksServer.close(resolve));
    },
  } as Workerd;
}

/**
 * Sends a request with node:http, the path exactly as given (no client
 * normalizes it), the body as `chunks` with Transfer-Encoding: chunked.
 */
async function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  chunks: string[] = [],
): Promise<{ status: number; text: string }> {
  const { request } = (await import(NODE_HTTP)) as { request: HttpRequest };
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/** The shared workerd; stopped after a few idle seconds so the process can end. */
async function workerd(): Promise<Workerd> {
  clearTimeout(idle);
  const w = await (running ??= start());
  idle = setTimeout(stopWorkerd, IDLE_MS);
  return w;
}

async function stopWorkerd(): Promise<void> {
  clearTimeout(idle);
  const w = running;
  running = undefined;
  if (w !== undefined) await (await w).stop();
}

async function use<T>(fn: (w: Workerd) => Promise<T>): Promise<T> {
  const w = await workerd();
  try {
    return await fn(w);
  } finally {
    clearTimeout(idle);
    idle = setTimeout(stopWorkerd, IDLE_MS);
  }
}

for (const c of CONTRACT) {
  test(
    `service workerd: ${c.name}`,
    () => use((w) => runCase(c, w.keys, (r) => w.send(r), issued)),
    NODE,
  );
}

test("service workerd: the JWKS is fetched once and cached by the isolate", () =>
  use(async (w) => {
    for (const alg of ["RS256", "ES256"] as const) {
      const t = await token(w.keys, { alg, claims: { sub: "dave" } });
      const r = await w.send(
        new Request(BASE + "/usersig", {
          method: "POST",
          headers: { authorization: `Bearer ${t}` },
        }),
      );
      assertEquals(r.status, 200);
      await r.body?.cancel();
    }
    assertEquals(w.jwksFetches, 1, "fetches of the JWKS");
  }), NODE);

test(
  "service workerd: an unreachable JWKS gives 503 ERR_AUTH_UNAVAILABLE and no ticket",
  () =>
    use(async (w) => {
      const t = await token(w.keys, { alg: "ES256" });
      tokens.push(t);
      const r = await w.send(
        new Request(BASE + "/usersig", {
          method: "POST",
          headers: { authorization: `Bearer ${t}` },
        }),
        "jwks-down",
      );
      assertEquals(r.status, 503);
      assertEquals((await r.json()).error.code, "ERR_AUTH_UNAVAILABLE");
      // HS256 tokens still work there: they need no key set.
      const hs = await w.send(
        new Request(BASE + "/usersig", {
          method: "POST",
          headers: { authorization: `Bearer ${await token(w.keys)}` },
        }),
        "jwks-down",
      );
      assertEquals(hs.status, 200);
      issued.push((await hs.json()).userSig);
    }),
  NODE,
);

for (const [worker, setting] of [["no-secret", "SECRET_KEY"], ["bad-app-id", "SDK_APP_ID"]]) {
  test(
    `service workerd: a Worker without a valid ${setting} answers 500 ERR_SERVICE_MISCONFIGURED and logs the setting's name`,
    () =>
      use(async (w) => {
        const t = await token(w.keys);
        tokens.push(t);
        const r = await w.send(
          new Request(BASE + "/usersig", {
            method: "POST",
            headers: { authorization: `Bearer ${t}` },
          }),
          worker,
        );
        const text = await r.text();
        assertEquals(r.status, 500);
        assertEquals(r.headers.get("cache-control"), "no-store");
        assertEquals(JSON.parse(text).error.code, "ERR_SERVICE_MISCONFIGURED");
        assert(
          !text.includes(" at ") && !text.includes(TEST_ENV.SECRET_KEY),
          "no stack, no secret",
        );
        assert(!text.includes(setting), "only the log names the setting");
        const deadline = Date.now() + 2000;
        while (
          !w.logs.join("").includes(`ERR_SERVICE_MISCONFIGURED ${setting}:`) &&
          Date.now() < deadline
        ) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert(
          w.logs.join("").includes(`usersig: 500 ERR_SERVICE_MISCONFIGURED ${setting}: `),
          w.logs.join(""),
        );
      }),
    NODE,
  );
}

test(
  "service workerd: the Worker's log holds refusals but no secret, ticket or token",
  () =>
    use(async (w) => {
      const expired = await token(w.keys, {
        claims: { exp: Math.floor(Date.now() / 1000) - 3600 },
      });
      tokens.push(expired);
      const r = await w.send(
        new Request(BASE + "/usersig", {
          method: "POST",
          headers: { authorization: `Bearer ${expired}` },
        }),
      );
      assertEquals(r.status, 401);
      await r.body?.cancel();
      const deadline = Date.now() + 2000;
      while (!w.logs.join("").includes("401 ERR_AUTH_TOKEN_EXPIRED") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const log = w.logs.join("");
      assert(log.includes("usersig: 401 ERR_AUTH_TOKEN_EXPIRED POST /usersig"), log);
      assert(issued.length > 0, "tickets were issued");
      assertCleanLog(log, issued, tokens);
    }),
  NODE,
);

const BASED_PATHS: [string, number][] = [
  ["/api/im/usersig", 200],
  ["/api/im/usersig?userId=mallory", 200],
  ["/api/other/../im/usersig", 200],
  ["/usersig", 404],
  ["/api/usersig", 404],
  ["/api/imusersig", 404],
  ["/api/im/../usersig", 404],
  ["/api/im/%2e%2e/usersig", 404],
  ["/api/%69m/usersig", 404],
  ["/api/im%2fusersig", 404],
  ["/api/im%2Fusersig", 404],
  ["/api/im\\usersig", 200], // the URL standard reads a backslash as "/"
  ["/api/im%5cusersig", 404],
  ["/API/IM/usersig", 404],
  ["/api/im//usersig", 404],
  ["/api/im/usersig/", 404],
  ["/api/im/usersig%00", 404],
  ["/api/im", 404],
];

test(
  "service workerd: with BASE_PATH=/api/im, raw request paths reach a route only in its one spelling",
  () =>
    use(async (w) => {
      const bearer = await token(w.keys);
      tokens.push(bearer);
      const answers: string[] = [];
      for (const [path, status] of BASED_PATHS) {
        const answer = await raw(w.basedUrl, "POST", path, { authorization: `Bearer ${bearer}` });
        answers.push(`${path} ${answer.status}`);
        assertEquals(answer.status, status, `${path}: ${answer.text}`);
        if (status === 404) {
          assertEquals(JSON.parse(answer.text).error.code, "ERR_NOT_FOUND");
        } else {
          assertEquals(JSON.parse(answer.text).userId, "alice");
        }
      }
      assertEquals(answers.length, BASED_PATHS.length);
    }),
  NODE,
);

test(
  "service workerd: uploads that break off are not logged; refusals are warn lines, never error lines",
  () =>
    use(async (w) => {
      const { connect } = (await import(NODE_NET)) as { connect: Connect };
      const { hostname, port } = new URL(w.url);
      const bearer = await token(w.keys);
      tokens.push(bearer);
      const before = w.levels.length;
      for (let i = 0; i < 20; i++) {
        await new Promise<void>((resolve) => {
          const socket = connect(Number(port), hostname, () => {
            socket.write(
              `POST /privatemapkey HTTP/1.1\r\nhost: usersig.test\r\nauthorization: Bearer ${bearer}\r\n` +
                "transfer-encoding: chunked\r\n\r\n400\r\n" + "x".repeat(1024) + "\r\n",
            );
            setTimeout(() => {
              socket.destroy();
              resolve();
            }, 20);
          });
          socket.on("error", () => resolve());
        });
      }
      const refused = await w.send(new Request(BASE + "/usersig", { method: "POST" }));
      assertEquals(refused.status, 401);
      await refused.body?.cancel();
      const deadline = Date.now() + 3000;
      while (
        !w.levels.slice(before).some(([, m]) => m.includes("401 ERR_AUTH_MISSING")) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      const lines = w.levels.slice(before).filter(([, m]) => m.startsWith("usersig:"));
      assertEquals(lines, [["warn", "usersig: 401 ERR_AUTH_MISSING POST /usersig"]]);
      const errors = w.levels.slice(before).filter(([level]) => level === "error");
      assertEquals(errors, [], "no error line");
    }),
  NODE,
);

test("service workerd: stops cleanly", () => stopWorkerd(), NODE);
