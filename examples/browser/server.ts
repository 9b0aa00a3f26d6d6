// A static file server for this page, on the loopback interface only:
// http://127.0.0.1 is a secure context, so Web Crypto is available. Used by
// `deno task page` (through serve.ts) and by the page's tests.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";

/**
 * What every response says besides its content: no framing by another site
 * (`frame-ancestors` works only as a header, not in the page's meta tag;
 * `X-Frame-Options` for older browsers), no type sniffing, no referrer.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
};

/** A running page server. */
export interface PageServer {
  /** Its address, such as `http://127.0.0.1:8000/`. */
  url: string;
  /** Stops it. */
  close(): Promise<void>;
}

/**
 * Serves the .html, .css and .js files under `root` on 127.0.0.1, with
 * {@link PAGE_HEADERS}. Nothing else: no directory listings, no paths
 * outside `root`, no other methods.
 *
 * @param root The directory to serve.
 * @param port The port; 0 picks a free one.
 * @returns The server's address and a way to stop it.
 */
export function servePage(root: string, port = 8000): Promise<PageServer> {
  const base = resolve(root);
  const server = createServer(async (request, response) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    } catch {
      response.writeHead(400).end();
      return;
    }
    const file = resolve(join(base, path.endsWith("/") ? `${path}index.html` : path));
    const type = TYPES[extname(file)];
    const allowed = request.method === "GET" || request.method === "HEAD";
    if (!allowed || type === undefined || !file.startsWith(base + sep)) {
      response.writeHead(allowed ? 404 : 405).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { ...PAGE_HEADERS, "content-type": type });
      response.end(request.method === "HEAD" ? undefined : body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address !== null ? address.port : port;
      done({
        url: `http://127.0.0.1:${actual}/`,
        close: () => new Promise((closed) => server.close(() => closed())),
      });
    });
  });
}
