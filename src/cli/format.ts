// This module is browser compatible.
// How the CLI and the browser page put tickets into words: durations, times,
// validity, the fields `inspect` shows, and one-line reasons for rejections.

import { type DecodedUserSig, privilegeNames, type UserSigErrorCode } from "../../mod.ts";
import {
  type TencentCode,
  tencentCodesFor,
  type TicketKind,
  type TicketShape,
} from "../tencent_codes.ts";
import { isRecommendedUserId, isTencentUserId, isTrtcRoomStr } from "../validate.ts";
import { diagnosePrivateMap, type RecordDiagnosis } from "../private_map.ts";

/** Seconds `TLS.time` may lie in the future before a ticket is refused (the core's default). */
export const CLOCK_SKEW = 300;

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ["year", 365 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/**
 * Puts a number of seconds into words, largest unit first, rounded down to
 * `parts` consecutive units (year, day, hour, minute, second; a year is 365
 * days), leaving out units that are zero.
 *
 * @param seconds A duration in seconds; its sign is ignored and fractions
 * are dropped.
 * @param parts How many consecutive units, from the largest non-zero one;
 * default 2.
 * @returns For example `"3 days"`, `"5 hours 20 minutes"` or `"0 seconds"`.
 *
 * @example One unit for a summary, all of them for a countdown
 * ```ts
 * import { formatDuration } from "./format.ts";
 *
 * console.assert(formatDuration(3 * 86400 + 3600, 1) === "3 days");
 * console.assert(formatDuration(5 * 3600 + 29, 2) === "5 hours");
 * console.assert(formatDuration(90061, 4) === "1 day 1 hour 1 minute 1 second");
 * ```
 */
export function formatDuration(seconds: number, parts = 2): string {
  let rest = Math.floor(Math.abs(seconds));
  const words: string[] = [];
  let shown = 0; // units looked at since the first non-zero one
  for (const [unit, size] of UNITS) {
    if (shown >= parts) break;
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) words.push(`${count} ${unit}${count === 1 ? "" : "s"}`);
    if (words.length > 0) shown++;
  }
  return words.length === 0 ? "0 seconds" : words.join(" ");
}

/**
 * Reads a validity period: whole seconds, or a whole number with a unit
 * suffix `s`, `m`, `h` or `d`.
 *
 * @param text The value of an `--expire` option, such as `"86400"` or `"7d"`.
 * @returns The period in seconds.
 * @throws {RangeError} When the text is not such a period or is zero.
 *
 * @example A week
 * ```ts
 * import { parseDuration } from "./format.ts";
 *
 * console.assert(parseDuration("7d") === 604800);
 * console.assert(parseDuration("300") === 300);
 * ```
 */
export function parseDuration(text: string): number {
  const match = /^(\d{1,10})([smhd]?)$/.exec(text.trim());
  const scale = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[match?.[2] ?? ""];
  const seconds = match ? Number(match[1]) * (scale ?? 1) : NaN;
  if (!(seconds >= 1 && seconds <= 4294967295)) {
    throw new RangeError(
      "a validity period is a whole number of seconds from 1, or a number with s, m, h or d (7d)",
    );
  }
  return seconds;
}

/**
 * Formats unix seconds as an ISO 8601 UTC time without milliseconds.
 *
 * @param unix Unix seconds.
 * @returns For example `"2023-11-14T22:13:20Z"`.
 *
 * @example The vectors' issue time
 * ```ts
 * import { formatTime } from "./format.ts";
 *
 * console.assert(formatTime(1_700_000_000) === "2023-11-14T22:13:20Z");
 * ```
 */
export function formatTime(unix: number): string {
  return new Date(unix * 1000).toISOString().replace(".000Z", "Z");
}

