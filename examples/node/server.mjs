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
import { Readable } from "node:stream";
import { exampleRoomPolicy, serviceFromEnv } from "../../.build/usersig-service.mjs";

const handler = serviceFromEnv(process.env, { roomPolicy: exampleRoomPolicy });
const port = Number(process.env.PORT ?? 8000);
const host = process.env.HOST ?? "127.0.0.1";

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
    body: hasBody ? Readable.toWeb(req) : undefined,
    duplex: "half",
  });
  const response = await handler(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(req.method === "HEAD" ? undefined : Buffer.from(await response.arrayBuffer()));
}

createServer((req, res) => {
  serve(req, res).catch(() => {
    res.writeHead(500, { "content-type": "application/json", "cache-control": "no-store" });
    res.end('{"error":{"code":"ERR_INTERNAL","message":"the service failed"}}');
  });
}).listen(port, host, () => console.log(`usersig service on http://${host}:${port}`));
