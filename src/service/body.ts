// Request bodies: read within a limit, and never left half-read. A body the
// handler stops reading, or cancels, before it answers breaks the proxy in
// front of the Worker in `wrangler dev` (workerd's "Can't read from request
// stream after response has been sent"; the dev server then restarts or
// exits), and an HTTP/1.1 client that is still sending may lose the answer
// to a reset. So whatever the answer, what is left of a body is read and
// dropped first, within bounds.
import { badRequest, ServiceError } from "./errors.ts";
import { readStream, type StreamRead } from "../stream.ts";

/** The most of a body's rest that is read and dropped before answering. */
export const DRAIN_BYTES = 1 << 20;
/**
 * The most chunks of a body, read and drained together: a body of 1-byte
 * chunks must not cost a million reads. (workerd hands a body in chunks of
 * a few hundred bytes, so 1 MiB takes thousands.)
 */
export const MAX_CHUNKS = 4096;
/**
 * Past the first FREE_CHUNKS, a body's chunks must hold this many bytes on
 * average: Deno hands every chunk in a fresh 64 KiB buffer, so a stranger's
 * 1-byte chunks would cost 64 KiB of memory and work for each byte sent.
 */
export const MIN_CHUNK_BYTES = 128;
/** The chunks of a body that may be as small as they like. */
export const FREE_CHUNKS = 64;
/** The small-chunk rule, as reading and draining a body both apply it. */
const SMALL_CHUNKS = { minChunkBytes: MIN_CHUNK_BYTES, freeChunks: FREE_CHUNKS };
/** The longest a body is read and drained, in milliseconds. */
export const BODY_MS = 5000;

/** What is left of a body's bounds: a `Date.now()` time and a number of chunks. */
interface Budget {
  until: number;
  chunks: number;
}

/** The bounds of a body whose reading starts now. */
function budget(): Budget {
  return { until: Date.now() + BODY_MS, chunks: MAX_CHUNKS };
}

/** The `413` for a body over `limit` bytes. */
function tooLarge(limit: number): ServiceError {
  return new ServiceError(413, "ERR_BODY_TOO_LARGE", `the request body exceeds ${limit} bytes`);
}

/** How a body's chunks are bounded, for the `400` that says so. */
const CHUNK_RULE = `more than ${MAX_CHUNKS} chunks, or past its first ${FREE_CHUNKS} in chunks ` +
  `of under ${MIN_CHUNK_BYTES} bytes on average`;

/** Whether the request's `Content-Length` already says its body is over `limit`. */
function declaredTooLarge(request: Request, limit: number): boolean {
  const declared = request.headers.get("content-length");
  return declared !== null && Number(declared) > limit;
}

/**
 * Answers `413` at once for a body whose declared length is over `limit`:
 * call it before anything else is done for the request.
 */
export function checkLength(request: Request, limit: number): void {
  if (declaredTooLarge(request, limit)) throw tooLarge(limit);
}

/**
 * Reads and drops the rest of a body, at most DRAIN_BYTES in what is left
 * of its budget; then cancels it. Never throws: a body that fails to arrive
 * is the client's business.
 */
async function drain(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  { until, chunks }: Budget,
): Promise<void> {
  try {
    if (chunks > 0) {
      const { end } = await readStream(reader, {
        maxBytes: DRAIN_BYTES,
        maxChunks: chunks,
        ...SMALL_CHUNKS,
        until,
        keep: false,
      });
      if (end === "done") return;
    }
    await reader.cancel();
  } catch {
    // the client went away: nothing is left to settle
  }
}

/**
 * Reads the whole body, at most `limit` bytes, copied into one buffer as it
 * comes, in at most MAX_CHUNKS chunks (of MIN_CHUNK_BYTES on average past
 * the first FREE_CHUNKS) within BODY_MS: a bigger one is
 * drained (in what is left of those bounds) and refused with `413`; one that
 * breaks off (the client went away), comes in more chunks or stops arriving
 * is refused with `400`. Call `checkLength` first.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const { until, chunks } = budget();
  let read: StreamRead;
  try {
    read = await readStream(reader, {
      maxBytes: limit,
      maxChunks: chunks,
      ...SMALL_CHUNKS,
      until,
      sizeHint: Number(request.headers.get("content-length") ?? NaN),
    });
  } catch {
    throw badRequest("the request body broke off");
  }
  if (read.end === "late") {
    throw badRequest(`the request body did not arrive within ${BODY_MS / 1000} seconds`);
  }
  if (read.end !== "done") await drain(reader, { until, chunks: chunks - read.chunks });
  if (read.end === "over") throw tooLarge(limit);
  if (read.end === "chunks") {
    throw badRequest(`the request body came in ${CHUNK_RULE}`);
  }
  return read.bytes;
}

/**
 * Settles a body that nobody read before the answer goes out: drains it,
 * unless its declared length is over `limit` (then the client is answered
 * at once, and what it sends is never read: it may never come). Returns
 * undefined when there is nothing to settle, so that the common case costs
 * no promise.
 */
export function settleBody(request: Request, limit: number): Promise<void> | undefined {
  if (request.body === null || request.bodyUsed || declaredTooLarge(request, limit)) return;
  return drain(request.body.getReader(), budget());
}
