// The CLI as people run it: `deno run cli.ts …` in a subprocess, checking
// stdout, stderr and exit codes of every command and failure path, and that
// neither a key nor a whole ticket ever shows up in an error.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { TLSSigAPIv2 } from "../mod.ts";
import { assert, assertEquals } from "./assert.ts";
import { test, type TestOptions } from "./harness.ts";
import { type Output, run, type RunOptions, toolEnv } from "./subprocess.ts";
import { ticketWithJson, V2_VECTORS } from "./tickets.ts";
import v1 from "./vectors/legacy-v1.json" with { type: "json" };

const NODE_ONLY: TestOptions = {
  runtimes: ["node"],
  why: "spawns the Deno CLI; one host is enough",
};

const KEY = "cli-test-secret-key-7f3a9c";
const APP = "1400000000";
const vector = (name: string) => V2_VECTORS.find((v) => v.name === name)!;
const pmk = vector("privatemapkey-numeric-room-official-node");
const official = vector("usersig-official-node");

const deno = () => join(process.cwd(), "node_modules", ".bin", "deno");

/** `deno run --allow-read --allow-env cli.ts …args`, the key not set unless given. */
function usersig(args: string[], options: RunOptions = {}): Promise<Output> {
  return run(deno(), ["run", "--allow-read", "--allow-env", "cli.ts", ...args], options);
}

const withKey = { env: { TENCENT_SECRET_KEY: KEY } };

/** What every run must satisfy: no stack trace, no key, no whole ticket in stderr. */
function clean(r: Output, ...secrets: string[]): void {
  assert(!/^\s+at /m.test(r.stderr), `stack trace in stderr: ${r.stderr}`);
  for (const secret of [KEY, ...secrets]) {
    assert(!r.stderr.includes(secret), `stderr repeats a secret or ticket: ${r.stderr}`);
  }
}

function expectExit(r: Output, code: number, what: string): void {
  assertEquals(r.code, code, `${what}: exit status (stderr: ${r.stderr.trim()})`);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

test("usersig --help through `deno task usersig` lists the commands", async () => {
  const r = await run(deno(), ["task", "-q", "usersig", "--help"]);
  expectExit(r, 0, "--help");
  for (const command of ["gen", "privatemapkey", "verify", "inspect"]) {
    assert(r.stdout.includes(`  ${command} `), r.stdout);
  }
  assert(r.stdout.includes("TENCENT_SECRET_KEY"), r.stdout);
}, NODE_ONLY);

test("usersig <command> --help prints each command's usage, exit 0", async () => {
  const runs = await Promise.all(
    ["gen", "privatemapkey", "verify", "inspect"].map((c) => usersig([c, "--help"])),
  );
  for (const [i, c] of ["gen", "privatemapkey", "verify", "inspect"].entries()) {
    expectExit(runs[i], 0, `${c} --help`);
    assert(runs[i].stdout.startsWith(`Usage: usersig ${c} `), runs[i].stdout);
    assert(runs[i].stdout.includes("--json"), c);
  }
}, NODE_ONLY);

test("usersig gen prints a UserSig that verifies, key from TENCENT_SECRET_KEY", async () => {
  const r = await usersig(["gen", "--sdkappid", APP, "--user", "alice", "--expire", "1d"], withKey);
  expectExit(r, 0, "gen");
  assertEquals(r.stderr, "");
  const claims = await new TLSSigAPIv2(1400000000, KEY).verifyUserSig(r.stdout.trim(), "alice");
  assertEquals(claims.expire, 86400);
  assert(Math.abs(claims.time - nowSeconds()) < 60);
}, NODE_ONLY);

test("usersig gen reads the key from --key-file, over TENCENT_SECRET_KEY", async () => {
  const dir = mkdtempSync(join(tmpdir(), "usersig-cli-"));
  try {
    const file = join(dir, "key");
    writeFileSync(file, `${KEY}\n`);
    const r = await usersig(["gen", "--sdkappid", APP, "--user", "bob", "--key-file", file], {
      env: { TENCENT_SECRET_KEY: "not-this-one" },
    });
    expectExit(r, 0, "gen --key-file");
    const claims = await new TLSSigAPIv2(1400000000, KEY).verifyUserSig(r.stdout.trim(), "bob");
    assertEquals(claims.expire, 15552000); // the default: 180 days
  } finally {
    rmSync(dir, { recursive: true });
  }
}, NODE_ONLY);

test("usersig gen reads the key from the first line of piped input", async () => {
  const r = await usersig(["gen", "--sdkappid", APP, "--user", "carol"], {
    input: `${KEY}\nmore\n`,
  });
  expectExit(r, 0, "gen, key piped");
  await new TLSSigAPIv2(1400000000, KEY).verifyUserSig(r.stdout.trim(), "carol");
  clean(r);
}, NODE_ONLY);

test("usersig gen prompts on a terminal without echoing the key", async () => {
  // `script` (util-linux) gives the CLI a pseudo-terminal, so the raw-mode
  // prompt runs for real; everything the terminal shows comes back on stdout.
  const command = `${deno()} run --allow-read --allow-env cli.ts gen --sdkappid ${APP} --user dave`;
  const shown = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], {
      cwd: process.cwd(),
      env: toolEnv(),
    });
    let out = "", typed = false;
    child.stdout.on("data", (d) => {
      out += d;
      if (!typed && out.includes("Secret key (not echoed): ")) {
        typed = true;
        child.stdin.write(`${KEY}\r`);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  }).catch((error) => {
    if ((error as { code?: string }).code === "ENOENT") return null;
    throw error;
  });
  if (shown === null) return; // no `script` on this machine: the piped-key test still ran
  assertEquals(shown.code, 0, shown.out);
  assert(!shown.out.includes(KEY), `the key was echoed: ${shown.out}`);
  const ticket = shown.out.split(/\r?\n/).map((line) => line.trim())
    .find((line) => /^[\w*-]{100,}$/.test(line));
  assert(ticket !== undefined, shown.out);
  await new TLSSigAPIv2(1400000000, KEY).verifyUserSig(ticket, "dave");
}, NODE_ONLY);

