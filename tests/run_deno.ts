import "./suite.ts";
import "./suite_server.ts";
import { runTests } from "./harness.ts";

const { failed } = await runTests(console.log, Deno.args[0] ?? "");
Deno.exit(failed === 0 ? 0 : 1);
