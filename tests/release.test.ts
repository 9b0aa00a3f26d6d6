// What a release depends on: the GitHub workflows (valid, pinned, least
// privilege, running what .ci/run runs), one version with its changelog
// heading, the bundle budgets, the npm build's version, and a fresh clone that
// installs and passes the publish dry runs without a dirty tree.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { assert, assertEquals } from "./assert.ts";
import { SERVER_RUNTIMES, test, type TestOptions } from "./harness.ts";
import { scratchDir } from "./npm_build.ts";
import { ok } from "./subprocess.ts";

const root = process.cwd();
const read = (path: string) => readFileSync(join(root, path), "utf8");
const version = (): string => JSON.parse(read("deno.json")).version;

const FILES: TestOptions = { runtimes: SERVER_RUNTIMES, why: "reads the repository's files" };
const ONE_HOST: TestOptions = {
  runtimes: ["node"],
  why: "runs tools in subprocesses on the repository; one host is enough",
};

// ---------------------------------------------------------------------------
// One version, and its changelog heading.

test(
  "CHANGELOG.md has a dated heading for deno.json's version, under an Unreleased section",
  () => {
    const headings = read("CHANGELOG.md").split("\n").filter((line) => line.startsWith("## "));
    assertEquals(headings[0], "## [Unreleased]", "the first section");
    const current = `## [${version()}] - `;
    const heading = headings.find((line) => line.startsWith(current));
    assert(
      heading !== undefined,
      `CHANGELOG.md has no "${current}YYYY-MM-DD" heading: add one for the version deno.json states`,
    );
    assert(/^## \[[^\]]+\] - \d{4}-\d{2}-\d{2}$/.test(heading), `a dated heading: ${heading}`);
  },
  FILES,
);

// ---------------------------------------------------------------------------
// The pages: their links resolve, on GitHub and on the JSR package page.

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replace(/ /g, "-");
}

test(
  "every relative link in the README, the repository's pages and docs/ resolves, and JSR publishes its target",
  () => {
    const include: string[] = JSON.parse(read("deno.json")).publish.include;
    const published = (path: string) =>
      include.some((entry) => entry.endsWith("/") ? path.startsWith(entry) : path === entry);
    const pages = [
      "README.md",
      "CHANGELOG.md",
      "CONTRIBUTING.md",
      "SECURITY.md",
      ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`),
    ];
    for (const page of pages) {
      assert(published(page), `${page} is not in deno.json's publish.include`);
      const text = read(page).replace(/```[\s\S]*?```/g, "");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [file, hash] = target.split("#");
        const path = file === "" ? page : join(dirname(page), file).replace(/\\/g, "/");
        assert(existsSync(join(root, path)), `${page}: ${target} does not exist`);
        assert(published(path), `${page}: ${target} is not in deno.json's publish.include`);
        if (hash !== undefined) {
          const anchors = read(path).replace(/```[\s\S]*?```/g, "").split("\n")
            .filter((l) => /^#{1,6} /.test(l)).map((l) => slug(l.replace(/^#+ /, "")));
          assert(anchors.includes(hash), `${page}: ${target}: no heading "#${hash}"`);
        }
      }
    }
  },
  FILES,
);