test("usersig gen --json describes the ticket", async () => {
  const r = await usersig(
    ["gen", "--json", "--sdkappid", APP, "--user", "erin", "--expire", "600"],
    withKey,
  );
  expectExit(r, 0, "gen --json");
  const out = JSON.parse(r.stdout);
  assertEquals(
    Object.keys(out),
    ["userSig", "sdkAppId", "userId", "time", "expire", "expiresAt"],
  );
  assertEquals([out.sdkAppId, out.userId, out.expire], [1400000000, "erin", 600]);
  assertEquals(out.expiresAt, out.time + 600);
  await new TLSSigAPIv2(1400000000, KEY).verifyUserSig(out.userSig, "erin");
}, NODE_ONLY);

test("usersig privatemapkey issues numeric- and string-room tickets that verify", async () => {
  const [numeric, str] = await Promise.all([
    usersig([
      "privatemapkey",
      "--sdkappid",
      APP,
      "--user",
      "alice",
      "--room",
      "10000",
      "--privileges",
      "EnterRoom,ReceiveAudio,ReceiveVideo",
    ], withKey),
    usersig([
      "privatemapkey",
      "--sdkappid",
      APP,
      "--user",
      "alice",
      "--room-str",
      "abc-room",
      "--privileges",
      "255",
      "--expire",
      "10m",
      "--json",
    ], withKey),
  ]);
  expectExit(numeric, 0, "privatemapkey --room");
  const api = new TLSSigAPIv2(1400000000, KEY);
  const a = await api.verifyPrivateMapKey(numeric.stdout.trim(), "alice", { roomId: 10000 });
  assertEquals([a.privateMap.privilegeMap, a.expire], [42, 300]);
  expectExit(str, 0, "privatemapkey --room-str --json");
  const out = JSON.parse(str.stdout);
  assertEquals([out.roomStr, out.privilegeMap, out.expire], ["abc-room", 255, 600]);
  assertEquals(out.privileges.length, 8);
  await api.verifyPrivateMapKey(out.privateMapKey, "alice", { roomStr: "abc-room" });
}, NODE_ONLY);

