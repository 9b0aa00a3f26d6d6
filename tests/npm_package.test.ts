// The npm package as a Node or Bun user gets it: `scripts/build_npm.mjs`
// builds it, `npm pack` packs it, and a new project installs the tarball
// offline (its dependencies come from npm's cache, or from this repository's
// node_modules when the cache lacks them) and imports it by its name only:
// `@usersig/usersig`, `/legacy`, `/service`, `/rest`. The consumer runs in the runtime
// that runs this suite; in Node, a TypeScript consumer also type-checks
// against the package's declarations.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { assert, assertEquals } from "./assert.ts";
import { test } from "./harness.ts";
import { npmPackage, scratchDir } from "./npm_build.ts";
import { ok, run } from "./subprocess.ts";
import { typeCheck } from "./typecheck.ts";

const root = process.cwd();
const NAME = "@usersig/usersig";

/** The npm dependencies of `names`, with theirs, as this repository installed them. */
function closure(names: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const manifest = JSON.parse(
      readFileSync(join(root, "node_modules", name, "package.json"), "utf8"),
    );
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep);
  };
  names.forEach(visit);
  return [...seen];
}

let installed: Promise<string> | undefined;

/** Builds, packs and installs the package into a new project, once per run; its directory. */
function install(): Promise<string> {
  installed ??= (async () => {
    const dir = scratchDir("usersig-npm-");
    const pkg = await npmPackage();
    await ok("npm", ["pack", "--offline", "--pack-destination", dir], { cwd: pkg });
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    assert(tarball, `npm pack wrote no tarball in ${dir}`);

    const project = join(dir, "project");
    mkdirSync(project);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module" }),
    );
    const flags = ["install", "--offline", "--no-audit", "--no-fund", "--no-package-lock"];
    const first = await run("npm", [...flags, join(dir, tarball)], { cwd: project });
    if (first.code === 0) return project;
    // npm's cache lacks the dependencies: give npm this repository's copies.
    assert(/ENOTCACHED/.test(first.out), `npm install failed:\n${first.out.trim()}`);
    const { dependencies } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));
    const local = closure(Object.keys(dependencies)).map((n) => join(root, "node_modules", n));
    await ok("npm", [...flags, "--install-links", ...local, join(dir, tarball)], { cwd: project });
    return project;
  })();
  return installed;
}

/** What the consumer prints when everything works. */
const EXPECTED = {
  issued: "alice",
  wrongUser: "ERR_USERSIG_IDENTIFIER_MISMATCH",
  vector: "0",
  legacyIssued: "bob",
  legacyVector: "10001",
  oneErrorClass: true,
  service: [200, "carol", true],
  healthz: 200,
  privatePaths: ["refused", "refused"],
  rest: ["administrator", "1400000000"],
};

