// This module is browser compatible.

/**
 * A client of the Tencent Cloud IM (Chat) REST API, which takes an
 * administrator's UserSig: `RestApiClient` signs each call with one,
 * caches it, POSTs the JSON body to the region's domain (falling back once
 * to its backup domain when the first cannot be reached), and rejects with
 * a `RestApiError` that explains Tencent's `ErrorCode` when usersig knows
 * it. Web APIs only: it runs on Deno, Node, Bun and Cloudflare Workers.
 *
 * It holds the secret key and issues the administrator's ticket, which can
 * do anything to the application: use it on a server only.
 *
 * @example Importing an account
 * ```ts ignore
 * import { RestApiClient } from "@usersig/usersig/rest";
 *
 * const client = new RestApiClient({
 *   sdkAppId: Number(Deno.env.get("SDK_APP_ID")),
 *   secretKey: Deno.env.get("SECRET_KEY")!,
 *   region: "singapore",
 * });
 * await client.call("im_open_login_svc", "account_import", { UserID: "alice", Nick: "Alice" });
 * ```
 *
 * @example The signed URL, for an HTTP client of your own (it holds a credential)
 * ```ts
 * import { RestApiClient } from "@usersig/usersig/rest";
 *
 * const client = new RestApiClient({ sdkAppId: 1400000000, secretKey: "demo-secret-key" });
 * const url = await client.url("im_open_login_svc", "account_import");
 * console.assert(url.startsWith("https://console.tim.qq.com/v4/im_open_login_svc/account_import?"));
 * ```
 *
 * @module
 */

export {
  type RestApiCallOptions,
  RestApiClient,
  type RestApiClientOptions,
  type RestApiFetch,
} from "./src/rest/client.ts";
export {
  RestApiError,
  type RestApiErrorCode,
  type RestApiErrorDetails,
} from "./src/rest/errors.ts";
export { REST_API_REGIONS, type RestApiDomains, type RestApiRegion } from "./src/rest/regions.ts";
export type { RestApiResponse } from "./src/rest/response.ts";
export {
  type TencentCode,
  tencentCode,
  type TencentCodeOrigin,
  type TicketKind,
  type TicketShape,
} from "./src/tencent_codes.ts";
export type { UserSigErrorCode } from "./src/errors.ts";
