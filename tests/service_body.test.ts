// Request bodies, in every runtime: whatever the answer, a body is read to
// its end (within bounds) before the answer goes out, never left half-read
// or cancelled early (which breaks `wrangler dev`'s proxy); a body that
// breaks off is a 400, not a logged 500.
import { createUserSigHandler, exampleRoomPolicy, fromEnv, jwtAuthenticator } from "../service.ts";
import { FREE_CHUNKS, MAX_CHUNKS, MIN_CHUNK_BYTES, readBody } from "../src/service/body.ts";
import { assert, assertEquals } from "./assert.ts";
import { test } from "./harness.ts";
import { chunked, detachedChunks } from "./hostile_streams.ts";
import { BASE, TEST_ENV, testKeys, token } from "./service_cases.ts";

/** A body of `chunks` chunks of `size` bytes that records how far it was read. */
function tracked(chunks: number, size = 1024, options: { failAt?: number; stallAt?: number } = {}) {
  const seen = { pulled: 0, finished: false, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (seen.pulled === options.failAt) {
        controller.error(new TypeError("Network connection lost."));
        return;
      }
      if (seen.pulled === options.stallAt) {
        await new Promise(() => {}); // the client stops sending and never closes
      }
      if (seen.pulled === chunks) {
        seen.finished = true;
        controller.close();
        return;
      }
      seen.pulled++;
      controller.enqueue(new Uint8Array(size).fill(0x78));
    },
    cancel() {
      seen.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, seen };
}

function service(log: string[] = []) {
  const settings = fromEnv(TEST_ENV);
  return createUserSigHandler(settings, {
    authenticate: jwtAuthenticator(settings.auth),
    log: (line) => log.push(line),
  });
}

async function send(
  method: string,
  path: string,
  body: ReadableStream<Uint8Array>,
  bearer = true,
) {
  const headers: Record<string, string> = {};
  if (bearer) headers.authorization = `Bearer ${await token(await testKeys())}`;
  const response = await service()(
    new Request(BASE + path, { method, headers, body, duplex: "half" } as RequestInit),
  );
  return { status: response.status, body: await response.json() };
}

const REFUSALS: [string, string, string, boolean, number, string][] = [
  ["413, the body over the limit", "POST", "/usersig", true, 413, "ERR_BODY_TOO_LARGE"],
  ["401, no token", "POST", "/usersig", false, 401, "ERR_AUTH_MISSING"],
  ["401 on /privatemapkey", "POST", "/privatemapkey", false, 401, "ERR_AUTH_MISSING"],
  ["404, no such path", "POST", "/nowhere", true, 404, "ERR_NOT_FOUND"],
  ["405, a PUT", "PUT", "/usersig", true, 405, "ERR_METHOD_NOT_ALLOWED"],
];

for (const [what, method, path, bearer, status, code] of REFUSALS) {
  test(`service body: a refusal (${what}) reads a streamed body to its end before answering`, async () => {
    const { stream, seen } = tracked(120);
    const answer = await send(method, path, stream, bearer);
    assertEquals([answer.status, answer.body.error.code], [status, code]);
    assert(seen.finished, `the body was read to its end (${seen.pulled} of 120 chunks)`);
    assert(!seen.cancelled, "the body was not cancelled");
  });
}

test("service body: a body over 1 MiB past the answer is cancelled after 1 MiB, not read to the end", async () => {
  const { stream, seen } = tracked(4096); // 4 MiB
  const answer = await send("POST", "/usersig", stream);
  assertEquals(answer.status, 413);
  assert(seen.cancelled, "cancelled");
  assert(seen.pulled > 1024 && seen.pulled < 1100, `read about 1 MiB: ${seen.pulled} chunks`);
});

test("service body: a body that stops arriving is given up after 5 seconds, and the refusal goes out", async () => {
  const { stream, seen } = tracked(120, 1024, { stallAt: 10 });
  const answer = await send("POST", "/usersig", stream, false);
  assertEquals([answer.status, answer.body.error.code], [401, "ERR_AUTH_MISSING"]);
  assert(seen.cancelled, "cancelled");
});

test("service body: a body whose declared length is over the limit is refused at once and never read", async () => {
  const { stream, seen } = tracked(3);
  const response = await service()(
    new Request(BASE + "/usersig", {
      method: "POST",
      headers: {
        authorization: `Bearer ${await token(await testKeys())}`,
        "content-length": "99999999999",
      },
      body: stream,
      duplex: "half",
    } as RequestInit),
  );
  // A runtime that refuses a made-up Content-Length on a stream drops the header;
  // then the body is counted instead, and read to its end.
  if (response.status === 413) {
    assertEquals((await response.json()).error.code, "ERR_BODY_TOO_LARGE");
    assertEquals(seen.pulled, 0, "not read");
  } else {
    assertEquals(response.status, 200);
    await response.body?.cancel();
    assert(seen.finished, "read to its end");
  }
});

