// A bounded load run against the local Worker (workerd via wrangler dev) on
// loopback: N requests at concurrency C, every 10th a PrivateMapKey, the
// rest UserSigs; with --oversized P, P% of the requests are instead uploads
// of 5 KB in 1 KB chunks (Transfer-Encoding: chunked) that must get 413.
// Reports requests/s, p50/p99 latency, failed valid requests and 5xx, then
// verifies every ticket with the core for its token's sub. Not a test.
//
// Usage: deno task load [--requests 20000] [--concurrency 50] [--oversized 2]
//                       [--url http://127.0.0.1:8787]
// Without --url it starts its own Worker on 127.0.0.1:8790 and stops it at the end.
import { TLSSigAPIv2 } from "../mod.ts";
import { DEMO_SDK_APP_ID, mintToken, readDevVars, startLocalWorker } from "./dev_env.ts";

function option(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

const requests = Number(option("requests", "20000"));
const concurrency = Number(option("concurrency", "50"));
const oversized = Number(option("oversized", "0"));
const MAX_SECONDS = Number(option("max-seconds", "300"));
if (
  !(requests >= 1 && requests <= 1_000_000 && concurrency >= 1 && concurrency <= 1000 &&
    oversized >= 0 && oversized <= 50)
) {
  console.error("--requests must be 1..1000000, --concurrency 1..1000 and --oversized 0..50");
  Deno.exit(2);
}
/** Every how many requests one is an oversized upload (0: none). */
const OVERSIZED_EVERY = oversized > 0 ? Math.round(100 / oversized) : 0;
const OVERSIZED_CHUNKS = 5;
const given = option("url", "");
if (given !== "" && !["127.0.0.1", "localhost", "[::1]"].includes(new URL(given).hostname)) {
  console.error("the load run only targets loopback (127.0.0.1, localhost, [::1])");
  Deno.exit(2);
}

const vars = readDevVars();
const USERS = 50;
const users = Array.from({ length: USERS }, (_, i) => `load-user-${i}`);
const tokens = await Promise.all(users.map((u) => mintToken(u, vars["AUTH_JWT_SECRET"], 3600)));
const worker = given === "" ? await startLocalWorker(8790, { quiet: true }) : undefined;
const base = (given || worker!.url).replace(/\/$/, "");

interface Issued {
  user: number;
  kind: "userSig" | "privateMapKey";
  ticket: string;
}
const latencies = new Float64Array(requests);
const issued: Issued[] = [];
const errors = new Map<string, number>();
const fail = (what: string) => errors.set(what, (errors.get(what) ?? 0) + 1);
const tally = { valid: 0, validFailed: 0, uploads: 0, uploadsRefused: 0, serverErrors: 0 };

/** The JSON of an answer, or undefined (wrangler's own 503 is text). */
function answer(text: string): Record<string, unknown> & { error?: { code?: string } } | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** 5 KB in 1 KB chunks, one a pull: the body goes out chunked, as it is made. */
function oversizedBody(): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ === OVERSIZED_CHUNKS) return controller.close();
      controller.enqueue(new Uint8Array(1024).fill(0x78));
    },
  });
}

async function upload(i: number): Promise<void> {
  tally.uploads++;
  const started = performance.now();
  try {
    const response = await fetch(`${base}/usersig`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens[i % USERS]}`, "content-type": "application/json" },
      body: oversizedBody(),
      signal: AbortSignal.timeout(10_000),
    });
    const body = answer(await response.text());
    latencies[i] = performance.now() - started;
    if (response.status >= 500) tally.serverErrors++;
    if (response.status === 413) tally.uploadsRefused++;
    else fail(`oversized upload: HTTP ${response.status} ${body?.error?.code}`);
  } catch (error) {
    latencies[i] = performance.now() - started;
    fail(`oversized upload: ${error instanceof Error ? error.name : String(error)}`);
  }
}
let next = 0;
const deadline = performance.now() + MAX_SECONDS * 1000;

async function one(i: number): Promise<void> {
  if (OVERSIZED_EVERY > 0 && i % OVERSIZED_EVERY === OVERSIZED_EVERY - 1) return await upload(i);
  tally.valid++;
  const user = i % USERS;
  const room = i % 10 === 9;
  const started = performance.now();
  try {
    const response = await fetch(`${base}/${room ? "privatemapkey" : "usersig"}`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens[user]}`, "content-type": "application/json" },
      body: room
        ? JSON.stringify({ roomId: 1000 + user, privileges: "EnterRoom,ReceiveAudio" })
        : null,
      signal: AbortSignal.timeout(10_000),
    });
    const body = answer(await response.text());
    latencies[i] = performance.now() - started;
    if (response.status >= 500) tally.serverErrors++;
    if (response.status !== 200) {
      tally.validFailed++;
      return void fail(`HTTP ${response.status} ${body?.error?.code}`);
    }
    const kind = room ? "privateMapKey" : "userSig";
    if (typeof body?.[kind] !== "string") {
      tally.validFailed++;
      return void fail(`no ${kind} in the answer`);
    }
    issued.push({ user, kind, ticket: body[kind] as string });
  } catch (error) {
    latencies[i] = performance.now() - started;
    tally.validFailed++;
    fail(error instanceof Error ? error.name : String(error));
  }
}

async function lane(): Promise<void> {
  while (next < requests && performance.now() < deadline) await one(next++);
}

const t0 = performance.now();
await Promise.all(Array.from({ length: concurrency }, lane));
const seconds = (performance.now() - t0) / 1000;
await worker?.stop();

const done = next;
const sorted = Array.from(latencies.subarray(0, done)).sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(done - 1, Math.floor(done * p))].toFixed(1);

// Every ticket must verify for the user whose token asked for it.
const api = new TLSSigAPIv2(DEMO_SDK_APP_ID, vars["SECRET_KEY"]);
let verified = 0;
for (const { user, kind, ticket } of issued) {
  try {
    if (kind === "userSig") await api.verifyUserSig(ticket, users[user]);
    else {await api.verifyPrivateMapKey(ticket, users[user], {
        roomId: 1000 + user,
        privileges: 10,
      });}
    verified++;
  } catch (error) {
    fail(`ticket rejected: ${(error as { code?: string }).code ?? error}`);
  }
}

const errorCount = [...errors.values()].reduce((a, b) => a + b, 0) + (requests - done);
console.log(`load: ${done} of ${requests} requests to ${base} at concurrency ${concurrency}`);
console.log(`  ${(done / seconds).toFixed(0)} requests/s over ${seconds.toFixed(1)} s`);
console.log(
  `  latency p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${sorted[done - 1].toFixed(1)} ms`,
);
console.log(`  tickets verified with the core: ${verified} of ${issued.length}`);
console.log(
  `  valid requests: ${tally.valid}, failed: ${tally.validFailed}; 5xx answers: ${tally.serverErrors}`,
);
if (OVERSIZED_EVERY > 0) {
  console.log(
    `  oversized chunked uploads (${oversized}%): ${tally.uploads}, answered 413: ${tally.uploadsRefused}`,
  );
}
console.log(`  errors: ${errorCount}`);
for (const [what, count] of errors) console.log(`    ${count} × ${what}`);
if (done < requests) {
  console.log(`    ${requests - done} not sent: the ${MAX_SECONDS} s limit was reached`);
}
Deno.exit(errorCount === 0 ? 0 : 1);
