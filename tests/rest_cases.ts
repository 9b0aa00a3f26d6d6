// What RestApiClient must do against the stand-in for Tencent, written once
// and run three ways: through a fake fetch in every runtime (rest.test.ts),
// over HTTP on loopback from Deno, Node and Bun, and from a Worker in
// workerd (rest_server.test.ts). Every error path checks that neither the
// key nor the UserSig shows in the error.
import {
  type RestApiCallOptions,
  RestApiClient,
  type RestApiClientOptions,
  RestApiError,
} from "../rest.ts";
import { decodeUserSig } from "../mod.ts";
import { VERSION } from "../src/version.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { runtime } from "./harness.ts";
import { type Recorded, STANDIN_APP, STANDIN_KEY } from "./rest_standin.ts";

/** Where the stand-in is, and how to reach it. */
export interface RestEnv {
  /** The stand-in's base URL. */
  url: string;
  /** A base URL where nothing listens: the connection is refused. */
  refused: string;
  /** The fetch to use, when not the runtime's own. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** One behaviour of the client against the stand-in. */
export interface RestCase {
  name: string;
  run(env: RestEnv): Promise<void>;
}

let tags = 0;

/** A tag no other request carries, to find a case's requests in the stand-in's log. */
function newTag(): string {
  return `${runtime}-${Date.now()}-${++tags}`;
}

function client(env: RestEnv, options: Partial<RestApiClientOptions> = {}): RestApiClient {
  return new RestApiClient({
    sdkAppId: STANDIN_APP,
    secretKey: STANDIN_KEY,
    baseUrl: `${env.url}/primary`,
    backupUrl: `${env.url}/backup`,
    fetch: env.fetch,
    ...options,
  });
}

/** The requests the stand-in saw with this tag, in order. */
async function requests(env: RestEnv, tag: string): Promise<Recorded[]> {
  const get = env.fetch ?? fetch;
  const response = await get(`${env.url}/__log?tag=${encodeURIComponent(tag)}`, {});
  return await response.json();
}

/** Every text an error shows: message, name, causes (and theirs), Tencent's fields. */
function texts(error: unknown, depth = 0): string[] {
  if (depth > 4 || typeof error !== "object" || error === null) return [String(error)];
  const e = error as RestApiError & { errors?: unknown[] };
  const out = [String(e.name), String(e.message), String(e.stack ?? "")];
  if (e.errorInfo !== undefined) out.push(e.errorInfo);
  if (e.response !== undefined) out.push(JSON.stringify(e.response));
  if (e.cause !== undefined) out.push(...texts(e.cause, depth + 1));
  for (const inner of e.errors ?? []) out.push(...texts(inner, depth + 1));
  return out;
}

/**
 * Neither the key, nor any UserSig the stand-in saw for this tag (or a
 * piece of one), nor a usersig parameter shows anywhere in the error.
 */
export async function assertClean(error: unknown, env: RestEnv, tag: string): Promise<void> {
  const shown = texts(error).join("\n");
  const userSigs = (await requests(env, tag)).map((r) => r.query.usersig).filter(Boolean);
  for (const secret of [STANDIN_KEY, ...userSigs.map((s) => s.slice(0, 24))]) {
    assert(!shown.includes(secret), `the error shows a secret: ${shown}`);
  }
  assert(!/usersig=(?!\[redacted\])/i.test(shown), `the error shows a usersig: ${shown}`);
}

/** What a failed call left: its error, and the prefixes of the requests the stand-in saw. */
interface Failure {
  error: RestApiError;
  prefixes: string[];
}

/** A call that must fail: `standin/<command>` with `body`, through a client made with `options`. */
interface FailingCall {
  options?: Partial<RestApiClientOptions>;
  command?: string;
  body?: Record<string, unknown>;
  call?: RestApiCallOptions;
}

/**
 * Makes the call with a fresh tag; it must reject with a RestApiError of
 * `code` that shows no secret.
 */
async function failure(
  env: RestEnv,
  code: string,
  { options = {}, command = "echo", body = {}, call = {} }: FailingCall = {},
): Promise<Failure> {
  const tag = newTag();
  const c = client(env, options);
  const error = await assertRejects(
    () => c.call("standin", command, { Tag: tag, ...body }, call),
    code,
  ) as RestApiError;
  assert(error instanceof RestApiError, `not a RestApiError: ${error}`);
  await assertClean(error, env, tag);
  return { error, prefixes: (await requests(env, tag)).map((r) => r.prefix) };
}

export const REST_CASES: RestCase[] = [
  {
    name: "call() POSTs JSON with Tencent's query, and the stand-in verifies the UserSig",
    async run(env) {
      const tag = newTag();
      const answer = await client(env).call("standin", "echo", { Tag: tag, Text: "héllo" });
      assertEquals(answer.ActionStatus, "OK");
      assertEquals(answer.Body, { Tag: tag, Text: "héllo" });
      const [seen] = await requests(env, tag);
      assertEquals(seen.method, "POST");
      assertEquals(seen.prefix, "primary");
      assertEquals(seen.names, ["sdkappid", "identifier", "usersig", "random", "contenttype"]);
      assertEquals(seen.query.sdkappid, String(STANDIN_APP));
      assertEquals(seen.query.identifier, "administrator");
      assertEquals(seen.query.contenttype, "json");
      assert(/^\d+$/.test(seen.query.random) && Number(seen.query.random) <= 4294967295);
      assert(seen.verified, "the stand-in did not accept the UserSig");
      assertEquals(seen.contentType, "application/json; charset=utf-8");
      // Browsers keep their own User-Agent.
      if (runtime !== "chromium") assertEquals(seen.userAgent, `usersig/${VERSION}`);
    },
  },
  {
    name: "call() returns Tencent's answer to account_import",
    async run(env) {
      const answer = await client(env).call("im_open_login_svc", "account_import", {
        UserID: "alice",
        Tag: newTag(),
      });
      assertEquals(answer, { ActionStatus: "OK", ErrorInfo: "", ErrorCode: 0 });
    },
  },
  {
    name: "the UserSig is issued once and reused; random is fresh for every call",
    async run(env) {
      const tag = newTag();
      const c = client(env);
      for (let i = 0; i < 3; i++) await c.call("standin", "echo", { Tag: tag });
      const seen = await requests(env, tag);
      assertEquals(seen.length, 3);
      assertEquals(new Set(seen.map((r) => r.query.usersig)).size, 1);
      assertEquals(new Set(seen.map((r) => r.query.random)).size, 3);
      const ticket = decodeUserSig(seen[0].query.usersig);
      assertEquals([ticket.userId, ticket.sdkAppId, ticket.expire], [
        "administrator",
        STANDIN_APP,
        86400,
      ]);
    },
  },
  {
    name: "url() gives a signed URL that an HTTP client of one's own can POST to",
    async run(env) {
      const tag = newTag();
      const url = await client(env, { identifier: "admin_2" }).url("standin", "echo");
      const post = env.fetch ?? fetch;
      const response = await post(url, { method: "POST", body: JSON.stringify({ Tag: tag }) });
      assertEquals((await response.json()).ActionStatus, "OK");
      const [seen] = await requests(env, tag);
      assert(seen.verified && seen.query.identifier === "admin_2", JSON.stringify(seen.query));
    },
  },
  {
    name: "ActionStatus FAIL with a known code (70009, the wrong key) rejects, explained",
    async run(env) {
      const { error } = await failure(env, "ERR_REST_ACTION_FAILED", {
        options: { secretKey: "another-apps-key" },
      });
      assertEquals(error.errorCode, 70009);
      assertEquals(error.errorInfo, "usersig check failed: ERR_USERSIG_SIGNATURE_INVALID");
      assertEquals(error.explanation?.code, 70009);
      assertEquals(error.response?.ActionStatus, "FAIL");
      for (const part of ["UserSig was signed with the wrong key", "70009", "v4/standin/echo"]) {
        assert(error.message.includes(part), error.message);
      }
    },
  },
  {
    name: "ActionStatus FAIL with an unknown code passes ErrorCode and ErrorInfo through",
    async run(env) {
      const ErrorInfo = "To_Account invalid\nsecond line";
      const { error } = await failure(env, "ERR_REST_ACTION_FAILED", {
        command: "fail",
        body: { ErrorCode: 20003, ErrorInfo },
      });
      assertEquals([error.errorCode, error.errorInfo], [20003, ErrorInfo]);
      assertEquals(error.explanation, undefined);
      assert(error.message.includes("20003") && error.message.includes("no explanation"));
      assert(!error.message.includes("\n"), `a line break from the server: ${error.message}`);
    },
  },
  {
    name: "an expired UserSig (70001) is dropped from the cache; the next call issues a new one",
    async run(env) {
      const tag = newTag();
      let now = Date.now() / 1000 - 10 * 86400; // a clock ten days behind: expired for Tencent
      const c = client(env, { now: () => now });
      const error = await assertRejects(
        () => c.call("standin", "echo", { Tag: tag }),
        "ERR_REST_ACTION_FAILED",
      );
      assertEquals((error as RestApiError).errorCode, 70001);
      await assertClean(error, env, tag);
      now = Date.now() / 1000;
      await c.call("standin", "echo", { Tag: tag });
      const [first, second] = await requests(env, tag);
      assert(first.query.usersig !== second.query.usersig, "the expired UserSig was reused");
      assert(second.verified);
    },
  },
  {
    name: "an HTTP error status rejects ERR_REST_HTTP_STATUS and is never retried",
    async run(env) {
      const { error, prefixes } = await failure(env, "ERR_REST_HTTP_STATUS", {
        command: "status",
        body: { Status: 503, Text: "busy" },
      });
      assertEquals(error.status, 503);
      assert(error.message.includes("HTTP 503"), error.message);
      assertEquals(prefixes, ["primary"]);
    },
  },
  {
    name: "an HTTP error with Tencent's FAIL body carries its ErrorCode",
    async run(env) {
      const Text = JSON.stringify({ ActionStatus: "FAIL", ErrorCode: 70398, ErrorInfo: "limit" });
      const { error } = await failure(env, "ERR_REST_HTTP_STATUS", {
        command: "status",
        body: { Status: 500, Text },
      });
      assertEquals([error.status, error.errorCode, error.errorInfo], [500, 70398, "limit"]);
      assertEquals(error.explanation?.meaning, "account limit reached");
    },
  },
  {
    name: "an answer that is not JSON rejects ERR_REST_BAD_RESPONSE",
    async run(env) {
      for (const Text of ["<html>502 Bad Gateway</html>", "", '{"ActionStatus":"OK"']) {
        const { error } = await failure(env, "ERR_REST_BAD_RESPONSE", {
          command: "raw",
          body: { Text, Type: "text/html" },
        });
        assert(error.message.includes("not a JSON object"), error.message);
      }
    },
  },
  {
    name: "JSON that is not Tencent's shape rejects ERR_REST_BAD_RESPONSE",
    async run(env) {
      const bodies = [
        [],
        "OK",
        null,
        { Status: "OK" },
        { ActionStatus: "ok" },
        { ActionStatus: "FAIL" },
        { ActionStatus: "FAIL", ErrorCode: "70009" },
        { ActionStatus: "FAIL", ErrorCode: 1.5 },
      ];
      for (const body of bodies) {
        const { error } = await failure(env, "ERR_REST_BAD_RESPONSE", {
          command: "raw",
          body: { Text: JSON.stringify(body) },
        });
        assertEquals(error.errorCode, undefined, JSON.stringify(body));
      }
    },
  },
  {
    name: "a redirect is not followed (the URL holds a credential)",
    async run(env) {
      const { error, prefixes } = await failure(env, "ERR_REST_HTTP_STATUS", {
        command: "redirect",
        body: { Location: `${env.url}/backup/v4/standin/echo` },
      });
      assertEquals(error.status, 307);
      assert(error.message.includes("not followed"), error.message);
      assertEquals(prefixes, ["primary"]);
    },
  },
  {
    name: "a stand-in that never answers: ERR_REST_TIMEOUT, and no retry on the backup",
    async run(env) {
      const { error, prefixes } = await failure(env, "ERR_REST_TIMEOUT", {
        options: { baseUrl: `${env.url}/hang`, timeout: 300 },
      });
      assert(error.message.includes("within 300 ms"), error.message);
      assertEquals(prefixes, ["hang"]);
    },
  },
  {
    name: "a call's own timeout replaces the client's",
    async run(env) {
      const { error } = await failure(env, "ERR_REST_TIMEOUT", {
        options: { baseUrl: `${env.url}/hang`, timeout: 60_000 },
        call: { timeout: 200 },
      });
      assert(error.message.includes("within 200 ms"), error.message);
    },
  },
  {
    name: "the caller's signal aborts a call: ERR_REST_ABORTED with its reason as the cause",
    async run(env) {
      const tag = newTag();
      const controller = new AbortController();
      const c = client(env, { baseUrl: `${env.url}/hang` });
      const call = c.call("standin", "echo", { Tag: tag }, { signal: controller.signal });
      while ((await requests(env, tag)).length === 0) await new Promise((r) => setTimeout(r, 20));
      const reason = new Error("the user left");
      controller.abort(reason);
      const error = await assertRejects(() => call, "ERR_REST_ABORTED");
      assertEquals(error.cause, reason);
      await assertClean(error, env, tag);
      assertEquals((await requests(env, tag)).map((r) => r.prefix), ["hang"]);
    },
  },
  {
    name: "an already aborted signal rejects ERR_REST_ABORTED and sends nothing",
    async run(env) {
      const { prefixes } = await failure(env, "ERR_REST_ABORTED", {
        call: { signal: AbortSignal.abort() },
      });
      assertEquals(prefixes, []);
    },
  },
  {
    name: "a dropped connection is sent once more to the backup, with the same random",
    async run(env) {
      const tag = newTag();
      const c = client(env, { baseUrl: `${env.url}/drop` });
      const answer = await c.call("standin", "echo", { Tag: tag });
      assertEquals(answer.ActionStatus, "OK");
      const seen = await requests(env, tag);
      assertEquals(seen.map((r) => r.prefix), ["drop", "backup"]);
      assertEquals(seen[0].query.random, seen[1].query.random);
      assert(seen[1].verified);
    },
  },
  {
    name: "a refused connection is sent once more to the backup",
    async run(env) {
      const tag = newTag();
      const c = client(env, { baseUrl: env.refused });
      assertEquals((await c.call("standin", "echo", { Tag: tag })).ActionStatus, "OK");
      assertEquals((await requests(env, tag)).map((r) => r.prefix), ["backup"]);
    },
  },
  {
    name: "when the backup fails too, ERR_REST_UNREACHABLE carries both causes",
    async run(env) {
      const { error, prefixes } = await failure(env, "ERR_REST_UNREACHABLE", {
        options: { baseUrl: env.refused, backupUrl: `${env.url}/drop` },
      });
      const cause = error.cause as AggregateError;
      assert(cause instanceof AggregateError, `cause: ${cause}`);
      assertEquals(cause.errors.length, 2);
      for (const host of [new URL(env.refused).host, new URL(env.url).host]) {
        assert(error.message.includes(host), error.message);
      }
      assertEquals(prefixes, ["drop"]);
    },
  },
  {
    name: "fallback: false sends a call only once",
    async run(env) {
      const { error, prefixes } = await failure(env, "ERR_REST_UNREACHABLE", {
        options: { baseUrl: `${env.url}/drop` },
        call: { fallback: false },
      });
      assert(error.cause instanceof Error && !(error.cause instanceof AggregateError));
      assertEquals(prefixes, ["drop"]);
    },
  },
  {
    name: "a baseUrl without a backupUrl has no backup",
    async run(env) {
      const options = { baseUrl: `${env.url}/drop`, backupUrl: undefined };
      assertEquals(client(env, options).backupUrl, undefined);
      const { prefixes } = await failure(env, "ERR_REST_UNREACHABLE", { options });
      assertEquals(prefixes, ["drop"]);
    },
  },
  {
    name: "an answer cut off midway rejects ERR_REST_BAD_RESPONSE and is not retried",
    async run(env) {
      const { error, prefixes } = await failure(env, "ERR_REST_BAD_RESPONSE", {
        options: { baseUrl: `${env.url}/cut` },
      });
      assert(error.message.includes("cut off"), error.message);
      assertEquals(prefixes, ["cut"]);
    },
  },
  {
    name: "an answer that declares more than 16 MiB rejects ERR_REST_BAD_RESPONSE",
    async run(env) {
      const { error } = await failure(env, "ERR_REST_BAD_RESPONSE", {
        command: "huge",
        body: { Length: 16 * 1024 * 1024 + 1 },
      });
      assert(error.message.includes("larger than"), error.message);
    },
  },
  {
    name: "a server that echoes the signed URL in ErrorInfo: the UserSig is redacted",
    async run(env) {
      const { error } = await failure(env, "ERR_REST_ACTION_FAILED", {
        command: "fail",
        body: { ErrorCode: 70003, EchoUrl: true },
      });
      assert(error.errorInfo?.includes("usersig=[redacted]"), error.errorInfo);
    },
  },
];
