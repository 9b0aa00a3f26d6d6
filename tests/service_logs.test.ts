// The service's log, in every runtime: one line a refusal of a caller at
// level warn (401, 403), one line a failure of the service at level error
// (5xx), nothing for the rest (400, 404, 405, 413, a broken upload), and
// serviceFromEnv's default log writes them with console.warn and
// console.error accordingly.
import {
  createUserSigHandler,
  fromEnv,
  jwtAuthenticator,
  type LogLevel,
  ServiceError,
  serviceFromEnv,
} from "../service.ts";
import { assertEquals } from "./assert.ts";
import { test } from "./harness.ts";
import { BASE, TEST_ENV, testKeys, token } from "./service_cases.ts";

/** Sends one request of each kind to `handler`; returns nothing, the log is what counts. */
async function traffic(handler: (request: Request) => Promise<Response>) {
  const k = await testKeys();
  const bearer = `Bearer ${await token(k)}`;
  const requests = [
    new Request(BASE + "/usersig", { method: "POST", headers: { authorization: bearer } }), // 200
    new Request(BASE + "/usersig", { method: "POST" }), // 401
    new Request(BASE + "/usersig", {
      method: "POST",
      headers: { authorization: `Bearer ${await token(k, { claims: { sub: "administrator" } })}` },
    }), // 403
    new Request(BASE + "/privatemapkey", {
      method: "POST",
      headers: { authorization: bearer },
      body: JSON.stringify({ roomStr: "bob", privileges: "SendVideo" }),
    }), // 403
    new Request(BASE + "/privatemapkey", {
      method: "POST",
      headers: { authorization: bearer },
      body: "{",
    }), // 400
    new Request(BASE + "/nowhere"), // 404
    new Request(BASE + "/usersig"), // 405
    new Request(BASE + "/usersig", {
      method: "POST",
      headers: { authorization: bearer },
      body: "x".repeat(5000),
    }), // 413
  ];
  const statuses: number[] = [];
  for (const request of requests) {
    const response = await handler(request);
    statuses.push(response.status);
    await response.body?.cancel();
  }
  assertEquals(statuses, [200, 401, 403, 403, 400, 404, 405, 413]);
}

test("service logs: refusals are warn lines, failures error lines, and nothing else is logged", async () => {
  const lines: [LogLevel, string][] = [];
  const settings = fromEnv(TEST_ENV);
  const handler = createUserSigHandler(settings, {
    authenticate: jwtAuthenticator(settings.auth),
    roomPolicy: () => 0,
    log: (line, level) => lines.push([level, line]),
  });
  await traffic(handler);
  assertEquals(lines, [
    ["warn", "usersig: 401 ERR_AUTH_MISSING POST /usersig"],
    ["warn", "usersig: 403 ERR_USER_ID_RESERVED POST /usersig"],
    ["warn", "usersig: 403 ERR_PRIVILEGES_DENIED POST /privatemapkey"],
  ]);

  lines.length = 0;
  for (
    const fail of [
      () => Promise.reject(new Error("database down")),
      () => Promise.reject(new ServiceError(503, "ERR_DIRECTORY_DOWN", "try later")),
    ]
  ) {
    const failing = createUserSigHandler(settings, {
      authenticate: fail,
      log: (line, level) => lines.push([level, line]),
    });
    const response = await failing(new Request(BASE + "/usersig", { method: "POST" }));
    await response.body?.cancel();
  }
  assertEquals(lines, [
    ["error", "usersig: 500 ERR_INTERNAL POST /usersig: Error: database down"],
    ["error", "usersig: 503 ERR_DIRECTORY_DOWN POST /usersig"],
  ]);
});

test("service logs: serviceFromEnv() logs refusals with console.warn and failures with console.error", async () => {
  const counts = { warn: 0, error: 0, log: 0 };
  const saved = { warn: console.warn, error: console.error, log: console.log };
  console.warn = () => void counts.warn++;
  console.error = () => void counts.error++;
  console.log = () => void counts.log++;
  try {
    await traffic(serviceFromEnv(TEST_ENV));
    assertEquals(counts, { warn: 3, error: 0, log: 0 });
    const broken = serviceFromEnv({ ...TEST_ENV, SECRET_KEY: undefined });
    const response = await broken(new Request(BASE + "/healthz"));
    await response.body?.cancel();
    assertEquals(counts, { warn: 3, error: 1, log: 0 });
  } finally {
    Object.assign(console, saved);
  }
});
