// Run by stream_memory.test.ts in a process of its own whose garbage
// collector it can call: Deno with --v8-flags=--expose-gc, Node with
// --expose-gc (bundled first), Bun (Bun.gc). It sends CHUNKS chunks of
// MIN_CHUNK_BYTES (the least a body's chunks may hold on average), each a
// view of a 64 KiB buffer of its own (as Deno hands a body's chunks),
// to whatever reads a stranger's stream — the service draining a body it
// refused, the service reading a body, the REST client reading an answer —
// and, when AT chunks have been read, collects the garbage and counts how
// many of those buffers are still alive. Prints the counts as JSON.
import { RestApiClient } from "../rest.ts";
import { createUserSigHandler, exampleRoomPolicy } from "../service.ts";
import { MIN_CHUNK_BYTES } from "../src/service/body.ts";

const CHUNKS = 3000;
const AT = 2000;

const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
const collect = g.gc ?? (() => g.Bun!.gc(true));

/** How many of the first AT chunks' buffers are alive when the reader asks for chunk AT. */
async function retained(
  read: (stream: ReadableStream<Uint8Array>) => Promise<unknown>,
  last: Uint8Array,
): Promise<number> {
  const buffers: WeakRef<ArrayBuffer>[] = [];
  let alive = -1;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (buffers.length === AT) {
        // Past the job that made the references, so that none is held for it.
        await new Promise((resolve) => setTimeout(resolve, 0));
        collect();
        alive = buffers.filter((b) => b.deref() !== undefined).length;
      }
      if (buffers.length === CHUNKS) {
        controller.enqueue(last);
        return controller.close();
      }
      const buffer = new ArrayBuffer(65536);
      const view = new Uint8Array(buffer, 1000, MIN_CHUNK_BYTES).fill(0x20);
      buffers.push(new WeakRef(buffer));
      controller.enqueue(view);
    },
  }, { highWaterMark: 0 });
  await read(stream);
  return alive;
}

const handler = createUserSigHandler({
  sdkAppId: 1400000000,
  secretKey: "probe-only-key",
  maxBodyBytes: 1 << 20,
}, {
  authenticate: () => Promise.resolve("alice"),
  roomPolicy: exampleRoomPolicy,
  log: () => {},
});
/** A request as a runtime hands it over, its body the stream. */
const request = (path: string, body: ReadableStream<Uint8Array>) =>
  ({
    url: `http://probe.test${path}`,
    method: "POST",
    headers: new Headers(),
    body,
    get bodyUsed() {
      return body.locked;
    },
  }) as unknown as Request;
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

const drain = await retained(async (body) => {
  const response = await handler(request("/nowhere", body));
  if (response.status !== 404) throw new Error(`drain: ${response.status}`);
}, new Uint8Array(1));
const body = await retained(async (body) => {
  const response = await handler(request("/privatemapkey", body));
  if (response.status !== 200) throw new Error(`body: ${await response.text()}`);
}, json({ roomStr: "alice", privileges: "EnterRoom" }));
const rest = await retained(async (body) => {
  const answer = { status: 200, statusText: "", type: "basic", headers: new Headers(), body };
  const client = new RestApiClient({
    sdkAppId: 1400000000,
    secretKey: "probe-only-key",
    fetch: () => Promise.resolve(answer as unknown as Response),
  });
  await client.call("s", "c");
}, json({ ActionStatus: "OK" }));

console.log(JSON.stringify({ of: AT, drain, body, rest }));