/** Where a ticket stands in time, by its own fields (its signature unchecked). */
export interface Validity {
  /** `valid` until `expiresAt`, `expired` after it, `not-yet-valid` when issued in the future. */
  state: "valid" | "expired" | "not-yet-valid";
  /** Seconds until the ticket expires; negative once expired. */
  secondsLeft: number;
  /** The state in words: `"valid for 5 hours"`, `"expired 3 days ago"`. */
  text: string;
}

/**
 * Says whether a ticket is within its validity at `now`, as a server would
 * judge by time alone: expired when `now > time + expire`, not yet valid
 * when `time` is more than {@link CLOCK_SKEW} seconds ahead of `now`.
 *
 * @param ticket The ticket's `time` and `expire` (as in a decoded ticket).
 * @param now The clock, unix seconds.
 * @param parts How many units the durations show (see {@link formatDuration}).
 * @returns The state, the seconds left, and the state in words.
 *
 * @example Three days after expiry
 * ```ts
 * import { describeValidity } from "./format.ts";
 *
 * const v = describeValidity({ time: 1_700_000_000, expire: 86400 }, 1_700_000_000 + 4 * 86400, 1);
 * console.assert(v.state === "expired" && v.text === "expired 3 days ago");
 * ```
 */
export function describeValidity(
  ticket: { time: number; expire: number },
  now: number,
  parts = 2,
): Validity {
  const expiresAt = ticket.time + ticket.expire;
  const secondsLeft = expiresAt - now;
  if (secondsLeft < 0) {
    return {
      state: "expired",
      secondsLeft,
      text: `expired ${formatDuration(-secondsLeft, parts)} ago`,
    };
  }
  if (ticket.time > now + CLOCK_SKEW) {
    return {
      state: "not-yet-valid",
      secondsLeft,
      text: `not yet valid: issued ${
        formatDuration(ticket.time - now, parts)
      } in the future (the issuer's clock is ahead)`,
    };
  }
  return { state: "valid", secondsLeft, text: `valid for ${formatDuration(secondsLeft, parts)}` };
}

/**
 * What never reaches a terminal or a page raw: controls (C0 with line breaks
 * and tabs, DEL, C1), format characters (bidirectional marks and overrides,
 * zero-width spaces and joiners, word joiners and invisible operators, the
 * byte order mark, the soft hyphen, tag characters), and line and paragraph
 * separators.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Makes text from a ticket safe to show in a terminal or a page: control
 * characters, invisible format characters (bidirectional marks and
 * overrides, zero-width and tag characters, the byte order mark, the soft
 * hyphen), and line and paragraph separators become `\uXXXX` escapes, two
 * for a character beyond U+FFFF. So a crafted field cannot move the cursor,
 * write the clipboard, add a line, reorder one, or pass for other text. The
 * escapes are those of JSON, so escaped JSON stays JSON.
 *
 * @param text Untrusted text.
 * @returns The text with those characters escaped, on one line.
 *
 * @example An escape sequence and a zero-width space in a user id
 * ```ts
 * import { printable } from "./format.ts";
 *
 * console.assert(printable("a\u001b[2Jb") === "a\\u001b[2Jb");
 * console.assert(printable("al\u200bice") === "al\\u200bice");
 * ```
 */
export function printable(text: string): string {
  // split("") gives UTF-16 units: a tag character becomes its two escapes, as in JSON.
  return text.replace(
    UNPRINTABLE,
    (c) => c.split("").map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
  );
}

/**
 * Makes a whole output safe for a terminal: every line {@link printable},
 * the line breaks kept. Everything the CLI writes goes through it, messages
 * of every kind and JSON alike.
 *
 * @param text What is to be written, lines separated by `\n`.
 * @returns The same lines, escaped.
 *
 * @example A hostile message between two good lines
 * ```ts
 * import { forTerminal } from "./format.ts";
 *
 * console.assert(forTerminal("ok\nbad \u009b2J\n") === "ok\nbad \\u009b2J\n");
 * ```
 */
export function forTerminal(text: string): string {
  return text.split("\n").map(printable).join("\n");
}

