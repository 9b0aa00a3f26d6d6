// The edge service as a Cloudflare Worker. Settings come from the Worker's
// env: [vars] in wrangler.toml, secrets from `wrangler secret put`.
// The handler is built once per isolate (per env) and reused.
import { exampleRoomPolicy, serviceFromEnv, type UserSigHandler } from "./service.ts";

let built: { env: object; handler: UserSigHandler } | undefined;

export default {
  fetch(request: Request, env: Record<string, unknown>): Promise<Response> {
    if (built?.env !== env) {
      built = { env, handler: serviceFromEnv(env, { roomPolicy: exampleRoomPolicy }) };
    }
    return built.handler(request);
  },
};