// A user's script: imports by package name only.
const CONSUMER = `
import { readFileSync } from "node:fs";
import { TLSSigAPIv2, UserSigError } from "${NAME}";
import { TLSSigAPI, UserSigError as LegacyUserSigError } from "${NAME}/legacy";
import { createUserSigHandler, jwtAuthenticator } from "${NAME}/service";
import { RestApiClient } from "${NAME}/rest";

const { v2, v1, v1Key } = JSON.parse(readFileSync(new URL("./vectors.json", import.meta.url), "utf8"));
const out = {};

const api = new TLSSigAPIv2(1400000000, "a-made-up-key-for-the-npm-package-test");
const userSig = await api.genUserSig("alice", 600);
out.issued = (await api.verifyUserSig(userSig, "alice")).userId;
out.wrongUser = await api.verifyUserSig(userSig, "mallory").then(() => "accepted", (e) => e.code);
const known = new TLSSigAPIv2(v2.sdkAppId, v2.secretKey);
out.vector = (await known.verifyUserSig(v2.userSig, v2.userId, { now: v2.time + 1 })).userId;

const signer = new TLSSigAPI(v1.sdkAppId, { privateKey: v1Key });
out.legacyIssued = (await signer.verifyUserSig(await signer.genUserSig("bob", 600), "bob")).userId;
const verifier = new TLSSigAPI(v1.sdkAppId, { publicKey: v1.publicKeySpkiBase64 });
out.legacyVector = (await verifier.verifyUserSig(v1.userSig, v1.userId, { now: v1.time + 1 })).userId;
out.oneErrorClass = LegacyUserSigError === UserSigError;

const jwtSecret = "a-made-up-jwt-secret-of-at-least-32-bytes";
const handler = createUserSigHandler(
  { sdkAppId: 1400000000, secretKey: "a-made-up-key-for-the-npm-package-test" },
  { authenticate: jwtAuthenticator({ secret: jwtSecret }) },
);
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/[+]/g, "-").replace(/[/]/g, "_").replace(/=+$/, "");
const part = (value) => b64url(new TextEncoder().encode(JSON.stringify(value)));
const now = Math.floor(Date.now() / 1000);
const signingInput = part({ alg: "HS256", typ: "JWT" }) + "." + part({ sub: "carol", iat: now, exp: now + 60 });
const hmac = await crypto.subtle.importKey("raw", new TextEncoder().encode(jwtSecret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
const jwt = signingInput + "." + b64url(new Uint8Array(await crypto.subtle.sign("HMAC", hmac, new TextEncoder().encode(signingInput))));
const response = await handler(new Request("http://usersig.test/usersig", { method: "POST", headers: { authorization: "Bearer " + jwt } }));
const body = await response.json();
const verified = await api.verifyUserSig(body.userSig, "carol").then(() => true, (e) => e.code);
out.service = [response.status, body.userId, verified];
out.healthz = (await handler(new Request("http://usersig.test/healthz"))).status;

const rest = new RestApiClient({ sdkAppId: 1400000000, secretKey: "a-made-up-key-for-the-npm-package-test", baseUrl: "http://127.0.0.1:9" });
const signed = new URL(await rest.url("openim", "sendmsg")).searchParams;
out.rest = [signed.get("identifier"), signed.get("sdkappid")];

out.privatePaths = [];
for (const path of ["${NAME}/src/errors.js", "${NAME}/cli"]) {
  out.privatePaths.push(await import(path).then(() => "imported", () => "refused"));
}
console.log(JSON.stringify(out));
`;

// A user's TypeScript, type-checked against the declarations (module nodenext).
const TS_CONSUMER = `
import { type UserSigClaims, TLSSigAPIv2, UserSigError } from "${NAME}";
import { type LegacyUserSigClaims, TLSSigAPI } from "${NAME}/legacy";
import { createUserSigHandler, jwtAuthenticator, type UserSigHandler } from "${NAME}/service";

const api = new TLSSigAPIv2(1400000000, "key");
const claims: UserSigClaims = await api.verifyUserSig(await api.genUserSig("alice", 600), "alice");
const app: number = claims.sdkAppId;
// @ts-expect-error a UserID is a string
await api.genUserSig(42);
const legacy: Promise<LegacyUserSigClaims> = new TLSSigAPI(1, { publicKey: "" }).verifyUserSig("", "");
const handler: UserSigHandler = createUserSigHandler(
  { sdkAppId: app, secretKey: "key" },
  { authenticate: jwtAuthenticator({ secret: "s".repeat(32) }) },
);
const response: Response = await handler(new Request("http://x/healthz"));
export const used = [legacy, response, UserSigError];
`;

test(
  "npm package: installed offline from its tarball, imported by name in this runtime",
  async () => {
    const project = await install();
    const v2 = JSON.parse(readFileSync(join(root, "tests/vectors/v2.json"), "utf8")).vectors
      .find((v: { kind: string }) => v.kind === "UserSig");
    const legacy = JSON.parse(readFileSync(join(root, "tests/vectors/legacy-v1.json"), "utf8"));
    writeFileSync(
      join(project, "vectors.json"),
      JSON.stringify({
        v2,
        v1: legacy.vectors[0],
        v1Key: legacy.signingKeys[0].privateKeyPem,
      }),
    );
    writeFileSync(join(project, "consumer.mjs"), CONSUMER);
    // This runtime's own executable: node, or bun.
    const out = await ok(process.execPath, ["consumer.mjs"], { cwd: project });
    assertEquals(JSON.parse(out.trim().split("\n").at(-1) ?? ""), EXPECTED);
  },
  {
    runtimes: ["node", "bun"],
    why: "Deno users import from JSR (jsr:@usersig/usersig); the npm package is for Node and Bun",
  },
);

test("npm package: a TypeScript consumer type-checks against its declarations", async () => {
  await typeCheck(await install(), "consumer.ts", TS_CONSUMER);
}, {
  runtimes: ["node"],
  why: "type-checking does not depend on the runtime: it runs once, in Node",
});
