// This module is browser compatible.
// The CLI's commands, independent of any runtime: arguments and an I/O
// object in, an exit status out. cli.ts connects it to Deno.

import {
  type DecodedUserSig,
  decodeUserSig,
  parsePrivileges,
  Privilege,
  privilegeNames,
  TLSSigAPIv2,
  UserSigError,
} from "../../mod.ts";
import { type ArgSpec, parseArgs, type ParsedArgs, UsageError } from "./args.ts";
import {
  errorMeaning,
  explain,
  formatFields,
  formatTime,
  forTerminal,
  inspectFields,
  inspectJson,
  isUserSigErrorCode,
  parseDuration,
  printable,
  roomRecordOf,
  tencentCodeFields,
  tencentCodesText,
  ticketWarnings,
} from "./format.ts";
import { KEY_ENV, readSecretKey } from "./key.ts";
import {
  checkRoomId,
  checkRoomStr,
  checkRoomStrToIssue,
  checkSdkAppId,
  checkUserId,
  U32_MAX,
} from "../validate.ts";
import { TENCENT_CODES, tencentCode, tencentCodesFor, type TicketKind } from "../tencent_codes.ts";
import { VERSION } from "../version.ts";
import { REST_COMMAND } from "./rest.ts";

/** What the CLI needs from its process; cli.ts gives Deno's, tests give fakes. */
export interface CliIo {
  /** Writes text to standard output. */
  stdout(text: string): void;
  /** Writes text to standard error. */
  stderr(text: string): void;
  /** An environment variable, or undefined. */
  env(name: string): string | undefined;
  /**
   * Reads a whole key file of at most `maxBytes` bytes, as UTF-8 (see
   * `decodeKeyFile`: it rejects with an error named `"Utf16"` or
   * `"NotUtf8"`). For a longer file, or one without an end such as
   * `/dev/zero`, it stops reading once past the limit and rejects with an
   * error named `"TooLarge"`. When the file is not opened and read to its
   * end within seconds (a FIFO that nobody writes to, or never closes), it
   * rejects with an error named `"TimedOut"`.
   */
  readTextFile(path: string, maxBytes: number): Promise<string>;
  /**
   * Shows `prompt` and reads a line without echoing it (or the first line of
   * piped input); null when there is none or the user cancels.
   */
  readSecret(prompt: string): Promise<string | null>;
  /**
   * Reads standard input to its end, at most `maxBytes` bytes; past that it
   * rejects with an error named `"TooLarge"`. Absent where there is none.
   */
  readStdin?(maxBytes: number): Promise<string>;
  /** The clock, unix seconds. */
  now(): number;
}

const NAME = "usersig";

const KEY_HELP = `The secret key comes from --key-file PATH, else the ${KEY_ENV} environment
variable, else a prompt that does not echo (or the first line of piped input).
It is never taken as an argument: that would save it in your shell history.`;

const HELP = `${NAME}: issue, check and read Tencent Cloud IM / TRTC tickets

Usage: ${NAME} <command> [options]
       ${NAME} -V, --version

Commands:
  gen            issue a UserSig
  privatemapkey  issue a PrivateMapKey (a TRTC room permission ticket)
  verify         check a ticket with the key; exit 0 if it is good, 1 if not
  inspect        read a ticket without a key: app, user, times, room, privileges
  explain        say what one of Tencent's error codes (70009, -100018, ...) means
  rest           call the IM REST API as the administrator; print Tencent's answer

Every command takes --json (machine-readable output) and -h, --help.

${KEY_HELP}

Exit status: 0 done, 1 ticket rejected or unreadable (or a code explain does
not know), 2 bad usage.
`;

interface Command {
  spec: ArgSpec;
  help: string;
  run(args: ParsedArgs, io: CliIo, json: boolean): number | Promise<number>;
}

