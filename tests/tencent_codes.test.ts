// The table of Tencent's error codes: every code of the platform facts is
// there with its source, and the lookups both ways.
import type { UserSigErrorCode } from "../mod.ts";
import { TENCENT_CODES, tencentCode, tencentCodesFor } from "../src/tencent_codes.ts";
import { USERSIG_ERROR_CODES } from "../src/cli/format.ts";
import { assert, assertEquals } from "./assert.ts";
import { test } from "./harness.ts";

/** Every code of /work/shared/spec/tencent-platform-facts.md's table. */
const FACTS = [
  70001,
  70002,
  70003,
  70004,
  70005,
  70006,
  70007,
  70008,
  70009,
  70010,
  70013,
  70014,
  70016,
  70020,
  70050,
  70052,
  70107,
  70398,
  6206,
  7003,
  2003,
  -3320,
  -100018,
  -100006,
  -102010,
  -102011,
  -100014,
  -10013,
  -10018,
  -10019,
];

const codes = (
  error: UserSigErrorCode,
  ticket?: "UserSig" | "PrivateMapKey",
  shape?: "empty" | "v1",
) => tencentCodesFor(error, ticket, shape).map((row) => row.code);

test("TENCENT_CODES has a row for every code of the platform facts, each once", () => {
  for (const code of FACTS) assert(tencentCode(code) !== undefined, `no row for ${code}`);
  const seen = TENCENT_CODES.map((row) => row.code);
  assertEquals(new Set(seen).size, seen.length, "a code listed twice");
});

test("every row of TENCENT_CODES says what, why, how to check, and where it comes from", () => {
  const origins = ["IM server / REST API", "Chat SDK", "Web Chat SDK", "TRTC native", "TRTC web"];
  for (const row of TENCENT_CODES) {
    const at = `row ${row.code}`;
    assert(Number.isInteger(row.code) && row.code !== 0, at);
    assert(origins.includes(row.origin), `${at}: origin ${row.origin}`);
    assert(/^https:\/\/[a-z0-9.-]+\.[a-z]{2,}\/\S+$/.test(row.source), `${at}: source`);
    assert(row.meaning.length > 5 && row.cause.length > 10, `${at}: meaning and cause`);
    assert(/^usersig (inspect|verify|gen|privatemapkey) /.test(row.check), `${at}: check`);
    assert(row.name === undefined || /^ERR_[A-Z_]+$/.test(row.name), `${at}: name`);
    // A row that stands for some of our errors says which ticket it is about.
    assert(row.errors.length === 0 || row.ticket !== undefined, `${at}: ticket`);
    assert(/^[\x20-\x7e]+$/.test(row.meaning + row.cause + row.check), `${at}: ASCII text`);
  }
  assertEquals(tencentCode(-100018)?.name, "ERR_TRTC_USER_SIG_CHECK_FAILED");
  assertEquals(tencentCode(-100006)?.name, "ERR_TRTC_INVALID_PRIVATE_MAPKEY");
  assertEquals(tencentCode(-3320)?.name, "ERR_TRTC_INVALID_USER_SIG");
  assertEquals(tencentCode(6206)?.name, "ERR_USER_SIG_EXPIRED");
});

test("tencentCode() finds a row by number, and nothing for any other value", () => {
  assertEquals(tencentCode(70009)?.origin, "IM server / REST API");
  assertEquals(tencentCode(-10019)?.origin, "TRTC web");
  assertEquals(tencentCode(7003)?.errors, []);
  for (const other of [0, 1, 70000, 70009.5, -70009, NaN, Infinity]) {
    assertEquals(tencentCode(other), undefined, String(other));
  }
});

test("tencentCodesFor() tells a rejected UserSig from a rejected PrivateMapKey", () => {
  assertEquals(codes("ERR_USERSIG_SIGNATURE_INVALID"), [70009, -100018, -10013]);
  assertEquals(codes("ERR_USERSIG_SIGNATURE_INVALID", "PrivateMapKey"), [-100006, -10019]);
  assertEquals(codes("ERR_USERSIG_EXPIRED"), [70001, 6206, -100018, -10013]);
  assertEquals(codes("ERR_USERSIG_EXPIRED", "PrivateMapKey"), [-100006, -10019]);
  assertEquals(codes("ERR_USERSIG_IDENTIFIER_MISMATCH"), [70013, -100018, -10013]);
  assertEquals(codes("ERR_USERSIG_SDKAPPID_MISMATCH"), [70014, -100018, -10013]);
  assertEquals(codes("ERR_USERSIG_UNSUPPORTED_VERSION"), [-100018, -10013]);
  assertEquals(codes("ERR_USERSIG_UNSUPPORTED_VERSION", "UserSig", "v1"), [70016, -100018, -10013]);
  assertEquals(codes("ERR_PRIVATEMAPKEY_PRIVILEGE_DENIED", "PrivateMapKey"), [
    -100006,
    -102010,
    -102011,
    -10019,
  ]);
  assertEquals(codes("ERR_PRIVATEMAPKEY_ROOM_MISMATCH", "PrivateMapKey"), [-100006, -10019]);
  assertEquals(codes("ERR_PRIVATEMAPKEY_ROOM_MISMATCH"), [], "no UserSig is for a room");
  assertEquals(codes("ERR_PRIVATEMAPKEY_RECORD_CORRUPT", "PrivateMapKey"), [-100006, -10019]);
  assert(codes("ERR_USERSIG_MALFORMED").includes(70003));
});

test("tencentCodesFor() keeps the empty-ticket codes to an empty ticket, 70016 to a v1 ticket", () => {
  const malformed = [70003, 70004, 70005, 70006, 70007, 70008, 70010, -100018, -10013];
  assertEquals(codes("ERR_USERSIG_MALFORMED"), malformed);
  assertEquals(codes("ERR_USERSIG_MALFORMED", "UserSig", "v1"), malformed);
  assertEquals(codes("ERR_USERSIG_MALFORMED", "UserSig", "empty"), [70002, 2003, -3320]);
  assertEquals(codes("ERR_USERSIG_MALFORMED", "PrivateMapKey", "empty"), []);
  assertEquals(codes("ERR_USERSIG_EXPIRED", "UserSig", "empty"), []);
  for (const code of [70002, 2003, -3320]) assertEquals(tencentCode(code)?.shape, "empty");
  assertEquals(tencentCode(70016)?.shape, "v1");
  assertEquals(TENCENT_CODES.filter((row) => row.shape !== undefined).length, 4);
});

test("TENCENT_CODES says nothing about 70052 and -3320 that Tencent does not", () => {
  // The platform facts: 70052 "UserSig invalidated; issue a new one"; -3320 an
  // empty UserSig, which Tencent's SDK documentation calls "incorrect".
  assert(!/logout/i.test(JSON.stringify(tencentCode(70052))), "70052");
  assert(!/invalid\b/i.test(tencentCode(-3320)!.meaning), tencentCode(-3320)!.meaning);
  assert(tencentCode(-3320)!.cause.includes("empty"), tencentCode(-3320)!.cause);
});

test("tencentCodesFor() has an answer for every error but a ticket from the future", () => {
  assertEquals(USERSIG_ERROR_CODES.length, 11);
  for (const error of USERSIG_ERROR_CODES) {
    const found = codes(error).length + codes(error, "PrivateMapKey").length;
    if (error === "ERR_USERSIG_NOT_YET_VALID") assertEquals(found, 0, error);
    else assert(found > 0, `no Tencent code for ${error}`);
  }
});
