// The limits that the docs state against the code: a request body's chunks,
// time and drained bytes (docs/service.md, and the changelog's entry), and
// an answer's bytes and chunks for the REST client (docs/rest.md). Each
// number is read from the constant the code uses, so a change to one
// without the other fails here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { MAX_RESPONSE_BYTES, MAX_RESPONSE_CHUNKS } from "../src/rest/response.ts";
import {
  BODY_MS,
  DRAIN_BYTES,
  FREE_CHUNKS,
  MAX_CHUNKS,
  MIN_CHUNK_BYTES,
} from "../src/service/body.ts";
import { assert } from "./assert.ts";
import { SERVER_RUNTIMES, test } from "./harness.ts";

/** A file of the repository with its line breaks and indents as single spaces. */
function text(path: string): string {
  return readFileSync(join(process.cwd(), path), "utf8").replace(/\s+/g, " ");
}

function says(where: string, all: string, phrases: string[]) {
  for (const phrase of phrases) assert(all.includes(phrase), `${where} does not say "${phrase}"`);
}

const MiB = 1024 * 1024;

test("docs/service.md and the changelog state the request body limits the code has", () => {
  const seconds = BODY_MS / 1000;
  says("docs/service.md", text("docs/service.md"), [
    `does not come whole in ${MAX_CHUNKS} chunks within ${seconds} s`,
    `must come whole in ${MAX_CHUNKS} chunks and ${seconds} s`,
    `within what is left of those ${MAX_CHUNKS} chunks and ${seconds} s and up to ${
      DRAIN_BYTES / MiB
    } MiB`,
    `past its first ${FREE_CHUNKS}, a body's chunks must hold ${MIN_CHUNK_BYTES} bytes on average`,
    // Each of the reading and the drain: its free chunks, and the one that ends it.
    `1-byte chunks cost at most ${2 * (FREE_CHUNKS + 1)} reads`,
  ]);
  says("CHANGELOG.md", text("CHANGELOG.md"), [
    `up to ${DRAIN_BYTES / MiB} MiB, within the body's ${MAX_CHUNKS} chunks and ${seconds} s`,
    `A body now comes whole in ${MAX_CHUNKS} chunks and ${seconds} s`,
    `Past its first ${FREE_CHUNKS}, a body's chunks must hold ${MIN_CHUNK_BYTES} bytes on average`,
  ]);
}, { runtimes: SERVER_RUNTIMES, why: "reads the docs" });

test("docs/rest.md states the limits on an answer the code has", () => {
  says("docs/rest.md", text("docs/rest.md"), [
    `over ${MAX_RESPONSE_BYTES / MiB} MiB or in over ${MAX_RESPONSE_CHUNKS} chunks`,
    `at most ${MAX_RESPONSE_CHUNKS} reads`,
  ]);
}, { runtimes: SERVER_RUNTIMES, why: "reads the docs" });
