// A Netlify Edge Function that serves the ticket service at /api/im:
// POST /api/im/usersig, POST /api/im/privatemapkey, GET /api/im/healthz. In
// a site, this file goes to netlify/edge-functions/.
//
// Settings are the site's environment variables (scope: Functions):
// SDK_APP_ID, SECRET_KEY, and AUTH_JWT_SECRET or AUTH_JWKS_URL with
// AUTH_JWT_AUDIENCE (see docs/service.md). It imports the package as
// "@usersig/usersig/service": add it to the site's import map (deno.json).
import { exampleRoomPolicy, serviceFromEnv } from "@usersig/usersig/service";

/** The part of Netlify's global that this function reads. */
declare const Netlify: { env: { toObject(): Record<string, string> } };

const handler = serviceFromEnv(
  { ...Netlify.env.toObject(), BASE_PATH: "/api/im" },
  { roomPolicy: exampleRoomPolicy },
);

export default (request: Request): Promise<Response> => handler(request);

// Netlify reads this without running the module: it must stay a literal, and
// match BASE_PATH above.
export const config = { path: "/api/im/*" };
