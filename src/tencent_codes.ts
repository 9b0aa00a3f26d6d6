// This module is browser compatible.
// Tencent's error codes that users bring to us, in one table: what each
// means, what is likely wrong with the ticket, which `usersig` command checks
// it, and which of our UserSigError codes Tencent answers with it. Each row
// names its source. Not part of the core entry (mod.ts): the CLI, the page
// and the REST client read it.

import type { UserSigErrorCode } from "./errors.ts";

/**
 * Where one of Tencent's codes comes from: the IM server (also the
 * `ErrorCode` of a REST API reply), the native Chat SDK, the Web Chat SDK,
 * the native TRTC SDK (`TXLiteAVCode`), or the TRTC Web SDK (v4).
 */
export type TencentCodeOrigin =
  | "IM server / REST API"
  | "Chat SDK"
  | "Web Chat SDK"
  | "TRTC native"
  | "TRTC web";

/** The kind of ticket one of Tencent's codes is about. */
export type TicketKind = "UserSig" | "PrivateMapKey";

/** A ticket's shape that some of Tencent's codes are about alone: none at all, or v1 (ECDSA). */
export type TicketShape = "empty" | "v1";

/** One row of {@link TENCENT_CODES}: one of Tencent's error codes, explained. */
export interface TencentCode {
  /** The number Tencent reports (a REST reply's `ErrorCode`, an SDK callback's code). */
  readonly code: number;
  /** Where the code comes from. */
  readonly origin: TencentCodeOrigin;
  /** Tencent's constant name for it, when it has one (`ERR_TRTC_USER_SIG_CHECK_FAILED`). */
  readonly name?: string;
  /** What it means, in Tencent's terms. */
  readonly meaning: string;
  /** What is most likely wrong with the ticket or the call, and what to do. */
  readonly cause: string;
  /** The `usersig` command that checks for it. */
  readonly check: string;
  /** The ticket the code is about, when it is about one. */
  readonly ticket?: TicketKind;
  /**
   * When Tencent answers with this code for one kind of that ticket alone:
   * `"empty"`, no ticket at all (which gets only such codes), or `"v1"`, a
   * v1 (ECDSA) ticket.
   */
  readonly shape?: TicketShape;
  /** Our `UserSigError` codes for which Tencent answers with this code (for `ticket`). */
  readonly errors: readonly UserSigErrorCode[];
  /** Where the row comes from: a page of Tencent's documentation. */
  readonly source: string;
}

const VERIFY = "usersig verify --sdkappid N --user U TICKET";
const VERIFY_ROOM = "usersig verify --sdkappid N --user U --room N --privileges LIST TICKET";
const INSPECT = "usersig inspect TICKET";

/** A UserSig Tencent cannot read: everything that is not a ticket document. */
const UNREADABLE: readonly UserSigErrorCode[] = ["ERR_USERSIG_MALFORMED"];
/** Every reason a UserSig fails the checks Tencent's servers make. */
const USERSIG_REFUSED: readonly UserSigErrorCode[] = [
  "ERR_USERSIG_MALFORMED",
  "ERR_USERSIG_UNSUPPORTED_VERSION",
  "ERR_USERSIG_SDKAPPID_MISMATCH",
  "ERR_USERSIG_IDENTIFIER_MISMATCH",
  "ERR_USERSIG_SIGNATURE_INVALID",
  "ERR_USERSIG_EXPIRED",
];
/** Every reason a PrivateMapKey fails TRTC's privilege check. */
const PRIVATEMAPKEY_REFUSED: readonly UserSigErrorCode[] = [
  ...USERSIG_REFUSED,
  "ERR_USERSIG_USERBUF_MISMATCH",
  "ERR_PRIVATEMAPKEY_ROOM_MISMATCH",
  "ERR_PRIVATEMAPKEY_PRIVILEGE_DENIED",
  "ERR_PRIVATEMAPKEY_RECORD_CORRUPT",
];

const IM = "https://intl.cloud.tencent.com/document/product/269/1671";
const CHAT_SDK = "https://trtc.io/document/34348";
const WEB_CHAT = "https://web.sdk.qcloud.com/im/doc/en/module-ERROR_CODE.html";
const TRTC = "https://intl.cloud.tencent.com/document/product/647/41665";
const TRTC_WEB = "https://web.sdk.qcloud.com/trtc/webrtc/doc/en/module-ErrorCode.html";

