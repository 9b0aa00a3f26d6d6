// The server suite: files that need Node's built-in modules, npm packages
// with native parts, or subprocesses. Runs in Deno, Node and Bun.
import "./browser_page.test.ts";
import "./cli.test.ts";
import "./legacy_node.test.ts";
import "./npm_package.test.ts";
import "./official.test.ts";
import "./service.test.ts";
import "./service_examples.test.ts";
import "./service_providers.test.ts";
import "./portability.test.ts";
