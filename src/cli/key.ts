// This module is browser compatible.
// Where the CLI gets the secret key: a file, the environment, or a prompt
// that does not echo. Never from an argument, never into a message.

import { fromUtf8 } from "../validate.ts";
import { UsageError } from "./args.ts";
import type { CliIo } from "./main.ts";

/** The environment variable the CLI reads the key from. */
export const KEY_ENV = "TENCENT_SECRET_KEY";

/**
 * The most a `--key-file` may hold, in bytes: a secret key is one short
 * line, and reading must end even for `/dev/zero` or a huge file.
 */
export const MAX_KEY_FILE_BYTES = 65536;

const TOO_LARGE = `it is larger than ${
  MAX_KEY_FILE_BYTES / 1024
} KiB; a secret key is one short line`;

const V1_KEY_MESSAGE =
  "the key looks like a v1 (ECDSA) private key in PEM form; v2 tickets are signed with the " +
  "secret key string shown in the console's application settings";

/** Why a key file could not be read, from the error's name; never its path. */
function fileProblem(error: unknown): string {
  const { name, code, message } = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: unknown;
  };
  if (name === "NotFound" || code === "ENOENT") return "no such file";
  if (name === "PermissionDenied" || code === "EACCES") return "permission denied";
  if (name === "NotCapable") {
    // Deno asks for --allow-all, not --allow-read, before it opens such paths.
    return typeof message === "string" && message.includes("--allow-all")
      ? "Deno opens this file only with --allow-all, as it does /dev/stdin, /proc and /sys; " +
        "to give the key on standard input, pipe it in and leave out --key-file"
      : "no read permission (run deno with --allow-read)";
  }
  if (name === "IsADirectory" || code === "EISDIR") return "it is a directory";
  if (name === "TooLarge") return TOO_LARGE;
  if (name === "TimedOut") {
    return "it was not read to its end within seconds: a FIFO that nobody writes to? Or " +
      "that is never closed? Write the key, then close it";
  }
  if (name === "Utf16") {
    return 'it is UTF-16 (Notepad\'s "Unicode"); save it as UTF-8';
  }
  if (name === "NotUtf8") return "it is not UTF-8 text";
  return "it could not be read";
}

/** An Error whose `name` says which failure it is (`NotUtf8`, `TooLarge`, …). */
export function named(name: string, message: string): Error {
  return Object.assign(new Error(message), { name });
}

/**
 * Decodes the bytes of a key file as UTF-8, strictly: a byte sequence that
 * is not UTF-8 is refused rather than read as U+FFFD, and so is a UTF-16
 * file (one that starts with a UTF-16 byte order mark, as Notepad's
 * "Unicode" writes), either of which would sign with another key. A UTF-8
 * byte order mark is dropped.
 *
 * @param bytes The file's bytes.
 * @returns The text.
 * @throws {Error} Named `"Utf16"` for a UTF-16 file, `"NotUtf8"` for other
 * bytes that are not UTF-8; the message holds none of the bytes.
 *
 * @example A UTF-8 file, and a UTF-16 one
 * ```ts
 * import { decodeKeyFile } from "./key.ts";
 *
 * console.assert(decodeKeyFile(new TextEncoder().encode("key\n")) === "key\n");
 * try {
 *   decodeKeyFile(Uint8Array.of(0xff, 0xfe, 0x6b, 0x00));
 * } catch (error) {
 *   console.assert((error as Error).name === "Utf16");
 * }
 * ```
 */
export function decodeKeyFile(bytes: Uint8Array): string {
  if (
    bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) ||
      (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    throw named("Utf16", "a UTF-16 byte order mark");
  }
  const text = fromUtf8(bytes);
  if (text === null) throw named("NotUtf8", "bytes that are not UTF-8");
  return text;
}

/**
 * What no key holds: control characters, invisible format characters,
 * separators, and U+FFFD, which stands for bytes that were not UTF-8.
 */
const NOT_IN_A_KEY = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\ufffd]/u;

/** Why a key with such a character is refused; never the key or the character's place. */
function badCharacter(key: string, from: string): string {
  const found = NOT_IN_A_KEY.exec(key)![0];
  if (found === "\ufffd") {
    return `the secret key from ${from} has a replacement character (U+FFFD): its bytes were ` +
      "not UTF-8 text";
  }
  const kind = /\p{Cc}/u.test(found) ? "a control" : "an invisible";
  const utf16 = key.includes("\u0000") ? " (a UTF-16 file? save it as UTF-8)" : "";
  return `the secret key from ${from} has ${kind} character${utf16}; a secret key is ` +
    "printable text, on one line";
}