const FAILED_VALIDATION = {
  origin: "IM server / REST API",
  meaning: "UserSig failed validation",
  cause: "a field of the ticket is missing, mistyped or altered; decode it and check every field",
  check: INSPECT,
  ticket: "UserSig",
  errors: UNREADABLE,
  source: IM,
} as const;

/**
 * Tencent's error codes about tickets and UserIDs, one row a code, each with
 * its source. Covers the IM server and REST API (700xx), the Chat SDKs, and
 * TRTC's native and web SDKs.
 *
 * @example Every TRTC code in the table
 * ```ts
 * import { TENCENT_CODES } from "./tencent_codes.ts";
 *
 * const trtc = TENCENT_CODES.filter((row) => row.origin === "TRTC native");
 * console.assert(trtc.some((row) => row.name === "ERR_TRTC_USER_SIG_CHECK_FAILED"));
 * ```
 */
export const TENCENT_CODES: readonly TencentCode[] = [
  {
    code: 70001,
    origin: "IM server / REST API",
    meaning: "UserSig expired",
    cause: "TLS.time + TLS.expire is in the past (or the clock of the issuing server is behind); " +
      "issue a new ticket, valid for 24 hours or more",
    check: VERIFY,
    ticket: "UserSig",
    errors: ["ERR_USERSIG_EXPIRED"],
    source: IM,
  },
  {
    code: 70002,
    origin: "IM server / REST API",
    meaning: "UserSig is empty",
    cause: "no ticket was sent: the app passed an empty string where the UserSig goes",
    check: INSPECT,
    ticket: "UserSig",
    shape: "empty",
    errors: UNREADABLE,
    source: IM,
  },
  {
    code: 70003,
    origin: "IM server / REST API",
    meaning: "UserSig is malformed",
    cause: "the ticket is not in the ticket alphabet (base64 with * - _), or was altered on the " +
      "way, often by URL encoding of * - _ or by a cut",
    check: INSPECT,
    ticket: "UserSig",
    errors: UNREADABLE,
    source: IM,
  },
  {
    code: 70004,
    origin: "IM server / REST API",
    meaning: "UserSig is truncated",
    cause: "the ticket was cut short on the way (a column, a buffer or a URL too short); " +
      "copy it again, whole",
    check: INSPECT,
    ticket: "UserSig",
    errors: UNREADABLE,
    source: IM,
  },
  { code: 70005, ...FAILED_VALIDATION },
  { code: 70006, ...FAILED_VALIDATION },
  { code: 70007, ...FAILED_VALIDATION },
  { code: 70008, ...FAILED_VALIDATION },
  {
    code: 70009,
    origin: "IM server / REST API",
    meaning: "UserSig was signed with the wrong key",
    cause: "the ticket was signed with another application's secret key, or with a key that " +
      "was reset in the console since",
    check: VERIFY,
    ticket: "UserSig",
    errors: ["ERR_USERSIG_SIGNATURE_INVALID"],
    source: IM,
  },
  { code: 70010, ...FAILED_VALIDATION },
  {
    code: 70013,
    origin: "IM server / REST API",
    meaning: "the UserID in the request differs from the UserID in the UserSig",
    cause: "the ticket was issued for another user (TLS.identifier); for the REST API, the " +
      "identifier in the URL must be the administrator the UserSig is for",
    check: VERIFY,
    ticket: "UserSig",
    errors: ["ERR_USERSIG_IDENTIFIER_MISMATCH"],
    source: IM,
  },
  {
    code: 70014,
    origin: "IM server / REST API",
    meaning: "the SDKAppID in the request differs from the SDKAppID in the UserSig",
    cause: "the ticket was issued for another application (TLS.sdkappid)",
    check: VERIFY,
    ticket: "UserSig",
    errors: ["ERR_USERSIG_SDKAPPID_MISMATCH"],
    source: IM,
  },
  {
    code: 70016,
    origin: "IM server / REST API",
    meaning: "no key or public key was found for this application",
    cause: "a v1 (ECDSA) ticket for an application whose public key was never uploaded, or a " +
      "request sent to the wrong region; inspect shows the ticket's format",
    check: INSPECT,
    ticket: "UserSig",
    shape: "v1",
    errors: ["ERR_USERSIG_UNSUPPORTED_VERSION"],
    source: IM,
  },
  {
    code: 70020,
    origin: "IM server / REST API",
    meaning: "SDKAppID not found",
    cause: "the SDKAppID does not exist in the region the request went to; check the " +
      "ticket's SDKAppID and the region's domain",
    check: INSPECT,
    errors: [],
    source: IM,
  },
  {
    code: 70050,
    origin: "IM server / REST API",
    meaning: "too many failed attempts: the UserSig is locked for a minute",
    cause: "the same bad ticket was retried many times; find why it fails, then wait a minute",
    check: VERIFY,
    errors: [],
    source: IM,
  },
  {
    code: 70052,
    origin: "IM server / REST API",
    meaning: "the UserSig has been invalidated",
    cause: "the ticket was invalidated on Tencent's side; issue a new one",
    check: VERIFY,
    errors: [],
    source: IM,
  },
  {
    code: 70107,
    origin: "IM server / REST API",
    meaning: "the account has not been imported",
    cause: "the UserID is not an account of this application yet; import it (REST API " +
      "account_import) before using it",
    check: INSPECT,
    errors: [],
    source: IM,
  },
  {
    code: 70398,
    origin: "IM server / REST API",
    meaning: "account limit reached",
    cause: "the free edition's number of accounts is used up: the ticket is fine, the plan is not",
    check: INSPECT,
    errors: [],
    source: IM,
  },
  {
    code: 6206,
    origin: "Chat SDK",
    name: "ERR_USER_SIG_EXPIRED",
    meaning: "UserSig expired",
    cause: "TLS.time + TLS.expire is in the past; issue a new ticket and log in again",
    check: VERIFY,
    ticket: "UserSig",
    errors: ["ERR_USERSIG_EXPIRED"],
    source: CHAT_SDK,
  },
  {
    code: 7003,
    origin: "Chat SDK",
    meaning: "invalid UserID: it must be 1 to 32 bytes of printable ASCII (0x20-0x7e)",
    cause: "the UserID is empty, longer than 32 bytes, or has a character outside printable " +
      "ASCII (Chinese, an emoji, a control character); use letters, digits, _ and -",
    check: INSPECT,
    errors: [],
    source: CHAT_SDK,
  },
  {
    code: 2003,
    origin: "Web Chat SDK",
    meaning: "no userSig was given to login",
    cause: "the app called login without a ticket",
    check: INSPECT,
    ticket: "UserSig",
    shape: "empty",
    errors: UNREADABLE,
    source: WEB_CHAT,
  },
  // "incorrect", with the advice to check whether it is empty: Tencent's own
  // words for -3320 (https://trtc.io/document/73432, error handling).
  {
    code: -3320,
    origin: "TRTC native",
    name: "ERR_TRTC_INVALID_USER_SIG",
    meaning: "the room entry parameter userSig is incorrect; Tencent's advice: check whether it " +
      "is empty",
    cause: "TRTCParams.userSig is empty: no ticket was passed to enterRoom",
    check: INSPECT,
    ticket: "UserSig",
    shape: "empty",
    errors: UNREADABLE,
    source: TRTC,
  },
  {
    code: -100018,
    origin: "TRTC native",
    name: "ERR_TRTC_USER_SIG_CHECK_FAILED",
    meaning: "UserSig check failed: wrong or expired",
    cause: "the ticket was signed with another key, is for another SDKAppID or user, or has " +
      "expired",
    check: VERIFY,
    ticket: "UserSig",
    errors: USERSIG_REFUSED,
    source: TRTC,
  },
  {
    code: -100006,
    origin: "TRTC native",
    name: "ERR_TRTC_INVALID_PRIVATE_MAPKEY",
    meaning: "advanced permission control is on and the PrivateMapKey failed its check",
    cause: "the PrivateMapKey is for another room or user, lacks a privilege, has expired " +
      "(its room record expires too), was signed with another key, or its room record was " +
      "written badly (Tencent's Node and Java libraries, for a non-ASCII UserID or room)",
    check: VERIFY_ROOM,
    ticket: "PrivateMapKey",
    errors: PRIVATEMAPKEY_REFUSED,
    source: TRTC,
  },
  {
    code: -102010,
    origin: "TRTC native",
    meaning: "no permission to create the room",
    cause: "the PrivateMapKey lacks privilege bit 1 (CreateRoom), needed by the first user " +
      "to enter a room",
    check: "usersig verify --sdkappid N --user U --room N --privileges CreateRoom TICKET",
    ticket: "PrivateMapKey",
    errors: ["ERR_PRIVATEMAPKEY_PRIVILEGE_DENIED"],
    source: TRTC,
  },
  {
    code: -102011,
    origin: "TRTC native",
    meaning: "no permission to enter the room",
    cause: "the PrivateMapKey lacks privilege bit 2 (EnterRoom)",
    check: "usersig verify --sdkappid N --user U --room N --privileges EnterRoom TICKET",
    ticket: "PrivateMapKey",
    errors: ["ERR_PRIVATEMAPKEY_PRIVILEGE_DENIED"],
    source: TRTC,
  },
  {
    code: -100014,
    origin: "TRTC native",
    meaning: "the string room id has characters TRTC does not allow",
    cause: "strRoomId must be at most 64 bytes of a-z A-Z 0-9, space and " +
      "! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ ,",
    check: INSPECT,
    errors: [],
    source: TRTC,
  },
  {
    code: -10013,
    origin: "TRTC web",
    meaning: "UserSig authentication failed",
    cause: "the ticket was signed with another key, is for another SDKAppID or user, or has " +
      "expired",
    check: VERIFY,
    ticket: "UserSig",
    errors: USERSIG_REFUSED,
    source: TRTC_WEB,
  },
  {
    code: -10018,
    origin: "TRTC web",
    meaning: "advanced permission control is on and no PrivateMapKey was given",
    cause: "the app entered the room without a PrivateMapKey; issue one on your server",
    check: "usersig privatemapkey --sdkappid N --user U --room N --privileges LIST",
    errors: [],
    source: TRTC_WEB,
  },
  {
    code: -10019,
    origin: "TRTC web",
    meaning: "the PrivateMapKey is invalid",
    cause: "the PrivateMapKey is for another room or user, lacks a privilege, has expired, or " +
      "was signed with another key",
    check: VERIFY_ROOM,
    ticket: "PrivateMapKey",
    errors: PRIVATEMAPKEY_REFUSED,
    source: TRTC_WEB,
  },
];

