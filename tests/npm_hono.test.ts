// The npm package's `./hono` entry as a Hono app on Node gets it: hono is an
// optional peer dependency (the app brings its own), the entry runs with the
// app's hono beside it, and a TypeScript app type-checks against its
// declarations with hono/jwt's types.
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { assert, assertEquals } from "./assert.ts";
import { test, type TestOptions } from "./harness.ts";
import { npmPackage, scratchDir } from "./npm_build.ts";
import { ok } from "./subprocess.ts";
import { typeCheck } from "./typecheck.ts";

const root = process.cwd();
const NODE_ONLY: TestOptions = {
  runtimes: ["node"],
  why: "builds the npm package and runs a Node app on it; one runtime is enough",
};

let built: Promise<string> | undefined;

/**
 * A project with the built package in node_modules (a copy, as npm installs
 * it) and the app's own hono and jose beside it; its directory.
 */
function project(): Promise<string> {
  built ??= (async () => {
    const dir = scratchDir("usersig-npm-hono-");
    const modules = join(dir, "project", "node_modules");
    mkdirSync(join(modules, "@usersig"), { recursive: true });
    cpSync(await npmPackage(), join(modules, "@usersig", "usersig"), { recursive: true });
    for (const name of ["hono", "jose"]) {
      symlinkSync(join(root, "node_modules", name), join(modules, name), "dir");
    }
    writeFileSync(
      join(dir, "project", "package.json"),
      JSON.stringify({ name: "app", private: true, type: "module" }),
    );
    return join(dir, "project");
  })();
  return built;
}

const manifest = (dir: string) =>
  JSON.parse(
    readFileSync(join(dir, "node_modules", "@usersig", "usersig", "package.json"), "utf8"),
  );

test(
  "npm package: hono is an optional peer dependency at deno.json's range, and no dependency",
  async () => {
    const dir = await project();
    const { dependencies, peerDependencies, peerDependenciesMeta, exports } = manifest(dir);
    const range = JSON.parse(readFileSync(join(root, "deno.json"), "utf8")).imports.hono
      .replace(/^npm:hono@/, "");
    assertEquals(peerDependencies, { hono: range });
    assertEquals(peerDependenciesMeta, { hono: { optional: true } });
    assert(!("hono" in dependencies), "hono is not a dependency");
    assertEquals(exports["./hono"], { types: "./hono.d.ts", default: "./hono.js" });
  },
  NODE_ONLY,
);

// An app's server code: imports by package name only.
const APP = `
import { Hono } from "hono";
import { jwt, sign } from "hono/jwt";
import { TLSSigAPIv2 } from "@usersig/usersig";
import { userSigRoutes } from "@usersig/usersig/hono";

const secret = "a-made-up-jwt-secret-of-at-least-32-bytes";
const app = new Hono();
app.use("/api/im/*", jwt({ secret, alg: "HS256" }));
app.route("/api/im", userSigRoutes({
  sdkAppId: 1400000000,
  secretKey: "a-made-up-key-for-the-npm-package-test",
  userId: (c) => c.get("jwtPayload").sub,
}));
const token = await sign({ sub: "dave", exp: Math.floor(Date.now() / 1000) + 60 }, secret);
const response = await app.request("/api/im/usersig", {
  method: "POST",
  headers: { authorization: "Bearer " + token },
});
const body = await response.json();
const api = new TLSSigAPIv2(1400000000, "a-made-up-key-for-the-npm-package-test");
const claims = await api.verifyUserSig(body.userSig, "dave");
console.log(JSON.stringify([response.status, claims.userId]));
`;

test("npm package: a Hono app on Node issues a ticket through @usersig/usersig/hono", async () => {
  const dir = await project();
  writeFileSync(join(dir, "app.mjs"), APP);
  const out = await ok(process.execPath, ["app.mjs"], { cwd: dir });
  assertEquals(JSON.parse(out.trim().split("\n").at(-1) ?? ""), [200, "dave"]);
}, NODE_ONLY);

// The same app in TypeScript, checked against the declarations (module nodenext).
const TS_APP = `
import { Hono } from "hono";
import { jwt, type JwtVariables } from "hono/jwt";
import { userSigRoutes, type UserSigRoutesOptions } from "@usersig/usersig/hono";
import { exampleRoomPolicy } from "@usersig/usersig/service";

type AppEnv = { Variables: JwtVariables<{ sub: string }> };
const app = new Hono<AppEnv>();
app.use("/api/im/*", jwt({ secret: "s".repeat(32), alg: "HS256" }));
const options: UserSigRoutesOptions<AppEnv> = {
  sdkAppId: 1400000000,
  secretKey: "key",
  roomPolicy: exampleRoomPolicy,
  userId: (c) => c.get("jwtPayload").sub,
};
app.route("/api/im", userSigRoutes(options));
// @ts-expect-error the prefix is where app.route() mounts the routes
userSigRoutes<AppEnv>({ ...options, basePath: "/api/im" });
// @ts-expect-error userId returns the UserID, a string
userSigRoutes<AppEnv>({ ...options, userId: () => 42 });
export default app;
`;

test("npm package: a TypeScript Hono app type-checks against @usersig/usersig/hono", async () => {
  await typeCheck(await project(), "app.ts", TS_APP);
}, NODE_ONLY);
