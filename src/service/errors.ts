// JSON responses of the edge service: every answer is JSON, never cached,
// and every refusal has the shape {"error": {"code", "message"}}.

/**
 * A refusal the service answers with: an HTTP status, a stable `code` to
 * branch on, and a message for people. An authenticate or room-policy hook
 * throws one to refuse a request; it is sent as
 * `{"error": {"code", "message"}}` and never holds a secret or a ticket.
 *
 * @example Refusing a caller from an authenticate hook
 * ```ts
 * import { ServiceError } from "@usersig/usersig/service";
 *
 * const refusal = new ServiceError(401, "ERR_AUTH_MISSING", "no session cookie");
 * console.assert(refusal.status === 401 && refusal.code === "ERR_AUTH_MISSING");
 * ```
 */
export class ServiceError extends Error {
  /** The HTTP status of the response. */
  readonly status: number;
  /** The stable reason code, e.g. `ERR_AUTH_TOKEN_EXPIRED`. */
  readonly code: string;
  /** Extra response headers, e.g. `Allow` or `WWW-Authenticate`. */
  readonly headers: Record<string, string>;

  /**
   * Creates the refusal.
   *
   * @param status The HTTP status, 400..599.
   * @param code The stable reason code.
   * @param message A sentence for people; never a secret or a ticket.
   * @param headers Extra response headers.
   * @throws {RangeError} For a status outside 400..599.
   *
   * @example A refusal with a header the client needs
   * ```ts
   * import { ServiceError } from "@usersig/usersig/service";
   *
   * const refusal = new ServiceError(401, "ERR_AUTH_MISSING", "send a bearer token", {
   *   "www-authenticate": 'Bearer realm="example"',
   * });
   * console.assert(refusal.headers["www-authenticate"] === 'Bearer realm="example"');
   * ```
   */
  constructor(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`status must be an HTTP error status (400..599), got ${status}`);
    }
    this.name = "ServiceError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** A `400 ERR_BAD_REQUEST` refusal: a request the service cannot read. */
export function badRequest(message: string): ServiceError {
  return new ServiceError(400, "ERR_BAD_REQUEST", message);
}

/**
 * A `401` refusal with its `WWW-Authenticate` challenge: `invalid_token`
 * for a token that is there but not good, none for a missing one.
 */
export function unauthorized(code: string, message: string, missing = false): ServiceError {
  return new ServiceError(401, code, message, {
    "www-authenticate": missing
      ? 'Bearer realm="usersig"'
      : 'Bearer realm="usersig", error="invalid_token"',
  });
}

/**
 * A JSON response that no cache keeps, with `headers` besides. (Headers are
 * set one by one: in Deno, a headers record given to the constructor costs
 * four times as much.)
 */
export function json(
  body: unknown,
  status = 200,
  headers: Readonly<Record<string, string>> = {},
): Response {
  const response = new Response(JSON.stringify(body), { status });
  const out = response.headers;
  out.set("content-type", "application/json; charset=utf-8");
  out.set("cache-control", "no-store");
  out.set("x-content-type-options", "nosniff");
  for (const name in headers) out.set(name, headers[name]);
  return response;
}

/** The JSON response for a refusal, with `headers` (CORS) besides its own. */
export function errorResponse(
  error: ServiceError,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return json({ error: { code: error.code, message: error.message } }, error.status, {
    ...headers,
    ...error.headers,
  });
}

/**
 * Answers a request to a service whose settings are wrong: `log` gets
 * `detail` (which setting, and why) at level `"error"`, for the operator;
 * the caller gets `500 ERR_SERVICE_MISCONFIGURED` and nothing more.
 */
export function misconfigured(
  log: (line: string, level: "error") => void,
  detail: string,
): Response {
  log(`usersig: 500 ERR_SERVICE_MISCONFIGURED ${detail}`, "error");
  return errorResponse(
    new ServiceError(500, "ERR_SERVICE_MISCONFIGURED", "the service is misconfigured; see its log"),
  );
}
