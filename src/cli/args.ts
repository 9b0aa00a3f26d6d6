// This module is browser compatible.
// Command-line parsing for the CLI: `--name value`, `--name=value`, boolean
// flags, positionals (a negative number such as -100018 is one), `--`. Messages name options, never echo values (a
// value may be a key or a ticket).

/**
 * A mistake in how the CLI was called: exit status 2, with the message and
 * a pointer to `--help`.
 *
 * @example
 * ```ts
 * import { UsageError } from "./args.ts";
 *
 * console.assert(new UsageError("--user is required").name === "UsageError");
 * ```
 */
export class UsageError extends Error {
  /**
   * Creates the error.
   *
   * @param message What is wrong, naming the option; never a secret.
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Why the key is refused as an argument; shown when someone tries. */
export const KEY_ARGUMENT_MESSAGE: string =
  "the secret key is not accepted as a command-line argument: it would be saved in your " +
  "shell history and visible to other users in the process list. Use --key-file PATH, " +
  "the TENCENT_SECRET_KEY environment variable, or type it at the prompt (it is not echoed).";

const KEY_OPTION = /^(-?-)(secret|key|secret-?key|sdk-?secret-?key|private-?key|password)$/i;

/**
 * An unknown option, named only when it looks like an option's name: a key
 * pasted as `--<key>` would otherwise be printed.
 */
function unknownOption(written: string): UsageError {
  return new UsageError(
    /^--?[A-Za-z][A-Za-z0-9-]{0,19}$/.test(written)
      ? `unknown option ${written}`
      : "unknown option (not repeated: it does not look like an option's name)",
  );
}

/** The options one command accepts, by name without the leading `--`. */
export interface ArgSpec {
  /** Options that take a value. */
  values: readonly string[];
  /** Options that take none. */
  flags: readonly string[];
}

/** A parsed command line. */
export interface ParsedArgs {
  /** Values of the value options given, by name. */
  options: Record<string, string>;
  /** The flags given, by name; `-h` counts as `help`. */
  flags: Set<string>;
  /** Everything else, in order. */
  positionals: string[];
}

/**
 * Parses one command's arguments.
 *
 * @param argv The arguments after the command name.
 * @param spec The options the command accepts.
 * @returns The options, flags and positionals.
 * @throws {UsageError} For an unknown option, a value missing or given
 * twice, a value on a flag, or a secret key passed as an argument.
 *
 * @example Both spellings of a value
 * ```ts
 * import { parseArgs } from "./args.ts";
 *
 * const args = parseArgs(["--sdkappid=1400000000", "--user", "alice", "--json"], {
 *   values: ["sdkappid", "user"], flags: ["json"],
 * });
 * console.assert(args.options.user === "alice" && args.flags.has("json"));
 * ```
 */
export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const parsed: ParsedArgs = { options: {}, flags: new Set(), positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      parsed.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-h") {
      parsed.flags.add("help");
      continue;
    }
    if (!arg.startsWith("-") || arg === "-" || /^-\d+$/.test(arg)) {
      parsed.positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const written = equals === -1 ? arg : arg.slice(0, equals);
    if (KEY_OPTION.test(written)) throw new UsageError(KEY_ARGUMENT_MESSAGE);
    const name = written.replace(/^--/, "");
    if (!written.startsWith("--") || name === "") throw unknownOption(written);
    if (spec.flags.includes(name)) {
      if (equals !== -1) throw new UsageError(`--${name} takes no value`);
      parsed.flags.add(name);
    } else if (spec.values.includes(name)) {
      if (name in parsed.options) throw new UsageError(`--${name} is given twice`);
      let value: string | undefined;
      if (equals !== -1) value = arg.slice(equals + 1);
      else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      parsed.options[name] = value;
    } else {
      throw unknownOption(written);
    }
  }
  return parsed;
}
