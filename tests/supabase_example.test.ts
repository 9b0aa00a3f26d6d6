// The Supabase example (examples/supabase/functions/usersig/index.ts) in
// Deno, as Supabase runs it: the module is loaded with the environment
// Supabase gives a function (SUPABASE_URL, the secrets), and the handler it
// passes to Deno.serve is called with Supabase-shaped access tokens — the
// legacy HS256 project secret, or ES256 keys from the project's JWKS.
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { TLSSigAPIv2 } from "../mod.ts";
import { ServiceConfigError } from "../service.ts";
import { assert, assertEquals } from "./assert.ts";
import { withConsoleLines } from "./console_lines.ts";
import { test, type TestOptions } from "./harness.ts";

const DENO_ONLY: TestOptions = {
  runtimes: ["deno"],
  why: "the example is a Supabase Edge Function: Deno.serve and Deno.env",
};
const SECRETS = {
  SDK_APP_ID: "1400000000",
  SECRET_KEY: "test-only-secret-key-for-the-supabase-example",
};
const PROJECT_SECRET = "test-only-legacy-jwt-secret-of-a-supabase-project";
const USER = "0b4e8c1a-5f2d-4c3b-9a8e-7d6c5b4a3f21";
const api = new TLSSigAPIv2(1400000000, SECRETS.SECRET_KEY);

type Handler = (request: Request) => Promise<Response>;
let loads = 0;

/** The variables the function reads, set or cleared for each load. */
const READ = [
  "SDK_APP_ID",
  "SECRET_KEY",
  "SUPABASE_URL",
  "AUTH_JWT_SECRET",
  "AUTH_JWKS_URL",
  "AUTH_JWKS_ALLOW_LOOPBACK_HTTP",
  "AUTH_JWT_ISSUER",
  "AUTH_JWT_AUDIENCE",
  "AUTH_USER_ID_CLAIM",
  "BASE_PATH",
  "USERSIG_EXPIRE",
  "PRIVATEMAPKEY_EXPIRE",
  "ALLOWED_ORIGINS",
];

/** Loads the function with `env` as its environment; the handler it serves. */
async function load(env: Record<string, string>): Promise<Handler> {
  const saved = Deno.env.toObject();
  const serve = Deno.serve;
  let served: Handler | undefined;
  for (const name of READ) {
    if (name in env) Deno.env.set(name, env[name]);
    else Deno.env.delete(name);
  }
  (Deno as { serve: unknown }).serve = (handler: Handler) => void (served = handler);
  try {
    // A new URL each time: a new instance of the module, with this environment.
    const module = new URL(
      `../examples/supabase/functions/usersig/index.ts?load=${++loads}`,
      import.meta.url,
    );
    await import(module.href);
  } finally {
    (Deno as { serve: unknown }).serve = serve;
    for (const name of READ) {
      if (name in saved) Deno.env.set(name, saved[name]);
      else Deno.env.delete(name);
    }
  }
  assert(served !== undefined, "the function called Deno.serve");
  return served;
}

/** A Supabase access token's claims for USER in project `url`. */
function claims(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: `${url}/auth/v1`,
    sub: USER,
    aud: "authenticated",
    exp: now + 3600,
    iat: now,
    email: "alice@example.test",
    phone: "",
    role: "authenticated",
    aal: "aal1",
    session_id: "5d3e0f6a-1b2c-4d5e-8f90-a1b2c3d4e5f6",
    is_anonymous: false,
    ...extra,
  };
}

function hs256(payload: Record<string, unknown>, secret = PROJECT_SECRET): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

