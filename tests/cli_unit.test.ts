// The CLI's runtime-neutral parts: argument parsing, durations, the inspect
// fields, the no-echo line reader, and whole commands through a fake I/O.
import { decodeUserSig, TLSSigAPIv2 } from "../mod.ts";
import { parseArgs, UsageError } from "../src/cli/args.ts";
import {
  describeValidity,
  explain,
  formatDuration,
  formatFields,
  formatTime,
  forTerminal,
  inspectFields,
  inspectJson,
  parseDuration,
  printable,
} from "../src/cli/format.ts";
import { collectSecret, decodeKeyFile, readSecretKey } from "../src/cli/key.ts";
import { type CliIo, runCli } from "../src/cli/main.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { test } from "./harness.ts";
import { rawRecord, signTicket, ticketWithJson, V2_VECTORS } from "./tickets.ts";
import { TENCENT_CODES } from "../src/tencent_codes.ts";
import v1 from "./vectors/legacy-v1.json" with { type: "json" };

const KEY = "unit-test-secret-key-0123456789";
const pmk = V2_VECTORS.find((v) => v.name === "privatemapkey-numeric-room-official-node")!;
const strRoom = V2_VECTORS.find((v) => v.name === "privatemapkey-string-room-official-node")!;
const withBuf = V2_VECTORS.find((v) => v.name === "usersig-with-userbuf-python-level6")!;

interface Fake extends CliIo {
  out: string;
  err: string;
  prompts: number;
}

function fakeIo(
  { env = {}, files = {}, typed = null, now = 1_700_000_000 }: {
    env?: Record<string, string>;
    files?: Record<string, string>;
    typed?: string | null;
    now?: number;
  } = {},
): Fake {
  const io: Fake = {
    out: "",
    err: "",
    prompts: 0,
    stdout: (text) => void (io.out += text),
    stderr: (text) => void (io.err += text),
    env: (name) => env[name],
    readTextFile: (path) =>
      path in files
        ? Promise.resolve(files[path])
        : Promise.reject(Object.assign(new Error("gone"), { name: "NotFound" })),
    readSecret: () => {
      io.prompts++;
      return Promise.resolve(typed);
    },
    now: () => now,
  };
  return io;
}

const withKey = () => fakeIo({ env: { TENCENT_SECRET_KEY: KEY } });

/** A v2 document of app 1400000000 issued at 1_700_000_000 for 600 s, unsigned. */
const doc = (): Record<string, unknown> => ({
  "TLS.ver": "2.0",
  "TLS.identifier": "alice",
  "TLS.sdkappid": 1400000000,
  "TLS.time": 1_700_000_000,
  "TLS.expire": 600,
});

test("formatDuration() names the largest units and skips zero ones", () => {
  assertEquals(formatDuration(0), "0 seconds");
  assertEquals(formatDuration(1), "1 second");
  assertEquals(formatDuration(59.9), "59 seconds");
  assertEquals(formatDuration(3 * 86400), "3 days");
  assertEquals(formatDuration(3 * 86400 + 7200 + 5), "3 days 2 hours");
  assertEquals(formatDuration(3 * 86400 + 7200 + 5, 1), "3 days");
  assertEquals(formatDuration(3600 + 5, 4), "1 hour 5 seconds");
  assertEquals(formatDuration(-90), "1 minute 30 seconds");
  assertEquals(formatDuration(400 * 86400), "1 year 35 days");
});

test("parseDuration() reads seconds and s/m/h/d units, refuses the rest", () => {
  assertEquals(parseDuration("86400"), 86400);
  assertEquals(parseDuration("90s"), 90);
  assertEquals(parseDuration("30m"), 1800);
  assertEquals(parseDuration("12h"), 43200);
  assertEquals(parseDuration("7d"), 604800);
  for (const bad of ["", "0", "-5", "1.5", "5w", "h", "1e3", "99999999999"]) {
    assertThrows(() => parseDuration(bad), RangeError);
  }
});

test("formatTime() prints UTC ISO 8601 without milliseconds", () => {
  assertEquals(formatTime(1_700_000_000), "2023-11-14T22:13:20Z");
  assertEquals(formatTime(0), "1970-01-01T00:00:00Z");
});

test("describeValidity() says valid for, expired ago, or not yet valid", () => {
  const t = { time: 1_700_000_000, expire: 86400 };
  assertEquals(describeValidity(t, 1_700_000_000 + 86400 - 5 * 3600, 1), {
    state: "valid",
    secondsLeft: 5 * 3600,
    text: "valid for 5 hours",
  });
  assertEquals(describeValidity(t, 1_700_000_000 + 86400).state, "valid"); // the last second
  assertEquals(
    describeValidity(t, 1_700_000_000 + 86400 + 3 * 86400, 1).text,
    "expired 3 days ago",
  );
  assertEquals(describeValidity(t, 1_700_000_000 - 300).state, "valid"); // within the skew
  const future = describeValidity(t, 1_700_000_000 - 7200);
  assertEquals(future.state, "not-yet-valid");
  assert(future.text.includes("2 hours in the future"), future.text);
});

test("printable() escapes terminal controls, bidi marks and line separators as JSON does", () => {
  assertEquals(printable("alice"), "alice");
  assertEquals(printable("a\u001b[31mb"), "a\\u001b[31mb");
  assertEquals(printable("\u009b2J"), "\\u009b2J");
  assertEquals(printable("x\u202ey\u2066z\u200f"), "x\\u202ey\\u2066z\\u200f");
  assertEquals(printable("a\nb\r\tc\u007f\u2028"), "a\\u000ab\\u000d\\u0009c\\u007f\\u2028");
  assertEquals(printable("用户 ä"), "用户 ä");
  // Escaped JSON is still JSON, and says the same.
  const text = JSON.stringify({ v: "\u0085\u009b\u202e\u2029" });
  assertEquals(JSON.parse(printable(text)), JSON.parse(text));
  assertEquals(
    forTerminal("one\ntwo \u001b]52;c;eA==\u0007\n"),
    "one\ntwo \\u001b]52;c;eA==\\u0007\n",
  );
});

