// RestApiClient in every runtime: the cases of rest_cases.ts through a fake
// fetch that hands each request to the stand-in, then what needs no
// stand-in at all: arguments, regions, the signed URL, the UserSig cache
// with an injected clock, limits on the answer, and redaction.
import {
  REST_API_REGIONS,
  RestApiClient,
  type RestApiClientOptions,
  RestApiError,
  type RestApiRegion,
  tencentCode,
} from "../rest.ts";
import { decodeUserSig, TLSSigAPIv2 } from "../mod.ts";
import { redact, redactJson, safeCause } from "../src/rest/errors.ts";
import { MAX_RESPONSE_BYTES, MAX_RESPONSE_CHUNKS, readAnswer } from "../src/rest/response.ts";
import { TicketCache } from "../src/rest/ticket_cache.ts";
import { VERSION } from "../src/version.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { test } from "./harness.ts";
import { chunked, detachedChunks } from "./hostile_streams.ts";
import { REST_CASES, type RestEnv } from "./rest_cases.ts";
import { STANDIN_APP, STANDIN_KEY, standInFetch, TencentStandIn } from "./rest_standin.ts";

const standIn = new TencentStandIn();
const fakeEnv: RestEnv = {
  url: "https://tencent.test",
  refused: "https://refused.test",
  fetch: standInFetch(standIn),
};

for (const c of REST_CASES) test(`rest (fake fetch): ${c.name}`, () => c.run(fakeEnv));

/** A fetch that records what it is given and answers OK (or as `answer` says). */
function spy(
  answer: () => Response | Promise<Response> = () => Response.json({ ActionStatus: "OK" }),
) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return Promise.resolve(answer());
  };
  return { calls, fetch };
}

const base = (options: Partial<RestApiClientOptions> = {}): RestApiClientOptions => ({
  sdkAppId: STANDIN_APP,
  secretKey: STANDIN_KEY,
  ...options,
});

test("new RestApiClient() defaults to China and administrator, with China's backup domain", () => {
  const client = new RestApiClient(base());
  assertEquals(client.baseUrl, "https://console.tim.qq.com");
  assertEquals(client.backupUrl, "https://adminapi.my-imcloud.com");
  assertEquals(client.identifier, "administrator");
  assertEquals(client.sdkAppId, STANDIN_APP);
});

test("REST_API_REGIONS has the facts' eight regions, each with its domain and a backup", () => {
  const facts: Record<string, string> = {
    china: "console.tim.qq.com",
    singapore: "adminapisgp.im.qcloud.com",
    seoul: "adminapikr.im.qcloud.com",
    frankfurt: "adminapiger.im.qcloud.com",
    mumbai: "adminapiind.im.qcloud.com",
    "silicon-valley": "adminapiusa.im.qcloud.com",
    jakarta: "adminapiidn.im.qcloud.com",
    tokyo: "adminapijpn.im.qcloud.com",
  };
  assertEquals(Object.keys(REST_API_REGIONS).sort(), Object.keys(facts).sort());
  for (const [region, domain] of Object.entries(facts)) {
    const row = REST_API_REGIONS[region as keyof typeof REST_API_REGIONS];
    assertEquals(row.domain, domain);
    assert(/^adminapi[a-z]*\.my-imcloud\.com$/.test(row.backupDomain), row.backupDomain);
    const client = new RestApiClient(base({ region: region as RestApiRegion }));
    assertEquals([client.baseUrl, client.backupUrl], [
      `https://${domain}`,
      `https://${row.backupDomain}`,
    ]);
  }
  assert(Object.isFrozen(REST_API_REGIONS) && Object.isFrozen(REST_API_REGIONS.china));
});

