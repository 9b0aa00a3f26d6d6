// The stand-in for Tencent behind node:http on 127.0.0.1, for the REST
// client's tests over real HTTP (Deno, Node, Bun, and workerd driven from
// Node) and the CLI's. Its misbehaviours are real: a dropped connection is
// a destroyed socket, a hung request is never answered, a cut answer stops
// midway. It stops by itself once unused for a few seconds.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { Socket } from "node:net";
import { TencentStandIn } from "./rest_standin.ts";

/** A running stand-in. */
export interface ServedStandIn {
  /** Its base URL: `http://127.0.0.1:PORT`. */
  url: string;
  /** A base URL on loopback where nothing listens. */
  refused: string;
  standIn: TencentStandIn;
}

const IDLE_MS = 3000;

let running: Promise<ServedStandIn & { stop(): Promise<void> }> | undefined;
let idle: ReturnType<typeof setTimeout> | undefined;
let users = 0;

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
  });
}

async function requestOf(req: IncomingMessage): Promise<Request> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of req) chunks.push(chunk as Uint8Array);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
  }
  const bodyless = req.method === "GET" || req.method === "HEAD";
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (body.set(c, at), at + c.length), 0);
  return new Request(`http://${req.headers.host}${req.url}`, {
    method: req.method,
    headers,
    body: bodyless ? undefined : body,
  });
}

async function start(): Promise<ServedStandIn & { stop(): Promise<void> }> {
  const standIn = new TencentStandIn();
  const sockets = new Set<Socket>();
  const server = createServer(async (req, res) => {
    // A fresh connection for every request: Deno's fetch sends a request
    // again by itself when a reused keep-alive connection drops, which
    // would double every dropped request here.
    res.shouldKeepAlive = false;
    const answer = await standIn.answer(await requestOf(req));
    if (answer === "drop") {
      req.socket.destroy();
    } else if (answer === "hang") {
      // Never answered; destroyed when the stand-in stops.
    } else if (answer === "cut") {
      res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      res.write('{"ActionStatus":', () => req.socket.destroy());
    } else {
      const body = new Uint8Array(await answer.arrayBuffer());
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(body);
    }
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await listen(server);
  // A port that was just free, closed again: connections to it are refused.
  const closed = createServer();
  const closedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    refused: `http://127.0.0.1:${closedPort}`,
    standIn,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function stop(): Promise<void> {
  const served = running;
  running = undefined;
  if (served !== undefined) await (await served).stop();
}

/**
 * Runs `fn` with the stand-in, started on first use and stopped a few
 * seconds after the last user is done.
 */
export async function withStandIn<T>(fn: (served: ServedStandIn) => Promise<T>): Promise<T> {
  clearTimeout(idle);
  users++;
  try {
    return await fn(await (running ??= start()));
  } finally {
    if (--users === 0) idle = setTimeout(stop, IDLE_MS);
  }
}