test("inspectFields() shows room, privilege names and times of a PrivateMapKey", () => {
  const fields = inspectFields(decodeUserSig(pmk.userSig), pmk.time + 3 * 86400 + 300);
  const value = (label: string) => fields.find((f) => f.label === label)?.value;
  assertEquals(value("ticket"), "PrivateMapKey, format v2 (HMAC-SHA256)");
  assertEquals(value("version"), "2.0");
  assertEquals(value("SDKAppID"), "1400000000");
  assertEquals(value("user"), "xiaojun");
  assertEquals(value("issued at"), "2023-11-14T22:13:20Z");
  assertEquals(value("expires at"), "2023-11-14T22:18:20Z");
  assertEquals(value("status"), "expired 3 days ago");
  assertEquals(value("room"), "10000 (numeric)");
  assertEquals(
    value("privileges"),
    "255: CreateRoom, EnterRoom, SendAudio, ReceiveAudio, SendVideo, ReceiveVideo, " +
      "SendSubStream, ReceiveSubStream",
  );
  const str = inspectFields(decodeUserSig(strRoom.userSig), strRoom.time);
  assertEquals(str.find((f) => f.label === "room")?.value, '"abc-room" (string)');
  assertEquals(
    str.find((f) => f.label === "privileges")?.value,
    "42: EnterRoom, ReceiveAudio, ReceiveVideo",
  );
  const buf = inspectFields(decodeUserSig(withBuf.userSig), withBuf.time);
  assertEquals(buf.find((f) => f.label === "userbuf")?.value, "3 bytes: 616263 (hex)");
});

test("inspectFields() escapes a hostile user id", async () => {
  const ticket = await signTicket({ ...doc(), "TLS.identifier": "a\u009b2J\nb" }, KEY);
  const user = inspectFields(decodeUserSig(ticket), 0).find((f) => f.label === "user");
  assertEquals(user?.value, "a\\u009b2J\\u000ab");
});

test("formatFields() aligns labels", () => {
  assertEquals(
    formatFields([{ label: "a", value: "1" }, { label: "abc", value: "2" }]),
    "a    1\nabc  2\n",
  );
});

test("inspectJson() carries the state, the userbuf and privilege names", () => {
  const json = inspectJson(decodeUserSig(pmk.userSig), pmk.time + 10);
  assertEquals(json.kind, "PrivateMapKey");
  assertEquals(json.state, "valid");
  assertEquals(json.secondsLeft, 290);
  const map = json.privateMap as { roomId: number; privileges: string[] };
  assertEquals(map.roomId, 10000);
  assertEquals(map.privileges.length, 8);
  assertEquals(inspectJson(decodeUserSig(withBuf.userSig), 0).userBufBase64, "YWJj");
});

test("explain() names the other app, the other user, and how long ago", () => {
  const decoded = decodeUserSig(pmk.userSig);
  assertEquals(
    explain("ERR_USERSIG_SDKAPPID_MISMATCH", decoded, { sdkAppId: 1 }, 0),
    "the ticket is for SDKAppID 1400000000, not 1",
  );
  assertEquals(
    explain("ERR_USERSIG_IDENTIFIER_MISMATCH", decoded, { userId: "bob" }, 0),
    'the ticket is for user "xiaojun", not "bob"',
  );
  assert(
    explain("ERR_USERSIG_EXPIRED", decoded, {}, pmk.time + pmk.expire + 86400)
      .startsWith("the ticket expired 1 day ago, at 2023-11-14T22:18:20Z"),
  );
  assert(explain("ERR_USERSIG_SIGNATURE_INVALID", decoded, {}, 0).includes("not signed with"));
  assert(explain("ERR_USERSIG_MALFORMED", undefined, {}, 0).includes("not a ticket"));
});

test("parseArgs() reads values, flags, positionals and --", () => {
  const spec = { values: ["user", "sdkappid"], flags: ["json", "help"] };
  const a = parseArgs(["--user", "alice", "--sdkappid=1", "T", "--json", "--", "--x"], spec);
  assertEquals(a.options, { user: "alice", sdkappid: "1" });
  assertEquals([...a.flags], ["json"]);
  assertEquals(a.positionals, ["T", "--x"]);
  assert(parseArgs(["-h"], spec).flags.has("help"));
  assertEquals(parseArgs(["--user="], spec).options.user, "");
});

test("parseArgs() refuses unknown, repeated and valueless options", () => {
  const spec = { values: ["user"], flags: ["json"] };
  assertThrows(() => parseArgs(["--nope"], spec), UsageError, "unknown option --nope");
  assertThrows(() => parseArgs(["-x"], spec), UsageError, "unknown option -x");
  assertThrows(() => parseArgs(["--user", "a", "--user", "b"], spec), UsageError, "twice");
  assertThrows(() => parseArgs(["--user"], spec), UsageError, "needs a value");
  assertThrows(() => parseArgs(["--user", "--json"], spec), UsageError, "needs a value");
  assertThrows(() => parseArgs(["--json=1"], spec), UsageError, "takes no value");
});

test("parseArgs() refuses a key as an argument and never repeats it", () => {
  for (
    const argv of [
      ["--key", "S3CRET"],
      ["--key=S3CRET"],
      ["--secret-key", "S3CRET"],
      [
        "--secretkey=S3CRET",
      ],
      ["-key", "S3CRET"],
      ["--SECRET", "S3CRET"],
    ]
  ) {
    const error = assertThrows(() => parseArgs(argv, { values: [], flags: [] }), UsageError);
    assert(error.message.includes("shell history"), error.message);
    assert(!error.message.includes("S3CRET"), error.message);
  }
  const unknown = assertThrows(
    () => parseArgs(["--tok=S3CRET"], { values: [], flags: [] }),
    UsageError,
  );
  assert(!unknown.message.includes("S3CRET"), unknown.message);
});

async function* bytes(...chunks: (string | Uint8Array)[]) {
  for (const chunk of chunks) {
    yield typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
  }
}

test("collectSecret() edits a raw-mode line and stops at Enter", async () => {
  assertEquals(await collectSecret(bytes("abc\r")), "abc");
  assertEquals(await collectSecret(bytes("ab", "c\n", "ignored")), "abc");
  assertEquals(await collectSecret(bytes("abx\x7fc\r")), "abc");
  assertEquals(await collectSecret(bytes("junk\x15key\r")), "key");
  assertEquals(await collectSecret(bytes("k\x1b[Dey\x1b[200~\r")), "key"); // arrows, paste marks
  assertEquals(await collectSecret(bytes("密钥\x7f\r")), "密");
  const split = new TextEncoder().encode("密\r"); // one character across two reads
  assertEquals(await collectSecret(bytes(split.subarray(0, 1), split.subarray(1))), "密");
});

test("collectSecret() cancels on Ctrl-C, on Ctrl-D at the start, and at the end of input", async () => {
  assertEquals(await collectSecret(bytes("abc\x03")), null);
  assertEquals(await collectSecret(bytes("\x04")), null);
  assertEquals(await collectSecret(bytes("abc")), null);
  assertEquals(await collectSecret(bytes("abc\x04")), "abc");
});