const KEY_FILE_LINE = "  --key-file PATH  read the secret key from this file";
const COMMON_LINES = `  --json           print JSON
  -h, --help       show this help`;

const COMMANDS: Record<string, Command> = {
  gen: {
    spec: { values: ["sdkappid", "user", "expire", "key-file"], flags: ["json", "help"] },
    help: `Usage: ${NAME} gen --sdkappid N --user U [--expire S] [--key-file PATH] [--json]

Issues a UserSig: the password user U's app logs in to IM or TRTC with.

  --sdkappid N     the application's SDKAppID
  --user U         the UserID: 1 to 32 printable ASCII characters, best
                   letters, digits, _ and - (Tencent's SDKs refuse others: 7003)
  --expire S       validity in seconds, or with a unit: 30m, 12h, 7d (default 180d)
${KEY_FILE_LINE}
${COMMON_LINES}: userSig, sdkAppId, userId, time, expire, expiresAt

${KEY_HELP}
`,
    run: gen,
  },
  privatemapkey: {
    spec: {
      values: ["sdkappid", "user", "room", "room-str", "privileges", "expire", "key-file"],
      flags: ["json", "help"],
    },
    help: `Usage: ${NAME} privatemapkey --sdkappid N --user U (--room N | --room-str S)
                     --privileges LIST|N [--expire S] [--key-file PATH] [--json]

Issues a PrivateMapKey: lets user U into one TRTC room with the given privileges.

  --sdkappid N        the application's SDKAppID
  --user U            the UserID: 1 to 32 printable ASCII characters, best
                      letters, digits, _ and - (Tencent's SDKs refuse others: 7003)
  --room N            a numeric room id (1..4294967294)
  --room-str S        a string room id: 1 to 64 of a-z A-Z 0-9, space and
                      !#$%&()+-:;<=.>?@[]^_{}|~, (TRTC refuses others: -100014)
  --privileges LIST   names or numbers, comma-separated: EnterRoom,ReceiveAudio
                      or 42 or All. Names: CreateRoom, EnterRoom, SendAudio,
                      ReceiveAudio, SendVideo, ReceiveVideo, SendSubStream,
                      ReceiveSubStream, All
  --expire S          validity in seconds, or 30m, 12h, 7d (default 300)
${KEY_FILE_LINE}
${COMMON_LINES}

${KEY_HELP}
`,
    run: privateMapKey,
  },
  verify: {
    spec: {
      values: ["sdkappid", "user", "room", "room-str", "privileges", "key-file"],
      flags: ["json", "help"],
    },
    help: `Usage: ${NAME} verify --sdkappid N --user U [--key-file PATH] [--json] TICKET

Checks a UserSig or PrivateMapKey with the key, as the servers would: app,
user, signature, validity; for a PrivateMapKey also its room record. Exit 0
and the claims if it is good; exit 1, the error code, the reason and the
codes Tencent answers for it if not.

  --sdkappid N        the application it must be for
  --user U            the user it must be for
  --room N            (PrivateMapKey) the numeric room it must be for
  --room-str S        (PrivateMapKey) the string room it must be for
  --privileges LIST   (PrivateMapKey) privileges it must grant, as for privatemapkey
${KEY_FILE_LINE}
${COMMON_LINES}

${KEY_HELP}
`,
    run: verify,
  },
  inspect: {
    spec: { values: [], flags: ["json", "help"] },
    help: `Usage: ${NAME} inspect [--json] TICKET

Reads a UserSig or PrivateMapKey (format v2 or v1) without a key: app, user,
version, issue and expiry times, whether it has expired, and the room and
privileges of a PrivateMapKey. The signature is not checked: use verify.

${COMMON_LINES}
`,
    run: inspect,
  },
  explain: {
    spec: { values: [], flags: ["json", "help"] },
    help: `Usage: ${NAME} explain [--json] CODE

Says what one of Tencent's error codes means, what is likely wrong with the
ticket, and which ${NAME} command checks it: the IM server's and REST API's
70001 to 70398, the Chat SDKs' 6206, 7003 and 2003, TRTC's -3320, -100006,
-100014, -100018, -102010, -102011, and TRTC web's -10013, -10018, -10019.
CODE may also be one of this tool's own codes (ERR_USERSIG_EXPIRED ...): it
then lists Tencent's codes for it. Exit 1 for a code it does not know.

${COMMON_LINES}
`,
    run: explainCode,
  },
  rest: REST_COMMAND,
};

