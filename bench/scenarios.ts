// The benchmark scenarios, runtime-neutral: each runs a number of
// operations at a given concurrency and reports operations per second.
import { SignJWT } from "jose";
import { TLSSigAPIv2 } from "../mod.ts";
import { createUserSigHandler, jwtAuthenticator } from "../service.ts";
import { signedContentV2 } from "../src/ticket_writer.ts";

/** The fixed inputs every scenario uses: the official Node vector's. */
export const INPUT = {
  sdkAppId: 1400000000,
  key: "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e",
  userId: "xiaojun",
  expire: 86400,
  time: 1_700_000_000,
} as const;

/** Runs `op` `total` times, `concurrency` at once; returns operations per second. */
export async function throughput(
  op: () => Promise<unknown>,
  total: number,
  concurrency: number,
): Promise<number> {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await op();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total / ((performance.now() - start) / 1000);
}

/** One benchmarked operation. */
export type Scenario = () => Promise<unknown>;

/**
 * The floor: `crypto.subtle` HMAC-SHA256 alone, with the same key, over the
 * same content that genUserSig signs.
 */
export async function bareHmac(): Promise<Scenario> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(INPUT.key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const content = new TextEncoder().encode(
    signedContentV2(INPUT.userId, INPUT.sdkAppId, INPUT.time, INPUT.expire),
  );
  return () => crypto.subtle.sign("HMAC", key, content);
}

/** The HS256 secret of the handler scenarios: test value, not a secret of anything. */
const JWT_SECRET = "bench-only-jwt-secret-0123456789abcdef";

/**
 * The service's handler in one process, `POST /usersig` with a valid HS256
 * token, and its floor: what no handler can avoid — building the Request,
 * two HMAC-SHA256 signs (the token's check, the ticket's signature) and a
 * `Response.json` of the answer.
 */
async function handlerScenarios(): Promise<Record<string, Scenario>> {
  const secret = new TextEncoder().encode(JWT_SECRET);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(INPUT.userId)
    .setAudience("usersig")
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(secret);
  const handler = createUserSigHandler(
    { sdkAppId: INPUT.sdkAppId, secretKey: INPUT.key },
    { authenticate: jwtAuthenticator({ secret: JWT_SECRET, audience: "usersig" }) },
  );
  const url = "http://usersig.bench/usersig";
  const headers = { authorization: `Bearer ${token}` };
  const hmac = (raw: Uint8Array<ArrayBuffer>) =>
    crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const [tokenKey, ticketKey] = await Promise.all([
    hmac(secret),
    hmac(new TextEncoder().encode(INPUT.key)),
  ]);
  const signed = new TextEncoder().encode(token.slice(0, token.lastIndexOf(".")));
  const content = new TextEncoder().encode(
    signedContentV2(INPUT.userId, INPUT.sdkAppId, INPUT.time, INPUT.expire),
  );
  const answer = await (await handler(new Request(url, { method: "POST", headers }))).json();
  if (answer.userId !== INPUT.userId) {
    throw new Error(`the handler refused: ${JSON.stringify(answer)}`);
  }
  return {
    "handler floor": async () => {
      new Request(url, { method: "POST", headers });
      await crypto.subtle.sign("HMAC", tokenKey, signed);
      await crypto.subtle.sign("HMAC", ticketKey, content);
      return Response.json(answer);
    },
    "handler /usersig": () => handler(new Request(url, { method: "POST", headers })),
  };
}

/** The scenarios, by name: bare HMAC as the floor, the module's calls, the service's handler. */
export async function scenarios(): Promise<Record<string, Scenario>> {
  const api = new TLSSigAPIv2(INPUT.sdkAppId, INPUT.key);
  const options = { now: INPUT.time };
  const userSig = await api.genUserSig(INPUT.userId, INPUT.expire, options);
  const privateMapKey = await api.genPrivateMapKey(INPUT.userId, 300, 10000, 255, options);
  return {
    "bare HMAC": await bareHmac(),
    "genUserSig": () => api.genUserSig(INPUT.userId, INPUT.expire, options),
    "verifyUserSig": () => api.verifyUserSig(userSig, INPUT.userId, options),
    "genPrivateMapKey": () => api.genPrivateMapKey(INPUT.userId, 300, 10000, 255, options),
    "verifyPrivateMapKey": () =>
      api.verifyPrivateMapKey(privateMapKey, INPUT.userId, { ...options, roomId: 10000 }),
    ...(await handlerScenarios()),
  };
}

/** Operations per second of each scenario: its best round, and its slowest. */
export interface Measured {
  best: Record<string, number>;
  slowest: Record<string, number>;
}

/** A synchronous scenario: runs `n` operations one after another; returns operations per second. */
export type SyncScenario = (n: number) => number;

/**
 * Runs each scenario `rounds` times after a warm-up, and each of `sync`,
 * the synchronous ones, as many times. Rounds go round the scenarios in
 * turn, so that a slow spell of the machine touches them all rather than
 * one.
 */
export async function measure(
  total: number,
  concurrency: number,
  rounds: number,
  sync: Record<string, SyncScenario> = {},
): Promise<Measured> {
  const runs: [string, (n: number) => Promise<number>][] = [
    ...Object.entries(await scenarios()).map((
      [name, op],
    ): [string, (n: number) => Promise<number>] => [
      name,
      (n) => throughput(op, n, concurrency),
    ]),
    ...Object.entries(sync).map(([name, run]): [string, (n: number) => Promise<number>] => [
      name,
      (n) => Promise.resolve(run(n)),
    ]),
  ];
  for (const [, run] of runs) await run(Math.min(total, 20000));
  const best: Record<string, number> = {};
  const slowest: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of runs) {
      const ops = Math.round(await run(total));
      best[name] = Math.max(best[name] ?? 0, ops);
      slowest[name] = Math.min(slowest[name] ?? Infinity, ops);
    }
  }
  return { best, slowest };
}

/**
 * Issues and verifies `count` tickets (distinct users), collecting garbage
 * around it with `gc`; returns the heap growth in bytes.
 */
export async function heapGrowth(
  count: number,
  gc: () => void,
  heapUsed: () => number,
): Promise<number> {
  const api = new TLSSigAPIv2(INPUT.sdkAppId, INPUT.key);
  const options = { now: INPUT.time };
  const round = async (n: number) => {
    for (let i = 0; i < n; i += 256) {
      await Promise.all(Array.from({ length: Math.min(256, n - i) }, async (_, k) => {
        const userId = `user${i + k}`;
        const ticket = await api.genUserSig(userId, INPUT.expire, options);
        await api.verifyUserSig(ticket, userId, options);
      }));
    }
  };
  await round(20000); // warm up: code, caches and scratch buffers settle
  gc();
  const before = heapUsed();
  await round(count);
  gc();
  return heapUsed() - before;
}
