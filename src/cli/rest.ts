// This module is browser compatible.
// `usersig rest SERVICE/COMMAND [JSON | -]`: one call of the IM REST API as
// the application's administrator, Tencent's answer printed as JSON.

import { checkBaseUrl, commandPath, RestApiClient } from "../rest/client.ts";
import { RestApiError } from "../rest/errors.ts";
import { isRestApiRegion, REST_API_REGIONS, type RestApiRegion } from "../rest/regions.ts";
import { checkUserId } from "../validate.ts";
import { type ArgSpec, type ParsedArgs, UsageError } from "./args.ts";
import { parseDuration, printable } from "./format.ts";
import { KEY_ENV, readSecretKey } from "./key.ts";
import type { CliIo } from "./main.ts";

/** The most a JSON body read from standard input may hold, in bytes. */
const MAX_BODY_BYTES = 1024 * 1024;
/** The longest timeout a timer can count, in seconds (2^31 - 1 ms). */
const MAX_TIMEOUT_SECONDS = 2_147_483;
const REGIONS = Object.keys(REST_API_REGIONS);

/** Names, comma-separated, four a line, each line indented. */
function listed(names: readonly string[], indent: string): string {
  const lines: string[] = [];
  for (let i = 0; i < names.length; i += 4) lines.push(indent + names.slice(i, i + 4).join(", "));
  return lines.join(",\n");
}

const HELP = `Usage: usersig rest SERVICE/COMMAND [JSON | -] --sdkappid N
                    [--identifier NAME] [--region R | --base-url URL]
                    [--timeout S] [--key-file PATH] [--json]

Calls a command of the Tencent Cloud IM REST API as the application's
administrator, signed with a UserSig issued for it, and prints Tencent's
answer (JSON). Exit 1 when Tencent answers FAIL (its ErrorCode explained),
when the answer is not Tencent's, or when none comes in time.

  SERVICE/COMMAND     such as im_open_login_svc/account_import (a leading
                      v4/ is fine)
  JSON                the body, a JSON object (default {}); - reads it from
                      standard input, and the key must then come from
                      --key-file or ${KEY_ENV}
  --sdkappid N        the application's SDKAppID
  --identifier NAME   the administrator account (default administrator)
  --region R          where the application lives (default china):
${listed(REGIONS, "                      ")}
                      A call that cannot reach the region's domain is sent
                      once more to its backup domain.
  --base-url URL      send to this server instead (a proxy of your own:
                      https, or http to loopback), without a backup
  --timeout S         seconds to wait for the whole answer, or 30s, 2m
                      (default 10)
  --key-file PATH     read the secret key from this file
  --json              print errors as JSON too
  -h, --help          show this help

The secret key is read as for every command: --key-file, ${KEY_ENV}, or
a prompt that does not echo. See usersig --help.
`;

function sdkAppIdOf(args: ParsedArgs): number {
  const value = args.options.sdkappid;
  if (value === undefined) throw new UsageError("--sdkappid is required");
  if (!/^\d{1,10}$/.test(value)) {
    throw new UsageError("--sdkappid must be a whole number, such as 1400000000");
  }
  return Number(value);
}

function regionOf(args: ParsedArgs): RestApiRegion | undefined {
  const region = args.options.region;
  if (region === undefined) return undefined;
  if (!isRestApiRegion(region)) {
    throw new UsageError(`--region must be one of ${REGIONS.join(", ")}`);
  }
  if (args.options["base-url"] !== undefined) {
    throw new UsageError("give --region or --base-url, not both");
  }
  return region;
}

function timeoutOf(args: ParsedArgs): number | undefined {
  const value = args.options.timeout;
  if (value === undefined) return undefined;
  let seconds: number;
  try {
    seconds = parseDuration(value);
  } catch {
    throw new UsageError("--timeout takes seconds, or a number with s or m: 30, 30s, 2m");
  }
  if (seconds > MAX_TIMEOUT_SECONDS) {
    throw new UsageError(`--timeout must be at most ${MAX_TIMEOUT_SECONDS} seconds`);
  }
  return seconds * 1000;
}