test("readSecretKey() prefers --key-file, then the environment, then the prompt", async () => {
  const io = fakeIo({
    env: { TENCENT_SECRET_KEY: "from-env" },
    files: { k: "from-file\n" },
    typed: "typed",
  });
  assertEquals(await readSecretKey("k", io), "from-file");
  assertEquals(await readSecretKey(undefined, io), "from-env");
  assertEquals(io.prompts, 0);
  const typed = fakeIo({ typed: "  typed  " });
  assertEquals(await readSecretKey(undefined, typed), "typed");
  assertEquals(typed.prompts, 1);
});

test("readSecretKey() explains a missing file, an empty key, no key and a v1 key", async () => {
  const missing = await assertRejects(
    () => readSecretKey("nope-S3CRET", fakeIo()),
    UsageError,
    "cannot read the --key-file: no such file",
  );
  assert(!missing.message.includes("S3CRET"), "the path is echoed");
  await assertRejects(
    () => readSecretKey("k", fakeIo({ files: { k: "\n" } })),
    UsageError,
    "is empty",
  );
  await assertRejects(() => readSecretKey(undefined, fakeIo()), UsageError, "no secret key");
  await assertRejects(
    () => readSecretKey("k", fakeIo({ files: { k: "-----BEGIN PRIVATE KEY-----\nMIG" } })),
    UsageError,
    "v1 (ECDSA) private key",
  );
});

test("readSecretKey() caps --key-file at 64 KiB and says so, without the key", async () => {
  let asked: number | undefined;
  const io = fakeIo({ files: { big: "k".repeat(65537), fits: `${"k".repeat(65535)}\n` } });
  const read = io.readTextFile;
  io.readTextFile = (path, maxBytes) => {
    asked = maxBytes;
    return read(path, maxBytes);
  };
  assertEquals(await readSecretKey("fits", io), "k".repeat(65535));
  assertEquals(asked, 65536, "the limit is passed to the reader");
  const error = await assertRejects(
    () => readSecretKey("big", io),
    UsageError,
    "cannot read the --key-file: it is larger than 64 KiB",
  );
  assert(!error.message.includes("kkkk"), error.message);
  // A reader that stops at the limit reports it by name.
  const endless = fakeIo();
  endless.readTextFile = () =>
    Promise.reject(Object.assign(new Error("stopped"), { name: "TooLarge" }));
  await assertRejects(() => readSecretKey("/dev/zero", endless), UsageError, "larger than 64 KiB");
});

test("readSecretKey() refuses a key of more than one line, such as a .env file, without echoing it", async () => {
  const env = "TENCENT_SECRET_KEY=S3CRET-1\nOTHER=S3CRET-2\n";
  for (
    const io of [
      fakeIo({ files: { ".env": env } }),
      fakeIo({ files: { ".env": "S3CRET-1\r\nS3CRET-2" } }),
      fakeIo({ env: { TENCENT_SECRET_KEY: "S3CRET-1\nS3CRET-2" } }),
    ]
  ) {
    const error = await assertRejects(
      () => readSecretKey(io.env("TENCENT_SECRET_KEY") ? undefined : ".env", io),
      UsageError,
      "more than one line (a .env file?)",
    );
    assert(!error.message.includes("S3CRET"), error.message);
  }
  // Surrounding blank lines are no second line.
  assertEquals(await readSecretKey("k", fakeIo({ files: { k: "\n key \r\n\n" } })), "key");
});

test("readSecretKey() says a key file not read to its end in time may be a FIFO nobody writes to or closes", async () => {
  const io = fakeIo();
  io.readTextFile = () => Promise.reject(Object.assign(new Error("late"), { name: "TimedOut" }));
  const error = await assertRejects(
    () => readSecretKey("/tmp/fifo-S3CRET", io),
    UsageError,
    "not read to its end within seconds: a FIFO that nobody writes to? Or that is never closed?",
  );
  assert(!error.message.includes("S3CRET"), error.message);
});

test("runCli() gen and verify round-trip with a fixed clock", async () => {
  const io = withKey();
  assertEquals(
    await runCli(["gen", "--sdkappid", "1400000000", "--user", "alice", "--expire", "5h"], io),
    0,
  );
  const ticket = io.out.trim();
  const claims = await new TLSSigAPIv2(1400000000, KEY).verifyUserSig(ticket, "alice", {
    now: 1_700_000_000,
  });
  assertEquals(claims.expire, 18000);
  assertEquals(claims.time, 1_700_000_000);
  const check = withKey();
  assertEquals(
    await runCli(["verify", "--sdkappid", "1400000000", "--user", "alice", ticket], check),
    0,
  );
  assert(check.out.startsWith('valid: UserSig for user "alice" in app 1400000000\n'), check.out);
  assert(check.out.includes("valid for 5 hours"), check.out);
  assert(check.out.includes("signature   valid for this key"), check.out);
});

test("runCli() privatemapkey --json describes the ticket it issued", async () => {
  const io = withKey();
  const argv = [
    "privatemapkey",
    "--sdkappid",
    "1400000000",
    "--user",
    "alice",
    "--room-str",
    "r1",
    "--privileges",
    "EnterRoom,receive-audio",
    "--json",
  ];
  assertEquals(await runCli(argv, io), 0);
  const out = JSON.parse(io.out);
  assertEquals(out.roomStr, "r1");
  assertEquals(out.privilegeMap, 10);
  assertEquals(out.privileges, ["EnterRoom", "ReceiveAudio"]);
  assertEquals(out.expire, 300);
  const claims = await new TLSSigAPIv2(1400000000, KEY).verifyPrivateMapKey(
    out.privateMapKey,
    "alice",
    {
      now: 1_700_000_000,
      roomStr: "r1",
    },
  );
  assertEquals(claims.privateMap.privilegeMap, 10);
});

