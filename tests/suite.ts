// The portable suite: every file here runs in Deno, Node, Bun, workerd and
// Chromium.
import "./api.test.ts";
import "./base64.test.ts";
import "./cli_unit.test.ts";
import "./legacy.test.ts";
import "./legacy_keys.test.ts";
import "./private_map.test.ts";
import "./property.test.ts";
import "./service_body.test.ts";
import "./service_handler.test.ts";
import "./service_logs.test.ts";
import "./service_routes.test.ts";
import "./service_tokens.test.ts";
import "./service_user_id.test.ts";
import "./vectors.test.ts";
import "./zlib.test.ts";
