// Serves this page on http://127.0.0.1:8000/ (or the port given as the
// first argument). Run `deno task page`. Wherever you serve it, send the
// headers of server.ts's PAGE_HEADERS too: above all
// `Content-Security-Policy: frame-ancestors 'none'` and
// `X-Frame-Options: DENY`, which keep other sites from framing the page
// (a CSP in a meta tag cannot forbid framing).
import process from "node:process";
import { fileURLToPath } from "node:url";
import { servePage } from "./server.ts";

const port = Number(process.argv[2] ?? 8000);
const { url } = await servePage(fileURLToPath(new URL(".", import.meta.url)), port);
console.log(`The UserSig page is at ${url} (Ctrl-C stops it)`);