test("runCli() verify reports the first failed check as code and reason, exit 1", async () => {
  const ticket = await new TLSSigAPIv2(1400000000, KEY).genUserSig("alice", 60, {
    now: 1_700_000_000,
  });
  const cases: [string[], string, string][] = [
    [["--user", "bob"], "ERR_USERSIG_IDENTIFIER_MISMATCH", 'for user "alice", not "bob"'],
    [["--sdkappid", "1400000001"], "ERR_USERSIG_SDKAPPID_MISMATCH", "not 1400000001"],
  ];
  for (const [change, code, text] of cases) {
    const args = { sdkappid: "1400000000", user: "alice" } as Record<string, string>;
    args[change[0].slice(2)] = change[1];
    const io = withKey();
    const status = await runCli([
      "verify",
      "--sdkappid",
      args.sdkappid,
      "--user",
      args.user,
      ticket,
    ], io);
    assertEquals(status, 1);
    assert(io.err.startsWith(`invalid: ${code}: `) && io.err.includes(text), io.err);
    assert(!io.err.includes(ticket) && !io.err.includes(KEY), io.err);
  }
  const late = fakeIo({ env: { TENCENT_SECRET_KEY: KEY }, now: 1_700_000_000 + 3 * 86400 });
  assertEquals(
    await runCli(["verify", "--sdkappid", "1400000000", "--user", "alice", "--json", ticket], late),
    1,
  );
  const out = JSON.parse(late.out);
  assertEquals(out.valid, false);
  assertEquals(out.error.code, "ERR_USERSIG_EXPIRED");
  assert(out.error.message.startsWith("the ticket expired 2 days 23 hours ago"), out.error.message);
});

test("runCli() usage errors exit 2 without asking for the key", async () => {
  for (
    const argv of [
      ["gen", "--user", "alice"],
      ["gen", "--sdkappid", "abc", "--user", "alice"],
      ["gen", "--sdkappid", "0", "--user", "alice"],
      ["gen", "--sdkappid", "1", "--user", "x".repeat(33)],
      ["gen", "--sdkappid", "1", "--user", "a", "--expire", "soon"],
      ["gen", "--sdkappid", "1", "--user", "a", "stray"],
      ["privatemapkey", "--sdkappid", "1", "--user", "a", "--privileges", "all"],
      [
        "privatemapkey",
        "--sdkappid",
        "1",
        "--user",
        "a",
        "--room",
        "1",
        "--room-str",
        "b",
        "--privileges",
        "1",
      ],
      ["privatemapkey", "--sdkappid", "1", "--user", "a", "--room", "1", "--privileges", "Fly"],
      ["privatemapkey", "--sdkappid", "1", "--user", "a", "--room", "1"],
      ["verify", "--sdkappid", "1", "--user", "a"],
      ["verify", "--sdkappid", "0", "--user", "a", pmk.userSig],
      ["inspect"],
      ["inspect", "a", "b"],
      ["launch"],
      ["--key", "S3CRET"],
      [],
    ]
  ) {
    const io = fakeIo({ typed: "typed-key" });
    assertEquals(await runCli(argv, io), 2, argv.join(" "));
    assertEquals(io.prompts, 0, argv.join(" "));
    assert(io.err.length > 0 && io.out === "", argv.join(" "));
    assert(!io.err.includes("S3CRET") && !io.err.includes("    at "), io.err);
  }
});

test("runCli() checks --room and --room-str itself, naming them, before the key", async () => {
  const issue = ["privatemapkey", "--sdkappid", "1", "--user", "a", "--privileges", "1"];
  const check = ["verify", "--sdkappid", "1", "--user", "a"];
  const cases: [string[], string][] = [
    [[...issue, "--room-str", ""], "--room-str is empty"],
    [[...issue, "--room-str=", "--json"], "--room-str is empty"],
    [[...issue, "--room-str", "房".repeat(22)], "--room-str has a refused character at position 1"],
    [[...issue, "--room-str", "r".repeat(65)], "--room-str is too long"],
    [[...issue, "--room-str", "a/b"], "-100014"],
    [[...issue, "--room", "0"], "--room must be between 1 and 4294967294, got 0"],
    [[...issue, "--room", "4294967295"], "--room must be between 1 and 4294967294"],
    [[...check, "--room-str", "", pmk.userSig], "--room-str must be 1 to 64 UTF-8 bytes, got 0"],
    [[...check, "--room", "0", pmk.userSig], "--room must be between 1 and 4294967294, got 0"],
  ];
  for (const [argv, message] of cases) {
    const io = fakeIo({ typed: "typed-key" });
    assertEquals(await runCli(argv, io), 2, argv.join(" "));
    assertEquals(io.prompts, 0, argv.join(" "));
    const text = argv.includes("--json") ? JSON.parse(io.out).error.message : io.err;
    assert(text.includes(message), `${argv.join(" ")}: ${text}`);
    assert(!text.includes("map.") && !text.includes("options."), text);
  }
  // The longest string room still works.
  const io = withKey();
  assertEquals(await runCli([...issue, "--room-str", "r".repeat(64)], io), 0, io.err);
});

test("runCli() verify refuses a v1 ticket before asking for the key", async () => {
  const legacy = v1.vectors[0];
  const argv = ["verify", "--sdkappid", String(legacy.sdkAppId), "--user", legacy.userId];
  const io = fakeIo({ typed: "typed-key" });
  assertEquals(await runCli([...argv, legacy.userSig], io), 1);
  assertEquals(io.prompts, 0, "no key is asked for");
  assert(io.err.startsWith("invalid: ERR_USERSIG_UNSUPPORTED_VERSION: "), io.err);
  assert(io.err.includes("v1 (ECDSA)"), io.err);
  assert(!io.err.includes(legacy.userSig), io.err);
  const json = fakeIo({ typed: "typed-key" });
  assertEquals(await runCli([...argv, "--json", legacy.userSig], json), 1);
  assertEquals(json.prompts, 0);
  assertEquals(JSON.parse(json.out).error.code, "ERR_USERSIG_UNSUPPORTED_VERSION");
  // Garbage, too, is refused before the prompt.
  const bad = fakeIo({ typed: "typed-key" });
  assertEquals(await runCli([...argv, "eJyr" + "A".repeat(80)], bad), 1);
  assertEquals(bad.prompts, 0);
});

test("runCli() --json reports a usage error as JSON on stdout", async () => {
  const io = fakeIo();
  assertEquals(await runCli(["gen", "--json", "--user", "a"], io), 2);
  assertEquals(JSON.parse(io.out), {
    error: { code: "ERR_USAGE", message: "--sdkappid is required" },
  });
});

test("runCli() --help on every command exits 0 with its usage", async () => {
  for (const argv of [["--help"], ["-h"], ["help"], ["help", "verify"]]) {
    const io = fakeIo();
    assertEquals(await runCli(argv, io), 0);
    assert(io.out.startsWith("usersig") || io.out.startsWith("Usage: usersig verify"), io.out);
  }
  for (const command of ["gen", "privatemapkey", "verify", "inspect"]) {
    const io = fakeIo();
    assertEquals(await runCli([command, "--help"], io), 0);
    assert(io.out.startsWith(`Usage: usersig ${command} `), io.out);
    assert(io.out.includes("--json"), command);
  }
});