test("usersig verify exits 0 and prints the claims of a good ticket", async () => {
  const api = new TLSSigAPIv2(1400000000, KEY);
  const ticket = await api.genUserSig("alice", 5 * 3600 + 30);
  const pmkTicket = await api.genPrivateMapKey("alice", 600, 7, 2);
  const [text, json, room] = await Promise.all([
    usersig(["verify", "--sdkappid", APP, "--user", "alice", ticket], withKey),
    usersig(["verify", "--json", "--sdkappid", APP, "--user", "alice", ticket], withKey),
    usersig(["verify", "--sdkappid", APP, "--user", "alice", "--room", "7", pmkTicket], withKey),
  ]);
  expectExit(text, 0, "verify");
  assert(text.stdout.startsWith('valid: UserSig for user "alice" in app 1400000000\n'));
  assert(text.stdout.includes("valid for 5 hours"), text.stdout);
  assert(text.stdout.includes("signature   valid for this key"), text.stdout);
  expectExit(json, 0, "verify --json");
  const out = JSON.parse(json.stdout);
  assertEquals([out.valid, out.userId, out.state], [true, "alice", "valid"]);
  expectExit(room, 0, "verify a PrivateMapKey");
  assert(room.stdout.startsWith("valid: PrivateMapKey"), room.stdout);
  assert(room.stdout.includes("privileges    2: EnterRoom"), room.stdout);
}, NODE_ONLY);

test(
  "usersig verify exits 1 with the code, a one-line reason and Tencent's codes for each rejection",
  async () => {
    const api = new TLSSigAPIv2(1400000000, KEY);
    const fresh = await api.genUserSig("alice", 3600);
    const room = await api.genPrivateMapKey("alice", 600, 7, 2);
    const officialKey = { env: { TENCENT_SECRET_KEY: official.secretKey } };
    const cases: [string, string[], { env: Record<string, string> }, string, string][] = [
      [
        "expired",
        ["--sdkappid", APP, "--user", official.userId, official.userSig],
        officialKey,
        "ERR_USERSIG_EXPIRED",
        "the ticket expired ",
      ],
      [
        "wrong key",
        ["--sdkappid", APP, "--user", "alice", fresh],
        { env: { TENCENT_SECRET_KEY: "another-key" } },
        "ERR_USERSIG_SIGNATURE_INVALID",
        "not signed with this key",
      ],
      [
        "wrong user",
        ["--sdkappid", APP, "--user", "bob", fresh],
        withKey,
        "ERR_USERSIG_IDENTIFIER_MISMATCH",
        'the ticket is for user "alice", not "bob"',
      ],
      [
        "wrong app",
        ["--sdkappid", "1400000001", "--user", "alice", fresh],
        withKey,
        "ERR_USERSIG_SDKAPPID_MISMATCH",
        "the ticket is for SDKAppID 1400000000, not 1400000001",
      ],
      [
        "malformed",
        ["--sdkappid", APP, "--user", "alice", fresh.slice(0, 60)],
        withKey,
        "ERR_USERSIG_MALFORMED",
        "not a ticket",
      ],
      [
        "v1 ticket",
        [
          "--sdkappid",
          String(v1.vectors[0].sdkAppId),
          "--user",
          v1.vectors[0].userId,
          v1.vectors[0]
            .userSig,
        ],
        withKey,
        "ERR_USERSIG_UNSUPPORTED_VERSION",
        "v1 (ECDSA)",
      ],
      [
        "v1 ticket, no key given", // refused before the key is asked for
        [
          "--sdkappid",
          String(v1.vectors[0].sdkAppId),
          "--user",
          v1.vectors[0].userId,
          v1.vectors[0].userSig,
        ],
        { env: {} },
        "ERR_USERSIG_UNSUPPORTED_VERSION",
        "v1 (ECDSA)",
      ],
      [
        "other room",
        ["--sdkappid", APP, "--user", "alice", "--room", "8", room],
        withKey,
        "ERR_PRIVATEMAPKEY_ROOM_MISMATCH",
        "another room",
      ],
      [
        "missing privilege",
        ["--sdkappid", APP, "--user", "alice", "--privileges", "SendVideo", room],
        withKey,
        "ERR_PRIVATEMAPKEY_PRIVILEGE_DENIED",
        "does not grant",
      ],
      [
        "expired PrivateMapKey",
        ["--sdkappid", APP, "--user", pmk.userId, pmk.userSig],
        { env: { TENCENT_SECRET_KEY: pmk.secretKey } },
        "ERR_USERSIG_EXPIRED",
        "at 2023-11-14T22:18:20Z",
      ],
    ];
    const runs = await Promise.all(
      cases.map(([, args, options]) => usersig(["verify", ...args], options)),
    );
    for (const [i, [name, args, , code, reason]] of cases.entries()) {
      const r = runs[i];
      expectExit(r, 1, name);
      assertEquals(r.stdout, "", name);
      const lines = r.stderr.trimEnd().split("\n");
      assertEquals(lines.length, 2, `${name}: the reason and Tencent's codes`);
      assert(lines[0].startsWith(`invalid: ${code}: `), `${name}: ${lines[0]}`);
      assert(lines[0].includes(reason), `${name}: ${lines[0]}`);
      assert(lines[1].startsWith("Tencent answers it with "), `${name}: ${lines[1]}`);
      clean(r, args.at(-1)!, official.secretKey, pmk.secretKey);
    }
  },
  NODE_ONLY,
);

