#!/usr/bin/env node
// The benchmark task: the same scenarios in Deno, Node and Bun, and Tencent's
// official Node library (tls-sig-api-v2, synchronous) in the same run, then a
// table of operations per second and the ratios the project aims for. The
// service's handler runs in one process against its floor (the Request, two
// HMAC signs and a Response.json that any handler needs). `--quick` runs
// fewer operations and a smaller heap check. `--crafted` runs the crafted
// zlib streams instead (see crafted()).
// Benchmarks are not tests: nothing here fails on a time.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { measure } from "./size.mjs";

const root = process.cwd();
const quick = process.argv.includes("--quick");
const TOTAL = quick ? 50_000 : 100_000;
const CONCURRENCY = 256;
const ROUNDS = quick ? 3 : 5;
const HEAP_TICKETS = quick ? 100_000 : 1_000_000;
const bin = (name) => join(root, "node_modules", ".bin", name);
const args = [String(TOTAL), String(CONCURRENCY), String(ROUNDS), String(HEAP_TICKETS)];

/** Bundles `entry` (a path from the root) for Node into .build/`name`; returns its path. */
async function bundle(entry, name) {
  const { build } = createRequire(import.meta.url)("esbuild");
  const outfile = join(root, ".build", name);
  await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    logLevel: "error",
  });
  return outfile;
}

function runtimeResults() {
  return bundle("bench/runtime.ts", "bench.mjs").then((bundle) => {
    const runs = {
      deno: [bin("deno"), [
        "run",
        "--allow-all",
        "--v8-flags=--expose-gc",
        "bench/runtime.ts",
        ...args,
      ]],
      node: [process.execPath, ["--expose-gc", bundle, ...args]],
      bun: [bin("bun"), ["bench/runtime.ts", ...args]],
    };
    const results = {};
    for (const [name, [cmd, argv]] of Object.entries(runs)) {
      process.stderr.write(`measuring ${name}…\n`);
      results[name] = JSON.parse(execFileSync(cmd, argv, { cwd: root, encoding: "utf8" }).trim());
    }
    return results;
  });
}

/** The official library, for ticket lengths (its speed is measured in the Node run). */
function official() {
  const require = createRequire(join(root, "package.json"));
  const { Api } = require("tls-sig-api-v2/TLSSigAPIv2.js");
  return new Api(1400000000, "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e");
}

/** Ticket lengths, ours against the official library's, at the same clock. */
async function lengths(officialApi) {
  const { TLSSigAPIv2 } = await import(await bundle("mod.ts", "bench_mod.mjs"));
  const ours = new TLSSigAPIv2(
    1400000000,
    "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e",
  );
  const time = 1_700_000_000;
  const realNow = Date.now;
  Date.now = () => time * 1000;
  const pairs = [];
  try {
    for (const userId of ["a", "xiaojun", "user_0123456789_abcdefghijklmno"]) {
      pairs.push([
        "UserSig " + userId,
        officialApi.genUserSig(userId, 86400),
        await ours.genUserSig(userId, 86400, { now: time }),
      ]);
      pairs.push([
        "PrivateMapKey " + userId,
        officialApi.genPrivateMapKey(userId, 300, 10000, 255),
        await ours.genPrivateMapKey(userId, 300, 10000, 255, { now: time }),
      ]);
      pairs.push([
        "string-room PrivateMapKey " + userId,
        officialApi.genPrivateMapKeyWithStringRoomID(userId, 300, "room-name-1", 42),
        await ours.genPrivateMapKeyWithStringRoomID(userId, 300, "room-name-1", 42, { now: time }),
      ]);
    }
  } finally {
    Date.now = realNow;
  }
  return Math.max(...pairs.map(([, theirs, mine]) => mine.length / theirs.length));
}

const pad = (s, n) => String(s).padEnd(n);
const ratio = (a, b) => (a / b).toFixed(2) + "×";
const mark = (ok) => (ok ? "met" : "not met");

/**
 * `--crafted`: the crafted zlib streams (bench/crafted.ts) in each runtime,
 * our inflater and decodeUserSig against node:zlib's inflateSync on the
 * same bytes, in the same process.
 */
