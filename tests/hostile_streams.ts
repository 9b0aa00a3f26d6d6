// Byte streams as a hostile peer sends them, for the tests of whatever reads
// one (request bodies, the REST client's answers): endless ones, and ones
// whose chunks stop being readable once the next one is asked for.

/**
 * A stream of `total` chunks (endless when undefined) made by `make(i)`,
 * one a pull; `seen` counts the chunks read and says whether it was
 * cancelled.
 */
export function chunked(make: (i: number) => Uint8Array, total?: number) {
  const seen = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (seen.pulled === total) return controller.close();
      controller.enqueue(make(seen.pulled++));
    },
    cancel() {
      seen.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, seen };
}

/**
 * `bytes` as 1-byte chunks, each a view of a 64 KiB buffer of its own (as
 * Deno hands a body's chunks), whose buffer is detached as soon as the next
 * chunk is asked for: a reader that keeps the views instead of copying the
 * bytes at once finds them empty. `detached()` says how many were.
 */
export function detachedChunks(bytes: Uint8Array) {
  let previous: ArrayBuffer | undefined;
  let pulled = 0;
  let detached = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (previous !== undefined) {
        structuredClone(previous, { transfer: [previous] });
        if (previous.byteLength === 0) detached++;
      }
      if (pulled === bytes.length) return controller.close();
      previous = new ArrayBuffer(65536);
      const view = new Uint8Array(previous, 1000, 1);
      view[0] = bytes[pulled++];
      controller.enqueue(view);
    },
  }, { highWaterMark: 0 });
  return { stream, detached: () => detached };
}
