// This module is browser compatible.
// Reading a byte stream that a stranger controls, within bounds on bytes,
// reads and time, in constant memory: each chunk is copied into one buffer
// (or dropped) as it comes, so that no chunk outlives its read — a runtime
// may hand a 1-byte chunk as a view of a 64 KiB buffer — and the time limit
// is one timer (or the caller's signal) that cancels the reader, not a race
// per read, which would keep every chunk until the time is up. Shared by the
// service's request bodies and the REST client's answers.

/** Why {@link readStream} stopped. */
export type StreamEnd =
  /** The stream ended: every byte was read. */
  | "done"
  /** A chunk took the count past `maxBytes`; the stream is left as it is. */
  | "over"
  /**
   * The stream sent more than `maxChunks` chunks, or too many small ones
   * for `minChunkBytes`; it is left as it is.
   */
  | "chunks"
  /** The time was up, or the signal fired: the reader was cancelled. */
  | "late";

/** The bounds of {@link readStream}. */
export interface StreamBounds {
  /** The most bytes read: a chunk past them ends the read as `"over"`. */
  maxBytes: number;
  /**
   * The most chunks, so the most reads but one (the one that finds the
   * end): one more ends the read as `"chunks"`.
   */
  maxChunks: number;
  /**
   * Past the first `freeChunks` chunks, the chunks must hold this many bytes
   * on average: a chunk beyond `freeChunks` + bytes ÷ `minChunkBytes` ends
   * the read as `"chunks"`. Default 0: no such rule.
   */
  minChunkBytes?: number;
  /** The chunks the `minChunkBytes` rule lets through whatever their size. Default 0. */
  freeChunks?: number;
  /** When the read must end, as a `Date.now()` time: one timer cancels the reader then. */
  until?: number;
  /** Or: the signal that ends the read when it fires. */
  signal?: AbortSignal;
  /** Whether the bytes are kept (default) or dropped as they come. */
  keep?: boolean;
  /**
   * The likely size (a `Content-Length`): the buffer's first size, if within
   * `maxBytes` and 64 KiB (the buffer grows as bytes come); anything but a
   * whole number of bytes (`NaN`) is ignored.
   */
  sizeHint?: number;
}

/** What {@link readStream} read: the bytes (empty when not kept), their chunks, why it stopped. */
export interface StreamRead {
  /** The bytes read, when kept (the chunk past `maxBytes` is not among them). */
  bytes: Uint8Array;
  /** How many chunks were read, but for the one that ended the read as `"over"` or `"chunks"`. */
  chunks: number;
  /** Why it stopped. */
  end: StreamEnd;
}

const FIRST_BUFFER_BYTES = 4096;
/** The largest first buffer a size hint gets: a `Content-Length` is a claim, not bytes. */
const MAX_FIRST_BUFFER_BYTES = 65536;
const EMPTY = new Uint8Array(0);

/**
 * Reads `reader` until its end or a bound. A read that fails rejects with
 * the stream's error (after the time is up, the cancelled read ends the
 * loop instead), and a chunk that is not a Uint8Array with a TypeError.
 */
export async function readStream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  bounds: StreamBounds,
): Promise<StreamRead> {
  const { maxBytes, maxChunks, until = Infinity, signal, keep = true, sizeHint = NaN } = bounds;
  const { minChunkBytes = 0, freeChunks = 0 } = bounds;
  let late = false;
  const stop = () => {
    late = true;
    // A pending read resolves as done at once; the source is told to stop.
    reader.cancel().catch(() => {});
  };
  const timer = until === Infinity ? undefined : setTimeout(stop, Math.max(0, until - Date.now()));
  signal?.addEventListener("abort", stop);
  if (signal?.aborted) stop();
  let buffer = keep
    ? new Uint8Array(
      Math.min(
        maxBytes,
        Number.isSafeInteger(sizeHint) && sizeHint >= 0
          ? Math.min(sizeHint, MAX_FIRST_BUFFER_BYTES)
          : FIRST_BUFFER_BYTES,
      ),
    )
    : EMPTY;
  let size = 0;
  let chunks = 0;
  let end: StreamEnd = "late";
  try {
    for (;;) {
      // A stream that always has a chunk ready never lets the timer run: the clock is read too.
      if (!late && Date.now() >= until) stop();
      if (late) break;
      const next = await reader.read();
      if (late) break; // the read that the timer or the signal ended
      if (next.done) {
        end = "done";
        break;
      }
      const chunk = next.value;
      // As the Fetch standard reads a body: a chunk that is not bytes is an
      // error (an in-process stream may enqueue anything).
      if (Object.prototype.toString.call(chunk) !== "[object Uint8Array]") {
        throw new TypeError("a chunk of the stream is not a Uint8Array");
      }
      if (size + chunk.byteLength > maxBytes) {
        end = "over";
        break;
      }
      if (
        chunks === maxChunks ||
        (minChunkBytes > 0 && chunks + 1 > freeChunks + (size + chunk.byteLength) / minChunkBytes)
      ) {
        end = "chunks";
        break;
      }
      chunks++;
      if (keep) {
        if (size + chunk.byteLength > buffer.length) {
          const grown = new Uint8Array(
            Math.min(maxBytes, Math.max(size + chunk.byteLength, buffer.length * 2)),
          );
          grown.set(buffer.subarray(0, size));
          buffer = grown;
        }
        buffer.set(chunk, size);
      }
      size += chunk.byteLength;
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", stop);
  }
  return { bytes: keep ? buffer.subarray(0, size) : EMPTY, chunks, end };
}
