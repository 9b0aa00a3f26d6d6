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
  inspectFields,
  inspectJson,
  parseDuration,
  printable,
} from "../src/cli/format.ts";
import { collectSecret, readSecretKey } from "../src/cli/key.ts";
import { type CliIo, runCli } from "../src/cli/main.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "./assert.ts";
import { test } from "./harness.ts";
import { V2_VECTORS } from "./tickets.ts";
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

test("printable() escapes terminal controls and bidi overrides", () => {
  assertEquals(printable("alice"), "alice");
  assertEquals(printable("a\u001b[31mb"), "a\\u{1b}[31mb");
  assertEquals(printable("\u009b2J"), "\\u{9b}2J");
  assertEquals(printable("x\u202ey"), "x\\u{202e}y");
  assertEquals(printable("用户"), "用户");
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
  const api = new TLSSigAPIv2(1400000000, KEY);
  const ticket = await api.genUserSig("a\u009b2Jb", 60);
  const user = inspectFields(decodeUserSig(ticket), 0).find((f) => f.label === "user");
  assertEquals(user?.value, "a\\u{9b}2Jb");
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
  await assertRejects(
    () => readSecretKey("nope", fakeIo()),
    UsageError,
    "cannot read --key-file nope: no such file",
  );
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
    "cannot read --key-file big: it is larger than 64 KiB",
  );
  assert(!error.message.includes("kkkk"), error.message);
  // A reader that stops at the limit reports it by name.
  const endless = fakeIo();
  endless.readTextFile = () =>
    Promise.reject(Object.assign(new Error("stopped"), { name: "TooLarge" }));
  await assertRejects(() => readSecretKey("/dev/zero", endless), UsageError, "larger than 64 KiB");
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
    [[...issue, "--room-str", ""], "--room-str must be 1 to 64 UTF-8 bytes, got 0"],
    [[...issue, "--room-str=", "--json"], "--room-str must be 1 to 64 UTF-8 bytes, got 0"],
    [[...issue, "--room-str", "房".repeat(22)], "--room-str must be 1 to 64 UTF-8 bytes, got 66"],
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