test("new RestApiClient() refuses bad options with a TypeError or RangeError naming them", () => {
  const cases: [Partial<RestApiClientOptions> | null, typeof TypeError, string][] = [
    [{ sdkAppId: 0 }, RangeError, "sdkAppId"],
    [{ sdkAppId: "1400000000" as unknown as number }, TypeError, "sdkAppId"],
    [{ secretKey: "" }, TypeError, "secretKey"],
    [{ identifier: "" }, RangeError, "identifier"],
    [{ identifier: "admin\u001b[2J" }, RangeError, "identifier"],
    [{ identifier: "a".repeat(33) }, RangeError, "identifier"],
    [{ region: "mars" as "china" }, TypeError, "region must be one of china, singapore"],
    [{ region: "toString" as "china" }, TypeError, "region"],
    [{ region: "china", baseUrl: "https://proxy.example" }, TypeError, "not both"],
    [{ backupUrl: "https://proxy.example" }, TypeError, "backupUrl goes with baseUrl"],
    [{ baseUrl: "proxy.example" }, TypeError, "absolute URL"],
    [{ baseUrl: "http://proxy.example" }, RangeError, "https"],
    [{ baseUrl: "ftp://127.0.0.1" }, RangeError, "https"],
    [{ baseUrl: "https://proxy.example/?a=1" }, RangeError, "no query"],
    [{ baseUrl: "https://user@proxy.example" }, RangeError, "user name"],
    [{ baseUrl: "https://proxy.example", backupUrl: "http://10.0.0.1" }, RangeError, "backupUrl"],
    [{ timeout: 0 }, RangeError, "timeout"],
    [{ timeout: 1.5 }, TypeError, "timeout"],
    [{ timeout: 2 ** 31 }, RangeError, "timeout"],
    [{ userSigExpire: 59 }, RangeError, "userSigExpire"],
    [{ fetch: "fetch" as unknown as RestApiClientOptions["fetch"] }, TypeError, "fetch"],
    [{ now: 0 as unknown as () => number }, TypeError, "now"],
  ];
  for (const [options, kind, includes] of cases) {
    assertThrows(() => new RestApiClient(base(options ?? {})), kind, includes);
  }
  assertThrows(
    () => new RestApiClient(null as unknown as RestApiClientOptions),
    TypeError,
    "options",
  );
});

test("new RestApiClient() takes http only to loopback, and keeps a base URL's path", () => {
  for (const url of ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2"]) {
    assertEquals(new RestApiClient(base({ baseUrl: url })).baseUrl, url);
  }
  const client = new RestApiClient(
    base({ baseUrl: "https://proxy.example/tencent/", backupUrl: "https://b.example" }),
  );
  assertEquals([client.baseUrl, client.backupUrl], [
    "https://proxy.example/tencent",
    "https://b.example",
  ]);
});

test("url() signs for the identifier, encodes it, and draws a fresh random each time", async () => {
  const identifier = "ops admin+1&x=y";
  const client = new RestApiClient(base({ identifier, region: "tokyo" }));
  const first = new URL(await client.url("im_open_login_svc", "account_import"));
  const second = new URL(await client.url("im_open_login_svc", "account_import"));
  assertEquals(
    first.origin + first.pathname,
    "https://adminapijpn.im.qcloud.com/v4/im_open_login_svc/account_import",
  );
  assertEquals([...first.searchParams.keys()], [
    "sdkappid",
    "identifier",
    "usersig",
    "random",
    "contenttype",
  ]);
  assertEquals(first.searchParams.get("identifier"), identifier);
  assert(!first.search.includes(" "), first.search);
  const claims = await new TLSSigAPIv2(STANDIN_APP, STANDIN_KEY)
    .verifyUserSig(first.searchParams.get("usersig")!, identifier);
  assertEquals(claims.expire, 86400);
  assert(first.searchParams.get("random") !== second.searchParams.get("random"));
  assertEquals(first.searchParams.get("usersig"), second.searchParams.get("usersig"));
});

test("url() and call() refuse a service or command that could change the path", async () => {
  const { calls, fetch } = spy();
  const client = new RestApiClient(base({ fetch }));
  for (
    const [service, command] of [["../x", "y"], ["a/b", "c"], ["", "c"], ["s", "c?x=1"], [
      "s",
      "x".repeat(65),
    ], ["s", "."]]
  ) {
    await assertRejects(() => client.url(service, command), RangeError);
    await assertRejects(() => client.call(service, command), RangeError);
  }
  await assertRejects(() => client.call(1 as unknown as string, "c"), TypeError, "service");
  assertEquals(calls.length, 0);
});

