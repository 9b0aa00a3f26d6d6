// Runs the portable and the server suite in the runtime that runs this file:
// Deno (`deno run -A tests/run_server.ts`), Bun (`bun tests/run_server.ts`)
// or Node (bundled first by tests/run_all.mjs). An argument filters by name.
import process from "node:process";
import "./suite.ts";
import "./suite_server.ts";
import { runTests } from "./harness.ts";

const { failed } = await runTests(console.log, process.argv[2] ?? "");
process.exit(failed === 0 ? 0 : 1);
