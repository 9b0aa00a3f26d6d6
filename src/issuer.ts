// This module is browser compatible.
// Issuing v2 tickets: the secret key imported once, the arguments checked, the
// signed text sent to Web Crypto, the ticket written. TLSSigAPIv2 issues
// through it and verifies with its key; a page that only issues imports it
// alone and bundles no reader, inflater or verifier.

import { encodeBase64 } from "./base64.ts";
import { signedContentV2, writeTicketV2 } from "./ticket_writer.ts";
import {
  checkExpire,
  checkSdkAppId,
  checkUserId,
  unixSeconds,
  utf8,
  utf8View,
} from "./validate.ts";

/** Options for issuing a ticket. */
export interface SignOptions {
  /** The issue time: a Date, or unix seconds. Default: the real clock. */
  now?: Date | number;
}

/** Web Crypto's `subtle`, or a TypeError that says how to get it. */
export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (!s) {
    throw new TypeError(
      "crypto.subtle is unavailable; a page has it only over https or on localhost",
    );
  }
  return s;
}

/**
 * One application's HMAC key and the v2 tickets it signs. The key string is
 * imported once, as a non-extractable `CryptoKey`, and not kept as text.
 */
export class TicketIssuer {
  /** The application tickets are issued for. */
  readonly sdkAppId: number;
  #key: Promise<CryptoKey>;
  #resolved?: CryptoKey;

  /**
   * Checks the SDKAppID and starts importing the key.
   *
   * @throws {RangeError} For an SDKAppID out of range.
   * @throws {TypeError} For an empty key, a key of another kind, or when Web
   * Crypto is unavailable.
   */
  constructor(sdkAppId: number, secretKey: string | CryptoKey) {
    this.sdkAppId = checkSdkAppId(sdkAppId);
    const s = subtle();
    if (typeof secretKey === "string" && secretKey) {
      const raw = utf8(secretKey);
      this.#key = s.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
        "verify",
      ]);
      raw.fill(0); // importKey has copied it
      this.#key.catch(() => {}); // a failure surfaces where the key is used
    } else {
      // A CryptoKey of HMAC with SHA-256 (it may come from another realm, so
      // it is known by its algorithm, not by instanceof).
      const algorithm = (secretKey as CryptoKey | null)?.algorithm as HmacKeyAlgorithm | undefined;
      if (algorithm?.name !== "HMAC" || algorithm.hash?.name !== "SHA-256") {
        throw new TypeError("secretKey must be a non-empty string or an HMAC SHA-256 CryptoKey");
      }
      this.#key = Promise.resolve(this.#resolved = secretKey as CryptoKey);
    }
  }

  /**
   * Runs `use` with the key: at once when the key is imported, which spares
   * every later call a wait.
   */
  withKey<T>(use: (key: CryptoKey) => Promise<T>): Promise<T> {
    const key = this.#resolved;
    return key ? use(key) : this.#key.then((k) => use(this.#resolved = k));
  }

  /**
   * Signs and writes a ticket. Arguments are checked and read at once (a
   * mistake throws here); only the signing may wait for the key. `userBuf`
   * gives the userbuf, if any, once the issue time is known.
   *
   * @throws {TypeError} For an argument of the wrong type.
   * @throws {RangeError} For an argument out of range.
   */
  issue(
    userId: string,
    expire: number,
    options: SignOptions | undefined,
    userBuf?: (time: number) => Uint8Array,
  ): Promise<string> {
    const s = subtle();
    const sdkAppId = this.sdkAppId;
    const time = unixSeconds(options?.now);
    checkUserId(userId);
    checkExpire(expire, time);
    const userBufBase64 = userBuf && encodeBase64(userBuf(time));
    const content = signedContentV2(userId, sdkAppId, time, expire, userBufBase64);
    // The signed text goes to Web Crypto, which copies it, as soon as it is bytes.
    return this.withKey((key) => s.sign("HMAC", key, utf8View(content))).then((mac) =>
      writeTicketV2({
        userId,
        sdkAppId,
        time,
        expire,
        userBufBase64,
        signature: encodeBase64(new Uint8Array(mac)),
      })
    );
  }
}
