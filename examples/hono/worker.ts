// The Hono example on Cloudflare Workers. Settings are the Worker's env:
// [vars] in wrangler.toml, secrets from `wrangler secret put`.
//
//   npx wrangler dev -c examples/hono/wrangler.toml
import type { ExecutionContext, Hono } from "hono";
import { type AppEnv, createApp } from "./app.ts";

// Built once per env, on the first request: a Worker sees its env only then.
let built: { env: object; app: Hono<AppEnv> } | undefined;

export default {
  fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext) {
    if (built?.env !== env) built = { env, app: createApp(env) };
    return built.app.fetch(request, env, ctx);
  },
};
