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
/** The handler's body limit (its default `maxBodyBytes`). */
const MAX_BODY_BYTES = 4096;

/**
 * Reads the request body, but never more than `limit + 1` bytes: that is
 * enough for the handler to answer 413. The rest of a bigger body is left
 * unread, and Node discards it once the response has been sent. (Handing
 * the handler `Readable.toWeb(req)` instead lets it cancel the stream, and
 * Node's adapter then throws on the next chunk and ends the process.)
 */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    const done = (error) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", done);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, Math.min(size, limit + 1)));
    };
    const onData = (chunk) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) done();
    };
    const onEnd = () => done();
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", done);
  });
}

/** Turns Node's request into a fetch Request, and the handler's Response back. */
async function serve(req, res) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  const request = new Request(new URL(req.url ?? "/", `http://${host}:${port}`), {
    method: req.method,
    headers,
    body: hasBody ? await readBody(req, MAX_BODY_BYTES) : undefined,
  });
  const response = await handler(request);
  const body = req.method === "HEAD" ? undefined : Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(body);
}

const server = createServer((req, res) => {
  serve(req, res).catch(() => {
    if (res.headersSent) return void res.destroy();
    res.writeHead(500, { "content-type": "application/json", "cache-control": "no-store" });
    res.end('{"error":{"code":"ERR_INTERNAL","message":"the service failed"}}');
  });
});
// PORT=0 picks a free port; the line says which.
server.listen(port, host, () => {
  console.log(`usersig service on http://${host}:${server.address().port}`);
});