test("runCli() inspect reads a v1 ticket and refuses garbage with exit 1", async () => {
  const io = fakeIo();
  assertEquals(await runCli(["inspect", pmk.userSig], io), 0);
  assert(io.out.includes("room          10000 (numeric)"), io.out);
  const legacy = v1.vectors[0];
  const old = fakeIo();
  assertEquals(await runCli(["inspect", legacy.userSig], old), 0);
  assert(old.out.includes("UserSig, format v1 (ECDSA-SHA256, legacy)"), old.out);
  assert(old.out.includes(`SDKAppID      ${legacy.sdkAppId}\n`), old.out);
  assert(old.out.includes(`user          ${legacy.userId}\n`), old.out);
  const bad = fakeIo();
  const garbage = "eJyr" + "A".repeat(300);
  assertEquals(await runCli(["inspect", garbage], bad), 1);
  assert(bad.err.startsWith("usersig: ERR_USERSIG_MALFORMED: "), bad.err);
  assert(!bad.err.includes(garbage), bad.err);
});

test("runCli() explain says what each of Tencent's codes means, and how to check it", async () => {
  for (const row of TENCENT_CODES) {
    const io = fakeIo();
    assertEquals(await runCli(["explain", String(row.code)], io), 0, String(row.code));
    for (const part of [row.meaning, row.cause, row.check, row.source, row.origin]) {
      assert(io.out.includes(part), `${row.code}: ${io.out}`);
    }
    const json = fakeIo();
    assertEquals(await runCli(["explain", "--json", String(row.code)], json), 0);
    assertEquals(JSON.parse(json.out), JSON.parse(JSON.stringify(row)));
  }
  const io = fakeIo();
  assertEquals(await runCli(["explain", "-100018"], io), 0);
  assert(io.out.startsWith("code          -100018 (TRTC native)\n"), io.out);
  assert(io.out.includes("name          ERR_TRTC_USER_SIG_CHECK_FAILED\n"), io.out);
  assert(io.out.includes("check with    usersig verify "), io.out);
});

test("runCli() explain lists Tencent's codes for one of ours", async () => {
  const io = fakeIo();
  assertEquals(await runCli(["explain", "ERR_USERSIG_SIGNATURE_INVALID"], io), 0);
  assert(io.out.startsWith("ERR_USERSIG_SIGNATURE_INVALID: the ticket was not signed"), io.out);
  assert(
    io.out.includes(
      "for a UserSig: 70009 (IM server / REST API), -100018 (TRTC native), -10013 (TRTC web); " +
        "for a PrivateMapKey: -100006 (TRTC native), -10019 (TRTC web)",
    ),
    io.out,
  );
  const json = fakeIo();
  assertEquals(await runCli(["explain", "--json", "ERR_USERSIG_EXPIRED"], json), 0);
  assertEquals(JSON.parse(json.out).tencentCodes, {
    UserSig: [70001, 6206, -100018, -10013],
    PrivateMapKey: [-100006, -10019],
  });
});

test("runCli() explain exits 1 for a code it does not know, 2 for what is no code", async () => {
  for (const argv of [["explain", "12345"], ["explain", "-70009"], ["explain", "ERR_NOPE"]]) {
    const io = fakeIo();
    const status = await runCli(argv, io);
    if (argv[1] === "ERR_NOPE") {
      assertEquals(status, 2, argv.join(" "));
      continue;
    }
    assertEquals(status, 1, argv.join(" "));
    assert(io.err.includes("not a code this table knows") && io.err.includes("70009"), io.err);
  }
  const json = fakeIo();
  assertEquals(await runCli(["explain", "--json", "1"], json), 1);
  assertEquals(JSON.parse(json.out).error.code, "ERR_UNKNOWN_CODE");
  for (const argv of [["explain"], ["explain", "S3CRET-key"], ["explain", "1", "2"]]) {
    const io = fakeIo();
    assertEquals(await runCli(argv, io), 2, argv.join(" "));
    assert(!io.err.includes("S3CRET"), io.err);
  }
});

test("runCli() verify names the codes Tencent answers for the rejection", async () => {
  const api = new TLSSigAPIv2(1400000000, KEY);
  const ticket = await api.genUserSig("alice", 60, { now: 1_700_000_000 });
  const room = await api.genPrivateMapKey("alice", 60, 7, 2, { now: 1_700_000_000 });
  const cases: [string, string[], string][] = [
    [
      "another-key",
      ["--user", "alice", ticket],
      "Tencent answers it with 70009 (IM server / REST API), -100018 (TRTC native), " +
      "-10013 (TRTC web);",
    ],
    [KEY, ["--user", "bob", ticket], "Tencent answers it with 70013 (IM server / REST API),"],
    [
      KEY,
      ["--user", "alice", "--room", "8", room],
      "Tencent answers it with -100006 (TRTC native), -10019 (TRTC web);",
    ],
    [
      KEY,
      ["--user", "alice", "--privileges", "CreateRoom", room],
      "Tencent answers it with -100006, -102010, -102011 (TRTC native), -10019 (TRTC web);",
    ],
  ];
  for (const [key, extra, line] of cases) {
    const io = fakeIo({ env: { TENCENT_SECRET_KEY: key }, now: 1_700_000_010 });
    assertEquals(await runCli(["verify", "--sdkappid", "1400000000", ...extra], io), 1, io.err);
    const lines = io.err.trimEnd().split("\n");
    assertEquals(lines.length, 2, io.err);
    assert(lines[1].startsWith(line), `${lines[1]} does not start with ${line}`);
    assert(lines[1].endsWith('"usersig explain CODE" says more'), lines[1]);
  }
  // An expired PrivateMapKey is TRTC's -100006, an expired UserSig 70001 and 6206.
  const late = { env: { TENCENT_SECRET_KEY: KEY }, now: 1_700_000_000 + 3600 };
  const expired = fakeIo(late);
  assertEquals(
    await runCli(["verify", "--sdkappid", "1400000000", "--user", "alice", room], expired),
    1,
  );
  assert(expired.err.includes("Tencent answers it with -100006 (TRTC native)"), expired.err);
  const json = fakeIo(late);
  const argv = ["verify", "--json", "--sdkappid", "1400000000", "--user", "alice", ticket];
  assertEquals(await runCli(argv, json), 1);
  const out = JSON.parse(json.out);
  assertEquals(out.error.code, "ERR_USERSIG_EXPIRED");
  assertEquals(out.error.tencentCodes.map((c: { code: number }) => c.code), [
    70001,
    6206,
    -100018,
    -10013,
  ]);
  assertEquals(out.error.tencentCodes[1], {
    code: 6206,
    origin: "Chat SDK",
    name: "ERR_USER_SIG_EXPIRED",
  });
});

