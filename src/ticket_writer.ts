// This module is browser compatible.
// Writing a v2 ticket: the text its signature covers, then the JSON document,
// zlib, and the ticket alphabet. Nothing here reads a ticket, so code that only
// issues carries no inflater (document.ts reads).

import { encodeTicketBase64 } from "./base64.ts";
import { deflateBound, deflateInto } from "./deflate.ts";
import type { V2Fields } from "./document.ts";
import { writeUtf8 } from "./validate.ts";

/** The text every v2 signature covers (spec section 1, step 2). */
export function signedContentV2(
  userId: string,
  sdkAppId: number,
  time: number,
  expire: number,
  userBufBase64?: string,
): string {
  const head = `TLS.identifier:${userId}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\n` +
    `TLS.expire:${expire}\n`;
  return userBufBase64 === undefined ? head : `${head}TLS.userbuf:${userBufBase64}\n`;
}

// Space for writing tickets, reused (writing is synchronous) at a size that
// fits any ticket one issues; a longer document gets space for the call alone.
const jsonSpace = new Uint8Array(1024);
const zlibSpace = new Uint8Array(deflateBound(1024));

/** A ticket holding the JSON document `json`: zlib, then the ticket alphabet. */
function encodeTicket(json: string): string {
  let jsonBytes = jsonSpace, zlibBytes = zlibSpace;
  let n = writeUtf8(json, jsonBytes);
  if (n < 0) {
    jsonBytes = new Uint8Array(json.length * 3);
    zlibBytes = new Uint8Array(deflateBound(jsonBytes.length));
    n = writeUtf8(json, jsonBytes);
  }
  return encodeTicketBase64(zlibBytes, deflateInto(jsonBytes, n, zlibBytes));
}

/** A v2 ticket from its fields, in the official Node library's key order. */
export function writeTicketV2(f: Omit<V2Fields, "version" | "userBuf">): string {
  return encodeTicket(
    `{"TLS.ver":"2.0","TLS.identifier":${JSON.stringify(f.userId)}` +
      `,"TLS.sdkappid":${f.sdkAppId},"TLS.time":${f.time},"TLS.expire":${f.expire}` +
      (f.userBufBase64 === undefined ? "" : `,"TLS.userbuf":"${f.userBufBase64}"`) +
      `,"TLS.sig":"${f.signature}"}`,
  );
}
