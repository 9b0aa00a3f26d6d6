// A Supabase Edge Function that hands each signed-in Supabase user their
// Tencent IM / TRTC tickets. Requests reach a function with its name as the
// first path segment, so the routes are /usersig/usersig,
// /usersig/privatemapkey and /usersig/healthz: from outside,
// https://<project>.supabase.co/functions/v1/usersig/usersig.
//
// Callers send their Supabase access token (`Authorization: Bearer …`):
// aud "authenticated", the user's UUID as sub. The function checks it
// itself: with the project's JWT signing keys, from its JWKS at
// SUPABASE_URL/auth/v1/.well-known/jwks.json (SUPABASE_URL is set by
// Supabase), or, for a project still on the legacy JWT secret, HS256 with
// AUTH_JWT_SECRET. The UserID is the UUID's 32 hex digits.
//
//   supabase secrets set SDK_APP_ID=1400000000 SECRET_KEY=…   # (+ AUTH_JWT_SECRET=… if legacy)
//   supabase functions deploy usersig --no-verify-jwt          # the function checks tokens
//
// It imports the package as "@usersig/usersig/service": in your project, run
// `deno add jsr:@usersig/usersig` in supabase/functions/usersig/. A missing
// or invalid setting stops the function at boot, with a log line naming it.
import {
  createUserSigHandler,
  exampleRoomPolicy,
  fromEnv,
  jwtAuthenticator,
  uuidUserId,
} from "@usersig/usersig/service";

const env = Deno.env.toObject();
const auth = `${env.SUPABASE_URL}/auth/v1`;
const settings = fromEnv({
  ...env,
  BASE_PATH: "/usersig",
  AUTH_JWT_ISSUER: auth,
  AUTH_JWT_AUDIENCE: "authenticated",
  ...(env.AUTH_JWT_SECRET ? {} : { AUTH_JWKS_URL: `${auth}/.well-known/jwks.json` }),
});

Deno.serve(createUserSigHandler(settings, {
  authenticate: jwtAuthenticator({ ...settings.auth, userId: (claims) => uuidUserId(claims.sub) }),
  roomPolicy: exampleRoomPolicy,
}));
