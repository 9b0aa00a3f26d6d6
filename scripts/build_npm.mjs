#!/usr/bin/env node
// Builds the npm package of the module, the way JSR's npm compatibility layer
// serves it: every module of the `.`, `./legacy` and `./service` entry points
// as ES module JavaScript beside its `.d.ts` (one file a module, so the
// entries share one `UserSigError`), relative `.ts` imports rewritten to
// `.js`, npm imports left as they are and declared as dependencies with the
// ranges of deno.json's `imports` — `hono` as an optional peer dependency
// instead. `./cli` is left out: it is Deno's. The version is deno.json's, in
// the manifest and in `src/version.js`, where it is written as a literal: the
// package does not ship deno.json.
//
//   node scripts/build_npm.mjs [--outdir DIR] [--repository URL]
//
// DIR defaults to .build/npm. URL, the GitHub repository the package is built
// from, goes into the manifest's `repository`, which npm's provenance check
// compares with the workflow's own. Prints the package directory. TypeScript
// (a dev dependency) type-checks and emits; a type error fails the build.
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Entry points that go to npm; `./cli` runs on Deno only. */
const SKIP = new Set(["./cli"]);
/** The one module that reads deno.json (for its version). */
const VERSION_MODULE = "src/version";

/** A build mistake: reported as `build_npm: <message>`. */
class BuildError extends Error {}

function fail(message) {
  throw new BuildError(message);
}

/** deno.json's `imports`, `npm:` ones only, as package name → version range. */
function npmRanges(deno) {
  const ranges = new Map();
  for (const target of Object.values(deno.imports ?? {})) {
    const m = /^npm:\/?((?:@[^/@]+\/)?[^/@]+)@([^/]+)\/?$/.exec(target);
    if (m) ranges.set(m[1], m[2]);
  }
  return ranges;
}

/** Every file under `dir`, relative to it. */
function walk(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name), base) : [relative(base, join(dir, d.name))]
  );
}

// Declarations keep `./x.ts` specifiers: point them at the `.js` files too.
const RELATIVE_TS = /(["'])(\.{1,2}\/[^"'\n]*?)\.ts\1/g;
const BARE = /(?:\bfrom|\bimport)\s*\(?\s*["']([^"'./][^"']*)["']/g;
/**
 * Packages the user's app brings: `./hono` returns routes for the app's own
 * Hono, and one copy of hono must serve both (a second copy's types do not
 * match the app's). Optional, so that npm installs no hono for the other
 * entries.
 */
const PEERS = new Set(["hono"]);

const DENO_JSON = /["'](?:\.{1,2}\/)+deno\.json["']/;

/**
 * Builds the package into `outdir` and returns its manifest.
 *
 * @param {object} options
 * @param {string} options.outdir Where the package goes; emptied first.
 * @param {string} [options.repository] The GitHub repository URL for the manifest.
 * @param {[string, string][]} [options.entries] Entry points as deno.json's
 * `exports` states them; default: all of them but `./cli`.
 */
export function buildNpm({ outdir, repository, entries }) {
  const deno = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
  entries ??= Object.entries(deno.exports).filter(([key]) => !SKIP.has(key));
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  if (!existsSync(tsc)) fail("TypeScript is missing: run `npm install` (it is a dev dependency)");

  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const tsconfig = join(outdir, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        target: "es2022",
        module: "esnext",
        moduleResolution: "bundler",
        // The core is portable: ES and DOM libraries, no Node or Deno types.
        lib: ["es2022", "dom", "dom.iterable"],
        types: [],
        strict: true,
        skipLibCheck: true,
        verbatimModuleSyntax: true,
        allowImportingTsExtensions: true,
        rewriteRelativeImportExtensions: true,
        resolveJsonModule: true, // src/version.ts imports deno.json
        declaration: true,
        rootDir: root,
        outDir: outdir,
        newLine: "lf",
      },
      files: entries.map(([, file]) => join(root, file)),
    }),
  );
  const result = spawnSync(process.execPath, [tsc, "-p", tsconfig], { encoding: "utf8" });
  rmSync(tsconfig, { force: true });
  if (result.status !== 0) fail(`tsc failed\n${result.stdout}${result.stderr}`);

  // The version goes in as a literal, and deno.json (emitted beside the code
  // that imports it) stays out of the package.
  rmSync(join(outdir, "deno.json"), { force: true });
  const versionModule = join(outdir, `${VERSION_MODULE}.js`);
  if (existsSync(versionModule)) {
    writeFileSync(
      versionModule,
      `// deno.json's version, written in by scripts/build_npm.mjs.\n` +
        `export const VERSION = ${JSON.stringify(deno.version)};\n`,
    );
  }

  const used = new Set();
  for (const file of walk(outdir)) {
    const path = join(outdir, file);
    let text = readFileSync(path, "utf8");
    if (file.endsWith(".d.ts")) {
      text = text.replace(RELATIVE_TS, "$1$2.js$1");
      writeFileSync(path, text);
    }
    const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    if (DENO_JSON.test(code)) {
      fail(`${file} imports deno.json; read the version from src/version.ts`);
    }
    for (const [, specifier] of code.matchAll(BARE)) {
      if (specifier.startsWith("node:")) fail(`${file} imports ${specifier}`);
      used.add(specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/"));
    }
  }

  const ranges = npmRanges(deno);
  const dependencies = {};
  const peerDependencies = {};
  for (const name of [...used].sort()) {
    if (!ranges.has(name)) fail(`"${name}" is imported but not an npm: import in deno.json`);
    (PEERS.has(name) ? peerDependencies : dependencies)[name] = ranges.get(name);
  }
  const peerDependenciesMeta = Object.fromEntries(
    Object.keys(peerDependencies).map((name) => [name, { optional: true }]),
  );

  const exportsMap = {};
  for (const [key, file] of entries) {
    const base = file.replace(/\.ts$/, "");
    exportsMap[key] = { types: `${base}.d.ts`, default: `${base}.js` };
  }
  for (const file of ["README.md", "LICENSE"]) copyFileSync(join(root, file), join(outdir, file));
  const manifest = {
    name: deno.name,
    version: deno.version,
    description:
      "Issue, verify and decode Tencent Cloud IM / TRTC UserSig and PrivateMapKey tickets with Web Crypto.",
    license: deno.license,
    ...(repository ? { repository: { type: "git", url: `git+${repository}.git` } } : {}),
    type: "module",
    exports: exportsMap,
    files: [...entries.map(([, f]) => f.replace(/^\.\//, "").replace(/\.ts$/, ".*")), "src/"],
    dependencies,
    peerDependencies,
    peerDependenciesMeta,
  };
  writeFileSync(join(outdir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
  return manifest;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const option = (name) => {
    const at = argv.indexOf(name);
    if (at === -1) return undefined;
    if (!argv[at + 1]) {
      console.error(`build_npm: ${name} needs a value`);
      process.exit(1);
    }
    return argv[at + 1];
  };
  const outdir = resolve(option("--outdir") ?? join(root, ".build", "npm"));
  const repository = option("--repository");
  if (repository !== undefined && !/^https:\/\/[^\s"]+[^/\s"]$/.test(repository)) {
    console.error(
      "build_npm: --repository must be an https URL such as https://github.com/OWNER/REPO",
    );
    process.exit(1);
  }
  try {
    buildNpm({ outdir, repository });
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    console.error(`build_npm: ${error.message}`);
    process.exit(1);
  }
  console.log(outdir);
}
