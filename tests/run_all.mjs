#!/usr/bin/env node
// The README's test command: the repository checks (format, lint, types,
// docs, publish), then one suite in Deno, Node, Bun, workerd, Vercel's Edge
// Runtime and headless Chromium. Prints `<runtime>: N passed, N failed,
// N skipped` for each and last the total `N passed, N failed`. An argument
// filters tests by name; VERBOSE=1 prints passing tests too. With CI set, a
// missing runtime fails the run; without it, the run says what to install
// and goes on.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import process from "node:process";

const root = process.cwd();
const filter = process.argv[2] ?? "";
const CI = Boolean(process.env.CI);
const VERBOSE = Boolean(process.env.VERBOSE);
const build = join(root, ".build");
const bin = (name) => join(root, "node_modules", ".bin", name);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const totals = { passed: 0, failed: 0 };

if (!existsSync(bin("deno"))) {
  console.error("node_modules is missing: run `npm install` first.");
  process.exit(1);
}
mkdirSync(build, { recursive: true });

/** Runs a command, collecting its output; never rejects. */
function run(cmd, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1" },
      ...options,
    });
    let out = "";
    child.stdout?.on("data", (d) => (out += d));
    child.stderr?.on("data", (d) => (out += d));
    child.on("error", (error) => resolve({ code: -1, out: out + String(error) }));
    child.on("close", (code) => resolve({ code, out }));
  });
}

/** Prints a runtime's report lines and adds its counts to the totals. */
function record(name, lines, summary) {
  for (const line of lines) {
    if (VERBOSE || !line.startsWith("ok ")) console.log(line);
  }
  if (summary === null) {
    totals.failed++;
    console.log(`${name}: 0 passed, 1 failed (the runner ended without a summary)`);
    return;
  }
  totals.passed += summary.passed;
  totals.failed += summary.failed;
}

/** Reads a process's report: its lines and its closing summary line. */
function parse(name, out) {
  const lines = out.trimEnd().split("\n");
  const match = lines.at(-1)?.match(/^\S+: (\d+) passed, (\d+) failed, (\d+) skipped$/);
  if (!match) return record(name, lines, null);
  record(name, lines, { passed: Number(match[1]), failed: Number(match[2]) });
}

/** A runtime that is not installed: an error in CI, a hint elsewhere. */
function missing(name, hint) {
  if (CI) {
    totals.failed++;
    console.log(`${name}: 0 passed, 1 failed (not installed: ${hint})`);
  } else {
    console.log(`${name}: not installed, skipped. To run it: ${hint}`);
  }
}

async function bundle(entry, outfile, platform, format = "esm") {
  const { build: esbuild } = await import("esbuild");
  await esbuild({
    entryPoints: [join(root, entry)],
    outfile: join(build, outfile),
    bundle: true,
    format,
    globalName: format === "iife" ? "portable" : undefined,
    platform,
    packages: platform === "node" ? "external" : undefined,
    target: "es2022",
    logLevel: "error",
  });
}

const exportsOf = () =>
  Object.values(JSON.parse(readFileSync(join(root, "deno.json"), "utf8")).exports);

/**
 * `deno doc --lint`, less one kind of report that Deno itself has dropped
 * (denoland/deno#27364): a public type that refers to a type of another
 * package — `Context` and `Hono` from hono, here — is "private" only because
 * the package is read from node_modules. A type of our own still counts.
 */
async function docLint(args) {
  const { code, out } = await run(bin("deno"), args);
  if (code === 0) return { code, out };
  const reports = out.split(/\n(?=error\[)/).filter((report) => report.startsWith("error["));
  const kept = reports.filter((report) => {
    const ref =
      /^error\[private-type-ref\]: .* references private type '(\w+)'\n\s*--> (.+?):\d+:\d+/
        .exec(report);
    if (ref === null) return true;
    const [, name, file] = ref;
    const imported = new RegExp(
      `import\\s+(?:type\\s+)?\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*"([^"]+)"`,
    ).exec(readFileSync(file, "utf8"));
    return imported === null || imported[1].startsWith(".");
  });
  return kept.length === 0 ? { code: 0, out: "" } : { code, out: kept.join("\n") };
}

async function checks() {
  const entries = exportsOf();
  const steps = [
    ["deno fmt --check", ["fmt", "--check"]],
    ["deno lint", ["lint"]],
    ["deno check", ["check", ...entries, "tests/run_server.ts", "tests/run_portable.ts"]],
    ["core type-checks with ES and DOM libraries only", [
      "check",
      "--config",
      "tests/portability.json",
      "mod.ts",
    ]],
    ["deno doc --lint", ["doc", "--lint", ...entries], docLint],
    ["doc examples run (deno test --doc)", ["test", "--doc", "--allow-all", ...entries, "src/"]],
    ["every export documented with @param, @returns, @throws and a titled @example", [
      "tests/doc_check.mjs",
    ], process.execPath],
    ["deno publish --dry-run", ["publish", "--dry-run", "--allow-dirty"]],
  ];
  const lines = [];
  let passed = 0, failed = 0;
  for (const [name, args, cmd = bin("deno")] of steps) {
    if (filter && !name.includes(filter)) continue;
    const { code, out } = typeof cmd === "function" ? await cmd(args) : await run(cmd, args);
    // A doc example asserts with console.assert, which prints instead of throwing.
    if (code === 0 && !out.includes("Assertion failed")) {
      passed++;
      lines.push(`ok ${name}`);
    } else {
      failed++;
      lines.push(`FAIL ${name}\n  ${out.trim().split("\n").slice(-40).join("\n  ")}`);
    }
  }
  lines.push(`checks: ${passed} passed, ${failed} failed, 0 skipped`);
  parse("checks", lines.join("\n"));
}

async function deno() {
  const { out } = await run(bin("deno"), ["run", "--allow-all", "tests/run_server.ts", filter]);
  parse("deno", out);
}

async function node() {
  await bundle("tests/run_server.ts", "node.mjs", "node");
  const { out } = await run(process.execPath, [join(build, "node.mjs"), filter]);
  parse("node", out);
}

async function bun() {
  if (!existsSync(bin("bun"))) return missing("bun", "npm install (the bun package)");
  const { out } = await run(bin("bun"), ["tests/run_server.ts", filter]);
  parse("bun", out);
}

async function workerd() {
  let Miniflare;
  try {
    ({ Miniflare } = await import("miniflare"));
  } catch {
    return missing("workerd", "npm install (the miniflare package)");
  }
  await bundle("tests/run_portable.ts", "workerd.mjs", "browser");
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(build, "workerd.mjs"),
    // The Worker's own date, so that the suite sees the runtime the service gets.
    compatibilityDate: readFileSync(join(root, "wrangler.toml"), "utf8")
      .match(/compatibility_date\s*=\s*"([^"]+)"/)[1],
  });
  try {
    const response = await mf.dispatchFetch(
      `http://localhost/?filter=${encodeURIComponent(filter)}`,
    );
    const report = await response.json();
    parse("workerd", [...report.lines].join("\n"));
  } catch (error) {
    record("workerd", [`FAIL workerd runner\n  ${error}`], null);
  } finally {
    await mf.dispose();
  }
}

