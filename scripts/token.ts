// Prints a local test token (HS256, signed with the DEMO AUTH_JWT_SECRET of
// .dev.vars.example) for a user id. Only the local demo service accepts it.
// Usage: deno task token [userId] [seconds]
import { DEMO_VARS_FILE, mintToken, readDevVars } from "./dev_env.ts";

const [userId = "alice", seconds = "3600"] = Deno.args;
const secret = readDevVars()["AUTH_JWT_SECRET"];
if (secret === undefined) {
  console.error(`AUTH_JWT_SECRET is missing from ${DEMO_VARS_FILE}`);
  Deno.exit(1);
}
console.log(await mintToken(userId, secret, Number(seconds)));
