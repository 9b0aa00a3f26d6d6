// Request bodies, in every runtime: whatever the answer, a body is read to
// its end (within bounds) before the answer goes out, never left half-read
// or cancelled early (which breaks `wrangler dev`'s proxy); a body that
// breaks off is a 400, not a logged 500.
import { createUserSigHandler, fromEnv, jwtAuthenticator } from "../service.ts";
import { assert, assertEquals } from "./assert.ts";
import { test } from "./harness.ts";
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