/** `service` and `command` from `SERVICE/COMMAND` or `v4/SERVICE/COMMAND`, checked. */
function commandOf(args: ParsedArgs): [string, string] {
  const [path] = args.positionals;
  if (path === undefined) {
    throw new UsageError("the SERVICE/COMMAND argument is missing, such as openim/sendmsg");
  }
  const parts = path.replace(/^\/?v4\//, "").split("/");
  if (parts.length !== 2) {
    throw new UsageError("SERVICE/COMMAND is two names such as im_open_login_svc/account_import");
  }
  commandPath(parts[0], parts[1]);
  return [parts[0], parts[1]];
}

async function bodyOf(args: ParsedArgs, io: CliIo): Promise<object> {
  if (args.positionals.length > 2) {
    // Not echoed: a stray argument may well be a key.
    throw new UsageError(`unexpected argument (${args.positionals.length - 2} extra)`);
  }
  let text = args.positionals[1];
  if (text === undefined) return {};
  if (text === "-") {
    if (args.options["key-file"] === undefined && !io.env(KEY_ENV)) {
      throw new UsageError(
        `the body comes from standard input, so the key cannot: give --key-file or set ${KEY_ENV}`,
      );
    }
    if (io.readStdin === undefined) throw new UsageError("there is no standard input to read");
    try {
      text = await io.readStdin(MAX_BODY_BYTES);
    } catch {
      throw new UsageError(
        `cannot read the JSON body from standard input (at most ${MAX_BODY_BYTES} bytes)`,
      );
    }
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    // Not echoed, nor the parser's message, which quotes it.
    throw new UsageError('the JSON body must be a JSON object, such as {} or {"UserID":"alice"}');
  }
  return body;
}

/** JSON for a terminal: what a server sent is escaped (a message may hold anything). */
function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2).split("\n").map(printable).join("\n")}\n`);
}

async function rest(args: ParsedArgs, io: CliIo, json: boolean): Promise<number> {
  const [service, command] = commandOf(args);
  const sdkAppId = sdkAppIdOf(args);
  const identifier = checkUserId(args.options.identifier ?? "administrator", "--identifier");
  const region = regionOf(args);
  const given = args.options["base-url"];
  const baseUrl = given === undefined ? undefined : checkBaseUrl(given, "--base-url");
  const timeout = timeoutOf(args);
  const body = await bodyOf(args, io);
  const options = { sdkAppId, identifier, region, baseUrl, timeout };
  new RestApiClient({ ...options, secretKey: "argument-check" }); // before the key is asked for
  const client = new RestApiClient({
    ...options,
    secretKey: await readSecretKey(args.options["key-file"], io),
  });
  try {
    printJson(io, await client.call(service, command, body));
    return 0;
  } catch (error) {
    if (!(error instanceof RestApiError)) throw error;
    const { code, message, errorCode, errorInfo, status, explanation, response } = error;
    if (json) {
      printJson(io, {
        error: { code, message, errorCode, errorInfo, status, explanation },
        response,
      });
    } else {
      if (response !== undefined) printJson(io, response);
      io.stderr(`usersig: ${code}: ${printable(message)}\n`);
    }
    return 1;
  }
}

/**
 * The `rest` command of the CLI, in the shape `main.ts` registers commands:
 * its options, its help, and what it runs.
 *
 * @example Its help names the arguments
 * ```ts
 * import { REST_COMMAND } from "./rest.ts";
 *
 * console.assert(REST_COMMAND.help.startsWith("Usage: usersig rest SERVICE/COMMAND"));
 * console.assert(REST_COMMAND.spec.values.includes("region"));
 * ```
 */
export const REST_COMMAND: {
  spec: ArgSpec;
  help: string;
  run(args: ParsedArgs, io: CliIo, json: boolean): Promise<number>;
} = {
  spec: {
    values: ["sdkappid", "identifier", "region", "base-url", "timeout", "key-file"],
    flags: ["json", "help"],
  },
  help: HELP,
  run: rest,
};