test("usersig verify --json prints the rejection on stdout, exit 1", async () => {
  const r = await usersig(
    ["verify", "--json", "--sdkappid", APP, "--user", official.userId, official.userSig],
    { env: { TENCENT_SECRET_KEY: official.secretKey } },
  );
  expectExit(r, 1, "verify --json, expired");
  const out = JSON.parse(r.stdout);
  assertEquals(out.valid, false);
  assertEquals(out.error.code, "ERR_USERSIG_EXPIRED");
  assert(
    /^the ticket expired \d+ (year|day)s? .*ago, at 2023-11-15T22:13:20Z/.test(out.error.message),
  );
}, NODE_ONLY);

test(
  "usersig inspect shows app, user, times, expiry, room and privileges without a key",
  async () => {
    const r = await usersig(["inspect", pmk.userSig]);
    expectExit(r, 0, "inspect");
    const lines = r.stdout.split("\n");
    const row = (label: string) =>
      lines.find((l) => l.startsWith(`${label}  `))?.slice(14) ?? `(no ${label} line)`;
    assertEquals(row("ticket"), "PrivateMapKey, format v2 (HMAC-SHA256)");
    assertEquals(row("version"), "2.0");
    assertEquals(row("SDKAppID"), "1400000000");
    assertEquals(row("user"), "xiaojun");
    assertEquals(row("issued at"), "2023-11-14T22:13:20Z");
    assertEquals(row("expires at"), "2023-11-14T22:18:20Z");
    assert(/^expired \d+ years?( \d+ days?)? ago$/.test(row("status")), row("status"));
    assertEquals(row("room"), "10000 (numeric)");
    assert(
      row("privileges").startsWith("255: CreateRoom, EnterRoom, SendAudio"),
      row("privileges"),
    );
    assert(row("signature").startsWith("not checked"), row("signature"));
  },
  NODE_ONLY,
);

test("usersig inspect reads a fresh ticket as valid, a v1 ticket, and --json", async () => {
  const fresh = await new TLSSigAPIv2(1400000000, KEY).genUserSig("alice", 5 * 3600 + 30);
  const old = v1.vectors[0];
  const [now, legacy, json] = await Promise.all([
    usersig(["inspect", fresh]),
    usersig(["inspect", old.userSig]),
    usersig(["inspect", "--json", pmk.userSig]),
  ]);
  expectExit(now, 0, "inspect fresh");
  assert(now.stdout.includes("status      valid for 5 hours\n"), now.stdout);
  expectExit(legacy, 0, "inspect v1");
  assert(legacy.stdout.includes("UserSig, format v1 (ECDSA-SHA256, legacy)"), legacy.stdout);
  assert(legacy.stdout.includes(`SDKAppID      ${old.sdkAppId}\n`), legacy.stdout);
  assert(legacy.stdout.includes("account type  "), legacy.stdout);
  expectExit(json, 0, "inspect --json");
  const out = JSON.parse(json.stdout);
  assertEquals([out.kind, out.format, out.sdkAppId, out.userId], [
    "PrivateMapKey",
    "v2",
    1400000000,
    "xiaojun",
  ]);
  assertEquals(out.state, "expired");
  assertEquals(out.privateMap.roomId, 10000);
  assertEquals(out.privateMap.privileges.length, 8);
}, NODE_ONLY);

