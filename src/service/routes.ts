// The service's routes under a base path. A base path is checked strictly so
// that exactly one spelling of each route matches: the request's path is
// compared as the URL standard parses it (dot segments resolved, "%2e" among
// them, and "\" read as "/"; nothing percent-decoded), byte for byte, case
// included.

/** The routes and the methods each accepts, below the base path. */
const ROUTES: Record<string, readonly string[]> = {
  "/usersig": ["POST"],
  "/privatemapkey": ["POST"],
  "/healthz": ["GET", "HEAD"],
};

/** One route as the handler sees it: its name below the base, its methods. */
export interface Route {
  name: string;
  methods: readonly string[];
}

const SEGMENT = /^[A-Za-z0-9._~-]+$/;

/**
 * Checks a base path: `""` (the root), or `/` followed by segments of
 * letters, digits, `-`, `.`, `_` and `~`, separated by single `/`, none of
 * them `.` or `..`, with no `/` at the end. Returns it, or throws a
 * RangeError (TypeError for a non-string) naming `name` and never repeating
 * the value.
 */
export function checkBasePath(value: unknown, name: string): string {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string`);
  if (value === "") return value;
  if (!value.startsWith("/")) {
    throw new RangeError(`${name} must start with "/" (or be "" to serve at the root)`);
  }
  if (value.endsWith("/")) {
    throw new RangeError(`${name} must not end with "/" (use "" to serve at the root)`);
  }
  for (const segment of value.slice(1).split("/")) {
    if (segment === "") throw new RangeError(`${name} must not contain "//"`);
    if (segment === "." || segment === "..") {
      throw new RangeError(`${name} must not contain "." or ".." segments`);
    }
    if (!SEGMENT.test(segment)) {
      throw new RangeError(
        `${name} may hold only letters, digits, "-", ".", "_" and "~" between single slashes (no percent-encoding, "?", "#", spaces or other characters)`,
      );
    }
  }
  return value;
}

/** The routes under `basePath` (already checked), by their full path. */
export function routesUnder(basePath: string): Map<string, Route> {
  return new Map(
    Object.entries(ROUTES).map(([name, methods]) => [basePath + name, { name, methods }]),
  );
}