function required(args: ParsedArgs, name: string): string {
  const value = args.options[name];
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

function requiredNumber(args: ParsedArgs, name: string, example: string): number {
  const value = wholeNumber(args, name, example);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

function wholeNumber(args: ParsedArgs, name: string, example: string): number | undefined {
  const value = args.options[name];
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value)) {
    throw new UsageError(`--${name} must be a whole number, such as ${example}`);
  }
  return Number(value);
}

/** `--name` read by `parse`, whose error becomes a usage error naming the option. */
function parsedOption<T>(
  args: ParsedArgs,
  name: string,
  parse: (value: string) => T,
): T | undefined {
  const value = args.options[name];
  if (value === undefined) return undefined;
  try {
    return parse(value);
  } catch (error) {
    throw new UsageError(`--${name}: ${(error as Error).message}`);
  }
}

/**
 * `--expire`, or `fallback`, checked against the clock before the key is
 * asked for: a ticket's times are unsigned 32-bit numbers.
 */
function expireOf(args: ParsedArgs, fallback: number, now: number): number {
  const expire = parsedOption(args, "expire", parseDuration) ?? fallback;
  if (now + expire > U32_MAX) {
    throw new UsageError(
      `--expire reaches past ${formatTime(U32_MAX)}, the last time a ticket can hold: ` +
        `at most ${U32_MAX - now} seconds from now`,
    );
  }
  return expire;
}

/** Not echoed: a value typed in the wrong place may be a secret. */
const PRIVILEGES_HELP = "--privileges takes names or numbers, comma-separated: " +
  `${Object.keys(Privilege).join(", ")}, or a number from 0 to 4294967295`;

function privilegesOf(args: ParsedArgs): number | undefined {
  const value = args.options["privileges"];
  if (value === undefined) return undefined;
  try {
    return parsePrivileges(value);
  } catch {
    throw new UsageError(`${PRIVILEGES_HELP}; this value is neither`);
  }
}

/**
 * The room options, checked here so that a mistake names `--room` or
 * `--room-str` (not the library's field) and comes before the key prompt.
 */
function roomOf(args: ParsedArgs, issuing: boolean): { roomId?: number; roomStr?: string } {
  const roomId = wholeNumber(args, "room", "10000");
  const roomStr = args.options["room-str"];
  if (roomId !== undefined && roomStr !== undefined) {
    throw new UsageError("give --room or --room-str, not both");
  }
  if (roomId !== undefined) checkRoomId(roomId, "--room");
  if (roomStr !== undefined) (issuing ? checkRoomStrToIssue : checkRoomStr)(roomStr, "--room-str");
  return roomId !== undefined ? { roomId } : roomStr !== undefined ? { roomStr } : {};
}

function positional(args: ParsedArgs, name: string): string {
  if (args.positionals.length !== 1) {
    throw new UsageError(
      args.positionals.length === 0
        ? `the ${name} argument is missing`
        : `give exactly one ${name}`,
    );
  }
  return args.positionals[0].trim();
}

function noPositionals(args: ParsedArgs): void {
  if (args.positionals.length > 0) {
    // Not echoed: a stray argument may well be a key.
    throw new UsageError(`unexpected argument (${args.positionals.length} extra)`);
  }
}