/**
 * Finds one of Tencent's error codes in {@link TENCENT_CODES}.
 *
 * @param code The number Tencent reported, such as `70009` or `-100018`.
 * @returns Its row, or undefined for a code the table does not know.
 *
 * @example Explaining the ErrorCode of a failed REST call
 * ```ts
 * import { tencentCode } from "@usersig/usersig/rest";
 *
 * const row = tencentCode(70009);
 * console.assert(row?.meaning === "UserSig was signed with the wrong key");
 * console.assert(tencentCode(12345) === undefined);
 * ```
 */
export function tencentCode(code: number): TencentCode | undefined {
  return TENCENT_CODES.find((row) => row.code === code);
}

/**
 * The codes Tencent answers for a ticket that we reject with `error`: what
 * the IM server, the SDKs and TRTC would say about the same ticket. A
 * PrivateMapKey is checked by TRTC alone, with codes of its own. An empty
 * ticket has codes of its own too, and a v1 ticket one more.
 *
 * @param error One of our `UserSigError` codes.
 * @param ticket Which ticket was rejected; default `"UserSig"`.
 * @param shape `"empty"` when no ticket was given at all, `"v1"` for a v1
 * (ECDSA) ticket; otherwise leave it out.
 * @returns Tencent's rows for it, in table order; empty when Tencent has no
 * code for it (a ticket issued in the future, an unexpected userbuf).
 *
 * @example A forged UserSig, an expired PrivateMapKey, no UserSig at all
 * ```ts
 * import { tencentCodesFor } from "./tencent_codes.ts";
 *
 * const forged = tencentCodesFor("ERR_USERSIG_SIGNATURE_INVALID").map((row) => row.code);
 * console.assert(forged.includes(70009) && forged.includes(-100018));
 * const late = tencentCodesFor("ERR_USERSIG_EXPIRED", "PrivateMapKey").map((row) => row.code);
 * console.assert(late.includes(-100006) && !late.includes(70001));
 * const none = tencentCodesFor("ERR_USERSIG_MALFORMED", "UserSig", "empty").map((row) => row.code);
 * console.assert(none.join() === "70002,2003,-3320");
 * ```
 */
export function tencentCodesFor(
  error: UserSigErrorCode,
  ticket: TicketKind = "UserSig",
  shape?: TicketShape,
): TencentCode[] {
  return TENCENT_CODES.filter((row) =>
    row.ticket === ticket && row.errors.includes(error) &&
    (row.shape === shape || (row.shape === undefined && shape !== "empty"))
  );
}
