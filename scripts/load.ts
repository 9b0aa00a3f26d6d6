// A bounded load run against the local Worker (workerd via wrangler dev) on
// loopback: N requests at concurrency C, every 10th a PrivateMapKey, the
// rest UserSigs; with --oversized P, P% of the requests are instead uploads
// of 5 KB in 1 KB chunks (Transfer-Encoding: chunked) that must get 413.
// Reports requests/s, p50/p99 latency, failed valid requests and 5xx, then
// verifies every ticket with the core for its token's sub. Not a test.
//
// Usage: see USAGE below (`deno task load --help`). Without --url it starts
// its own Worker on 127.0.0.1, at a port that is free, and stops it at the end.
import { TLSSigAPIv2 } from "../mod.ts";
import { DEMO_SDK_APP_ID, freePort, mintToken, readDevVars, startLocalWorker } from "./dev_env.ts";

const USAGE = `Usage: deno task load [options]

A bounded load on the local Worker (wrangler dev, workerd) on loopback; prints
requests/s, latency, failures, and verifies every ticket. Not a test.

  --requests N      requests to send, 1 to 1000000 (default 20000)
  --concurrency C   requests in flight, 1 to 1000 (default 50)
  --oversized P     percent of requests that are 5 KB chunked uploads, which
                    must get 413, 0 to 50 (default 0)
  --max-seconds S   stop sending after S seconds, 1 to 3600 (default 300)
  --url URL         a running service at http://127.0.0.1 (the task may reach
                    no other host)
                    (default: start a Worker at a free port, stop it after)
  --help, -h        this text`;

/** The options and their defaults; `--name value` or `--name=value`. */
const DEFAULTS: Record<string, string> = {
  requests: "20000",
  concurrency: "50",
  oversized: "0",
  "max-seconds": "300",
  url: "",
};

function usageError(message: string): never {
  console.error(`load: ${message} (deno task load --help lists the options)`);
  Deno.exit(2);
}

function parseOptions(args: string[]): Record<string, string> {
  const options = { ...DEFAULTS };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (match === null || !Object.hasOwn(DEFAULTS, match[1])) {
      usageError(`unknown argument ${JSON.stringify(arg)}`);
    }
    const value = match[2] ?? args[++i];
    if (value === undefined) usageError(`--${match[1]} needs a value`);
    options[match[1]] = value;
  }
  return options;
}

const options = parseOptions(Deno.args);
/** The option `name` as an integer from `min` to `max`. */
function count(name: string, min: number, max: number): number {
  const n = /^\d{1,7}$/.test(options[name]) ? Number(options[name]) : NaN;
  if (!(n >= min && n <= max)) usageError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}
const requests = count("requests", 1, 1_000_000);
const concurrency = count("concurrency", 1, 1000);
const oversized = count("oversized", 0, 50);
const MAX_SECONDS = count("max-seconds", 1, 3600);
/** Every how many requests one is an oversized upload (0: none). */
const OVERSIZED_EVERY = oversized > 0 ? Math.round(100 / oversized) : 0;
const OVERSIZED_CHUNKS = 5;
/** The service given, as the URL parser writes it (no control character, no credentials). */
function givenUrl(text: string): string {
  if (text === "") return "";
  const url = URL.parse(text);
  if (url === null || url.protocol !== "http:" || url.hostname !== "127.0.0.1") {
    usageError("--url must be an http URL on 127.0.0.1, the one host the task may reach");
  }
  if (url.username !== "" || url.password !== "") usageError("--url must not carry credentials");
  return url.origin + url.pathname;
}
const given = givenUrl(options.url);

const vars = readDevVars();
const USERS = 50;
const users = Array.from({ length: USERS }, (_, i) => `load-user-${i}`);
const tokens = await Promise.all(users.map((u) => mintToken(u, vars["AUTH_JWT_SECRET"], 3600)));
const worker = given === "" ? await startLocalWorker(freePort(), { quiet: true }) : undefined;
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
