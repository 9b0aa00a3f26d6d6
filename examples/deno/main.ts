// The edge service on Deno.serve — locally or on Deno Deploy (the entry point
// is this file; set the settings as environment variables in the project).
//
//   SDK_APP_ID=1400000000 SECRET_KEY=... AUTH_JWT_SECRET=... \
//     deno run --allow-env --allow-net examples/deno/main.ts
//
// With settings missing it still starts, answers 500
// ERR_SERVICE_MISCONFIGURED, and logs the setting to fix.
import { exampleRoomPolicy, serviceFromEnv } from "../../service.ts";

const handler = serviceFromEnv(Deno.env.toObject(), { roomPolicy: exampleRoomPolicy });
const port = Number(Deno.env.get("PORT") ?? 8000);
// Deno Deploy ignores the address options and serves on its own.
Deno.serve({ port, hostname: Deno.env.get("HOST") ?? "127.0.0.1" }, handler);
