// The Hono example on Deno and Bun, which both serve a module's default
// export. Settings come from the environment (see app.ts).
//
//   deno serve --allow-env --allow-net --port 8787 examples/hono/server.ts
//   PORT=8787 bun examples/hono/server.ts
import process from "node:process";
import { createApp } from "./app.ts";

const app = createApp(process.env);

export default {
  fetch: app.fetch,
  // Bun listens where these say (HOST=0.0.0.0 to take outside connections);
  // `deno serve` ignores them and takes --host and --port.
  hostname: process.env.HOST ?? "127.0.0.1",
  port: Number(process.env.PORT ?? 8787),
};
