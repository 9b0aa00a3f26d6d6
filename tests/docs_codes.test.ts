// The error table of docs/api.md against the code: every UserSigError code
// is there, with exactly the codes Tencent answers for it, those for an
// empty or a v1 ticket alone said to be so.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { isUserSigErrorCode } from "../src/cli/format.ts";
import { tencentCodesFor } from "../src/tencent_codes.ts";
import { assert, assertEquals } from "./assert.ts";
import { SERVER_RUNTIMES, test } from "./harness.ts";

test("docs/api.md lists every error code with the codes Tencent answers for it", () => {
  const text = readFileSync(join(process.cwd(), "docs", "api.md"), "utf8");
  const rows = text.split("\n").filter((line) => /^\| `ERR_/.test(line));
  assertEquals(rows.length, 11, "one row a code");
  for (const row of rows) {
    const [, code, , tencent] = row.split("|").map((cell) => cell.trim());
    const ours = code.replace(/`/g, "");
    assert(isUserSigErrorCode(ours), ours);
    const rows = (["UserSig", "PrivateMapKey"] as const).flatMap((ticket) =>
      ([undefined, "empty", "v1"] as const).flatMap((shape) => tencentCodesFor(ours, ticket, shape))
    );
    const expected = rows.map((r) => r.code);
    // A code for an empty or a v1 ticket alone is listed after those words.
    for (const row of rows.filter((r) => r.shape !== undefined)) {
      const at = tencent.search(new RegExp(`(?<![\\d-])${row.code}(?!\\d)`));
      assert(
        at > tencent.indexOf(row.shape!) && tencent.includes(row.shape!),
        `${ours}: ${row.code}`,
      );
    }
    // "70002–70008" is a range of the table's codes.
    const listed = tencent.replace(/(-?\d+)–(-?\d+)/g, (_, a, b) =>
      expected.filter((n) =>
        n >= Number(a) && n <= Number(b)
      ).join(", ")).match(/-?\d{4,}/g) ?? [];
    const sorted = (codes: number[]) =>
      [...new Set(codes)].sort((a, b) => a - b);
    assertEquals(sorted(listed.map(Number)), sorted(expected), ours);
  }
}, { runtimes: SERVER_RUNTIMES, why: "reads docs/api.md" });