test("runCli() inspect and verify warn, without failing, of a UserID Tencent refuses or advises against", async () => {
  const api = new TLSSigAPIv2(1400000000, KEY);
  const dotted = await api.genUserSig("alice.smith", 600, { now: 1_700_000_000 });
  const chinese = await signTicket({ ...doc(), "TLS.identifier": "用户甲" }, KEY);
  const plain = await api.genUserSig("alice_smith-1", 600, { now: 1_700_000_000 });
  const cases: [string, string, string | undefined][] = [
    [dotted, "alice.smith", "outside [A-Za-z0-9_-]"],
    [chinese, "用户甲", "refuse it with error 7003"],
    [plain, "alice_smith-1", undefined],
  ];
  for (const [ticket, user, warning] of cases) {
    const inspect = fakeIo();
    assertEquals(await runCli(["inspect", ticket], inspect), 0);
    const verify = withKey();
    assertEquals(
      await runCli(["verify", "--sdkappid", "1400000000", "--user", user, ticket], verify),
      0,
      verify.err,
    );
    const json = withKey();
    assertEquals(await runCli(["inspect", "--json", ticket], json), 0);
    const warnings = JSON.parse(json.out).warnings as string[];
    for (const out of [inspect.out, verify.out]) {
      const line = out.split("\n").find((l) => l.startsWith("warning "));
      if (warning === undefined) assertEquals(line, undefined, out);
      else assert(line?.includes(warning), out);
    }
    assertEquals(warnings.length, warning === undefined ? 0 : 1);
  }
  // A failed verify warns too, after the reason.
  const io = withKey();
  assertEquals(
    await runCli(["verify", "--sdkappid", "1400000000", "--user", "bob", chinese], io),
    1,
  );
  assert(io.err.split("\n")[2].startsWith("warning: the UserID is not 1 to 32 printable"), io.err);
});

test("runCli() inspect warns of a string room TRTC refuses", async () => {
  const api = new TLSSigAPIv2(1400000000, KEY);
  const record = rawRecord({
    account: new TextEncoder().encode("alice"),
    sdkAppId: 1400000000,
    expiresAt: 1_700_000_600,
    privilegeMap: 255,
    room: new TextEncoder().encode("room/1"),
  });
  const ticket = await api.genUserSigWithUserBuf("alice", 600, record, { now: 1_700_000_000 });
  const io = fakeIo();
  assertEquals(await runCli(["inspect", ticket], io), 0);
  assert(io.out.includes('room          "room/1" (string)\n'), io.out);
  assert(io.out.includes("TRTC refuses it with error -100014"), io.out);
});

/**
 * Every character that may not reach a terminal raw: controls but the line
 * feed (C0, DEL, C1), format characters (bidi marks, zero-width and tag
 * characters, the BOM, the soft hyphen), line and paragraph separators.
 */
const RAW = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

test("runCli() never writes a control, C1 or bidi character from a hostile field, in any command or mode", async () => {
  const hostile = "\u009b2J\u001b]52;c;aGk=\u0007\u001b[31m\u202e\u2066x\r\n\u2028" +
    "\u200b\u2060\ufeff\u00ad\u{e0041}";
  const api = new TLSSigAPIv2(1400000000, KEY);
  const v1 = (field: string) =>
    ticketWithJson(JSON.stringify({
      "TLS.account_type": "0",
      "TLS.identifier": "alice",
      "TLS.appid_at_3rd": "0",
      "TLS.sdk_appid": "1400000000",
      "TLS.expire_after": "600",
      "TLS.version": "201610110000",
      "TLS.time": "1700000000",
      [field]: hostile,
      "TLS.sig": "MEUCIQ==",
    }));
  const room = rawRecord({
    account: new TextEncoder().encode("alice"),
    sdkAppId: 1400000000,
    expiresAt: 1_700_000_600,
    privilegeMap: 255,
    room: new TextEncoder().encode(hostile),
  });
  const tickets: Record<string, [string, string]> = {
    ver: [
      await ticketWithJson(JSON.stringify({ ...doc(), "TLS.ver": hostile, "TLS.sig": "" })),
      "alice",
    ],
    identifier: [await signTicket({ ...doc(), "TLS.identifier": hostile }, KEY), hostile],
    "identifier, another user": [
      await signTicket({ ...doc(), "TLS.identifier": hostile }, KEY),
      "bob",
    ],
    userbuf: [await api.genUserSigWithUserBuf("alice", 600, room, { now: 1_700_000_000 }), "alice"],
    appid_at_3rd: [await v1("TLS.appid_at_3rd"), "alice"],
    account_type: [await v1("TLS.account_type"), "alice"],
  };
  for (const [field, [ticket, user]] of Object.entries(tickets)) {
    for (const mode of [[], ["--json"]]) {
      for (
        const argv of [
          ["inspect", ...mode, ticket],
          ["verify", ...mode, "--sdkappid", "1400000000", "--user", user, ticket],
        ]
      ) {
        const io = withKey();
        const status = await runCli(argv, io);
        const what = `${field}: ${argv[0]} ${mode.join("")} (exit ${status})`;
        assert(
          !RAW.test(io.out + io.err),
          `${what} wrote a raw character: ${JSON.stringify(io.out + io.err)}`,
        );
        assert(io.out + io.err !== "", what);
        if (mode.length > 0) JSON.parse(io.out); // escaped JSON is still JSON
      }
    }
  }
  // The JSON says what the ticket says, escaped or not.
  const io = withKey();
  await runCli(["inspect", "--json", tickets.identifier[0]], io);
  assertEquals(JSON.parse(io.out).userId, hostile);
});

test("runCli() writes every message through the terminal escape, errors of any kind included", async () => {
  const hostile = "\u009b2J\u001b[31m\u202e";
  const failures = [
    Object.assign(new Error("x"), { name: hostile }), // reported as "unexpected <name>"
    new RangeError(hostile), // a caller mistake: its message is shown
    new UsageError(hostile),
  ];
  for (const failure of failures) {
    for (const mode of [[], ["--json"]]) {
      const io = fakeIo();
      io.readSecret = () => Promise.reject(failure);
      const status = await runCli(["gen", ...mode, "--sdkappid", "1", "--user", "a"], io);
      assert(status > 0, "failed");
      assert(io.out + io.err !== "", "said nothing");
      assert(!RAW.test(io.out + io.err), JSON.stringify(io.out + io.err));
    }
  }
});