test("call() refuses a body that is no JSON object, and bad options, before sending", async () => {
  const { calls, fetch } = spy();
  const client = new RestApiClient(base({ fetch }));
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  for (const body of [[], null, "{}", 1, { n: 1n }, cyclic]) {
    await assertRejects(() => client.call("s", "c", body as object), TypeError, "body");
  }
  await assertRejects(
    () => client.call("s", "c", {}, { timeout: 0 }),
    RangeError,
    "options.timeout",
  );
  await assertRejects(
    () => client.call("s", "c", {}, { signal: {} as AbortSignal }),
    TypeError,
    "signal",
  );
  await assertRejects(
    () => client.call("s", "c", {}, { fallback: 0 as unknown as boolean }),
    TypeError,
    "fallback",
  );
  assertEquals(calls.length, 0);
});

test("call() sends {} by default, with JSON headers and usersig's User-Agent", async () => {
  const { calls, fetch } = spy();
  await new RestApiClient(base({ fetch })).call("im_open_login_svc", "account_check");
  const [{ url, init }] = calls;
  assert(url.startsWith("https://console.tim.qq.com/v4/im_open_login_svc/account_check?"), url);
  assertEquals(init.method, "POST");
  assertEquals(init.body, "{}");
  assertEquals(init.redirect, "manual");
  assertEquals(init.headers, {
    "content-type": "application/json; charset=utf-8",
    "accept": "application/json",
    "user-agent": `usersig/${VERSION}`,
  });
  assert(/^\d+\.\d+\.\d+/.test(VERSION), VERSION);
});

test("the UserSig is reused until less than a tenth of its validity is left", async () => {
  let now = 1_800_000_000;
  const { calls, fetch } = spy();
  const client = new RestApiClient(base({ fetch, now: () => now, userSigExpire: 1000 }));
  const timeOfLast = () =>
    decodeUserSig(new URL(calls.at(-1)!.url).searchParams.get("usersig")!).time;
  await client.call("s", "c");
  assertEquals(timeOfLast(), 1_800_000_000);
  now += 900; // 100 s left: a tenth exactly, still kept
  await client.call("s", "c");
  assertEquals(timeOfLast(), 1_800_000_000);
  now += 1; // 99 s left
  await client.call("s", "c");
  assertEquals(timeOfLast(), 1_800_000_901);
  const url = new URL(await client.url("s", "c"));
  assertEquals(decodeUserSig(url.searchParams.get("usersig")!).expire, 1000);
});

test("TicketCache: calls at the same time share one issuance; a failed one is not kept", async () => {
  let issued = 0;
  let failNext = true;
  const cache = new TicketCache(
    async (time) => {
      issued++;
      await new Promise((r) => setTimeout(r, 5));
      if (failNext) {
        failNext = false;
        throw new Error("crypto failed");
      }
      return `ticket-${time}-${issued}`;
    },
    1000,
    () => 100,
  );
  const failed = await Promise.allSettled([cache.get(), cache.get(), cache.get()]);
  assertEquals(failed.map((r) => r.status), ["rejected", "rejected", "rejected"]);
  assertEquals(issued, 1);
  const tickets = await Promise.all(Array.from({ length: 5 }, () => cache.get()));
  assertEquals(new Set(tickets).size, 1);
  assertEquals(issued, 2);
  await cache.drop("another ticket");
  assertEquals(await cache.get(), "ticket-100-2");
  await cache.drop("ticket-100-2");
  assertEquals(await cache.get(), "ticket-100-3");
});

test("a clock that is not unix seconds rejects the call with a TypeError", async () => {
  const { calls, fetch } = spy();
  const client = new RestApiClient(base({ fetch, now: () => NaN }));
  await assertRejects(() => client.call("s", "c"), TypeError, "now()");
  assertEquals(calls.length, 0);
});

