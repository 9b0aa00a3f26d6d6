// This module is browser compatible.

import { formatOf, readTicket, readV1, readV2 } from "./document.ts";
import { decodePrivateMap, type PrivateMap } from "./private_map.ts";
import type { UserSigClaims } from "./tls_sig_api_v2.ts";

/**
 * What {@link decodeUserSig} reads out of a ticket, without checking it: the
 * fields a verified ticket's claims have (here only claimed, `userBuf` as
 * carried), and more.
 */
export interface DecodedUserSig extends UserSigClaims {
  /** `"v2"` for HMAC-SHA256 tickets, `"v1"` for legacy ECDSA ones. */
  format: "v2" | "v1";
  /** `TLS.sig` as it stands: base64 of the HMAC (v2) or of the DER signature (v1). */
  signature: string;
  /** The PrivateMapKey record, when the userbuf is one for this user. */
  privateMap?: PrivateMap;
  /** `TLS.account_type` of a v1 ticket. */
  accountType?: string;
  /** `TLS.appid_at_3rd` of a v1 ticket, when present. */
  appIdAt3rd?: string;
  /** The parsed JSON document. */
  document: Record<string, unknown>;
  /** The JSON document as it stands in the ticket. */
  json: string;
}

/**
 * Reads a ticket (v2 or v1) without a key and without checking its
 * signature or its time: for inspection and debugging only. Never trust
 * what it returns; use `verifyUserSig` for that.
 *
 * It is synchronous; awaiting its result works too.
 *
 * @param userSig The ticket.
 * @returns Its fields, its userbuf and PrivateMapKey record if any, and its
 * raw JSON.
 * @throws {UserSigError} `ERR_USERSIG_MALFORMED` when the text is not a
 * ticket document, `ERR_USERSIG_UNSUPPORTED_VERSION` for an unknown version.
 *
 * @example Why was this ticket rejected? Look inside.
 * ```ts
 * import { decodeUserSig, TLSSigAPIv2 } from "@usersig/usersig";
 *
 * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
 * const userSig = await api.genUserSig("alice", 3600, { now: 1_700_000_000 });
 * const info = decodeUserSig(userSig);
 * console.assert(info.userId === "alice" && info.expiresAt === 1_700_003_600);
 * ```
 */
export function decodeUserSig(userSig: string): DecodedUserSig {
  const { json, document } = readTicket(userSig);
  if (formatOf(document) === "v1") {
    const { raw: _, userBufBase64: __, ...v1 } = readV1(document);
    return { format: "v1", ...v1, expiresAt: v1.time + v1.expire, document, json };
  }
  const { userBufBase64: _, ...v2 } = readV2(document);
  const decoded: DecodedUserSig = {
    format: "v2",
    ...v2,
    expiresAt: v2.time + v2.expire,
    document,
    json,
  };
  if (v2.userBuf !== undefined) {
    try {
      const map = decodePrivateMap(v2.userBuf);
      if (map.userId === v2.userId) decoded.privateMap = map;
    } catch {
      // Not a PrivateMapKey record: an application's own userbuf.
    }
  }
  return decoded;
}
