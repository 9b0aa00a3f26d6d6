// The bearer token's checks beyond its signature, in every runtime: time
// claims that must be finite numbers within bounds, the maximum token age,
// a required `typ`, an audience named by another claim, and the settings
// that turn them on.
import {
  createUserSigHandler,
  fromEnv,
  jwtAuthenticator,
  type JwtAuthOptions,
  ServiceConfigError,
} from "../service.ts";
import { assert, assertEquals, assertThrows } from "./assert.ts";
import { test } from "./harness.ts";
import { BASE, TEST_ENV, testKeys, token } from "./service_cases.ts";

const now = () => Math.floor(Date.now() / 1000);
const DAY = 86400;

function service(auth: Partial<JwtAuthOptions> = {}) {
  const settings = fromEnv(TEST_ENV);
  return createUserSigHandler(settings, {
    authenticate: jwtAuthenticator({ ...settings.auth, ...auth }),
    log: () => {},
  });
}

/** The answer's status and error code for a token with `claims` (and another `typ`). */
async function answer(
  claims: Record<string, unknown>,
  auth: Partial<JwtAuthOptions> = {},
  options: { omit?: string[]; typ?: string } = {},
): Promise<[number, string | undefined]> {
  const k = await testKeys();
  let bearer = await token(k, { claims, omit: options.omit });
  if (options.typ !== undefined) {
    const payload = bearer.split(".")[1];
    bearer = await hs256(
      { alg: "HS256", typ: options.typ },
      atob(payload.replace(/-/g, "+").replace(/_/g, "/")),
    );
  }
  return await send(bearer, auth);
}

async function send(
  bearer: string,
  auth: Partial<JwtAuthOptions> = {},
): Promise<[number, string | undefined]> {
  const response = await service(auth)(
    new Request(BASE + "/usersig", {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}` },
    }),
  );
  return [response.status, (await response.json()).error?.code];
}

function b64url(text: string): string {
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A token of `header` and raw JSON claims (which may hold what JS cannot, like 1e400), HS256. */
async function hs256(header: Record<string, unknown>, payloadJson: string): Promise<string> {
  const head = b64url(JSON.stringify(header));
  const body = b64url(payloadJson);
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(TEST_ENV.AUTH_JWT_SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${head}.${body}`)),
  );
  return `${head}.${body}.${b64url(String.fromCharCode(...mac))}`;
}

const rawAnswer = async (payloadJson: string) =>
  send(await hs256({ alg: "HS256", typ: "JWT" }, payloadJson));

const claimsOf = (extra: string) =>
  `{"sub":"alice","iss":"${TEST_ENV.AUTH_JWT_ISSUER}","aud":"${TEST_ENV.AUTH_JWT_AUDIENCE}",${extra}}`;

test("service tokens: exp 1e400 (Infinity once parsed) is refused as invalid, not taken for a token that never expires", async () => {
  assertEquals(await rawAnswer(claimsOf(`"exp":1e400`)), [401, "ERR_AUTH_TOKEN_INVALID"]);
  assertEquals(await rawAnswer(claimsOf(`"exp":-1e400`)), [401, "ERR_AUTH_TOKEN_INVALID"]);
  // The same token with a real exp is accepted: the check is about the number.
  assertEquals(await rawAnswer(claimsOf(`"exp":${now() + 600}`)), [200, undefined]);
});

test("service tokens: exp, nbf and iat that are not numbers are ERR_AUTH_TOKEN_INVALID, never NOT_YET_VALID", async () => {
  const exp = now() + 600;
  for (
    const extra of [
      `"exp":"${exp}"`,
      `"exp":null`,
      `"exp":[${exp}]`,
      `"exp":${exp},"iat":"${now()}"`,
      `"exp":${exp},"nbf":"${now()}"`,
      `"exp":${exp},"iat":true`,
      `"exp":${exp},"nbf":{}`,
      `"exp":${exp},"iat":1e400`,
      `"exp":${exp},"nbf":1e400`,
    ]
  ) {
    assertEquals(await rawAnswer(claimsOf(extra)), [401, "ERR_AUTH_TOKEN_INVALID"], extra);
  }
});

test("service tokens: an iat in the future beyond the 30 s tolerance is ERR_AUTH_TOKEN_NOT_YET_VALID", async () => {
  assertEquals(await answer({ iat: now() + 365 * DAY, exp: now() + 600 }), [
    401,
    "ERR_AUTH_TOKEN_NOT_YET_VALID",
  ]);
  assertEquals(await answer({ iat: now() + 120, exp: now() + 600 }), [
    401,
    "ERR_AUTH_TOKEN_NOT_YET_VALID",
  ]);
  assertEquals(await answer({ iat: now() + 20, exp: now() + 600 }), [200, undefined]);
});

