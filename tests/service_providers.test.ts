// docs/login.md's recipes, one a provider: a token shaped like the
// provider's (its header, claims, issuer, audience and user id format),
// signed by a local key whose JWKS is served on 127.0.0.1 (HS256 with a
// shared secret where the provider uses one), gets a ticket for the
// documented UserID through the service configured as the recipe says.
// Also: the JWKS cache recovers from a key set that held a private key.
import { createServer, type Server } from "node:http";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { TLSSigAPIv2 } from "../mod.ts";
import { serviceFromEnv } from "../service.ts";
import { assert, assertEquals } from "./assert.ts";
import { SERVER_RUNTIMES, test } from "./harness.ts";

const ON_SERVERS = { runtimes: SERVER_RUNTIMES, why: "serves a JWKS with node:http" };
const SDK_APP_ID = 1400000000;
const SECRET_KEY = "test-only-secret-key-for-the-provider-recipes";
const api = new TLSSigAPIv2(SDK_APP_ID, SECRET_KEY);
const now = () => Math.floor(Date.now() / 1000);

/** A key pair with its public JWK, as a provider publishes it. */
async function providerKey(alg: "RS256" | "ES256", kid: string) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: "sig" };
  return { privateKey, jwk, privateJwk };
}

/** A JWKS server on 127.0.0.1 whose key set can be changed; counts its fetches. */
async function keyServer(initial: unknown) {
  let body = JSON.stringify(initial);
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    set(keys: unknown) {
      body = JSON.stringify(keys);
    },
    get fetches() {
      return fetches;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The service as a Worker deployer configures it: environment variables only. */
function service(env: Record<string, string>) {
  const lines: string[] = [];
  const handler = serviceFromEnv(
    { SDK_APP_ID: String(SDK_APP_ID), SECRET_KEY, ...env },
    { log: (line) => lines.push(line) },
  );
  return { handler, lines };
}

async function ticketFor(
  handler: (request: Request) => Promise<Response>,
  bearer: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await handler(
    new Request("http://usersig.test/usersig", {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}` },
    }),
  );
  return { status: response.status, body: await response.json() };
}

async function assertTicket(
  handler: (request: Request) => Promise<Response>,
  bearer: string,
  userId: string,
) {
  const { status, body } = await ticketFor(handler, bearer);
  assertEquals(status, 200, JSON.stringify(body));
  assertEquals(body.userId, userId);
  assert(
    /^[A-Za-z0-9_-]{1,32}$/.test(userId),
    "the documented UserID keeps to [A-Za-z0-9_-], ≤ 32",
  );
  await api.verifyUserSig(body.userSig as string, userId);
}

async function assertRefused(
  handler: (request: Request) => Promise<Response>,
  bearer: string,
  code: string,
) {
  const { status, body } = await ticketFor(handler, bearer);
  assertEquals([status, (body.error as { code: string }).code], [401, code]);
}

const SUPABASE_REF = "abcdefghijklmnopqrst";
const SUPABASE_ISS = `https://${SUPABASE_REF}.supabase.co/auth/v1`;
const SUPABASE_UUID = "0b4e8c1a-5f2d-4c3b-9a8e-7d6c5b4a3f21";

/** A Supabase access token's claims. */
function supabaseClaims(t = now()) {
  return {
    iss: SUPABASE_ISS,
    sub: SUPABASE_UUID,
    aud: "authenticated",
    exp: t + 3600,
    iat: t,
    email: "alice@example.com",
    phone: "",
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: { email_verified: true },
    role: "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: t }],
    session_id: "5e8f1c9a-0d3b-4e7a-8c2f-1a9b3d5e7f0c",
    is_anonymous: false,
  };
}

test("service providers: Supabase, legacy HS256 JWT secret: the UUID's 32 hex digits", async () => {
  const secret = "test-only-supabase-jwt-secret-with-at-least-32-characters";
  const { handler } = service({
    AUTH_JWT_SECRET: secret,
    AUTH_JWT_ISSUER: SUPABASE_ISS,
    AUTH_JWT_AUDIENCE: "authenticated",
    AUTH_USER_ID_MAPPING: "uuid",
  });
  const key = new TextEncoder().encode(secret);
  const access = await new SignJWT(supabaseClaims())
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: "legacy" })
    .sign(key);
  await assertTicket(handler, access, "0b4e8c1a5f2d4c3b9a8e7d6c5b4a3f21");
  // The project's anon and service_role keys are JWTs signed with the same
  // secret: no sub, no audience, ten years of life. Refused.
  for (const role of ["anon", "service_role"]) {
    const apiKey = await new SignJWT({ iss: "supabase", ref: SUPABASE_REF, role })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime("3650d")
      .sign(key);
    const { status } = await ticketFor(handler, apiKey);
    assertEquals(status, 401, role);
  }
}, ON_SERVERS);

test(
  "service providers: Supabase, asymmetric signing keys (ES256 JWKS): the UUID's 32 hex digits",
  async () => {
    const signing = await providerKey("ES256", "c1a2b3d4-supabase");
    const keys = await keyServer({ keys: [signing.jwk] });
    try {
      const { handler } = service({
        AUTH_JWKS_URL: keys.url(`/${SUPABASE_REF}/auth/v1/.well-known/jwks.json`),
        AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "true",
        AUTH_JWT_ISSUER: SUPABASE_ISS,
        AUTH_JWT_AUDIENCE: "authenticated",
        AUTH_USER_ID_MAPPING: "uuid",
      });
      const access = await new SignJWT(supabaseClaims())
        .setProtectedHeader({ alg: "ES256", typ: "JWT", kid: signing.jwk.kid })
        .sign(signing.privateKey);
      await assertTicket(handler, access, "0b4e8c1a5f2d4c3b9a8e7d6c5b4a3f21");
    } finally {
      await keys.close();
    }
  },
  ON_SERVERS,
);

test(
  "service providers: Auth0 access token for your API (RS256, aud list): 32 characters of the sub's SHA-256",
  async () => {
    const signing = await providerKey("RS256", "auth0-key-1");
    const keys = await keyServer({ keys: [signing.jwk] });
    const tenant = "https://example-tenant.us.auth0.com/";
    try {
      const { handler } = service({
        AUTH_JWKS_URL: keys.url("/.well-known/jwks.json"),
        AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "true",
        AUTH_JWT_ISSUER: tenant,
        AUTH_JWT_AUDIENCE: "https://usersig.example.com",
        AUTH_USER_ID_MAPPING: "hash",
      });
      const sign = (sub: string, aud: string | string[]) =>
        new SignJWT({
          iss: tenant,
          sub,
          aud,
          azp: "Xy7AbCdEfGhIjKlMnOpQrStUvWxYz012",
          scope: "openid profile email",
        })
          .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: signing.jwk.kid })
          .setIssuedAt()
          .setExpirationTime("86400s")
          .sign(signing.privateKey);
      await assertTicket(
        handler,
        await sign("google-oauth2|112233445566778899001", [
          "https://usersig.example.com",
          `${tenant}userinfo`,
        ]),
        "3S3UWXjVhTSVjy7bFMNs-0eb1C-S30L_",
      );
      await assertTicket(
        handler,
        await sign("auth0|64f1c2d3e4f5a6b7c8d9e0f1", "https://usersig.example.com"),
        "wZiDnSgW4E2Ir1etm0IXuu1FMqDM1Fpl",
      );
      // An ID token of the same tenant (aud = the client id) is not for this API.
      await assertRefused(
        handler,
        await sign("auth0|64f1c2d3e4f5a6b7c8d9e0f1", "Xy7AbCdEfGhIjKlMnOpQrStUvWxYz012"),
        "ERR_AUTH_AUDIENCE_MISMATCH",
      );
    } finally {
      await keys.close();
    }
  },
  ON_SERVERS,
);

test(
  "service providers: Firebase ID token (RS256, aud = project id): the uid as it is",
  async () => {
    const signing = await providerKey("RS256", "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567");
    const keys = await keyServer({ keys: [signing.jwk] });
    const project = "my-chat-app-1a2b3";
    const uid = "kX9fT2qLmN4pR7sV1wY3zA5bC6dE"; // 28 characters, as Firebase makes them
    try {
      const { handler } = service({
        AUTH_JWKS_URL: keys.url(
          "/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com",
        ),
        AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "true",
        AUTH_JWT_ISSUER: `https://securetoken.google.com/${project}`,
        AUTH_JWT_AUDIENCE: project,
      });
      const t = now();
      const idToken = await new SignJWT({
        iss: `https://securetoken.google.com/${project}`,
        aud: project,
        auth_time: t - 600,
        user_id: uid,
        sub: uid,
        email: "alice@example.com",
        email_verified: true,
        firebase: { identities: { email: ["alice@example.com"] }, sign_in_provider: "password" },
      })
        .setProtectedHeader({ alg: "RS256", kid: signing.jwk.kid, typ: "JWT" })
        .setIssuedAt(t)
        .setExpirationTime(t + 3600)
        .sign(signing.privateKey);
      await assertTicket(handler, idToken, uid);
      // Another project's token, signed by the same Google keys: refused.
      const other = await new SignJWT({
        iss: "https://securetoken.google.com/someone-else",
        aud: "someone-else",
        sub: uid,
      })
        .setProtectedHeader({ alg: "RS256", kid: signing.jwk.kid, typ: "JWT" })
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(signing.privateKey);
      await assertRefused(handler, other, "ERR_AUTH_ISSUER_MISMATCH");
    } finally {
      await keys.close();
    }
  },
  ON_SERVERS,
);

test(
  "service providers: Clerk session token (no aud: azp holds the origin) and a JWT template with aud: the user id as it is",
  async () => {
    const signing = await providerKey("RS256", "ins_2abcDEFghiJKLmnoPQRstuVWXyz");
    const keys = await keyServer({ keys: [signing.jwk] });
    const frontend = "https://clerk.app.example.com";
    const sub = "user_2OEpKhcCN1Lat9NQ0G6puh7q5Rb"; // 32 characters
    const session = (azp: string, extra: Record<string, unknown> = {}) => {
      const t = now();
      return new SignJWT({
        azp,
        fva: [3, -1],
        iss: frontend,
        sid: "sess_2abc",
        sub,
        v: 2,
        ...extra,
      })
        .setProtectedHeader({ alg: "RS256", kid: signing.jwk.kid, typ: "JWT" })
        .setIssuedAt(t)
        .setNotBefore(t - 10)
        .setExpirationTime(t + 60)
        .sign(signing.privateKey);
    };
    try {
      const bySession = service({
        AUTH_JWKS_URL: keys.url("/.well-known/jwks.json"),
        AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "true",
        AUTH_JWT_ISSUER: frontend,
        AUTH_JWT_AUDIENCE_CLAIM: "azp",
        AUTH_JWT_AUDIENCE: "https://app.example.com",
      });
      await assertTicket(bySession.handler, await session("https://app.example.com"), sub);
      await assertRefused(
        bySession.handler,
        await session("https://evil.example"),
        "ERR_AUTH_AUDIENCE_MISMATCH",
      );
      const byTemplate = service({
        AUTH_JWKS_URL: keys.url("/.well-known/jwks.json"),
        AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "true",
        AUTH_JWT_ISSUER: frontend,
        AUTH_JWT_AUDIENCE: "usersig",
      });
      await assertTicket(
        byTemplate.handler,
        await session("https://app.example.com", { aud: "usersig" }),
        sub,
      );
      await assertRefused(
        byTemplate.handler,
        await session("https://app.example.com"),
        "ERR_AUTH_AUDIENCE_MISMATCH",
      );
    } finally {
      await keys.close();
    }
  },
  ON_SERVERS,
);

test(
  "service providers: Cognito access token (client_id, no aud) and ID token (aud): the UUID's 32 hex digits",
  async () => {
    const signing = await providerKey("RS256", "abcdEFGHijklMNOPqrstUVWXyz0123456789+/=");
    const keys = await keyServer({ keys: [signing.jwk] });
    const pool = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEfGhI";
    const client = "1example23456789abcdefghij";
    const sub = "7d6c5b4a-3f21-4e0b-8c1a-5f2d4c3b9a8e";
    const token = (claims: Record<string, unknown>) =>
      new SignJWT({ sub, iss: pool, auth_time: now() - 60, jti: "f0e1d2c3", ...claims })
        .setProtectedHeader({ kid: signing.jwk.kid, alg: "RS256" })
        .setIssuedAt()
        .setExpirationTime("1h")
        .sign(signing.privateKey);
    const access = await token({
      client_id: client,
      token_use: "access",
      scope: "aws.cognito.signin.user.admin",
      username: "alice",
      origin_jti: "a1b2c3",
      event_id: "e1",
    });
    const id = await token({
      aud: client,
      token_use: "id",
      "cognito:username": "alice",
      email: "alice@example.com",
      email_verified: true,
    });
    const base = {
      AUTH_JWKS_URL: keys.url("/eu-west-1_AbCdEfGhI/.well-known/jwks.json"),
      AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "true",
      AUTH_JWT_ISSUER: pool,
      AUTH_JWT_AUDIENCE: client,
      AUTH_USER_ID_MAPPING: "uuid",
    };
    try {
      const byAccess = service({ ...base, AUTH_JWT_AUDIENCE_CLAIM: "client_id" });
      await assertTicket(byAccess.handler, access, "7d6c5b4a3f214e0b8c1a5f2d4c3b9a8e");
      await assertRefused(byAccess.handler, id, "ERR_AUTH_AUDIENCE_MISMATCH");
      const byId = service(base);
      await assertTicket(byId.handler, id, "7d6c5b4a3f214e0b8c1a5f2d4c3b9a8e");
      await assertRefused(byId.handler, access, "ERR_AUTH_AUDIENCE_MISMATCH");
    } finally {
      await keys.close();
    }
  },
  ON_SERVERS,
);

test(
  "service providers: a key set that held a private key gives 503, and the fixed set is used within the 30 s cooldown",
  async () => {
    const signing = await providerKey("ES256", "rotated-1");
    const keys = await keyServer({ keys: [signing.privateJwk] }); // the provider's mistake
    try {
      const { handler, lines } = service({
        AUTH_JWKS_URL: keys.url("/leaky/jwks.json"),
        AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "true",
        AUTH_JWT_AUDIENCE: "usersig",
      });
      const bearer = await new SignJWT({ sub: "alice", aud: "usersig" })
        .setProtectedHeader({ alg: "ES256", kid: "rotated-1" })
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(signing.privateKey);
      const first = await ticketFor(handler, bearer);
      assertEquals([first.status, (first.body.error as { code: string }).code], [
        503,
        "ERR_AUTH_UNAVAILABLE",
      ]);
      keys.set({ keys: [signing.jwk] }); // the provider fixes it
      const started = Date.now();
      let status = 503;
      while (status === 503 && Date.now() - started < 45_000) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        status = (await ticketFor(handler, bearer)).status;
      }
      assertEquals(status, 200, "the fixed key set is used");
      const waited = (Date.now() - started) / 1000;
      assert(
        waited < 40,
        `recovered after ${waited} s, within the cooldown (not jose's 10 minutes)`,
      );
      assert(keys.fetches <= 3, `fetched ${keys.fetches} times: no storm while the set was bad`);
      assert(
        lines.every((line) => line.startsWith("usersig: 503 ERR_AUTH_UNAVAILABLE")),
        lines.join(),
      );
    } finally {
      await keys.close();
    }
  },
  { runtimes: ["node"], why: "waits out the 30 s cooldown; one runtime is enough" },
);