function print(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Issues with a throwaway key first, so that a bad user id or validity is
 * reported before anyone is asked to type the real key.
 */
async function issue(
  sdkAppId: number,
  args: ParsedArgs,
  io: CliIo,
  sign: (api: TLSSigAPIv2) => Promise<string>,
): Promise<string> {
  await sign(new TLSSigAPIv2(sdkAppId, "argument-check"));
  const key = await readSecretKey(args.options["key-file"], io);
  return await sign(new TLSSigAPIv2(sdkAppId, key));
}

async function gen(args: ParsedArgs, io: CliIo, json: boolean): Promise<number> {
  noPositionals(args);
  const sdkAppId = requiredNumber(args, "sdkappid", "1400000000");
  const userId = checkUserId(required(args, "user"), "--user");
  const now = io.now();
  const expire = expireOf(args, 15552000, now);
  const userSig = await issue(
    sdkAppId,
    args,
    io,
    (api) => api.genUserSig(userId, expire, { now }),
  );
  if (json) {
    print(io, { userSig, sdkAppId, userId, time: now, expire, expiresAt: now + expire });
  } else {
    io.stdout(`${userSig}\n`);
  }
  return 0;
}

async function privateMapKey(args: ParsedArgs, io: CliIo, json: boolean): Promise<number> {
  noPositionals(args);
  const sdkAppId = requiredNumber(args, "sdkappid", "1400000000");
  const userId = checkUserId(required(args, "user"), "--user");
  const room = roomOf(args, true);
  if (room.roomId === undefined && room.roomStr === undefined) {
    throw new UsageError("--room or --room-str is required");
  }
  const privilegeMap = privilegesOf(args);
  if (privilegeMap === undefined) throw new UsageError("--privileges is required");
  const now = io.now();
  const expire = expireOf(args, 300, now);
  const ticket = await issue(
    sdkAppId,
    args,
    io,
    (api) =>
      room.roomId !== undefined
        ? api.genPrivateMapKey(userId, expire, room.roomId, privilegeMap, { now })
        : api.genPrivateMapKeyWithStringRoomID(
          userId,
          expire,
          room.roomStr!,
          privilegeMap,
          { now },
        ),
  );
  if (json) {
    print(io, {
      privateMapKey: ticket,
      sdkAppId,
      userId,
      ...room,
      privilegeMap,
      privileges: privilegeNames(privilegeMap),
      time: now,
      expire,
      expiresAt: now + expire,
    });
  } else {
    io.stdout(`${ticket}\n`);
  }
  return 0;
}

async function verify(args: ParsedArgs, io: CliIo, json: boolean): Promise<number> {
  const sdkAppId = checkSdkAppId(requiredNumber(args, "sdkappid", "1400000000"));
  const userId = required(args, "user");
  const room = roomOf(args, false);
  const privileges = privilegesOf(args);
  const ticket = positional(args, "TICKET");
  const now = io.now();
  let decoded: DecodedUserSig | undefined;
  try {
    decoded = decodeUserSig(ticket);
    if (decoded.format !== "v2") {
      // Said before the key is asked for: no v2 secret key can check it.
      throw new UserSigError(
        "ERR_USERSIG_UNSUPPORTED_VERSION",
        "this is a v1 (ECDSA) ticket; verify it with TLSSigAPI from the legacy entry point",
      );
    }
    const api = new TLSSigAPIv2(sdkAppId, await readSecretKey(args.options["key-file"], io));
    const asRoomTicket = roomRecordOf(decoded) !== undefined || privileges !== undefined ||
      room.roomId !== undefined || room.roomStr !== undefined;
    if (asRoomTicket) {
      await api.verifyPrivateMapKey(ticket, userId, { now, ...room, privileges });
    } else {
      await api.verifyUserSig(ticket, userId, { now, userBuf: "any" });
    }
  } catch (error) {
    if (!(error instanceof UserSigError)) throw error;
    // Tencent has codes of its own for no ticket at all, and one more for a v1 ticket.
    const shape = ticket === "" ? "empty" : decoded?.format === "v1" ? "v1" : undefined;
    const reason = shape === "empty"
      ? "the ticket is empty"
      : explain(error.code, decoded, { sdkAppId: sdkAppId, userId }, now);
    const kind: TicketKind = (decoded && roomRecordOf(decoded)) || room.roomId !== undefined ||
        room.roomStr !== undefined || privileges !== undefined
      ? "PrivateMapKey"
      : "UserSig";
    const warnings = decoded === undefined ? [] : ticketWarnings(decoded);
    if (json) {
      const rows = tencentCodesFor(error.code, kind, shape);
      const tencentCodes = rows.map(({ code, origin, name }) => ({ code, origin, name }));
      print(io, {
        valid: false,
        error: { code: error.code, message: reason, tencentCodes },
        warnings,
      });
    } else {
      const tencent = tencentCodesText(error.code, kind, shape);
      io.stderr(
        `invalid: ${error.code}: ${printable(reason)}\n` +
          (tencent
            ? `Tencent answers it with ${tencent}; "${NAME} explain CODE" says more\n`
            : "") +
          warnings.map((warning) => `warning: ${warning}\n`).join(""),
      );
    }
    return 1;
  }
  if (json) {
    print(io, { valid: true, ...inspectJson(decoded, now) });
  } else {
    const fields = inspectFields(decoded, now).filter((f) => f.label !== "signature");
    fields.push({ label: "signature", value: "valid for this key" });
    io.stdout(
      `valid: ${roomRecordOf(decoded) ? "PrivateMapKey" : "UserSig"} for user "${
        printable(decoded.userId)
      }" in app ${decoded.sdkAppId}\n${formatFields(fields)}`,
    );
  }
  return 0;
}

function inspect(args: ParsedArgs, io: CliIo, json: boolean): number {
  const decoded = decodeUserSig(positional(args, "TICKET"));
  const now = io.now();
  if (json) print(io, inspectJson(decoded, now));
  else io.stdout(formatFields(inspectFields(decoded, now)));
  return 0;
}

function explainCode(args: ParsedArgs, io: CliIo, json: boolean): number {
  const text = positional(args, "CODE");
  if (isUserSigErrorCode(text)) {
    const codes = (ticket: TicketKind) => tencentCodesFor(text, ticket).map((row) => row.code);
    const meaning = errorMeaning(text);
    if (json) {
      print(io, {
        code: text,
        meaning,
        tencentCodes: { UserSig: codes("UserSig"), PrivateMapKey: codes("PrivateMapKey") },
      });
    } else {
      const per = (ticket: TicketKind) =>
        `for a ${ticket}: ${tencentCodesText(text, ticket) || "none"}`;
      io.stdout(
        `${text}: ${meaning}\nTencent's codes ${per("UserSig")}; ${per("PrivateMapKey")}\n`,
      );
    }
    return 0;
  }
  if (!/^-?\d+$/.test(text)) {
    // Not echoed: it may be anything.
    throw new UsageError("CODE must be a number, such as 70009 or -100018, or an ERR_ code");
  }
  const row = tencentCode(Number(text));
  if (row !== undefined) {
    if (json) print(io, row);
    else io.stdout(formatFields(tencentCodeFields(row)));
    return 0;
  }
  // Any other number is a code this table does not know; a long one is not repeated.
  const message = `${
    text.length <= 12 ? text : "that number"
  } is not a code this table knows; it knows ${
    TENCENT_CODES.map((known) => known.code).join(", ")
  }`;
  if (json) print(io, { error: { code: "ERR_UNKNOWN_CODE", message } });
  else io.stderr(`${NAME}: ${message}\n`);
  return 1;
}

function fail(error: unknown, io: CliIo, json: boolean, command: string | undefined): number {
  const usage = error instanceof UsageError || error instanceof TypeError ||
    error instanceof RangeError;
  if (usage || error instanceof UserSigError) {
    const code = error instanceof UserSigError ? error.code : "ERR_USAGE";
    // From a ticket, its message comes from the core: decodeUserSig failed.
    const message = error instanceof UserSigError
      ? `${explain(error.code, undefined, {}, io.now())} (${error.message})`
      : (error as Error).message;
    if (json) {
      print(io, { error: { code, message } }); // JSON escapes its line breaks
    } else if (usage) {
      // A message is one line, its line breaks escaped; only the CLI's own layout has more.
      const topic = command !== undefined && command in COMMANDS ? `${command} ` : "";
      io.stderr(
        `${NAME}: error: ${printable(message)}\nRun "${NAME} ${topic}--help" for usage.\n`,
      );
    } else {
      io.stderr(`${NAME}: ${code}: ${printable(message)}\n`);
    }
    return usage ? 2 : 1;
  }
  // Not expected; reported without a stack trace, and without a message that
  // could hold input.
  const name = error instanceof Error ? error.name : typeof error;
  io.stderr(`${NAME}: unexpected ${printable(name)}; please report it\n`);
  return 1;
}

/**
 * Runs the CLI: `gen`, `privatemapkey`, `verify`, `inspect`, with `--json`
 * and `--help` on each, and `--version`. Messages never hold a key or a
 * whole ticket, and no stack trace is printed.
 *
 * @param argv The arguments, command first.
 * @param io The process's input and output.
 * @returns The exit status: 0 done, 1 ticket rejected or unreadable, 2 bad
 * usage.
 *
 * @example Issuing and checking a ticket with the key in the environment
 * ```ts
 * import { runCli } from "./main.ts";
 *
 * let out = "";
 * const io = {
 *   stdout: (text: string) => void (out += text), stderr() {}, now: () => 1_700_000_000,
 *   env: (name: string) => name === "TENCENT_SECRET_KEY" ? "demo-secret-key" : undefined,
 *   readTextFile: () => Promise.reject(new Error("unused")),
 *   readSecret: () => Promise.resolve(null),
 * };
 * await runCli(["gen", "--sdkappid", "1400000000", "--user", "alice", "--expire", "1h"], io);
 * const status = await runCli(["verify", "--sdkappid", "1400000000", "--user", "alice", out], io);
 * console.assert(status === 0 && out.includes("valid for 1 hour"));
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes("--json");
  // The one way out: whatever is written, from a ticket or not, is escaped.
  const { stdout, stderr } = io;
  io = {
    ...io,
    stdout: (text) => stdout(forTerminal(text)),
    stderr: (text) => stderr(forTerminal(text)),
  };
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      io.stderr(HELP);
      return 2;
    }
    if (command === "help" || command === "--help" || command === "-h") {
      const topic = rest[0] === undefined ? undefined : COMMANDS[rest[0]];
      io.stdout(topic?.help ?? HELP);
      return 0;
    }
    if (command === "--version" || command === "-V") {
      // Not echoed: a stray argument may well be a key.
      if (rest.length > 0) throw new UsageError(`${command} takes no argument`);
      io.stdout(`${NAME} ${VERSION}\n`);
      return 0;
    }
    if (command.startsWith("-")) {
      parseArgs([command], { values: [], flags: [] }); // refuses a key, names the option
    }
    const cmd = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (cmd === undefined) {
      // A word-like typo is echoed; anything else might be a secret.
      const shown = /^[a-z-]{1,20}$/i.test(command) ? ` "${command}"` : "";
      throw new UsageError(
        `unknown command${shown}; the commands are ${Object.keys(COMMANDS).join(", ")}`,
      );
    }
    const args = parseArgs(rest, cmd.spec);
    if (args.flags.has("help")) {
      io.stdout(cmd.help);
      return 0;
    }
    return await cmd.run(args, io, json);
  } catch (error) {
    return fail(error, io, json, command);
  }
}