test("usersig inspect refuses garbage with exit 1, no stack trace, no echo", async () => {
  const garbage = `eJyr${"Q".repeat(200)}`;
  const [bad, alphabet, json] = await Promise.all([
    usersig(["inspect", garbage]),
    usersig(["inspect", "not a ticket!"]),
    usersig(["inspect", "--json", garbage]),
  ]);
  for (const r of [bad, alphabet]) {
    expectExit(r, 1, "inspect garbage");
    assert(r.stderr.startsWith("usersig: ERR_USERSIG_MALFORMED: "), r.stderr);
    clean(r, garbage);
  }
  expectExit(json, 1, "inspect --json garbage");
  assertEquals(JSON.parse(json.stdout).error.code, "ERR_USERSIG_MALFORMED");
}, NODE_ONLY);

test("usersig refuses the key as an argument, explains why, never repeats it", async () => {
  const secret = "S3CRET-on-the-command-line";
  const runs = await Promise.all([
    usersig(["gen", "--sdkappid", APP, "--user", "a", "--key", secret]),
    usersig(["gen", "--sdkappid", APP, "--user", "a", `--secret-key=${secret}`]),
    usersig(["verify", "--key", secret, "--sdkappid", APP, "--user", "a", "T"]),
    usersig(["--key", secret, "gen"]),
  ]);
  for (const r of runs) {
    expectExit(r, 2, "--key");
    assert(r.stderr.includes("not accepted as a command-line argument"), r.stderr);
    assert(r.stderr.includes("shell history"), r.stderr);
    assert(r.stderr.includes("--key-file") && r.stderr.includes("TENCENT_SECRET_KEY"));
    clean(r, secret);
  }
}, NODE_ONLY);

test("usersig usage errors exit 2 with a message and a pointer to --help", async () => {
  const dir = mkdtempSync(join(tmpdir(), "usersig-cli-"));
  try {
    const pem = join(dir, "v1.pem");
    writeFileSync(
      pem,
      "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n",
    );
    const big = join(dir, "big.key");
    writeFileSync(big, KEY.repeat(3000)); // 78 000 bytes
    const env = join(dir, ".env");
    writeFileSync(env, `TENCENT_SECRET_KEY=${KEY}\nTENCENT_SDKAPPID=${APP}\n`);
    const cases: [string[], string, RunOptions][] = [
      [[], "Usage: usersig <command>", {}],
      [["launch"], 'unknown command "launch"', {}],
      [["gen", "--user", "a"], "--sdkappid is required", withKey],
      [["gen", "--sdkappid", "14e8", "--user", "a"], "--sdkappid must be a whole number", withKey],
      [
        ["gen", "--sdkappid", "0", "--user", "a"],
        "sdkAppId must be between 1 and 4294967295",
        withKey,
      ],
      [["gen", "--sdkappid", APP], "--user is required", withKey],
      [
        ["gen", "--sdkappid", APP, "--user", "x".repeat(33)],
        "--user is too long",
        withKey,
      ],
      [
        ["gen", "--sdkappid", APP, "--user", "用户甲"],
        "Tencent refuses others with error 7003",
        withKey,
      ],
      [["gen", "--sdkappid", APP, "--user", "a", "--expire", "soon"], "--expire:", withKey],
      [["gen", "--sdkappid", APP, "--user", "a", "--colour"], "unknown option --colour", withKey],
      [["gen", "--sdkappid", APP, "--user", "a"], "no secret key", {}],
      [
        ["gen", "--sdkappid", APP, "--user", "a", "--key-file", join(dir, "nope")],
        "no such file",
        {},
      ],
      [["gen", "--sdkappid", APP, "--user", "a", "--key-file", pem], "v1 (ECDSA) private key", {}],
      [
        ["gen", "--sdkappid", APP, "--user", "a", "--key-file", "/dev/zero"],
        "cannot read the --key-file: it is larger than 64 KiB",
        { timeoutMs: 20_000 },
      ],
      [
        ["gen", "--sdkappid", APP, "--user", "a", "--key-file", big],
        "it is larger than 64 KiB",
        {},
      ],
      [
        ["privatemapkey", "--sdkappid", APP, "--user", "a", "--room-str", "", "--privileges", "1"],
        "--room-str is empty",
        withKey,
      ],
      [
        ["privatemapkey", "--sdkappid", APP, "--user", "a", "--privileges", "1"],
        "--room or --room-str is required",
        withKey,
      ],
      [
        [
          "privatemapkey",
          "--sdkappid",
          APP,
          "--user",
          "a",
          "--room",
          "1",
          "--room-str",
          "r",
          "--privileges",
          "1",
        ],
        "not both",
        withKey,
      ],
      [
        ["privatemapkey", "--sdkappid", APP, "--user", "a", "--room", "1", "--privileges", "Fly"],
        "--privileges takes names or numbers",
        withKey,
      ],
      [
        [
          ...`privatemapkey --sdkappid ${APP} --user a --privileges 1 --room-str`.split(" "),
          "房间",
        ],
        "TRTC refuses others with error -100014",
        withKey,
      ],
      [
        ["gen", "--sdkappid", APP, "--user", "a", "--key-file", env],
        "more than one line (a .env file?)",
        {},
      ],
      [["explain", "not-a-code"], "CODE must be a number", {}],
      [
        ["privatemapkey", "--sdkappid", APP, "--user", "a", "--room", "1"],
        "--privileges is required",
        withKey,
      ],
      [["verify", "--sdkappid", APP, "--user", "a"], "the TICKET argument is missing", withKey],
      [["inspect"], "the TICKET argument is missing", {}],
      [["inspect", "a", "b"], "give exactly one TICKET", {}],
    ];
    const runs = await Promise.all(cases.map(([args, , options]) => usersig(args, options)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = runs[i];
      expectExit(r, 2, args.join(" "));
      assertEquals(r.stdout, "", args.join(" "));
      assert(r.stderr.includes(message), `${args.join(" ")}: ${r.stderr}`);
      if (args.length > 0) assert(r.stderr.includes("--help"), r.stderr);
      clean(r);
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
}, NODE_ONLY);

test(
  "usersig --key-file neither echoes the path nor hangs on a FIFO that nobody writes to",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "usersig-cli-"));
    try {
      const typedAsPath = join(dir, KEY); // a key typed where the path goes
      const fifo = join(dir, "fifo");
      const made = spawnSync("mkfifo", [fifo]);
      const [missing, hung] = await Promise.all([
        usersig(["gen", "--sdkappid", APP, "--user", "a", "--key-file", typedAsPath]),
        made.status === 0
          ? usersig(["gen", "--sdkappid", APP, "--user", "a", "--key-file", fifo], {
            timeoutMs: 30_000,
          })
          : Promise.resolve(null),
      ]);
      expectExit(missing, 2, "a missing key file");
      assert(missing.stderr.includes("cannot read the --key-file: no such file"), missing.stderr);
      clean(missing, dir);
      if (hung === null) return; // no mkfifo on this machine
      expectExit(hung, 2, "a FIFO that nobody writes to");
      assert(hung.stderr.includes("a FIFO that nobody writes to?"), hung.stderr);
      clean(hung, fifo);
    } finally {
      rmSync(dir, { recursive: true });
    }
  },
  NODE_ONLY,
);