async function call(handler: Handler, path: string, bearer?: string, body?: unknown) {
  const headers: Record<string, string> = bearer ? { authorization: `Bearer ${bearer}` } : {};
  const response = await handler(
    new Request(`http://localhost${path}`, {
      method: "POST",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  return { status: response.status, body: await response.json() };
}

const URL_ = "https://abcdefghijklmnopqrst.supabase.co";

test(
  "supabase example: a user's access token (legacy HS256 secret) gets tickets for the UUID's 32 hex digits",
  async () => {
    const handler = await load({ ...SECRETS, SUPABASE_URL: URL_, AUTH_JWT_SECRET: PROJECT_SECRET });
    const token = await hs256(claims(URL_));
    const sig = await call(handler, "/usersig/usersig", token);
    assertEquals(sig.status, 200, JSON.stringify(sig.body));
    assertEquals(sig.body.userId, "0b4e8c1a5f2d4c3b9a8e7d6c5b4a3f21");
    await api.verifyUserSig(sig.body.userSig, "0b4e8c1a5f2d4c3b9a8e7d6c5b4a3f21");
    const room = await call(handler, "/usersig/privatemapkey", token, {
      roomStr: "0b4e8c1a5f2d4c3b9a8e7d6c5b4a3f21",
      privileges: "EnterRoom,SendAudio",
    });
    assertEquals(room.status, 200, JSON.stringify(room.body));
    const health = await handler(new Request("http://localhost/usersig/healthz"));
    assertEquals([health.status, await health.json()], [200, { status: "ok" }]);
  },
  DENO_ONLY,
);

test(
  "supabase example: the anon and service_role keys, other projects' tokens and forged ones get no ticket",
  () =>
    withConsoleLines(async (lines) => {
      const handler = await load({
        ...SECRETS,
        SUPABASE_URL: URL_,
        AUTH_JWT_SECRET: PROJECT_SECRET,
      });
      const now = Math.floor(Date.now() / 1000);
      const key = (role: string) =>
        hs256({ iss: "supabase", ref: "abcdefghijklmnopqrst", role, iat: now, exp: now + 3600 });
      const cases: [string, string | undefined, string][] = [
        ["no token", undefined, "ERR_AUTH_MISSING"],
        // The project's API keys have neither the Auth issuer nor its audience; the issuer is
        // checked first.
        ["the anon key", await key("anon"), "ERR_AUTH_ISSUER_MISMATCH"],
        ["the service_role key", await key("service_role"), "ERR_AUTH_ISSUER_MISMATCH"],
        [
          "another project's token",
          await hs256(claims("https://zyxwvutsrqponmlkjihg.supabase.co")),
          "ERR_AUTH_ISSUER_MISMATCH",
        ],
        [
          "a token for another audience",
          await hs256(claims(URL_, { aud: "service" })),
          "ERR_AUTH_AUDIENCE_MISMATCH",
        ],
        [
          "a token signed with another secret",
          await hs256(claims(URL_), "another-secret-of-at-least-32-bytes-0123"),
          "ERR_AUTH_SIGNATURE_INVALID",
        ],
        [
          "a sub that is not a UUID",
          await hs256(claims(URL_, { sub: "alice" })),
          "ERR_AUTH_SUBJECT_INVALID",
        ],
        [
          "an expired token",
          await hs256(claims(URL_, { exp: now - 3600, iat: now - 7200 })),
          "ERR_AUTH_TOKEN_EXPIRED",
        ],
      ];
      for (const [what, token, code] of cases) {
        const answer = await call(handler, "/usersig/usersig", token);
        assertEquals([what, answer.status, answer.body.error?.code], [what, 401, code]);
      }
      for (const path of ["/usersig", "/functions/v1/usersig/usersig", "/usersig/usersig/x"]) {
        const answer = await call(handler, path, await hs256(claims(URL_)));
        assertEquals([path, answer.status], [path, 404]);
      }
      assertEquals(lines.length, cases.length, "one log line a refusal");
      assert(
        lines.every((line) => /^usersig: 401 ERR_AUTH_\w+ POST \/usersig\/usersig$/.test(line)),
      );
    }),
  DENO_ONLY,
);

test(
  "supabase example: with the project's JWT signing keys, ES256 tokens are checked against its JWKS",
  () =>
    withConsoleLines(async (lines) => {
      const { privateKey, publicKey } = await generateKeyPair("ES256");
      const jwks = {
        keys: [{ ...(await exportJWK(publicKey)), kid: "project-key", alg: "ES256" }],
      };
      const fetched: string[] = [];
      const server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        (request) => {
          fetched.push(new URL(request.url).pathname);
          return Response.json(jwks);
        },
      );
      try {
        const url = `http://127.0.0.1:${server.addr.port}`; // a project URL on loopback
        // The stand-in for the project serves its JWKS over plain http on loopback.
        const handler = await load({
          ...SECRETS,
          SUPABASE_URL: url,
          AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "true",
        });
        const token = await new SignJWT(claims(url))
          .setProtectedHeader({ alg: "ES256", typ: "JWT", kid: "project-key" }).sign(privateKey);
        const sig = await call(handler, "/usersig/usersig", token);
        assertEquals(sig.status, 200, JSON.stringify(sig.body));
        await api.verifyUserSig(sig.body.userSig, "0b4e8c1a5f2d4c3b9a8e7d6c5b4a3f21");
        assertEquals(fetched, ["/auth/v1/.well-known/jwks.json"]);
        // No legacy secret is set: an HS256 token is refused, whatever signed it.
        const legacy = await call(handler, "/usersig/usersig", await hs256(claims(url)));
        assertEquals([legacy.status, legacy.body.error.code], [401, "ERR_AUTH_ALGORITHM_REJECTED"]);
      } finally {
        await server.shutdown();
      }
      assertEquals(lines, ["usersig: 401 ERR_AUTH_ALGORITHM_REJECTED POST /usersig/usersig"]);
    }),
  DENO_ONLY,
);

test(
  "supabase example: without SECRET_KEY the function does not boot, and says which setting",
  async () => {
    const error = await load({ SDK_APP_ID: "1400000000", SUPABASE_URL: URL_ })
      .then(() => undefined, (e: unknown) => e);
    assert(error instanceof ServiceConfigError, String(error));
    assertEquals(error.setting, "SECRET_KEY");
  },
  DENO_ONLY,
);
