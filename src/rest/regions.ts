// This module is browser compatible.
// Where the IM REST API answers: one domain per region, and the backup
// domain Tencent documents for it.

/**
 * A region of Tencent Cloud Chat (IM): where an application lives, chosen
 * when it was created. Each has a REST API domain of its own; an SDKAppID is
 * unknown in every other region (ErrorCode 70020).
 */
export type RestApiRegion =
  | "china"
  | "singapore"
  | "seoul"
  | "frankfurt"
  | "mumbai"
  | "silicon-valley"
  | "jakarta"
  | "tokyo";

/** The two domains of one region's REST API. */
export interface RestApiDomains {
  /** The domain calls go to. */
  readonly domain: string;
  /**
   * The backup domain Tencent documents for it, for when the first cannot be
   * reached (Tencent names DNS hijacking by a carrier).
   */
  readonly backupDomain: string;
}

function domains(domain: string, backupDomain: string): RestApiDomains {
  return Object.freeze({ domain, backupDomain });
}

// The domains: Tencent's "REST API overview" (cloud.tencent.com/document/api/269/1519,
// in Chinese; tencentcloud.com/document/product/1047/34620 and trtc.io/document/34620,
// in English), where each region's domain is followed by its backup ("备域名", "backup").
// Those pages list China, Singapore, Seoul, Frankfurt, Mumbai, Silicon Valley and
// Jakarta. Tokyo's domain and backup are in the later revision of the English page
// (1047/34620, "Tokyo: adminapijpn.im.qcloud.com (backup: adminapijpn.my-imcloud.com)")
// and in the per-command pages' domain lists.
/**
 * Every region's REST API domain and backup domain, as Tencent's REST API
 * overview lists them. Each region has a documented backup.
 *
 * @example The domains of the Singapore region
 * ```ts
 * import { REST_API_REGIONS } from "@usersig/usersig/rest";
 *
 * const { domain, backupDomain } = REST_API_REGIONS.singapore;
 * console.assert(domain === "adminapisgp.im.qcloud.com");
 * console.assert(backupDomain === "adminapisgp.my-imcloud.com");
 * console.assert(Object.keys(REST_API_REGIONS).includes("china"));
 * ```
 */
export const REST_API_REGIONS: Readonly<Record<RestApiRegion, RestApiDomains>> = Object.freeze({
  "china": domains("console.tim.qq.com", "adminapi.my-imcloud.com"),
  "singapore": domains("adminapisgp.im.qcloud.com", "adminapisgp.my-imcloud.com"),
  "seoul": domains("adminapikr.im.qcloud.com", "adminapikr.my-imcloud.com"),
  "frankfurt": domains("adminapiger.im.qcloud.com", "adminapiger.my-imcloud.com"),
  "mumbai": domains("adminapiind.im.qcloud.com", "adminapiind.my-imcloud.com"),
  "silicon-valley": domains("adminapiusa.im.qcloud.com", "adminapiusa.my-imcloud.com"),
  "jakarta": domains("adminapiidn.im.qcloud.com", "adminapiidn.my-imcloud.com"),
  "tokyo": domains("adminapijpn.im.qcloud.com", "adminapijpn.my-imcloud.com"),
});

/**
 * Whether `name` is one of the regions of {@link REST_API_REGIONS}.
 */
export function isRestApiRegion(name: unknown): name is RestApiRegion {
  return typeof name === "string" && Object.hasOwn(REST_API_REGIONS, name);
}
