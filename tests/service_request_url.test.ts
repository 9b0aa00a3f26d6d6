// The request's URL and Host header, in every runtime: Deno.serve and
// Bun.serve build `request.url` from the Host header, so a Host that holds
// a path, a query, a fragment, userinfo or a backslash would move the path
// the handler routes on (out of BASE_PATH or into it), and one that is no
// host name makes `request.url` unparseable. Each is a 400 ERR_BAD_REQUEST
// in the service's JSON, logged nowhere.
import { createUserSigHandler, exampleRoomPolicy } from "../service.ts";
import { assertEquals } from "./assert.ts";
import { test } from "./harness.ts";

const log: string[] = [];
const handler = createUserSigHandler(
  { sdkAppId: 1400000000, secretKey: "test-only-secret-key", basePath: "/api/im" },
  {
    authenticate: () => Promise.resolve("alice"),
    roomPolicy: exampleRoomPolicy,
    log: (line) => log.push(line),
  },
);

/**
 * What a runtime hands the handler for `GET path` with `Host: host`: a URL
 * built from the Host as Deno.serve builds it. (A Request a test builds
 * cannot carry a URL that does not parse, nor a Host header in a browser.)
 */
function served(method: string, host: string, path: string): Request {
  return {
    url: `http://${host}${path}`,
    method,
    headers: new Headers({ host }),
    body: null,
    bodyUsed: false,
  } as unknown as Request;
}

async function answer(request: Request): Promise<[number, string]> {
  const response = await handler(request);
  const body = await response.json();
  return [response.status, body.error?.code ?? body.status ?? body.userId];
}

test("service request URL: a Host that would move the path is refused with 400, never served", async () => {
  const cases: [string, string, string][] = [
    ["GET", "x/api/im", "/healthz"], // served as /api/im/healthz
    ["POST", "x/api/im/usersig?", "/anything"], // served as /api/im/usersig
    ["GET", "x/api/im/healthz#", "/elsewhere"],
    ["GET", "user@x", "/api/im/healthz"],
    ["GET", "x\\api", "/api/im/healthz"],
    ["GET", "a b", "/api/im/healthz"],
    ["GET", "x\ty", "/api/im/healthz"],
    ["GET", "", "/api/im/healthz"], // Deno: http:///api/im/healthz, the host "api"
  ];
  for (const [method, host, path] of cases) {
    const got = await answer(served(method, host, path));
    assertEquals(
      got,
      [400, "ERR_BAD_REQUEST"],
      `${method} ${path} with Host ${JSON.stringify(host)}`,
    );
  }
  assertEquals(log, []);
});

test("service request URL: a request URL that does not parse is 400 ERR_BAD_REQUEST, not a thrown TypeError", async () => {
  for (const host of ["[", "x:99999", "%", "[::1"]) {
    const request = served("GET", host, "/api/im/healthz");
    const response = await handler(request);
    assertEquals(response.status, 400, `Host ${host}`);
    assertEquals(response.headers.get("content-type"), "application/json; charset=utf-8");
    assertEquals((await response.json()).error, {
      code: "ERR_BAD_REQUEST",
      message: "the request URL is not valid",
    });
  }
  assertEquals(log, [], "nothing of the URL is logged");
});

test("service request URL: host names, with ports, IPv6 and a final dot, are served", async () => {
  for (const host of ["usersig.test", "127.0.0.1:8000", "[::1]:8000", "Example.COM.", "a_b-c"]) {
    assertEquals(await answer(served("GET", host, "/api/im/healthz")), [200, "ok"], host);
  }
  const plain = await handler(
    new Request("http://usersig.test/api/im/usersig", { method: "POST" }),
  );
  assertEquals([plain.status, (await plain.json()).userId], [200, "alice"]);
});

test("service request URL: a path alone, as Bun.serve gives an HTTP/1.0 request without Host, is served; // and /\\ are not", async () => {
  const bare = (url: string) =>
    ({
      url,
      method: "GET",
      headers: new Headers(),
      body: null,
      bodyUsed: false,
    }) as unknown as Request;
  assertEquals(await answer(bare("/api/im/healthz")), [200, "ok"]);
  assertEquals(await answer(bare("/elsewhere/api/im/healthz")), [404, "ERR_NOT_FOUND"]);
  for (const url of ["//api/im/healthz", "/\\api/im/healthz", "api/im/healthz", ""]) {
    assertEquals(await answer(bare(url)), [400, "ERR_BAD_REQUEST"], JSON.stringify(url));
  }
  assertEquals(log, []);
});