async function crafted() {
  const rounds = quick ? "3" : "9";
  const bundled = await bundle("bench/crafted_runtime.ts", "bench_crafted.mjs");
  const runs = {
    deno: [bin("deno"), ["run", "--allow-all", "bench/crafted_runtime.ts", rounds]],
    node: [process.execPath, [bundled, rounds]],
    bun: [bin("bun"), ["bench/crafted_runtime.ts", rounds]],
  };
  const us = (x) => (x < 100 ? x.toFixed(1) : Math.round(x).toLocaleString("en-US"));
  for (const [name, [cmd, argv]] of Object.entries(runs)) {
    process.stderr.write(`measuring ${name}…\n`);
    const { streams } = JSON.parse(execFileSync(cmd, argv, { cwd: root, encoding: "utf8" }));
    console.log(`\n${name}: µs of CPU a call (best of ${rounds} rounds), and ÷ inflateSync`);
    console.log(
      pad("stream", 46) + pad("bytes", 7) + pad("inflateSync", 13) + pad("zlibInflate", 20) +
        "decodeUserSig",
    );
    let worst = ["", 0], costliest = ["", 0];
    for (const [stream, x] of Object.entries(streams)) {
      console.log(
        pad(stream, 46) + pad(x.bytes, 7) + pad(us(x.zlib), 13) +
          pad(`${us(x.inflate)} (${ratio(x.inflate, x.zlib)})`, 20) +
          `${us(x.decode)} (${ratio(x.decode, x.zlib)})`,
      );
      if (x.inflate / x.zlib > worst[1]) worst = [stream, x.inflate / x.zlib];
      if (x.decode > costliest[1]) costliest = [stream, x.decode];
    }
    const c = streams[costliest[0]];
    console.log(
      `costliest ticket: ${costliest[0]}, decodeUserSig ${us(c.decode)} µs, zlibInflate ${
        ratio(c.inflate, c.zlib)
      } inflateSync (goal ≤ 3×): ${mark(c.inflate <= 3 * c.zlib)}; highest ratio: ${worst[0]}, ${
        ratio(worst[1], 1)
      }`,
    );
  }
}

if (process.argv.includes("--crafted")) {
  await crafted();
  process.exit(0);
}

const results = await runtimeResults();
const maxLength = await lengths(official());
const sizes = await measure();
const off = results.node.results["official genUserSig"];

console.log(
  `\nmachine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
);
console.log(
  `${TOTAL} operations a round, best of ${ROUNDS}, ${CONCURRENCY} concurrent calls; ops/s\n`,
);
const names = Object.keys(results.deno.results);
console.log(pad("scenario", 22) + ["deno", "node", "bun"].map((r) => pad(r, 10)).join(""));
for (const name of names) {
  console.log(
    pad(name, 22) + ["deno", "node", "bun"].map((r) => pad(results[r].results[name], 10)).join(""),
  );
}
console.log(
  pad("official genUserSig", 22) + pad("—", 10) + pad(off, 10) + pad("—", 10) +
    "(sync, one at a time, in the Node rounds)",
);
const spread = ["deno", "node", "bun"].map((r) => {
  const worst = Math.min(...names.map((n) => results[r].slowest[n] / results[r].results[n]));
  return `${r} ${Math.round((1 - worst) * 100)}%`;
});
console.log(`slowest round below the best, worst scenario: ${spread.join(", ")}`);

const GOALS = [
  ["genUserSig ÷ official genUserSig", (x) => x.genUserSig / off, { deno: 2, node: 1.5, bun: 2 }],
  ["verifyUserSig ÷ official genUserSig", (x) => x.verifyUserSig / off, {
    deno: 1,
    node: 1,
    bun: 1,
  }],
  ["genUserSig ÷ bare HMAC", (x) => x.genUserSig / x["bare HMAC"], {
    deno: 0.7,
    node: 0.7,
    bun: 0.7,
  }],
  ["handler /usersig ÷ handler floor", (x) => x["handler /usersig"] / x["handler floor"], {
    deno: 0.5,
    node: 0.5,
    bun: 0.5,
  }],
];
console.log("\n" + pad("ratio", 38) + ["deno", "node", "bun"].map((r) => pad(r, 24)).join(""));
for (const [label, f, goal] of GOALS) {
  const cells = ["deno", "node", "bun"].map((r) => {
    const value = f(results[r].results);
    return pad(`${ratio(value, 1)} (goal ${goal[r]}×) ${value >= goal[r] ? "met" : "no"}`, 24);
  });
  console.log(pad(label, 38) + cells.join(""));
}
console.log(
  `ticket length, worst case vs official: ${ratio(maxLength, 1)} (goal ≤ 1.35×): ${
    mark(maxLength <= 1.35)
  }`,
);
for (const m of sizes) {
  console.log(
    `${m.name} bundle: ${m.minified} bytes minified, ${m.gzipped} bytes gzipped (goal ≤ ${m.maxGzipped}): ${
      mark(m.ok)
    }`,
  );
}
for (const r of ["deno", "node", "bun"]) {
  const growth = results[r].heapGrowth;
  console.log(
    `heap after ${HEAP_TICKETS} tickets issued and verified, ${r}: ${
      (growth / 2 ** 20).toFixed(2)
    } MiB (goal within 5 MiB): ${mark(Math.abs(growth) <= 5 * 2 ** 20)}`,
  );
}