test("runCli() privatemapkey never echoes a bad --privileges value", async () => {
  for (const value of ["S3CRET-value", "All,S3CRET", "4294967296"]) {
    const io = fakeIo({ typed: "typed-key" });
    const argv = [..."privatemapkey --sdkappid 1 --user a --room 1 --privileges".split(" "), value];
    assertEquals(await runCli(argv, io), 2);
    assert(
      io.err.includes("--privileges takes names or numbers") && io.err.includes("EnterRoom"),
      io.err,
    );
    assert(!io.err.includes("S3CRET") && !io.err.includes("4294967296"), io.err);
  }
});

test("printable() escapes invisible format characters, tag characters by their two units", () => {
  assertEquals(printable("al\u200bice\u2060\ufeff"), "al\\u200bice\\u2060\\ufeff");
  assertEquals(
    printable("\u00ad\u200c\u200d\u2061\u2062\u2063\u2064\u180e"),
    "\\u00ad\\u200c\\u200d\\u2061\\u2062\\u2063\\u2064\\u180e",
  );
  assertEquals(printable("a\u{e0041}\u{e007f}b"), "a\\udb40\\udc41\\udb40\\udc7fb");
  // Visible text stays as it is, emoji and CJK included.
  assertEquals(printable("用户 ä 🙂 ﬁ"), "用户 ä 🙂 ﬁ");
  const text = JSON.stringify({ v: "al\u200bice\u{e0041}\u00ad" });
  assertEquals(JSON.parse(printable(text)), JSON.parse(text));
});

test("runCli() verify names a user with invisible characters in escapes, in text and JSON", async () => {
  const hidden = "al\u200bice\u2060\ufeff";
  const ticket = await signTicket({ ...doc(), "TLS.identifier": hidden }, KEY);
  const io = withKey();
  assertEquals(
    await runCli(["verify", "--sdkappid", "1400000000", "--user", "alice", ticket], io),
    1,
  );
  assert(
    io.err.includes('the ticket is for user "al\\u200bice\\u2060\\ufeff", not "alice"'),
    io.err,
  );
  assert(!RAW.test(io.err), JSON.stringify(io.err));
  const json = withKey();
  const argv = ["verify", "--json", "--sdkappid", "1400000000", "--user", "alice", ticket];
  assertEquals(await runCli(argv, json), 1);
  assert(!RAW.test(json.out), JSON.stringify(json.out));
  const message = JSON.parse(json.out).error.message;
  assert(message.includes('"al\\u200bice\\u2060\\ufeff", not "alice"'), message);
  const inspect = withKey();
  assertEquals(await runCli(["inspect", "--json", ticket], inspect), 0);
  assert(!RAW.test(inspect.out), JSON.stringify(inspect.out));
  assertEquals(JSON.parse(inspect.out).userId, hidden);
});

test("runCli() writes an error's message as one escaped line: a ticket's TLS.ver adds no line", async () => {
  const forged = "x\nvalid: UserSig";
  const ticket = await signTicket({ ...doc(), "TLS.ver": forged }, KEY);
  for (const mode of [[], ["--json"]]) {
    for (
      const argv of [
        ["inspect", ...mode, ticket],
        ["verify", ...mode, "--sdkappid", "1400000000", "--user", "alice", ticket],
      ]
    ) {
      const io = withKey();
      assertEquals(await runCli(argv, io), 1, argv.join(" "));
      const lines = (io.out + io.err).split("\n");
      assert(!lines.some((line) => line.startsWith("valid")), io.out + io.err);
      if (mode.length > 0) continue;
      assert(io.err.startsWith("usersig: ERR_") || io.err.startsWith("invalid: ERR_"), io.err);
    }
  }
  const io = withKey();
  assertEquals(await runCli(["inspect", ticket], io), 1);
  assertEquals(io.err.split("\n").length, 2, io.err); // one line and its end
  assert(io.err.includes('ticket version "x\\u000avalid: UserSig" is not supported'), io.err);
  // Any error's message: a caller mistake, a usage error, an unexpected error's name.
  const failures = [
    new RangeError("a\nvalid: UserSig\u2028b"),
    new UsageError("a\r\nvalid: UserSig"),
    Object.assign(new Error("x"), { name: "Evil\nvalid: UserSig" }),
  ];
  for (const failure of failures) {
    const failed = fakeIo();
    failed.readSecret = () => Promise.reject(failure);
    assert(await runCli(["gen", "--sdkappid", "1", "--user", "a"], failed) > 0);
    assert(!failed.err.split("\n").some((line) => line.startsWith("valid")), failed.err);
    assert(failed.err.split("\n")[0].includes("valid: UserSig"), failed.err);
  }
});

test("explain() tells a v1 ticket from an unknown TLS.ver; explain CODE names both", async () => {
  const code = "ERR_USERSIG_UNSUPPORTED_VERSION";
  const unknown = explain(code, undefined, {}, 0);
  assert(unknown.includes('TLS.ver) is not "2.0"') && !unknown.includes("v1"), unknown);
  const legacy = decodeUserSig(v1.vectors[0].userSig);
  assert(explain(code, legacy, {}, 0).startsWith("this is a v1 (ECDSA) ticket"));
  const io = fakeIo();
  assertEquals(await runCli(["explain", code], io), 0);
  assert(io.out.includes("v1 (ECDSA)") && io.out.includes('"2.0"'), io.out);
  // verify says which, and lists 70016 for the v1 ticket alone.
  const ticket = await signTicket({ ...doc(), "TLS.ver": "3.0" }, KEY);
  const other = withKey();
  assertEquals(
    await runCli(["verify", "--sdkappid", "1400000000", "--user", "alice", ticket], other),
    1,
  );
  assert(other.err.includes('is not "2.0"') && !other.err.includes("v1"), other.err);
  assert(!other.err.includes("70016") && other.err.includes("-100018"), other.err);
  const old = withKey();
  const { sdkAppId, userId, userSig } = v1.vectors[0];
  assertEquals(
    await runCli(["verify", "--sdkappid", String(sdkAppId), "--user", userId, userSig], old),
    1,
  );
  assert(old.err.includes("v1 (ECDSA)") && old.err.includes("70016"), old.err);
});

