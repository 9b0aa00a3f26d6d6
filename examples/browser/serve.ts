// Serves this page on http://127.0.0.1:8000/ (or the port given as the
// first argument). Run `deno task page`.
import process from "node:process";
import { fileURLToPath } from "node:url";
import { servePage } from "./server.ts";

const port = Number(process.argv[2] ?? 8000);
const { url } = await servePage(fileURLToPath(new URL(".", import.meta.url)), port);
console.log(`The UserSig page is at ${url} (Ctrl-C stops it)`);
