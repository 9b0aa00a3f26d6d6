// Request bodies, in every runtime: whatever the answer, a body is read to
// its end (within bounds) before the answer goes out, never left half-read
// or cancelled early (which breaks `wrangler dev`'s proxy); a body that
// breaks off is a 400, not a logged 500.
import { createUserSigHandler, exampleRoomPolicy, fromEnv, jwtAuthenticator } from "../service.ts";
import { readBody } from "../src/service/body.ts";
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

test("service body: an endless body of 1-byte chunks is read and drained in 4096 chunks in all, then cancelled", async () => {
  for (
    const [path, bearer, status] of [["/nowhere", false, 404], ["/usersig", true, 413]] as const
  ) {
    const { stream, seen } = chunked(oneByte);
    const answer = await send("POST", path, stream, bearer);
    assertEquals(answer.status, status);
    assert(seen.cancelled, "cancelled");
    // The 413 reads up to the 4096-byte limit, then drains in what is left of the 4096 chunks.
    assert(seen.pulled <= 4096 + 2, `${path}: ${seen.pulled} reads`);
  }
});

test("service body: a body over the limit is drained in what is left of its 4096 chunks", async () => {
  // 4000 chunks of the 4096 bytes, one that passes the limit, then 1-byte chunks without end.
  const { stream, seen } = chunked((i) => i === 4000 ? new Uint8Array(200) : oneByte());
  const answer = await send("POST", "/usersig", stream);
  assertEquals([answer.status, answer.body.error.code], [413, "ERR_BODY_TOO_LARGE"]);
  assert(seen.cancelled, "cancelled");
  assert(seen.pulled <= 4096 + 2, `${seen.pulled} reads`);
});

test("service body: an endless body of empty chunks is refused, not read forever", async () => {
  const { stream, seen } = chunked(() => new Uint8Array(0));
  const answer = await send("POST", "/privatemapkey", stream);
  assertEquals([answer.status, answer.body.error.code], [400, "ERR_BAD_REQUEST"]);
  assertEquals(answer.body.error.message, "the request body came in more than 4096 chunks");
  assert(seen.cancelled && seen.pulled <= 4096 + 2, `${seen.pulled} reads`);
});

test("service body: a body at the limit in 1-byte chunks is read whole; one chunk more is a 400", async () => {
  const json = JSON.stringify({ roomStr: "alice", privileges: "EnterRoom" });
  const padded = new TextEncoder().encode(json + " ".repeat(4096 - json.length));
  const bearer = `Bearer ${await token(await testKeys())}`;
  const settings = { ...fromEnv(TEST_ENV), maxBodyBytes: 8192 };
  const handler = createUserSigHandler(settings, {
    authenticate: jwtAuthenticator(settings.auth),
    roomPolicy: exampleRoomPolicy,
  });
  for (const [size, status] of [[4096, 200], [4097, 400]]) {
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
