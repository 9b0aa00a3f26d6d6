// A Worker that runs the REST client's cases (rest_cases.ts) inside workerd
// against the stand-in that rest_server.test.ts serves on loopback, and
// answers with one result a case.
import { REST_CASES } from "./rest_cases.ts";

interface Env {
  STANDIN_URL: string;
  REFUSED_URL: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const only = new URL(request.url).searchParams.get("case");
    const results = [];
    for (const c of REST_CASES) {
      if (only !== null && c.name !== only) continue;
      try {
        await c.run({ url: env.STANDIN_URL, refused: env.REFUSED_URL });
        results.push({ name: c.name, ok: true });
      } catch (error) {
        results.push({ name: c.name, ok: false, error: String((error as Error)?.stack ?? error) });
      }
    }
    return Response.json(results);
  },
};
