// The server suite: files that need Node's built-in modules, npm packages
// with native parts, or subprocesses. Runs in Deno, Node and Bun.
import "./browser_page.test.ts";
import "./cli.test.ts";
import "./cli_process.test.ts";
import "./docs_codes.test.ts";
import "./docs_limits.test.ts";
import "./hono_example_servers.test.ts";
import "./legacy_node.test.ts";
import "./load_script.test.ts";
import "./netlify_example.test.ts";
import "./nextjs_route.test.ts";
import "./npm_hono.test.ts";
import "./npm_package.test.ts";
import "./official.test.ts";
import "./release.test.ts";
import "./service.test.ts";
import "./service_examples.test.ts";
import "./stream_memory.test.ts";
import "./ticket_length.test.ts";
import "./supabase_example.test.ts";
import "./service_providers.test.ts";
import "./portability.test.ts";
import "./rest_cli.test.ts";
import "./rest_server.test.ts";
import "./zlib_differential.test.ts";