/**
 * Gets the secret key for a command: from `--key-file` when given, else
 * from `TENCENT_SECRET_KEY`, else from {@link CliIo.readSecret} (a prompt
 * that does not echo, or the first line of piped input). Surrounding
 * whitespace is dropped.
 *
 * @param keyFile The `--key-file` path, if given.
 * @param io The process's input and output.
 * @returns The key.
 * @throws {UsageError} When the file cannot be read, is larger than
 * {@link MAX_KEY_FILE_BYTES}, or is not UTF-8, no key is found, the key is
 * a v1 PEM key, it has more than one line (a `.env` file), or a control or
 * invisible character. The message never holds the key, nor the path (a
 * key typed in its place).
 *
 * @example From the environment
 * ```ts
 * import { readSecretKey } from "./key.ts";
 *
 * const io = {
 *   stdout() {}, stderr() {}, now: () => 0,
 *   env: (name: string) => name === "TENCENT_SECRET_KEY" ? "demo-secret-key\n" : undefined,
 *   readTextFile: () => Promise.reject(new Error("unused")),
 *   readSecret: () => Promise.resolve(null),
 * };
 * console.assert(await readSecretKey(undefined, io) === "demo-secret-key");
 * ```
 */
export async function readSecretKey(keyFile: string | undefined, io: CliIo): Promise<string> {
  // The path is never repeated: a key typed in its place would be printed.
  let key: string | null | undefined;
  let from: string;
  if (keyFile !== undefined) {
    from = "--key-file";
    try {
      key = await io.readTextFile(keyFile, MAX_KEY_FILE_BYTES);
    } catch (error) {
      throw new UsageError(`cannot read the --key-file: ${fileProblem(error)}`);
    }
    // A reader that ignores the limit: one UTF-16 unit is at least one byte.
    if (key.length > MAX_KEY_FILE_BYTES) {
      throw new UsageError(`cannot read the --key-file: ${TOO_LARGE}`);
    }
  } else if (io.env(KEY_ENV)) {
    from = KEY_ENV;
    key = io.env(KEY_ENV);
  } else {
    from = "the prompt";
    key = await io.readSecret("Secret key (not echoed): ");
    if (key === null) {
      throw new UsageError(
        `no secret key: use --key-file PATH, set ${KEY_ENV}, or type it at the prompt`,
      );
    }
  }
  key = (key ?? "").trim();
  if (key === "") throw new UsageError(`the secret key from ${from} is empty`);
  if (key.startsWith("-----BEGIN")) throw new UsageError(V1_KEY_MESSAGE);
  if (/[\r\n]/.test(key)) {
    throw new UsageError(
      `the secret key from ${from} has more than one line (a .env file?); it must hold the ` +
        "key alone, on one line, or every line would be taken as the key",
    );
  }
  if (NOT_IN_A_KEY.test(key)) throw new UsageError(badCharacter(key, from));
  return key;
}

// deno-lint-ignore no-control-regex
const ESCAPE_SEQUENCE = /\x1b(\[[0-9;]*[~A-Za-z]|O.)?/g;

/**
 * Reads one line typed on a terminal in raw mode, where nothing is echoed:
 * Enter ends it, Backspace deletes, Ctrl-U clears, Ctrl-C cancels, Ctrl-D
 * cancels on an empty line; escape sequences (arrow keys, paste brackets)
 * and other control characters are ignored.
 *
 * @param chunks The bytes read from the terminal.
 * @returns The line, or null when cancelled or the input ended first.
 *
 * @example Typing "ab", a backspace, "c", Enter
 * ```ts
 * import { collectSecret } from "./key.ts";
 *
 * async function* typed() {
 *   yield new TextEncoder().encode("ab\x7fc\r");
 * }
 * console.assert(await collectSecret(typed()) === "ac");
 * ```
 */
export async function collectSecret(chunks: AsyncIterable<Uint8Array>): Promise<string | null> {
  const decoder = new TextDecoder();
  let line = "";
  for await (const chunk of chunks) {
    const text = decoder.decode(chunk, { stream: true }).replace(
      ESCAPE_SEQUENCE,
      "",
    );
    for (const char of text) {
      if (char === "\r" || char === "\n") return line;
      if (char === "\x03") return null;
      if (char === "\x04") {
        if (line === "") return null;
        return line;
      }
      if (char === "\x7f" || char === "\b") line = Array.from(line).slice(0, -1).join("");
      else if (char === "\x15") line = "";
      else if (char >= " ") line += char;
    }
  }
  return null;
}