test("service tokens: a token may live at most a day by default: exp further ahead is refused, iat older too", async () => {
  // exp in the year 9999
  assertEquals(await answer({ exp: 253402300799 }), [401, "ERR_AUTH_TOKEN_INVALID"]);
  assertEquals(await answer({ exp: now() + DAY + 120 }), [401, "ERR_AUTH_TOKEN_INVALID"]);
  assertEquals(await answer({ exp: now() + DAY }), [200, undefined]);
  // issued more than a day ago, though not expired
  assertEquals(await answer({ iat: now() - DAY - 120, exp: now() + 600 }), [
    401,
    "ERR_AUTH_TOKEN_EXPIRED",
  ]);
  assertEquals(await answer({ iat: now() - DAY + 120, exp: now() + 600 }), [200, undefined]);
  // without iat, exp alone bounds it
  assertEquals(await answer({ exp: now() + 600 }, {}, { omit: ["iat"] }), [200, undefined]);
});

test("service tokens: maxTokenAge and AUTH_JWT_MAX_AGE set the longest life", async () => {
  const week = 7 * DAY;
  assertEquals(await answer({ exp: now() + week }, { maxTokenAge: week }), [200, undefined]);
  assertEquals(await answer({ exp: now() + week + 120 }, { maxTokenAge: week }), [
    401,
    "ERR_AUTH_TOKEN_INVALID",
  ]);
  assertEquals(await answer({ exp: now() + 3600 }, { maxTokenAge: 600 }), [
    401,
    "ERR_AUTH_TOKEN_INVALID",
  ]);
  assertEquals(fromEnv({ ...TEST_ENV, AUTH_JWT_MAX_AGE: "604800" }).auth.maxTokenAge, week);
  assertEquals(fromEnv(TEST_ENV).auth.maxTokenAge, undefined);
  for (const value of ["59", "31536001", "1d", "-5"]) {
    const error = assertThrows(
      () => fromEnv({ ...TEST_ENV, AUTH_JWT_MAX_AGE: value }),
      ServiceConfigError,
      "AUTH_JWT_MAX_AGE",
    ) as ServiceConfigError;
    assertEquals(error.setting, "AUTH_JWT_MAX_AGE");
  }
  for (const maxTokenAge of [59, 31536001, 1.5]) {
    assertThrows(
      () => jwtAuthenticator({ secret: TEST_ENV.AUTH_JWT_SECRET, maxTokenAge }),
      RangeError,
      "options.maxTokenAge",
    );
  }
});

test("service tokens: a required typ refuses tokens without it or of another type, compared as a media type", async () => {
  const typ = { type: "at+jwt" };
  assertEquals(await answer({}, typ), [401, "ERR_AUTH_TOKEN_INVALID"]); // typ "JWT"
  assertEquals(await answer({}, typ, { typ: "at+jwt" }), [200, undefined]);
  assertEquals(await answer({}, typ, { typ: "AT+JWT" }), [200, undefined]);
  assertEquals(await answer({}, typ, { typ: "application/at+jwt" }), [200, undefined]);
  assertEquals(await answer({}, typ, { typ: "refresh+jwt" }), [401, "ERR_AUTH_TOKEN_INVALID"]);
  assertEquals(await answer({}, { type: "application/at+jwt" }, { typ: "at+jwt" }), [
    200,
    undefined,
  ]);
  // Without the setting, any typ goes.
  assertEquals(await answer({}, {}, { typ: "refresh+jwt" }), [200, undefined]);
  assertEquals(fromEnv({ ...TEST_ENV, AUTH_JWT_TYPE: "at+jwt" }).auth.type, "at+jwt");
});

test("service tokens: with HS256 an audience is optional, and when set, a token without it is refused", async () => {
  const settings = fromEnv({ ...TEST_ENV, AUTH_JWT_AUDIENCE: undefined });
  assertEquals(settings.auth.audience, undefined);
  assertEquals(await answer({ aud: undefined }), [401, "ERR_AUTH_AUDIENCE_MISMATCH"]);
  assertEquals(await answer({ aud: undefined }, { audience: undefined }), [200, undefined]);
  assertEquals(await answer({ aud: ["other", TEST_ENV.AUTH_JWT_AUDIENCE] }), [200, undefined]);
});

test("service tokens: audienceClaim checks the audience in another claim (client_id, azp)", async () => {
  const cognito = { audienceClaim: "client_id", audience: "1example23456789" };
  assertEquals(await answer({ aud: undefined, client_id: "1example23456789" }, cognito), [
    200,
    undefined,
  ]);
  assertEquals(await answer({ aud: undefined, client_id: "another-client" }, cognito), [
    401,
    "ERR_AUTH_AUDIENCE_MISMATCH",
  ]);
  // An id token (aud = the client id, no client_id) is not an access token.
  assertEquals(await answer({ aud: "1example23456789" }, cognito), [
    401,
    "ERR_AUTH_AUDIENCE_MISMATCH",
  ]);
  const clerk = { audienceClaim: "azp", audience: "https://app.example.com" };
  assertEquals(await answer({ aud: undefined, azp: "https://app.example.com" }, clerk), [
    200,
    undefined,
  ]);
  assertEquals(await answer({ aud: undefined, azp: "https://evil.example" }, clerk), [
    401,
    "ERR_AUTH_AUDIENCE_MISMATCH",
  ]);
  assertEquals(await answer({ aud: undefined }, clerk), [401, "ERR_AUTH_AUDIENCE_MISMATCH"]);
  assertEquals(
    fromEnv({ ...TEST_ENV, AUTH_JWT_AUDIENCE_CLAIM: "client_id" }).auth.audienceClaim,
    "client_id",
  );
  for (const audienceClaim of ["", 5]) {
    assertThrows(
      () =>
        jwtAuthenticator({
          secret: TEST_ENV.AUTH_JWT_SECRET,
          audienceClaim: audienceClaim as string,
        }),
      TypeError,
      "options.audienceClaim",
    );
  }
});

