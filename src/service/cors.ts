// CORS for browser callers: only listed origins are answered, and only they
// get Access-Control-Allow-Origin. Tokens travel in the Authorization header,
// never in cookies, so no credentials mode is offered.
import { ServiceError } from "./errors.ts";

const MAX_AGE_SECONDS = "600";

const NONE: Readonly<Record<string, string>> = Object.freeze({});
const VARY: Readonly<Record<string, string>> = Object.freeze({ "vary": "Origin" });

/**
 * Headers that let an allowed origin read the response (a shared object:
 * do not change it). With no allowed origin, the answer never depends on
 * the Origin header, so it needs no `Vary`.
 */
export function corsHeaders(
  request: Request,
  allowed: readonly string[],
): Readonly<Record<string, string>> {
  if (allowed.length === 0) return NONE;
  const origin = request.headers.get("origin");
  if (origin !== null && allowed.includes(origin)) {
    return { "access-control-allow-origin": origin, "vary": "Origin" };
  }
  return VARY;
}

/** Answers a preflight `OPTIONS` request for a route that accepts `methods`. */
export function preflight(
  request: Request,
  allowed: readonly string[],
  methods: readonly string[],
): Response {
  const origin = request.headers.get("origin");
  if (origin === null || !allowed.includes(origin)) {
    throw new ServiceError(
      403,
      "ERR_ORIGIN_NOT_ALLOWED",
      "this origin is not in the service's ALLOWED_ORIGINS",
    );
  }
  return new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": methods.join(", "),
      "access-control-allow-headers": "authorization, content-type",
      "access-control-max-age": MAX_AGE_SECONDS,
      "cache-control": "no-store",
      "vary": "Origin",
    },
  });
}