async function edgeRuntime() {
  let EdgeRuntime;
  try {
    ({ EdgeRuntime } = await import("edge-runtime"));
  } catch {
    return missing("edge-runtime", "npm install (the edge-runtime package)");
  }
  // The Edge Runtime evaluates scripts, not modules: the suite as one script.
  await bundle("tests/run_portable.ts", "edge-runtime.js", "browser", "iife");
  const runtime = new EdgeRuntime({
    initialCode: readFileSync(join(build, "edge-runtime.js"), "utf8"),
    // It has no CompressionStream: lend Node's to the tests' reference zlib
    // (tests/tickets.ts), under a name the library never reads.
    extend: (context) =>
      Object.assign(context, {
        referenceZlib: {
          CompressionStream: globalThis.CompressionStream,
          DecompressionStream: globalThis.DecompressionStream,
        },
      }),
  });
  try {
    const report = await runtime.evaluate(`portable.report(${JSON.stringify(filter)})`);
    parse("edge-runtime", [...report.lines].join("\n"));
  } catch (error) {
    record("edge-runtime", [`FAIL edge-runtime runner\n  ${error?.stack ?? error}`], null);
  }
}

async function chromium() {
  if (!existsSync(CHROMIUM)) return missing("chromium", "apt-get install -y chromium");
  await bundle("tests/run_portable.ts", "portable.js", "browser");
  writeFileSync(
    join(build, "index.html"),
    `<!doctype html><meta charset="utf-8"><title>usersig tests</title>
<script type="module">
import { report } from "./portable.js";
globalThis.__report = await report(${JSON.stringify(filter)});
</script>`,
  );
  const server = createServer((req, res) => {
    const file = join(
      build,
      new URL(req.url, "http://x").pathname === "/" ? "index.html" : "portable.js",
    );
    res.writeHead(200, { "content-type": file.endsWith(".js") ? "text/javascript" : "text/html" });
    res.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  // Loaded here, after the bundle: playwright-core is big and only this runner needs it.
  await bundle("tests/chromium.ts", "chromium.mjs", "node");
  const { launchChromium } = await import(join(build, "chromium.mjs"));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => globalThis.__report || null, null, { timeout: 600_000 });
    const report = await page.evaluate(() => globalThis.__report);
    parse("chromium", [...errors.map((e) => `page error: ${e}`), ...report.lines].join("\n"));
  } catch (error) {
    record("chromium", [`FAIL chromium runner\n  ${error}`], null);
  } finally {
    await browser.close();
    server.close();
  }
}

/**
 * The Next.js example, built and served as a user would (scripts/check_nextjs.ts):
 * it installs Next.js into the example, so it runs only when asked, as CI asks.
 */
async function nextjs() {
  if (process.env.USERSIG_NEXTJS !== "1") {
    if (!filter) {
      console.log("nextjs: not checked. To check it (about a minute): USERSIG_NEXTJS=1 npm test");
    }
    return;
  }
  if (filter && !"nextjs".includes(filter)) return;
  const { out } = await run(bin("deno"), ["run", "--allow-all", "scripts/check_nextjs.ts"]);
  parse("nextjs", out);
}

for (const step of [checks, deno, node, bun, workerd, edgeRuntime, chromium, nextjs]) {
  try {
    await step();
  } catch (error) {
    record(step.name, [`FAIL ${step.name} runner\n  ${error?.stack ?? error}`], null);
  }
}
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed === 0 ? 0 : 1);