/** One line of what `inspect` shows: a label and its value in words. */
export interface Field {
  /** A short label, such as `"expires at"`. */
  label: string;
  /** The value, already made {@link printable}. */
  value: string;
}

/**
 * The PrivateMapKey record of a decoded ticket: the well-formed one
 * `decodeUserSig` found, or one that a library wrote badly for this user
 * (such as Tencent's Node and Java libraries write non-ASCII text), with
 * what is wrong with it.
 *
 * @param decoded A ticket read by `decodeUserSig`.
 * @returns The record and its defect, or undefined when the ticket is no
 * PrivateMapKey.
 *
 * @example A well-formed record
 * ```ts
 * import { decodeUserSig, TLSSigAPIv2 } from "../../mod.ts";
 * import { roomRecordOf } from "./format.ts";
 *
 * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
 * const ticket = await api.genPrivateMapKey("alice", 300, 10000, 255);
 * const record = roomRecordOf(decodeUserSig(ticket));
 * console.assert(record?.map.roomId === 10000 && record.defect === undefined);
 * ```
 */
export function roomRecordOf(decoded: DecodedUserSig): RecordDiagnosis | undefined {
  if (decoded.privateMap !== undefined) return { map: decoded.privateMap };
  if (decoded.format !== "v2" || decoded.userBuf === undefined) return undefined;
  return diagnosePrivateMap(decoded.userBuf, decoded.userId);
}

