// RestApiClient over real HTTP: every case of rest_cases.ts against the
// stand-in on 127.0.0.1, from Deno, Node and Bun, and from a Worker in the
// real workerd (bundled with esbuild, run by miniflare, driven from Node).
import { SERVER_RUNTIMES, test } from "./harness.ts";
import { assert } from "./assert.ts";
import { REST_CASES } from "./rest_cases.ts";
import { withStandIn } from "./rest_http.ts";
import { STANDIN_KEY } from "./rest_standin.ts";
import { bundleWorker } from "./worker_bundle.ts";

// miniflare's types need @types/node, which Deno's checker does not have here:
// load it by a name the checker does not follow, and describe what is used.
const MINIFLARE: string = "miniflare";
interface MiniflareInstance {
  ready: Promise<URL>;
  dispatchFetch(url: string): Promise<Response>;
  dispose(): Promise<void>;
}
type MiniflareClass = new (options: Record<string, unknown>) => MiniflareInstance;

const SERVER = { runtimes: SERVER_RUNTIMES, why: "serves the stand-in with node:http" };
const NODE = { runtimes: ["node" as const], why: "drives workerd through miniflare from Node" };

for (const c of REST_CASES) {
  test(
    `rest over HTTP: ${c.name}`,
    () => withStandIn(({ url, refused }) => c.run({ url, refused })),
    SERVER,
  );
}

interface Result {
  name: string;
  ok: boolean;
  error?: string;
}

let results: Promise<Map<string, Result>> | undefined;

/** Every case run once in a Worker, against the stand-in on loopback. */
function workerdResults(): Promise<Map<string, Result>> {
  return results ??= withStandIn(async ({ url, refused }) => {
    const { Miniflare } = (await import(MINIFLARE)) as { Miniflare: MiniflareClass };
    const mf = new Miniflare({
      modules: [{
        type: "ESModule",
        path: "worker.mjs",
        contents: await bundleWorker("tests/rest_worker.ts"),
      }],
      compatibilityDate: "2025-09-01",
      bindings: { STANDIN_URL: url, REFUSED_URL: refused },
    });
    try {
      const response = await mf.dispatchFetch("http://localhost/");
      const rows = (await response.json()) as Result[];
      return new Map(rows.map((row) => [row.name, row]));
    } finally {
      await mf.dispose();
    }
  });
}

for (const c of REST_CASES) {
  test(`rest workerd: ${c.name}`, async () => {
    const row = (await workerdResults()).get(c.name);
    assert(row !== undefined, "the Worker did not run this case");
    assert(row.ok, `in workerd: ${row.error}`);
    assert(!(row.error ?? "").includes(STANDIN_KEY));
  }, NODE);
}
