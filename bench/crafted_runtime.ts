// The crafted-input benchmark in the runtime that runs this file: for each
// crafted stream (bench/crafted.ts), the microseconds of CPU a call of our
// inflater takes (as the ticket reader calls it), of node:zlib's inflateSync
// on the same bytes, and of decodeUserSig on the same bytes as a ticket
// (base64, inflate, UTF-8, JSON: refused, as every crafted ticket is). The
// three take turns within each round; each figure is the best of the rounds.
// CPU time (user + system) rather than wall time: on a shared machine it
// varies far less. Prints one JSON line:
// { runtime, streams: { name: { bytes, inflate, zlib, decode } } }.
// Argument: rounds (default 9).
import { inflateSync } from "node:zlib";
import process from "node:process";
import { decodeUserSig } from "../mod.ts";
import { encodeTicketBase64 } from "../src/base64.ts";
import { MAX_DOCUMENT_BYTES, MAX_TICKET_LENGTH } from "../src/document.ts";
import { zlibInflate } from "../src/inflate.ts";
import { craftedStreams } from "./crafted.ts";

/** One round of `f`: microseconds of CPU a call over `n` calls. */
function round(f: () => void, n: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) f();
  const { user, system } = process.cpuUsage(start);
  return (user + system) / n;
}

/** Calls of `f` that take about 20 ms of CPU. */
function calibrate(f: () => void): number {
  let n = 1;
  for (;;) {
    const us = round(f, n) * n;
    if (us >= 20_000) return n;
    n = Math.ceil(n * Math.min(10, 25_000 / Math.max(us, 100)));
  }
}

/** Runs `f`, which may throw (every crafted ticket is refused somewhere). */
const quietly = (f: () => unknown) => () => {
  try {
    f();
  } catch { /* refused: the cost is what is measured */ }
};

/** Per-call microseconds of each scenario, best of `rounds`, in turns (backwards every other). */
function measure(scenarios: Record<string, () => void>, rounds: number): Record<string, number> {
  const entries = Object.entries(scenarios);
  const counts = entries.map(([, f]) => calibrate(f));
  const best: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < entries.length; k++) {
      const i = r % 2 === 0 ? k : entries.length - 1 - k;
      const [name, f] = entries[i];
      best[name] = Math.min(best[name] ?? Infinity, round(f, counts[i]));
    }
  }
  return best;
}

const rounds = Number(process.argv[2] ?? 9);
const g = globalThis as { Deno?: unknown; Bun?: unknown };
const runtime = g.Deno ? "deno" : g.Bun ? "bun" : "node";
const streams: Record<string, Record<string, number>> = {};
for (const [name, bytes] of Object.entries(craftedStreams())) {
  const ticket = encodeTicketBase64(bytes, bytes.length);
  if (ticket.length > MAX_TICKET_LENGTH) throw new Error(`${name}: ticket too long`);
  const costs = measure({
    inflate: quietly(() => zlibInflate(bytes, MAX_DOCUMENT_BYTES, true)),
    zlib: quietly(() => inflateSync(bytes)),
    decode: quietly(() => decodeUserSig(ticket)),
  }, rounds);
  streams[name] = { bytes: bytes.length, ...costs };
}
console.log(JSON.stringify({ runtime, streams }));