test("a signal that fires while the UserSig is issued ends the call before anything is sent", async () => {
  const { calls, fetch } = spy();
  const controller = new AbortController();
  const now = () => (controller.abort(), 1_800_000_000);
  const client = new RestApiClient(base({ fetch, now }));
  await assertRejects(
    () => client.call("s", "c", {}, { signal: controller.signal }),
    "ERR_REST_ABORTED",
  );
  assertEquals(calls.length, 0);
});

test("a redirect a browser hid (opaqueredirect, status 0) is an HTTP error, not followed", async () => {
  const hidden = Object.defineProperty(new Response(null, { status: 200 }), "status", { value: 0 });
  Object.defineProperty(hidden, "type", { value: "opaqueredirect" });
  const client = new RestApiClient(base({ fetch: () => Promise.resolve(hidden) }));
  const error = await assertRejects(() => client.call("s", "c"), "ERR_REST_HTTP_STATUS");
  assert(error.message.includes("not followed"), error.message);
});

test("a fetch that ignores its signal still times out", async () => {
  const client = new RestApiClient(
    base({ fetch: () => new Promise<Response>(() => {}), timeout: 50 }),
  );
  const error = await assertRejects(() => client.call("s", "c"), "ERR_REST_TIMEOUT");
  assert(error.message.includes("console.tim.qq.com"), error.message);
});

test("an answer that streams past 16 MiB without a length is stopped there", async () => {
  let sent = 0;
  const chunk = new Uint8Array(1024 * 1024).fill(32);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const client = new RestApiClient(base({ fetch: () => Promise.resolve(new Response(stream)) }));
  await assertRejects(() => client.call("s", "c"), "ERR_REST_BAD_RESPONSE", "larger than");
  assert(sent <= MAX_RESPONSE_BYTES + 2 * chunk.length, `read ${sent} bytes`);
});

test("an answer that is not UTF-8 rejects ERR_REST_BAD_RESPONSE", async () => {
  const bytes = new Uint8Array([0x7b, 0xff, 0x7d]);
  const client = new RestApiClient(base({ fetch: () => Promise.resolve(new Response(bytes)) }));
  await assertRejects(() => client.call("s", "c"), "ERR_REST_BAD_RESPONSE", "not UTF-8");
});

test("a fetch that throws at once counts as a network failure and falls back", async () => {
  let attempts = 0;
  const client = new RestApiClient(base({
    fetch: (url) => {
      if (attempts++ === 0) throw new TypeError(`bad ${url}`);
      return Promise.resolve(Response.json({ ActionStatus: "OK" }));
    },
  }));
  assertEquals((await client.call("s", "c")).ActionStatus, "OK");
  assertEquals(attempts, 2);
});

test("redact() removes a UserSig, encoded or cut, and every usersig= value", () => {
  const userSig = "eJyrVgrxCdYrSy1SslI*0jNQ0gHzM1NS80oy-_";
  const text =
    `a ${userSig} b ${encodeURIComponent(userSig)} c ${userSig.replaceAll("*", "%2A")} ` +
    `d https://x/v4/a/b?usersig=eJyrVgrx&random=1 e USERSIG=zzz)`;
  const out = redact(text, userSig);
  assert(!out.includes("eJyr") && !out.includes("zzz"), out);
  assertEquals(out.split("[redacted]").length - 1, 5);
  const lower = redact(`x ${encodeURIComponent(userSig).replaceAll("*", "%2a")} y`, userSig);
  assertEquals(lower, "x [redacted] y");
  assert(out.includes("random=1"), out);
});

test("safeCause() keeps the name and the chain of messages, redacted", () => {
  const userSig = "eJwSECRET";
  const error = new TypeError(`fetch failed for https://x/?usersig=${userSig}`, {
    cause: Object.assign(new Error(`connect ECONNREFUSED, ${userSig}`), { code: "ECONNREFUSED" }),
  });
  const safe = safeCause(error, userSig);
  assertEquals(safe.name, "TypeError");
  assertEquals(
    safe.message,
    "fetch failed for https://x/?usersig=[redacted]: connect ECONNREFUSED, [redacted]",
  );
  assertEquals(safe.cause, undefined);
  assertEquals(safeCause("a string", userSig).message, "a string");
});