test("service body: an upload that breaks off is 400 ERR_BAD_REQUEST and no log line", async () => {
  const log: string[] = [];
  for (const path of ["/usersig", "/privatemapkey"]) {
    const { stream } = tracked(3, 1024, { failAt: 2 });
    const response = await service(log)(
      new Request(BASE + path, {
        method: "POST",
        headers: { authorization: `Bearer ${await token(await testKeys())}` },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    assertEquals(response.status, 400);
    assertEquals((await response.json()).error, {
      code: "ERR_BAD_REQUEST",
      message: "the request body broke off",
    });
  }
  assertEquals(log, []);
});

test("service body: a ticket request's small streamed body is read whole and the ticket issued", async () => {
  const { stream, seen } = tracked(2, 10);
  const answer = await send("POST", "/usersig", stream);
  assertEquals(answer.status, 200);
  assertEquals(answer.body.userId, "alice");
  assert(seen.finished && !seen.cancelled);
});

const oneByte = () => new Uint8Array(1).fill(0x78);

test("service body: an endless body of 1-byte chunks is given up after FREE_CHUNKS small chunks, then cancelled", async () => {
  for (
    const [path, bearer, status] of [["/nowhere", false, 404], ["/usersig", true, 400]] as const
  ) {
    const { stream, seen } = chunked(oneByte);
    const answer = await send("POST", path, stream, bearer);
    assertEquals(answer.status, status);
    assert(seen.cancelled, "cancelled");
    // FREE_CHUNKS + 1 read, as many drained (as docs/service.md says), where 4096 bytes took 4098.
    assert(seen.pulled <= 2 * (FREE_CHUNKS + 1), `${path}: ${seen.pulled} reads`);
  }
});

test("service body: a body over the limit is drained in what is left of its MAX_CHUNKS chunks", async () => {
  // 31 chunks of 128 bytes, one of 200 that passes the 4096-byte limit, then 128-byte chunks without end.
  const size = (i: number) => i === 31 ? 200 : MIN_CHUNK_BYTES;
  const { stream, seen } = chunked((i) => new Uint8Array(size(i)).fill(0x20));
  const answer = await send("POST", "/usersig", stream);
  assertEquals([answer.status, answer.body.error.code], [413, "ERR_BODY_TOO_LARGE"]);
  assert(seen.cancelled, "cancelled");
  assert(seen.pulled > MAX_CHUNKS - 10 && seen.pulled <= MAX_CHUNKS + 2, `${seen.pulled} reads`);
});

test("service body: an upload over the limit in chunks of a few hundred bytes, as workerd hands them, is drained to its end", async () => {
  const { stream, seen } = tracked(400, 300); // 120 KB
  const answer = await send("POST", "/usersig", stream);
  assertEquals([answer.status, answer.body.error.code], [413, "ERR_BODY_TOO_LARGE"]);
  assert(seen.finished && !seen.cancelled, `read to its end: ${seen.pulled} chunks`);
});

test("service body: an endless body of empty chunks is refused, not read forever", async () => {
  const { stream, seen } = chunked(() => new Uint8Array(0));
  const answer = await send("POST", "/privatemapkey", stream);
  assertEquals([answer.status, answer.body.error.code], [400, "ERR_BAD_REQUEST"]);
  assertEquals(
    answer.body.error.message,
    `the request body came in more than ${MAX_CHUNKS} chunks, or past its first ${FREE_CHUNKS} ` +
      `in chunks of under ${MIN_CHUNK_BYTES} bytes on average`,
  );
  assert(seen.cancelled && seen.pulled <= 2 * (FREE_CHUNKS + 1), `${seen.pulled} reads`);
});

test("service body: a body in FREE_CHUNKS 1-byte chunks is read whole; one chunk more is a 400", async () => {
  const json = JSON.stringify({ roomStr: "alice", privileges: "EnterRoom" });
  const padded = new TextEncoder().encode(json + " ".repeat(FREE_CHUNKS - json.length));
  const bearer = `Bearer ${await token(await testKeys())}`;
  const settings = fromEnv(TEST_ENV);
  const handler = createUserSigHandler(settings, {
    authenticate: jwtAuthenticator(settings.auth),
    roomPolicy: exampleRoomPolicy,
  });
  for (const [size, status] of [[FREE_CHUNKS, 200], [FREE_CHUNKS + 1, 400]]) {
    const { stream } = chunked((i) => padded.subarray(i, i + 1), size);
    const response = await handler(
      new Request(BASE + "/privatemapkey", {
        method: "POST",
        headers: { authorization: bearer },
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    const body = await response.json();
    assertEquals(response.status, status, `${size} chunks: ${JSON.stringify(body)}`);
  }
});

test("service body: the body's bytes are copied as they come: no chunk is kept after its read", async () => {
  const json = JSON.stringify({ roomStr: "alice", privileges: "EnterRoom" });
  const { stream, detached } = detachedChunks(new TextEncoder().encode(json));
  const request = { body: stream, headers: new Headers() } as unknown as Request;
  const bytes = await readBody(request, 4096);
  assertEquals(detached(), json.length, "every chunk's buffer was detached after its read");
  assertEquals(new TextDecoder().decode(bytes), json);
  assert(
    bytes.buffer.byteLength <= 4096,
    `one buffer of at most the limit: ${bytes.buffer.byteLength}`,
  );
});

test("service body: a Content-Length sizes the first buffer up to 64 KiB only, whatever it claims", async () => {
  const { stream } = chunked(() => new Uint8Array([0x7b, 0x7d]), 1);
  const request = {
    body: stream,
    headers: new Headers({ "content-length": String(1 << 20) }),
  } as unknown as Request;
  const bytes = await readBody(request, 1 << 20);
  assertEquals(new TextDecoder().decode(bytes), "{}");
  assert(bytes.buffer.byteLength <= 65536, `a first buffer of ${bytes.buffer.byteLength} bytes`);
});

test("service body: a chunk that is not a Uint8Array is a 400, as arrayBuffer() makes it an error", async () => {
  const chunks: unknown[] = ["{}", 7, new ArrayBuffer(2), new DataView(new ArrayBuffer(2)), [1]];
  for (const chunk of [...chunks, new Uint16Array([0x7b7d])]) {
    const stream = new ReadableStream({
      pull(controller) {
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const request = { body: stream, headers: new Headers() } as unknown as Request;
    let error: unknown;
    await readBody(request, 4096).catch((caught) => error = caught);
    assertEquals(
      [(error as { status?: number })?.status, (error as Error)?.message],
      [400, "the request body broke off"],
      Object.prototype.toString.call(chunk),
    );
  }
});
