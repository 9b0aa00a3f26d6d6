// This module is browser compatible.

/**
 * A drop-in for the `GenerateTestUserSig` helper of Tencent's demo apps,
 * built on this library's issuing code alone: SDKAppID + secret key + UserID
 * → a UserSig, in the `{ sdkAppId, userSig }` shape the demos expect. Unlike
 * the original it is asynchronous (Web Crypto is), small (under 4 KB
 * gzipped), and never logs the key.
 *
 * **For local debugging only.** A secret key inside a client lets anyone
 * who opens the app mint a ticket for any user of your application. Before
 * you ship, issue tickets on your server and delete this helper.
 *
 * For a page without a build step it is also committed as one self-contained
 * file, `examples/browser/dist/gen_test_user_sig.js` (`deno task page:build`).
 *
 * @example Swapping it into a demo
 * ```ts
 * import { genTestUserSig } from "./gen_test_user_sig.ts";
 *
 * const { sdkAppId, userSig } = await genTestUserSig({
 *   sdkAppId: 1400000000,
 *   secretKey: "demo-secret-key", // local debugging only
 *   userId: "alice",
 * });
 * console.assert(sdkAppId === 1400000000 && userSig.length > 100);
 * ```
 *
 * @module
 */

// The issuing half of TLSSigAPIv2 alone: no verifier, no inflater, no reader.
import { TicketIssuer } from "../../src/issuer.ts";

/** What {@link genTestUserSig} needs. */
export interface TestUserSigOptions {
  /** The application's SDKAppID. */
  sdkAppId: number;
  /** The application's secret key. Local debugging only. */
  secretKey: string;
  /** The user to log in. */
  userId: string;
  /** Validity in seconds; default 604800 (7 days). */
  expire?: number;
}

/** What {@link genTestUserSig} returns: the shape Tencent's demo apps read. */
export interface TestUserSig {
  /** The SDKAppID, as given. */
  sdkAppId: number;
  /** The ticket for `userId`. */
  userSig: string;
}

/**
 * Issues a test UserSig in the client. For local debugging only: never ship
 * a secret key in an app or a page.
 *
 * @param options The SDKAppID, the secret key, the user and the validity.
 * @returns `{ sdkAppId, userSig }`.
 * @throws {TypeError} For a missing option, an empty key, or no Web Crypto
 * (a page that is not a secure context).
 * @throws {RangeError} For an SDKAppID, user id or validity out of range.
 *
 * @example A ticket valid for one day
 * ```ts
 * import { genTestUserSig } from "./gen_test_user_sig.ts";
 *
 * const { userSig } = await genTestUserSig({
 *   sdkAppId: 1400000000, secretKey: "demo-secret-key", userId: "bob", expire: 86400,
 * });
 * console.assert(userSig.length > 100);
 * ```
 */
export async function genTestUserSig(options: TestUserSigOptions): Promise<TestUserSig> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("options must be { sdkAppId, secretKey, userId, expire? }");
  }
  const { sdkAppId, secretKey, userId, expire = 604800 } = options;
  const userSig = await new TicketIssuer(sdkAppId, secretKey).issue(userId, expire, undefined);
  return { sdkAppId, userSig };
}