test("service tokens: malformed tokens are ERR_AUTH_TOKEN_INVALID: base64url, JSON objects, crit", async () => {
  const k = await testKeys();
  const good = await token(k);
  const [h, p, s] = good.split(".");
  const cases = [
    `${h}.${p}`,
    `${h}.${p}.${s}.x`,
    `${h}=.${p}.${s}`,
    `${h}.${p}+.${s}`,
    `${b64url("[1]")}.${p}.${s}`,
    `${h}.${b64url('"alice"')}.${s}`,
    `${h}.${b64url("{bad json")}.${s}`,
    `${h}.${b64url("\u00ff{}")}.${s}`,
    `${b64url(JSON.stringify({ alg: "HS256", crit: ["exp"], exp: 1 }))}.${p}.${s}`,
    `${h}.${p}.${s}=`,
    `${h}.${p}.${s.slice(0, -1)}`,
  ];
  for (const bearer of cases) {
    const response = await service()(
      new Request(BASE + "/usersig", {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}` },
      }),
    );
    const body = await response.json();
    assertEquals(response.status, 401, bearer);
    assert(
      ["ERR_AUTH_TOKEN_INVALID", "ERR_AUTH_SIGNATURE_INVALID"].includes(body.error.code),
      `${bearer}: ${body.error.code}`,
    );
  }
  // A signature whose unused bits are set is another text for the same bytes: refused.
  const last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const twin = s.slice(0, -1) + last[last.indexOf(s[s.length - 1]) ^ 1];
  const response = await service()(
    new Request(BASE + "/usersig", {
      method: "POST",
      headers: { authorization: `Bearer ${h}.${p}.${twin}` },
    }),
  );
  assertEquals(response.status, 401);
  assertEquals((await response.json()).error.code, "ERR_AUTH_TOKEN_INVALID");
});

test("service tokens: a JWKS given directly must hold public keys only", async () => {
  const { privateKey } = await crypto.subtle.generateKey(
    { name: "ECDSA", namedCurve: "P-256" },
    true,
    ["sign", "verify"],
  );
  const jwk = await crypto.subtle.exportKey("jwk", privateKey);
  assertThrows(
    () => jwtAuthenticator({ jwks: { keys: [{ ...jwk, kid: "leaked" }] }, audience: "x" }),
    TypeError,
    "public keys only",
  );
  assertThrows(
    () => jwtAuthenticator({ jwks: { nokeys: [] } as never, audience: "x" }),
    TypeError,
    "options.jwks",
  );
});

test("service tokens: a JWKS URL must be https; plain http on loopback only with the test opt-in", () => {
  for (const jwksUrl of ["http://127.0.0.1:9/jwks.json", "http://localhost/jwks.json"]) {
    assertThrows(() => jwtAuthenticator({ jwksUrl, audience: "x" }), TypeError, "https");
    jwtAuthenticator({ jwksUrl, audience: "x", allowLoopbackHttp: true });
  }
  for (const jwksUrl of ["http://keys.example.com/jwks.json", "ftp://keys.example.com/j", "keys"]) {
    assertThrows(
      () => jwtAuthenticator({ jwksUrl, audience: "x", allowLoopbackHttp: true }),
      TypeError,
      "https",
    );
  }
  const base = { ...TEST_ENV, AUTH_JWKS_URL: "http://127.0.0.1:9/jwks.json" };
  const refused = assertThrows(() => fromEnv(base), ServiceConfigError) as ServiceConfigError;
  assertEquals(refused.setting, "AUTH_JWKS_URL");
  assert(refused.message.includes("AUTH_JWKS_ALLOW_LOOPBACK_HTTP"), refused.message);
  const allowed = fromEnv({ ...base, AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "true" });
  assertEquals(allowed.auth.allowLoopbackHttp, true);
  const flag = assertThrows(
    () => fromEnv({ ...base, AUTH_JWKS_ALLOW_LOOPBACK_HTTP: "yes" }),
    ServiceConfigError,
  ) as ServiceConfigError;
  assertEquals(flag.setting, "AUTH_JWKS_ALLOW_LOOPBACK_HTTP");
  assertEquals(
    fromEnv({ ...TEST_ENV, AUTH_JWKS_URL: "https://login.example.com/jwks.json" }).auth
      .allowLoopbackHttp,
    undefined,
  );
});
