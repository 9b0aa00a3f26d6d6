// This module is browser compatible.
// The v1 document (spec section 3): the text its signature covers, and the
// ticket written from its fields. Every value is a string on the wire.

import { encodeTicketBase64 } from "../base64.ts";
import { zlibDeflate } from "../deflate.ts";
import { utf8 } from "../validate.ts";

/** `TLS.version` of the tickets written here, as the official libraries write it. */
export const V1_VERSION = "201610110000";

/** The signed fields of a v1 document, as the strings that stand in it. */
export interface V1Content {
  appIdAt3rd?: string;
  accountType: string;
  userId: string;
  sdkAppId: string;
  time: string;
  expire: string;
  userBufBase64?: string;
}

/**
 * The text a v1 signature covers: `key:value\n` lines in the spec's order,
 * `TLS.appid_at_3rd` and `TLS.userbuf` only when the ticket has them.
 */
export function signedContentV1(c: V1Content): string {
  return (c.appIdAt3rd === undefined ? "" : `TLS.appid_at_3rd:${c.appIdAt3rd}\n`) +
    `TLS.account_type:${c.accountType}\nTLS.identifier:${c.userId}\n` +
    `TLS.sdk_appid:${c.sdkAppId}\nTLS.time:${c.time}\nTLS.expire_after:${c.expire}\n` +
    (c.userBufBase64 === undefined ? "" : `TLS.userbuf:${c.userBufBase64}\n`);
}

/**
 * A v1 ticket from its signed fields and base64 DER signature, keys in the
 * official Node v1 library's order.
 */
export function writeTicketV1(c: V1Content, signature: string): string {
  const document: Record<string, string> = {
    "TLS.account_type": c.accountType,
    "TLS.identifier": c.userId,
  };
  if (c.appIdAt3rd !== undefined) document["TLS.appid_at_3rd"] = c.appIdAt3rd;
  document["TLS.sdk_appid"] = c.sdkAppId;
  document["TLS.expire_after"] = c.expire;
  document["TLS.version"] = V1_VERSION;
  document["TLS.time"] = c.time;
  if (c.userBufBase64 !== undefined) document["TLS.userbuf"] = c.userBufBase64;
  document["TLS.sig"] = signature;
  return encodeTicketBase64(zlibDeflate(utf8(JSON.stringify(document))));
}