test("runCli() verify lists Tencent's empty-ticket codes for an empty ticket alone", async () => {
  const empty = withKey();
  assertEquals(
    await runCli(["verify", "--sdkappid", "1400000000", "--user", "alice", ""], empty),
    1,
  );
  assertEquals(empty.prompts, 0);
  assert(empty.err.startsWith("invalid: ERR_USERSIG_MALFORMED: the ticket is empty\n"), empty.err);
  assert(
    empty.err.includes(
      "Tencent answers it with 70002 (IM server / REST API), 2003 (Web Chat SDK), -3320 (TRTC native);",
    ),
    empty.err,
  );
  const json = withKey();
  assertEquals(await runCli(["verify", "--json", "--sdkappid", "1", "--user", "a", " "], json), 1);
  assertEquals(
    JSON.parse(json.out).error.tencentCodes.map((c: { code: number }) => c.code),
    [70002, 2003, -3320],
  );
  const garbage = withKey();
  const argv = ["verify", "--sdkappid", "1400000000", "--user", "alice", "eJyr" + "A".repeat(80)];
  assertEquals(await runCli(argv, garbage), 1);
  for (const code of ["70002", "2003 ", "-3320", "70016"]) {
    assert(!garbage.err.includes(code), `${code} in ${garbage.err}`);
  }
  assert(garbage.err.includes("70003"), garbage.err);
});

test("readSecretKey() refuses control, format and replacement characters in a key, not saying it", async () => {
  const keys = [
    "S3CRET\u0000tail",
    "S3CRET\u001b[2J",
    "S3CRET\ufffdtail",
    "S3CRET\u200btail",
    "S3CRET\ttail",
    "S3CRET\u007f",
  ];
  for (const key of keys) {
    for (
      const io of [fakeIo({ files: { k: key } }), fakeIo({ env: { TENCENT_SECRET_KEY: key } })]
    ) {
      const error = await assertRejects(
        () => readSecretKey(io.env("TENCENT_SECRET_KEY") ? undefined : "k", io),
        UsageError,
      );
      assert(
        /has (a control|an invisible|a replacement) character/.test(error.message),
        error.message,
      );
      assert(!error.message.includes("S3CRET") && !RAW.test(error.message), error.message);
    }
  }
  // A UTF-16 file read as UTF-8 (no byte order mark): NULs between the characters.
  const utf16 = await assertRejects(
    () => readSecretKey("k", fakeIo({ files: { k: "k\u0000e\u0000y\u0000" } })),
    UsageError,
    "UTF-16",
  );
  assert(!utf16.message.includes("k\u0000"), utf16.message);
  // Spaces inside a key, and non-ASCII letters, are no control characters.
  assertEquals(await readSecretKey("k", fakeIo({ files: { k: "clé secrète\n" } })), "clé secrète");
});

test("decodeKeyFile() decodes UTF-8 strictly and refuses UTF-16, naming the problem", () => {
  const bytes = (...b: number[]) => Uint8Array.from(b);
  assertEquals(decodeKeyFile(new TextEncoder().encode("key\n")), "key\n");
  assertEquals(decodeKeyFile(bytes(0xef, 0xbb, 0xbf, 0x6b)), "k"); // a UTF-8 BOM is dropped
  for (
    const [input, name] of [
      [bytes(0xff, 0xfe, 0x6b, 0x00, 0x65, 0x00), "Utf16"],
      [bytes(0xfe, 0xff, 0x00, 0x6b, 0x00, 0x65), "Utf16"],
      [bytes(0x6b, 0xff, 0x65), "NotUtf8"],
      [bytes(0x6b, 0xc3), "NotUtf8"], // cut in a character
      [bytes(0xed, 0xa0, 0x80), "NotUtf8"], // a surrogate's bytes
    ] as const
  ) {
    const error = assertThrows(() => decodeKeyFile(input), Error);
    assertEquals(error.name, name, String(input));
  }
});

test("readSecretKey() explains a key file that is UTF-16, not UTF-8, or that Deno will not open", async () => {
  const cases: [Record<string, string>, string][] = [
    [{ name: "Utf16" }, "it is UTF-16"],
    [{ name: "NotUtf8" }, "it is not UTF-8 text"],
    [
      { name: "NotCapable", message: 'Requires read access to "/k", run again with --allow-read' },
      "(run deno with --allow-read)",
    ],
    [
      {
        name: "NotCapable",
        message: 'Requires all access to "/dev/stdin", run again with the --allow-all flag',
      },
      "Deno opens this file only with --allow-all, as it does /dev/stdin",
    ],
  ];
  for (const [fields, message] of cases) {
    const io = fakeIo();
    io.readTextFile = () => Promise.reject(Object.assign(new Error(fields.message ?? "x"), fields));
    const error = await assertRejects(() => readSecretKey("/dev/stdin", io), UsageError, message);
    assert(!error.message.includes("/dev/stdin") || message.includes("/dev"), error.message);
  }
});

test("parseArgs() echoes an unknown option only when it looks like an option's name", () => {
  const spec = { values: [], flags: [] };
  assertThrows(() => parseArgs(["--colour"], spec), UsageError, "unknown option --colour");
  assertThrows(() => parseArgs(["--dry-run2=1"], spec), UsageError, "unknown option --dry-run2");
  for (const arg of ["--" + "S3CRETk3y".repeat(5), "--S3CRET/key+", "--S3CRET key", "-S3CRET."]) {
    const error = assertThrows(() => parseArgs([arg], spec), UsageError, "unknown option");
    assert(!error.message.includes("S3CRET"), error.message);
  }
});

test("runCli() nits: explain of any unknown number exits 1, --version takes no argument", async () => {
  for (const code of ["9999999999", "123456789012345678901234567890", "-0"]) {
    const io = fakeIo();
    assertEquals(await runCli(["explain", code], io), 1, code);
    assert(io.err.includes("is not a code this table knows"), io.err);
  }
  for (const argv of [["--version", "extra"], ["-V", "S3CRET"], ["--version", "--json"]]) {
    const io = fakeIo();
    assertEquals(await runCli(argv, io), 2, argv.join(" "));
    assert(!(io.out + io.err).includes("S3CRET") && !io.out.includes("usersig 0"), io.out);
  }
});

test("runCli() gen and privatemapkey name --expire when it reaches past 2106", async () => {
  for (
    const argv of [
      "gen --sdkappid 1 --user a --expire 4294967295".split(" "),
      "privatemapkey --sdkappid 1 --user a --room 1 --privileges 1 --expire 4294967295".split(" "),
    ]
  ) {
    const io = fakeIo({ typed: "typed-key" });
    assertEquals(await runCli(argv, io), 2);
    assertEquals(io.prompts, 0);
    assert(io.err.startsWith("usersig: error: --expire "), io.err);
    assert(io.err.includes(`at most ${4294967295 - 1_700_000_000} seconds`), io.err);
  }
  const io = withKey();
  assertEquals(
    await runCli([
      "gen",
      "--sdkappid",
      "1",
      "--user",
      "a",
      "--expire",
      String(4294967295 - 1_700_000_000),
    ], io),
    0,
    io.err,
  );
});
