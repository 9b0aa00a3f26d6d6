// `npm start` / `deno task start`: runs the edge service locally in workerd
// (wrangler dev, loopback only, DEMO settings), then prints a test token and
// the curl lines to call it. Ctrl-C stops it.
import { DEMO_VARS_FILE, mintToken, readDevVars, startLocalWorker } from "./dev_env.ts";

const port = Number(Deno.env.get("PORT") ?? 8787);
const worker = await startLocalWorker(port);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await worker.stop();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);

const token = await mintToken("alice", readDevVars()["AUTH_JWT_SECRET"]);
const u = worker.url;
console.log(`
usersig edge service on ${u} — DEMO settings from ${DEMO_VARS_FILE} and
wrangler.toml (a made-up SDKAppID and keys; never deploy them). Ctrl-C stops it.

A test token for user "alice" (HS256 with the demo AUTH_JWT_SECRET, aud "usersig",
valid 1 h):

  TOKEN=${token}

Call it:

  curl -s -X POST ${u}/usersig -H "Authorization: Bearer $TOKEN"
  curl -s -X POST ${u}/privatemapkey -H "Authorization: Bearer $TOKEN" \\
       -H 'content-type: application/json' -d '{"roomStr":"alice","privileges":"EnterRoom,SendAudio"}'
  curl -s ${u}/healthz

Another user's token: npx deno task token bob
`);
