// The ticket service as a Next.js route handler: POST /api/im/usersig,
// POST /api/im/privatemapkey, GET /api/im/healthz — this folder's paths.
// Settings come from the environment: SDK_APP_ID, SECRET_KEY, and
// AUTH_JWT_SECRET or AUTH_JWKS_URL (see docs/service.md). With a Next.js
// `basePath`, set BASE_PATH to it followed by /api/im.
//
// It runs on Next 16's default runtime (Node.js), and unchanged in the Edge
// Runtime (`export const runtime = "edge"` on older Next versions, Vercel
// Edge Functions).
import { exampleRoomPolicy, serviceFromEnv } from "@usersig/usersig/service";

const handler = serviceFromEnv(
  { BASE_PATH: "/api/im", ...process.env },
  { roomPolicy: exampleRoomPolicy },
);

// Every method goes to the service, so that each answer is its JSON: 405
// with an Allow header for a method a route does not take, 204 for a CORS
// preflight from an allowed origin.
export {
  handler as DELETE,
  handler as GET,
  handler as HEAD,
  handler as OPTIONS,
  handler as PATCH,
  handler as POST,
  handler as PUT,
};
