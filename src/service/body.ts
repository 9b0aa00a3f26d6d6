// Request bodies: read within a limit, and never left half-read. A body the
// handler stops reading, or cancels, before it answers breaks the proxy in
// front of the Worker in `wrangler dev` (workerd's "Can't read from request
// stream after response has been sent"; the dev server then restarts or
// exits), and an HTTP/1.1 client that is still sending may lose the answer
// to a reset. So whatever the answer, what is left of a body is read and
// dropped first, within bounds.
import { ServiceError } from "./errors.ts";

/** The most of a body's rest that is read and dropped before answering. */
const DRAIN_BYTES = 1 << 20;
/** The longest wait for that rest, in milliseconds. */
const DRAIN_MS = 5000;

/** The `413` for a body over `limit` bytes. */
function tooLarge(limit: number): ServiceError {
  return new ServiceError(413, "ERR_BODY_TOO_LARGE", `the request body exceeds ${limit} bytes`);
}

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
 * Reads and drops the rest of a body, at most DRAIN_BYTES for at most
 * DRAIN_MS; then cancels it. Never throws: a body that fails to arrive is
 * the client's business.
 */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), DRAIN_MS);
  });
  try {
    for (let size = 0; size <= DRAIN_BYTES;) {
      const next = await Promise.race([reader.read(), late]);
      if (next === "late") break;
      if (next.done) return;
      size += next.value.byteLength;
    }
    await reader.cancel();
  } catch {
    // the client went away: nothing is left to settle
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads the whole body, at most `limit` bytes: a bigger one is drained and
 * refused with `413`, one that breaks off (the client went away) with `400`.
 * Call `checkLength` first.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body !== null) {
    const reader = request.body.getReader();
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        throw new ServiceError(400, "ERR_BAD_REQUEST", "the request body broke off");
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > limit) {
        await drain(reader);
        throw tooLarge(limit);
      }
      chunks.push(next.value);
    }
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
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
  return drain(request.body.getReader());
}