function kindOf(decoded: DecodedUserSig): string {
  if (decoded.format === "v1") return "UserSig, format v1 (ECDSA-SHA256, legacy)";
  const record = roomRecordOf(decoded);
  const kind = record ? "PrivateMapKey" : "UserSig";
  const corrupt = record?.defect === undefined ? "" : ", its room record corrupt";
  return `${kind}, format v2 (HMAC-SHA256)${corrupt}`;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Lists what a decoded ticket says, in the order `inspect` prints it: kind,
 * version, application, user, times, validity, userbuf, and for a
 * PrivateMapKey the room, the privileges by name and the room's expiry.
 *
 * @param decoded A ticket read by `decodeUserSig`.
 * @param now The clock, unix seconds, for the validity line.
 * @param parts How many units durations show; more for a live countdown.
 * @returns The fields, values made {@link printable}.
 *
 * @example Inspecting a fresh ticket
 * ```ts
 * import { decodeUserSig, TLSSigAPIv2 } from "../../mod.ts";
 * import { inspectFields } from "./format.ts";
 *
 * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
 * const ticket = await api.genUserSig("alice", 5 * 3600, { now: 1_700_000_000 });
 * const fields = inspectFields(decodeUserSig(ticket), 1_700_000_000);
 * console.assert(fields.some((f) => f.label === "status" && f.value === "valid for 5 hours"));
 * ```
 */
export function inspectFields(decoded: DecodedUserSig, now: number, parts = 2): Field[] {
  const fields: Field[] = [
    { label: "ticket", value: kindOf(decoded) },
    { label: "version", value: printable(decoded.version || "(none)") },
    { label: "SDKAppID", value: String(decoded.sdkAppId) },
    { label: "user", value: printable(decoded.userId) },
    { label: "issued at", value: formatTime(decoded.time) },
    { label: "expires at", value: formatTime(decoded.expiresAt) },
    { label: "validity", value: `${decoded.expire} s (${formatDuration(decoded.expire, 2)})` },
    { label: "status", value: describeValidity(decoded, now, parts).text },
  ];
  if (decoded.accountType !== undefined) {
    fields.push({ label: "account type", value: printable(decoded.accountType) });
  }
  if (decoded.appIdAt3rd !== undefined) {
    fields.push({ label: "appid_at_3rd", value: printable(decoded.appIdAt3rd) });
  }
  const buf = decoded.userBuf;
  const record = roomRecordOf(decoded);
  const map = record?.map;
  if (buf === undefined) {
    fields.push({ label: "userbuf", value: "none" });
  } else if (map !== undefined) {
    const defect = record?.defect;
    fields.push({
      label: "userbuf",
      value: `${buf.length} bytes: a PrivateMapKey room record` +
        (defect === undefined ? "" : `, corrupt: ${defect}`),
    });
    fields.push({
      label: "room",
      value: map.roomStr === undefined
        ? `${map.roomId} (numeric)`
        : `"${printable(map.roomStr)}" (string)`,
    });
    const names = privilegeNames(map.privilegeMap);
    fields.push({
      label: "privileges",
      value: `${map.privilegeMap}: ${names.length === 0 ? "none" : names.join(", ")}`,
    });
    fields.push({
      label: "room expires",
      value: `${formatTime(map.expiresAt)} (${
        describeValidity({ time: decoded.time, expire: map.expiresAt - decoded.time }, now, parts)
          .text
      })`,
    });
    if (map.sdkAppId !== decoded.sdkAppId) {
      fields.push({ label: "room app", value: `${map.sdkAppId} (differs from the ticket's)` });
    }
  } else {
    const shown = buf.length <= 32 ? `: ${hex(buf)} (hex)` : "";
    fields.push({ label: "userbuf", value: `${buf.length} bytes${shown}` });
  }
  for (const warning of ticketWarnings(decoded)) fields.push({ label: "warning", value: warning });
  fields.push({
    label: "signature",
    value: "not checked (inspect has no key; verify checks it)",
  });
  return fields;
}

/**
 * What is wrong with a ticket that its signature and times do not show: a
 * UserID outside printable ASCII, which Tencent's SDKs refuse (7003), or
 * outside the recommended `[A-Za-z0-9_-]`; a string room outside TRTC's
 * character set (-100014). Warnings only: such tickets verify.
 *
 * @param decoded A ticket read by `decodeUserSig`.
 * @returns One sentence a problem, none for a ticket without any.
 *
 * @example A UserID with a dot
 * ```ts
 * import { decodeUserSig, TLSSigAPIv2 } from "../../mod.ts";
 * import { ticketWarnings } from "./format.ts";
 *
 * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
 * const ticket = await api.genUserSig("alice.smith", 600);
 * console.assert(ticketWarnings(decodeUserSig(ticket))[0].includes("[A-Za-z0-9_-]"));
 * ```
 */
export function ticketWarnings(decoded: DecodedUserSig): string[] {
  const warnings: string[] = [];
  if (!isTencentUserId(decoded.userId)) {
    warnings.push(
      "the UserID is not 1 to 32 printable ASCII characters: Tencent's SDKs refuse it with " +
        "error 7003, so this ticket can never log in",
    );
  } else if (!isRecommendedUserId(decoded.userId)) {
    warnings.push(
      "the UserID has characters outside [A-Za-z0-9_-]: Chat accepts it, but Tencent's " +
        "documentation recommends only letters, digits, _ and -, and TRTC documents no more",
    );
  }
  const record = roomRecordOf(decoded);
  const room = record?.map.roomStr;
  if (room !== undefined && record?.defect === undefined && !isTrtcRoomStr(room)) {
    warnings.push(
      "the string room is not 1 to 64 of TRTC's 89 characters: TRTC refuses it with error -100014",
    );
  }
  return warnings;
}

/**
 * Lays out fields as aligned `label  value` lines for a terminal.
 *
 * @param fields The fields, as from {@link inspectFields}.
 * @returns One line a field, each ending in a newline.
 *
 * @example Two fields
 * ```ts
 * import { formatFields } from "./format.ts";
 *
 * const text = formatFields([{ label: "user", value: "alice" }, { label: "SDKAppID", value: "1" }]);
 * console.assert(text === "user      alice\nSDKAppID  1\n");
 * ```
 */
export function formatFields(fields: readonly Field[]): string {
  const width = Math.max(...fields.map((f) => f.label.length)) + 2;
  return fields.map((f) => `${f.label.padEnd(width)}${f.value}\n`).join("");
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * What `inspect --json` prints: the decoded fields with the validity, the
 * userbuf in base64, the room record with privilege names, and the raw
 * document.
 *
 * @param decoded A ticket read by `decodeUserSig`.
 * @param now The clock, unix seconds.
 * @returns A plain object for `JSON.stringify`.
 *
 * @example The room of a PrivateMapKey
 * ```ts
 * import { decodeUserSig, TLSSigAPIv2 } from "../../mod.ts";
 * import { inspectJson } from "./format.ts";
 *
 * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
 * const ticket = await api.genPrivateMapKey("alice", 300, 10000, 255);
 * const json = inspectJson(decodeUserSig(ticket), Date.now() / 1000) as any;
 * console.assert(json.kind === "PrivateMapKey" && json.privateMap.roomId === 10000);
 * ```
 */
export function inspectJson(decoded: DecodedUserSig, now: number): Record<string, unknown> {
  const validity = describeValidity(decoded, now);
  const record = roomRecordOf(decoded);
  const map = record?.map;
  return {
    kind: map ? "PrivateMapKey" : "UserSig",
    format: decoded.format,
    version: decoded.version,
    sdkAppId: decoded.sdkAppId,
    userId: decoded.userId,
    time: decoded.time,
    expire: decoded.expire,
    expiresAt: decoded.expiresAt,
    state: validity.state,
    secondsLeft: Math.floor(validity.secondsLeft),
    accountType: decoded.accountType,
    appIdAt3rd: decoded.appIdAt3rd,
    userBufBase64: decoded.userBuf && base64(decoded.userBuf),
    privateMap: map && { ...map, privileges: privilegeNames(map.privilegeMap) },
    privateMapDefect: record?.defect,
    warnings: ticketWarnings(decoded),
    signature: decoded.signature,
    document: decoded.document,
  };
}

const REASONS: Record<UserSigErrorCode, string> = {
  ERR_USERSIG_MALFORMED:
    "this is not a ticket, or it was cut short or altered on the way; copy it again, whole",
  ERR_USERSIG_UNSUPPORTED_VERSION:
    "a ticket of another format: a v1 (ECDSA) ticket, checked with the app's public key rather " +
    'than a v2 secret key, or one whose TLS.ver is not "2.0"',
  ERR_USERSIG_SDKAPPID_MISMATCH: "the ticket was issued for another application",
  ERR_USERSIG_IDENTIFIER_MISMATCH: "the ticket was issued for another user",
  ERR_USERSIG_SIGNATURE_INVALID:
    "the ticket was not signed with this key (another app's key, a key reset in the console, or an altered ticket)",
  ERR_USERSIG_EXPIRED: "the ticket has expired; issue a new one",
  ERR_USERSIG_NOT_YET_VALID:
    "the ticket is dated in the future; the issuing server's clock is ahead",
  ERR_USERSIG_USERBUF_MISMATCH: "the ticket's userbuf is not the one expected",
  ERR_PRIVATEMAPKEY_ROOM_MISMATCH: "the PrivateMapKey is for another room",
  ERR_PRIVATEMAPKEY_PRIVILEGE_DENIED: "the PrivateMapKey does not grant every required privilege",
  ERR_PRIVATEMAPKEY_RECORD_CORRUPT:
    "the PrivateMapKey is authentic (its signature is valid), but the library that issued it " +
    "wrote its room record badly; issue it again with a library that writes it in UTF-8",
};

/** Why a v1 ticket is refused: no v2 secret key checks it. */
const V1_REASON = "this is a v1 (ECDSA) ticket: it is checked with the app's public key " +
  "(TLSSigAPI from the legacy entry point), not with a v2 secret key";

/** Why a ticket of an unknown version is refused. */
const UNKNOWN_VERSION_REASON = 'the ticket\'s version (TLS.ver) is not "2.0", the version of ' +
  "every v2 ticket: it was altered, or not written by a ticket library";

/**
 * What one of the `UserSigError` codes means, for any ticket: what
 * `usersig explain ERR_…` prints. {@link explain} says why one ticket was
 * refused.
 *
 * @param code The code.
 * @returns The meaning in words, one line.
 *
 * @example Another format
 * ```ts
 * import { errorMeaning } from "./format.ts";
 *
 * console.assert(errorMeaning("ERR_USERSIG_UNSUPPORTED_VERSION").includes("v1 (ECDSA)"));
 * ```
 */
export function errorMeaning(code: UserSigErrorCode): string {
  return REASONS[code];
}

/**
 * Whether `text` is one of the `UserSigError` codes.
 *
 * @param text Any text, such as a command-line argument.
 * @returns True for `"ERR_USERSIG_EXPIRED"` and the other codes.
 *
 * @example Telling our codes from others
 * ```ts
 * import { isUserSigErrorCode } from "./format.ts";
 *
 * console.assert(isUserSigErrorCode("ERR_USERSIG_EXPIRED") && !isUserSigErrorCode("ERR_NOPE"));
 * ```
 */
export function isUserSigErrorCode(text: string): text is UserSigErrorCode {
  return Object.hasOwn(REASONS, text);
}

/**
 * Every `UserSigError` code, in the order of the documentation.
 *
 * @example Every code has a reason
 * ```ts
 * import { explain, USERSIG_ERROR_CODES } from "./format.ts";
 *
 * console.assert(USERSIG_ERROR_CODES.every((code) => explain(code, undefined, {}, 0).length > 0));
 * ```
 */
export const USERSIG_ERROR_CODES: readonly UserSigErrorCode[] = Object.keys(
  REASONS,
) as UserSigErrorCode[];

/** What a ticket was checked against, to name the difference in {@link explain}. */
export interface Expected {
  /** The application it had to be for. */
  sdkAppId?: number;
  /** The user it had to be for. */
  userId?: string;
}

/**
 * One line saying why a ticket was rejected, in words a person can act on;
 * precise when the ticket could be decoded (which app, which user, how long
 * ago it expired), and about its version either way (a v1 ticket, or an
 * unknown `TLS.ver`). Never contains the ticket or a key.
 *
 * @param code The rejection's code.
 * @param decoded The ticket as decoded without a key; undefined when it
 * could not be decoded.
 * @param expected What it was checked against.
 * @param now The clock, unix seconds.
 * @returns The explanation, without the code.
 *
 * @example An expired ticket
 * ```ts
 * import { decodeUserSig, TLSSigAPIv2 } from "../../mod.ts";
 * import { explain } from "./format.ts";
 *
 * const api = new TLSSigAPIv2(1400000000, "demo-secret-key");
 * const ticket = await api.genUserSig("alice", 60, { now: 1_700_000_000 });
 * const line = explain("ERR_USERSIG_EXPIRED", decodeUserSig(ticket), {}, 1_700_000_000 + 3 * 86400);
 * console.assert(line.startsWith("the ticket expired 2 days 23 hours ago"));
 * ```
 */
export function explain(
  code: UserSigErrorCode,
  decoded: DecodedUserSig | undefined,
  expected: Expected,
  now: number,
): string {
  if (code === "ERR_USERSIG_UNSUPPORTED_VERSION") {
    // decodeUserSig reads a v1 ticket, and refuses a v2 one of another TLS.ver.
    return decoded?.format === "v1" ? V1_REASON : UNKNOWN_VERSION_REASON;
  }
  if (decoded !== undefined) {
    if (code === "ERR_USERSIG_EXPIRED") {
      const expiresAt = Math.min(decoded.expiresAt, decoded.privateMap?.expiresAt ?? Infinity);
      const ago = formatDuration(now - expiresAt);
      return `the ticket expired ${ago} ago, at ${formatTime(expiresAt)}; issue a new one`;
    }
    if (
      code === "ERR_USERSIG_SDKAPPID_MISMATCH" && expected.sdkAppId !== undefined &&
      expected.sdkAppId !== decoded.sdkAppId
    ) {
      return `the ticket is for SDKAppID ${decoded.sdkAppId}, not ${expected.sdkAppId}`;
    }
    if (
      code === "ERR_USERSIG_IDENTIFIER_MISMATCH" && expected.userId !== undefined &&
      expected.userId !== decoded.userId
    ) {
      return `the ticket is for user "${printable(decoded.userId)}", not "${
        printable(expected.userId)
      }"`;
    }
    const defect = roomRecordOf(decoded)?.defect;
    if (code === "ERR_PRIVATEMAPKEY_RECORD_CORRUPT" && defect !== undefined) {
      return `the PrivateMapKey is authentic (its signature is valid), but its room record is ` +
        `corrupt: ${defect}; TRTC cannot use it`;
    }
    if (code === "ERR_USERSIG_NOT_YET_VALID") {
      return `the ticket is issued ${
        formatDuration(decoded.time - now)
      } in the future; the issuing server's clock is ahead`;
    }
  }
  return REASONS[code];
}

/**
 * Names the codes Tencent answers for a ticket we reject with `code`,
 * grouped by where they come from: `"70009 (IM server / REST API), -100018
 * (TRTC native)"`.
 *
 * @param code The rejection's code.
 * @param ticket Which kind of ticket was rejected.
 * @param shape `"empty"` when no ticket was given, `"v1"` for a v1 ticket
 * (see `tencentCodesFor`).
 * @returns The codes in words, or `""` when Tencent has none for it.
 *
 * @example An expired PrivateMapKey
 * ```ts
 * import { tencentCodesText } from "./format.ts";
 *
 * const text = tencentCodesText("ERR_USERSIG_EXPIRED", "PrivateMapKey");
 * console.assert(text === "-100006 (TRTC native), -10019 (TRTC web)");
 * ```
 */
export function tencentCodesText(
  code: UserSigErrorCode,
  ticket: TicketKind,
  shape?: TicketShape,
): string {
  const groups = new Map<string, number[]>();
  for (const row of tencentCodesFor(code, ticket, shape)) {
    groups.set(row.origin, [...groups.get(row.origin) ?? [], row.code]);
  }
  return [...groups].map(([origin, codes]) => `${codes.join(", ")} (${origin})`).join(", ");
}

/**
 * The lines `usersig explain` prints for one of Tencent's codes: where it
 * comes from, its name, meaning, likely cause, the command that checks it,
 * our codes it answers, and the source.
 *
 * @param row A row of the code table.
 * @returns The fields, in order.
 *
 * @example Tencent's code for a forged UserSig
 * ```ts
 * import { tencentCodeFields } from "./format.ts";
 * import { tencentCode } from "../tencent_codes.ts";
 *
 * const fields = tencentCodeFields(tencentCode(70009)!);
 * console.assert(fields.find((f) => f.label === "our codes")?.value === "ERR_USERSIG_SIGNATURE_INVALID");
 * ```
 */
export function tencentCodeFields(row: TencentCode): Field[] {
  const fields: Field[] = [{ label: "code", value: `${row.code} (${row.origin})` }];
  if (row.name !== undefined) fields.push({ label: "name", value: row.name });
  fields.push(
    { label: "meaning", value: row.meaning },
    { label: "likely cause", value: row.cause },
    { label: "check with", value: row.check },
  );
  if (row.errors.length > 0) fields.push({ label: "our codes", value: row.errors.join(", ") });
  fields.push({ label: "source", value: row.source });
  return fields;
}