test("RestApiError explains the codes the table knows and only those", () => {
  for (const code of [70001, 70009, 70013, 70014, 70020, 70052, 70107, 70398]) {
    const error = new RestApiError("ERR_REST_ACTION_FAILED", "x", { errorCode: code });
    assertEquals(error.explanation, tencentCode(code));
    assert(error.explanation !== undefined, String(code));
  }
  const unknown = new RestApiError("ERR_REST_ACTION_FAILED", "x", { errorCode: 20003 });
  assertEquals(unknown.explanation, undefined);
  assert(!("cause" in new RestApiError("ERR_REST_TIMEOUT", "x")));
  assertEquals(new RestApiError("ERR_REST_ABORTED", "x", { cause: 1 }).cause, 1);
});

test("the UserSig and the key stay out of the client's own properties and JSON", async () => {
  const client = new RestApiClient(base());
  const url = new URL(await client.url("s", "c"));
  const shown = JSON.stringify(client) + Object.values(client).join(" ");
  assert(!shown.includes(STANDIN_KEY) && !shown.includes(url.searchParams.get("usersig")!), shown);
});

/** `text` with every character written as a JSON escape, `\\u0065` for `e`. */
function escaped(text: string): string {
  return [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
}

/** Every text an error offers a logger, with JSON escapes in them decoded. */
function everything(error: RestApiError): string {
  const texts = [
    error.message,
    String(error.stack),
    String(error.errorInfo),
    JSON.stringify(error.response ?? null),
    JSON.stringify(error),
  ];
  const decoded = texts.map((t) =>
    t.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
  );
  return [...texts, ...decoded].join("\n");
}

test("a server that JSON-escapes the UserSig in a failed answer cannot get it into the error", async () => {
  const answers: [string, (sig: string) => string, number, string][] = [
    [
      "every character escaped",
      (sig) => `{"ActionStatus":"FAIL","ErrorCode":70009,"ErrorInfo":"${escaped(sig)}"}`,
      200,
      "ERR_REST_ACTION_FAILED",
    ],
    [
      "one character escaped",
      (sig) =>
        `{"ActionStatus":"FAIL","ErrorCode":70009,"ErrorInfo":"${escaped(sig.slice(0, 1))}${
          sig.slice(1)
        }"}`,
      200,
      "ERR_REST_ACTION_FAILED",
    ],
    [
      "as a key, nested",
      (sig) =>
        `{"ActionStatus":"FAIL","ErrorCode":70009,"ErrorInfo":"k","a":[{"${escaped(sig)}":["${
          escaped(sig)
        }"]}]}`,
      200,
      "ERR_REST_ACTION_FAILED",
    ],
    [
      "in an answer of another shape",
      (sig) => `{"ActionStatus":"MAYBE","${escaped(sig.slice(0, 2))}":"${escaped(sig)}"}`,
      200,
      "ERR_REST_BAD_RESPONSE",
    ],
    ["in a JSON string", (sig) => `"${escaped(sig)}"`, 200, "ERR_REST_BAD_RESPONSE"],
    [
      "in a 500's ErrorInfo",
      (sig) => `{"ActionStatus":"FAIL","ErrorCode":1,"ErrorInfo":"${escaped(sig)}"}`,
      500,
      "ERR_REST_HTTP_STATUS",
    ],
    [
      "percent-encoded, %2a",
      (sig) =>
        JSON.stringify({
          ActionStatus: "FAIL",
          ErrorCode: 70009,
          ErrorInfo: encodeURIComponent(sig).replaceAll("*", "%2a"),
        }),
      200,
      "ERR_REST_ACTION_FAILED",
    ],
  ];
  for (const [what, answer, status, code] of answers) {
    let userSig = "";
    const client = new RestApiClient(base({
      fetch: (url) => {
        userSig = new URL(url).searchParams.get("usersig")!;
        return Promise.resolve(new Response(answer(userSig), { status }));
      },
    }));
    const error = await assertRejects(() => client.call("s", "c"), code);
    const shown = everything(error as RestApiError);
    for (let at = 0; at + 24 <= userSig.length; at += 8) {
      assert(
        !shown.includes(userSig.slice(at, at + 24)),
        `${what}: the error shows the UserSig: ${shown}`,
      );
    }
    assert(shown.includes("[redacted]"), `${what}: ${shown}`);
  }
});

test("an OK answer is returned as Tencent sent it, unredacted", async () => {
  let sent = "";
  const client = new RestApiClient(base({
    fetch: (url) => Promise.resolve(Response.json({ ActionStatus: "OK", Echo: sent = url })),
  }));
  const answer = await client.call("s", "c");
  assert(sent.includes("usersig=") && answer.Echo === sent, String(answer.Echo));
});

test("redactJson() redacts every string and key, keeps the rest, and a __proto__ key stays a key", () => {
  const value = JSON.parse(
    '{"a":["SECRET",1,null,true,{"SECRET":"x SECRET"}],"__proto__":{"polluted":"SECRET"}}',
  );
  const safe = redactJson(value, "SECRET") as Record<string, unknown>;
  assertEquals(
    JSON.stringify(safe),
    '{"a":["[redacted]",1,null,true,{"[redacted]":"x [redacted]"}],"__proto__":{"polluted":"[redacted]"}}',
  );
  assertEquals(Object.getPrototypeOf(safe), Object.prototype);
  assertEquals((safe as { polluted?: unknown }).polluted, undefined);
  assertEquals(({} as { polluted?: unknown }).polluted, undefined);
});

test("a failed answer nested 100000 deep is an ERR_REST_BAD_RESPONSE, not a stack overflow", async () => {
  const deep = `{"ActionStatus":"MAYBE","x":${"[".repeat(100000)}${"]".repeat(100000)}}`;
  const client = new RestApiClient(base({ fetch: () => Promise.resolve(new Response(deep)) }));
  await assertRejects(
    () => client.call("s", "c"),
    "ERR_REST_BAD_RESPONSE",
    "not in Tencent's shape",
  );
});

test("an answer of endless 1-byte chunks is refused after MAX_RESPONSE_CHUNKS reads", async () => {
  const { stream, seen } = chunked(() => new Uint8Array([32]));
  const client = new RestApiClient(base({ fetch: () => Promise.resolve(new Response(stream)) }));
  await assertRejects(
    () => client.call("s", "c"),
    "ERR_REST_BAD_RESPONSE",
    "more than 65536 chunks",
  );
  assert(seen.pulled <= MAX_RESPONSE_CHUNKS + 2, `${seen.pulled} reads`);
  assert(seen.cancelled, "cancelled");
});

test("an answer's bytes are copied as they come: no chunk is kept after its read", async () => {
  const json = JSON.stringify({ ActionStatus: "OK", ErrorCode: 0, Data: "x".repeat(50) });
  const { stream, detached } = detachedChunks(new TextEncoder().encode(json));
  const response = { status: 200, headers: new Headers(), body: stream } as unknown as Response;
  const answer = await readAnswer(response, new AbortController().signal, "s/c", "sig");
  assertEquals(detached(), json.length, "every chunk's buffer was detached after its read");
  assertEquals(answer.Data, "x".repeat(50));
});

test("an answer that dribbles past the timeout, from a fetch that ignores its signal, times out and is cancelled", async () => {
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      controller.enqueue(new Uint8Array([32]));
    },
    cancel() {
      cancelled = true;
    },
  }, { highWaterMark: 0 });
  const client = new RestApiClient(
    base({ fetch: () => Promise.resolve(new Response(stream)), timeout: 100 }),
  );
  await assertRejects(() => client.call("s", "c"), "ERR_REST_TIMEOUT", "no complete answer");
  assert(cancelled, "the answer's stream was cancelled");
});