// ---------------------------------------------------------------------------
// The workflows.

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  "working-directory"?: string;
}
interface Job {
  uses?: string;
  needs?: string | string[];
  permissions?: Record<string, string> | string;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

const WORKFLOWS = ".github/workflows";
const workflowFiles = () => readdirSync(join(root, WORKFLOWS)).filter((f) => /\.ya?ml$/.test(f));
const workflow = (name: string): Workflow => parse(read(`${WORKFLOWS}/${name}`));

test(
  "the workflows are ci.yml and publish.yml, and @action-validator/cli accepts both",
  async () => {
    assertEquals(workflowFiles().sort(), ["ci.yml", "publish.yml"]);
    const cli = join(root, "node_modules", "@action-validator", "cli", "cli.mjs");
    assert(existsSync(cli), "@action-validator/cli is missing: run `npm install`");
    for (const file of workflowFiles()) {
      await ok(process.execPath, [cli, join(WORKFLOWS, file)]);
    }
  },
  ONE_HOST,
);

test(
  "every action in the workflows is pinned to a full commit SHA, its version in a comment",
  () => {
    for (const file of workflowFiles()) {
      const lines = read(`${WORKFLOWS}/${file}`).split("\n");
      const uses = lines.filter((line) => /^\s*(-\s+)?uses:/.test(line));
      assert(uses.length > 0, `${file} uses nothing`);
      for (const line of uses) {
        const local = /uses:\s*\.\/\.github\/workflows\/[\w.-]+\.ya?ml\s*$/.test(line);
        const pinned = /uses:\s*[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$/
          .test(
            line,
          );
        assert(local || pinned, `${file}: not pinned to a commit with its version: ${line.trim()}`);
      }
    }
  },
  FILES,
);

test("workflow permissions are least privilege: read the code, and OIDC only to publish", () => {
  for (const file of workflowFiles()) {
    const w = workflow(file);
    assert(typeof w.permissions === "object", `${file}: no top-level permissions`);
    for (const [name, value] of Object.entries(w.permissions)) {
      assertEquals([name, value], ["contents", "read"], `${file}: top-level permission`);
    }
    for (const [id, job] of Object.entries(w.jobs)) {
      const granted = job.permissions ?? {};
      assert(typeof granted === "object", `${file} ${id}: permissions ${granted}`);
      for (const [name, value] of Object.entries(granted)) {
        const allowed = (name === "contents" && value === "read") ||
          (file === "publish.yml" && id === "publish" && name === "id-token" && value === "write");
        assert(allowed, `${file} ${id}: permission ${name}: ${value}`);
      }
      for (const step of job.steps ?? []) {
        if (step.uses?.startsWith("actions/checkout@")) {
          assertEquals(step.with?.["persist-credentials"], false, `${file} ${id}: checkout`);
        }
      }
    }
  }
}, FILES);

/** The README's test command: the line of its first `sh` block that runs the whole suite. */
function readmeTestCommand(): string {
  const block = /```sh\n([\s\S]*?)```/.exec(read("README.md"))?.[1] ?? "";
  const line = block.split("\n").find((l) => /#.*test suite/.test(l));
  assert(line !== undefined, "the README's first sh block has no line for the test suite");
  return line.replace(/#.*$/, "").trim();
}

test(
  "ci.yml runs .ci/run on every push and pull request: npm ci, Chromium, the README's test command",
  () => {
    const ci = workflow("ci.yml");
    for (const event of ["push", "pull_request", "workflow_call"]) {
      assert(event in ci.on, `ci.yml does not run on ${event}`);
    }
    const steps = Object.values(ci.jobs).flatMap((job) => job.steps ?? []);
    assert(steps.some((step) => step.run?.trim() === ".ci/run"), "ci.yml does not run .ci/run");
    const commands = read(".ci/run").split("\n").map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    assert(commands.some((l) => l.startsWith("npm ci")), ".ci/run does not run npm ci");
    assert(
      commands.some((l) => /apt-get install\b.*\bchromium\b/.test(l)),
      ".ci/run does not install Chromium",
    );
    assertEquals(commands.at(-1), readmeTestCommand(), ".ci/run's last command");
  },
  FILES,
);

test(
  "publish.yml: a version tag runs the suite, then publishes to JSR and npm with provenance",
  () => {
    const w = workflow("publish.yml");
    assertEquals(Object.keys(w.on), ["push"]);
    const push = w.on.push as Record<string, unknown>;
    assertEquals(Object.keys(push), ["tags"]);
    assertEquals(w.jobs.test.uses, "./.github/workflows/ci.yml");
    const publish = w.jobs.publish;
    assertEquals([publish.needs].flat(), ["test"]);
    const runs = (publish.steps ?? []).map((s) => s.run?.trim() ?? "");
    const index = (pattern: RegExp) => {
      const at = runs.findIndex((r) => pattern.test(r));
      assert(at !== -1, `publish.yml runs nothing like ${pattern}`);
      return at;
    };
    const steps = [
      index(/^npm ci\b/),
      index(/GITHUB_REF_NAME.*version|version.*GITHUB_REF_NAME/s),
      index(/^npx deno publish$/),
      index(
        /^node scripts\/build_npm\.mjs --repository "\$GITHUB_SERVER_URL\/\$GITHUB_REPOSITORY"$/,
      ),
      index(/^npm publish --provenance\b/),
    ];
    assertEquals(steps, [...steps].sort((a, b) => a - b), "the order of the steps");
    const npmPublish = (publish.steps ?? [])[steps[4]];
    assertEquals(npmPublish["working-directory"], ".build/npm");
    const text = read(`${WORKFLOWS}/publish.yml`);
    assert(!text.includes("--allow-dirty"), "publish.yml must publish a clean checkout");
    assert(!/secrets\./.test(text), "publish.yml must need no stored token");
  },
  FILES,
);

// ---------------------------------------------------------------------------
// Sizes and the npm build.

/** A script of this repository as a module, left out of any bundle of this suite. */
function script(path: string) {
  return import(pathToFileURL(join(root, path)).href);
}

test(
  "deno task size: the generator within 4 KiB and the core within 8.5 KiB, minified and gzipped",
  async () => {
    const { measure } = await script("bench/size.mjs");
    const sizes: { name: string; gzipped: number; maxGzipped: number; ok: boolean }[] =
      await measure();
    assertEquals(sizes.map((s) => [s.name, s.maxGzipped]), [["core", 8704], ["generator", 4096]]);
    for (const s of sizes) {
      assert(s.ok, `the ${s.name} bundle is ${s.gzipped} bytes gzipped, over ${s.maxGzipped}`);
    }
  },
  ONE_HOST,
);

test(
  "the npm build writes deno.json's version into src/version.js; esbuild bundles it too",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "usersig-version-"));
    try {
      const { buildNpm } = await script("scripts/build_npm.mjs");
      const manifest = buildNpm({
        outdir: join(dir, "npm"),
        entries: [["./version", "./src/version.ts"]],
        repository: "https://github.com/example/usersig",
      });
      assertEquals(manifest.version, version());
      assertEquals(manifest.repository, {
        type: "git",
        url: "git+https://github.com/example/usersig.git",
      });
      assert(!existsSync(join(dir, "npm", "deno.json")), "the package ships deno.json");
      const built = await import(pathToFileURL(join(dir, "npm", "src", "version.js")).href);
      assertEquals(built.VERSION, version());

      const { build } = await import("esbuild");
      const outfile = join(dir, "bundle.mjs");
      await build({
        entryPoints: [join(root, "src", "version.ts")],
        outfile,
        bundle: true,
        format: "esm",
        logLevel: "error",
      });
      const bundled = await import(pathToFileURL(outfile).href);
      assertEquals(bundled.VERSION, version());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  ONE_HOST,
);

// ---------------------------------------------------------------------------
// A fresh clone of the working tree, as it would be committed.

let snapshot: string | undefined;

/**
 * A repository holding the working tree as `git commit -a` plus every new,
 * not ignored file would: what a clone of the next commit gets. Made once.
 */
async function snapshotRepository(): Promise<string> {
  if (snapshot) return snapshot;
  const dir = scratchDir("usersig-clone-");
  const repo = join(dir, "snapshot");
  const listed = await ok("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
  for (const file of listed.split("\0").filter((f) => f !== "" && existsSync(join(root, f)))) {
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    copyFileSync(join(root, file), join(repo, file));
  }
  const as = ["-c", "user.name=usersig tests", "-c", "user.email=tests@usersig.invalid"];
  await ok("git", ["init", "-q"], { cwd: repo });
  await ok("git", ["add", "-A"], { cwd: repo });
  await ok("git", [...as, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "snapshot"], {
    cwd: repo,
  });
  return snapshot = repo;
}

async function freshClone(name: string): Promise<string> {
  const repo = await snapshotRepository();
  const clone = join(dirname(repo), name);
  await ok("git", ["clone", "-q", repo, clone], { cwd: dirname(repo) });
  return clone;
}

async function assertClean(clone: string, after: string): Promise<void> {
  const status = await ok("git", ["status", "--porcelain", "--untracked-files=all"], {
    cwd: clone,
  });
  assertEquals(status.trim(), "", `the clone is dirty after ${after}`);
}

const deno = () => join(root, "node_modules", ".bin", "deno");

test("a fresh clone: deno install leaves it clean, and deno publish --dry-run passes", async () => {
  const clone = await freshClone("deno-install");
  await ok(deno(), ["install"], { cwd: clone, timeoutMs: 100_000 });
  await assertClean(clone, "deno install");
  await ok(deno(), ["publish", "--dry-run"], { cwd: clone });
  await assertClean(clone, "deno publish --dry-run");
}, ONE_HOST);

let npmClone: Promise<string> | undefined;

/** A fresh clone installed as the release job installs it, once per run. */
function releaseClone(): Promise<string> {
  npmClone ??= (async () => {
    const clone = await freshClone("npm-ci");
    await ok("npm", ["ci", "--prefer-offline"], { cwd: clone, timeoutMs: 100_000 });
    await assertClean(clone, "npm ci");
    return clone;
  })();
  return npmClone;
}

test(
  "a fresh clone, as the release job installs it: npm ci leaves it clean, and deno publish --dry-run passes",
  async () => {
    const clone = await releaseClone();
    await ok(join(clone, "node_modules", ".bin", "deno"), ["publish", "--dry-run"], { cwd: clone });
    await assertClean(clone, "deno publish --dry-run");
  },
  ONE_HOST,
);

test(
  "a fresh clone, as the release job installs it: the npm build and npm pack leave it clean",
  async () => {
    const clone = await releaseClone();
    const repository = "https://github.com/example/usersig";
    await ok(process.execPath, ["scripts/build_npm.mjs", "--repository", repository], {
      cwd: clone,
    });
    const pkg = join(clone, ".build", "npm");
    const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
    assertEquals(manifest.version, version());
    await ok("npm", ["pack", "--dry-run"], { cwd: pkg });
    await assertClean(clone, "the npm build");
  },
  ONE_HOST,
);
