// The portable suite as a module that workerd and a browser page load: the
// Worker answers a request with the report; the page calls `report()`.
import "./suite.ts";
import { runTests, type Summary } from "./harness.ts";

/** Runs the suite and returns every printed line with the counts. */
export async function report(filter = ""): Promise<Summary & { lines: string[] }> {
  const lines: string[] = [];
  const summary = await runTests((line) => lines.push(line), filter);
  return { ...summary, lines };
}

export default {
  async fetch(request: Request): Promise<Response> {
    const filter = new URL(request.url).searchParams.get("filter") ?? "";
    return Response.json(await report(filter));
  },
};