test(
  "usersig explain prints a code's meaning, cause and check; exits 1 for an unknown code",
  async () => {
    const [known, negative, unknown] = await Promise.all([
      usersig(["explain", "70009"]),
      usersig(["explain", "--json", "-100006"]),
      usersig(["explain", "99999"]),
    ]);
    expectExit(known, 0, "explain 70009");
    assert(known.stdout.includes("UserSig was signed with the wrong key"), known.stdout);
    assert(known.stdout.includes("check with    usersig verify"), known.stdout);
    expectExit(negative, 0, "explain -100006");
    assertEquals(JSON.parse(negative.stdout).name, "ERR_TRTC_INVALID_PRIVATE_MAPKEY");
    expectExit(unknown, 1, "explain 99999");
    assert(unknown.stderr.includes("99999 is not a code this table knows"), unknown.stderr);
  },
  NODE_ONLY,
);

test(
  "usersig inspect of a ticket whose TLS.ver is an escape sequence writes no escape",
  async () => {
    const ver = "\u001b[2J\u001b[31mX";
    const ticket = await ticketWithJson(JSON.stringify({ "TLS.ver": ver, "TLS.sig": "" }));
    for (const args of [["inspect", ticket], ["inspect", "--json", ticket]]) {
      const r = await usersig(args);
      expectExit(r, 1, args.join(" "));
      // deno-lint-ignore no-control-regex
      assert(!/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(r.stdout + r.stderr), r.stderr);
      assert((r.stdout + r.stderr).includes("\\u001b[2J"), r.stdout + r.stderr);
    }
  },
  NODE_ONLY,
);
