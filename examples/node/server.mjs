// The edge service on Node.js's http server (Node 20+: fetch's Request and
// Response are built in). The handler is the same one the Worker uses.
//
//   npx esbuild service.ts --bundle --format=esm --platform=node \
//     --outfile=.build/usersig-service.mjs
//   SDK_APP_ID=1400000000 SECRET_KEY=... AUTH_JWT_SECRET=... node examples/node/server.mjs
//
// (Installed from JSR — `npx jsr add @usersig/usersig` — import
// "@usersig/usersig/service" instead of the bundle.)
import { createServer } from "node:http";
import { exampleRoomPolicy, serviceFromEnv } from "../../.build/usersig-service.mjs";

const handler = serviceFromEnv(process.env, { roomPolicy: exampleRoomPolicy });
const port = Number(process.env.PORT ?? 8000);
const host = process.env.HOST ?? "127.0.0.1";
/** Methods that fetch's Request refuses to carry: answered here, never by the handler. */
const FORBIDDEN_METHODS = new Set(["CONNECT", "TRACE", "TRACK"]);

/**
 * The request body as a stream that reads from Node only when the handler
 * reads, so that the handler's own checks come first: a `Content-Length`
 * over its limit is refused before a byte is read, and a refused upload is
 * drained by the handler, within its bounds. When the handler cancels, the
 * rest is discarded as it comes (the connection stays usable); a client
 * that goes away mid-upload makes the stream fail, which the handler
 * answers as a broken body, not as its own failure.
 */
function bodyOf(req) {
  let open = true;
  const finish = (act) => {
    if (!open) return;
    open = false;
    act();
  };
  return new ReadableStream({
    start(controller) {
      req.pause();
      req.on("data", (chunk) => {
        if (!open) return;
        controller.enqueue(new Uint8Array(chunk));
        if (controller.desiredSize <= 0) req.pause();
      });
      req.on("end", () => finish(() => controller.close()));
      req.on("close", () => {
        if (!req.complete) finish(() => controller.error(new Error("the client went away")));
      });
    },
    pull() {
      req.resume();
    },
    cancel() {
      open = false;
      req.resume(); // discard the rest
    },
  });
}

/** A JSON refusal of the service's shape, for what never reaches the handler. */
function refuse(res, status, code, message) {
  const text = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

/** This server's origin, the base of every request's URL. */
const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

/**
 * The fetch Request for Node's request, or undefined when its target is no
 * path ("origin-form"): `http://a:b@y/…` carries credentials that Request
 * refuses, `*` and `host:port` are no path, and one that makes no URL
 * (`http://[`) cannot be served. The target is appended to this server's
 * origin, never resolved against it: `//evil/healthz` is a path here, not
 * the host `evil`. It is never logged: its query may hold a token.
 */
function requestOf(req, headers) {
  const target = req.url ?? "";
  if (!target.startsWith("/")) return undefined;
  let url;
  try {
    url = new URL(origin + target);
  } catch {
    return undefined;
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? bodyOf(req) : undefined,
    duplex: "half",
  });
}

/** Turns Node's request into a fetch Request, and the handler's Response back. */
async function serve(req, res) {
  if (FORBIDDEN_METHODS.has(req.method)) {
    req.resume();
    return refuse(res, 405, "ERR_METHOD_NOT_ALLOWED", `${req.method} is not supported`);
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const request = requestOf(req, headers);
  if (request === undefined) {
    req.resume();
    return refuse(res, 400, "ERR_BAD_REQUEST", "the request target must be a path");
  }
  const response = await handler(request);
  const body = req.method === "HEAD" ? undefined : Buffer.from(await response.arrayBuffer());
  const out = Object.fromEntries(response.headers);
  if (body !== undefined) out["content-length"] = body.length;
  // A body the handler did not take (its declared length was over the
  // limit) may never come: close the connection rather than wait for it.
  if (!req.complete) out.connection = "close";
  res.writeHead(response.status, out);
  res.end(body);
}

const server = createServer((req, res) => {
  serve(req, res).catch((error) => {
    // Never the request or its headers: they may hold a token.
    const where = `${String(req.method).slice(0, 10)} (node adapter)`;
    console.error(`usersig: 500 ERR_INTERNAL ${where}: ${error?.name}: ${error?.message}`);
    if (res.headersSent) return void res.destroy();
    refuse(res, 500, "ERR_INTERNAL", "the service failed; see its log");
  });
});
// PORT=0 picks a free port; the line says which.
server.listen(port, host, () => {
  console.log(`usersig service on http://${host}:${server.address().port}`);
});
