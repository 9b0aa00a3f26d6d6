// The core's import graph: mod.ts and everything it reaches import nothing
// but relative paths, so it runs wherever ES modules and Web Crypto do.
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import process from "node:process";
import { assert, assertEquals } from "./assert.ts";
import { SERVER_RUNTIMES, test } from "./harness.ts";

const IMPORT =
  /(?:^|[;\s])(?:import|export)\s*(?:type\s+)?(?:[\w*${}\s,]+from\s*)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Every module reachable from `entry`, with the specifiers each imports. */
function graph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    // Comments hold doc examples, which import the package as a user would.
    const source = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/^\s*\/\/.*$/gm, "");
    const specifiers = [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2]);
    seen.set(file, specifiers);
    for (const s of specifiers) {
      if (s.startsWith("./") || s.startsWith("../")) visit(join(dirname(file), s));
    }
  };
  visit(join(process.cwd(), entry));
  return seen;
}

const only = { runtimes: SERVER_RUNTIMES, why: "reads the source files from disk" };

test("the core (mod.ts and all it imports) imports only relative paths", () => {
  const modules = graph("mod.ts");
  assert(modules.size >= 10, `found only ${modules.size} modules`);
  const outside = [...modules].flatMap(([file, specifiers]) =>
    specifiers.filter((s) => !s.startsWith("./") && !s.startsWith("../"))
      .map((s) => `${relative(process.cwd(), file)} imports ${s}`)
  );
  assertEquals(outside, []);
}, only);

test("the import scan sees bare, npm: and node: imports (so the core test can fail)", () => {
  const found = [
    ...`import { a } from "jose";\nexport * from "npm:x";\nimport "node:fs";\nconst m = await import("./y.ts");`
      .matchAll(IMPORT),
  ].map((m) => m[1] ?? m[2]);
  assertEquals(found, ["jose", "npm:x", "node:fs", "./y.ts"]);
  assert([...graph("legacy.ts").values()].flat().some((s) => s.startsWith("@noble/curves/")));
}, only);

test(
  "hono is imported by the Hono entry alone: not by the core, the service or the legacy entry",
  () => {
    const bare = (entry: string) =>
      [...graph(entry).values()].flat().filter((s) => !s.startsWith("./") && !s.startsWith("../"));
    for (const entry of ["mod.ts", "service.ts", "legacy.ts", "cli.ts"]) {
      assertEquals(bare(entry).filter((s) => s === "hono" || s.startsWith("hono/")), [], entry);
    }
    assertEquals([...new Set(bare("hono.ts"))].sort(), ["hono", "hono/route", "jose"]);
  },
  only,
);
