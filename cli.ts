#!/usr/bin/env -S deno run --allow-read --allow-env --allow-net
/**
 * The `usersig` command: issue, check and read Tencent Cloud IM / TRTC
 * tickets from a terminal.
 *
 * ```sh
 * deno run --allow-read --allow-env --allow-net jsr:@usersig/usersig/cli --help
 * deno run jsr:@usersig/usersig/cli inspect eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS...
 * TENCENT_SECRET_KEY=... deno run --allow-env jsr:@usersig/usersig/cli gen --sdkappid 1400000000 --user alice
 * ```
 *
 * - `gen --sdkappid N --user U [--expire S]` prints a UserSig.
 * - `privatemapkey --sdkappid N --user U (--room N | --room-str S) --privileges LIST|N [--expire S]`
 *   prints a PrivateMapKey.
 * - `verify --sdkappid N --user U TICKET` exits 0 with the claims, or 1 with
 *   the error code and the reason.
 * - `inspect TICKET` reads a ticket (v2 or v1) without a key.
 * - `explain CODE` says what one of Tencent's error codes (70009, -100018…)
 *   means, what is likely wrong with the ticket, and which command checks it.
 * - `rest SERVICE/COMMAND [JSON | -] --sdkappid N` calls the IM REST API as
 *   the administrator and prints Tencent's answer (needs `--allow-net`).
 *
 * `--json` and `--help` work on every command. The secret key comes from
 * `--key-file PATH`, the `TENCENT_SECRET_KEY` environment variable, or a
 * prompt that does not echo — never from an argument, which the shell would
 * keep in its history. Exit status: 0 done, 1 ticket rejected or unreadable
 * (or a code `explain` does not know), 2 bad usage.
 *
 * @module
 */

import { type CliIo, runCli } from "./src/cli/main.ts";
import { collectSecret, decodeKeyFile, named } from "./src/cli/key.ts";

const encoder = new TextEncoder();

function writeAll(stream: typeof Deno.stdout | typeof Deno.stderr, text: string): void {
  let bytes = encoder.encode(text);
  try {
    while (bytes.length > 0) bytes = bytes.subarray(stream.writeSync(bytes));
  } catch (error) {
    if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
  }
}

async function* stdinChunks(limit = 65536): AsyncGenerator<Uint8Array> {
  const buffer = new Uint8Array(4096);
  for (let total = 0; total < limit;) {
    const n = await Deno.stdin.read(buffer);
    if (n === null) return;
    total += n;
    yield buffer.slice(0, n);
  }
}

const DARWIN = Deno.build.os === "darwin";
/**
 * Signals whose default is to end a process, with their numbers (POSIX's
 * where they are fixed; SIGUSR1 and SIGUSR2 differ between Linux and macOS).
 */
const DEADLY_SIGNALS: ReadonlyArray<readonly [Deno.Signal, number]> = [
  ["SIGHUP", 1],
  ["SIGINT", 2],
  ["SIGQUIT", 3],
  ["SIGALRM", 14],
  ["SIGTERM", 15],
  ["SIGUSR1", DARWIN ? 30 : 10],
  ["SIGUSR2", DARWIN ? 31 : 12],
];

async function readSecret(prompt: string): Promise<string | null> {
  if (!Deno.stdin.isTerminal()) {
    // Piped input: its first line is the key.
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of stdinChunks()) {
      text += decoder.decode(chunk, { stream: true });
      if (text.includes("\n")) break;
    }
    const line = text.split(/\r?\n/)[0];
    return line.trim() === "" ? null : line;
  }
  Deno.stdin.setRaw(true); // before the prompt shows: nothing typed after it is echoed
  const restore = () => {
    Deno.stdin.setRaw(false);
    writeAll(Deno.stderr, "\n");
  };
  // Killed while prompting, the terminal must not stay raw, without echo.
  const stop = DEADLY_SIGNALS.map(([signal, number]) => {
    const handler = () => {
      restore();
      Deno.exit(128 + number); // the status a shell gives a process the signal killed
    };
    try {
      Deno.addSignalListener(signal, handler);
    } catch {
      return () => {}; // a signal this system does not have (Windows has no SIGHUP)
    }
    return () => Deno.removeSignalListener(signal, handler);
  });
  writeAll(Deno.stderr, prompt);
  try {
    return await collectSecret(stdinChunks());
  } finally {
    for (const remove of stop) remove();
    restore();
  }
}

/** Reads standard input to its end, giving up once past `maxBytes` (see CliIo.readStdin). */
async function readStdin(maxBytes: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  let total = 0;
  for await (const chunk of stdinChunks(maxBytes + 1)) {
    total += chunk.length;
    if (total > maxBytes) {
      throw named("TooLarge", `larger than ${maxBytes} bytes`);
    }
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

/**
 * How long a key file may take to open and read to its end. A FIFO opens
 * once something writes to it and ends once that closes it (at once for
 * `--key-file <(command)`); one that nobody writes to, or that is never
 * closed, would wait forever.
 */
const READ_TIMEOUT_MS = 5000;

/**
 * Reads a key file as UTF-8, giving up once past `maxBytes`, or when it is
 * not read to its end in time (see CliIo.readTextFile).
 */
async function readTextFile(path: string, maxBytes: number): Promise<string> {
  let file: Deno.FsFile | undefined;
  let late = false;
  const read = async () => {
    file = await Deno.open(path);
    if (late) file.close(); // opened after the deadline: the read below fails at once
    const bytes = new Uint8Array(maxBytes + 1);
    let total = 0;
    for (;;) {
      const n = await file.read(bytes.subarray(total));
      if (n === null) return bytes.subarray(0, total);
      total += n;
      if (total > maxBytes) {
        throw named("TooLarge", `larger than ${maxBytes} bytes`);
      }
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      late = true;
      reject(named("TimedOut", "not read in time"));
    }, READ_TIMEOUT_MS);
  });
  try {
    return decodeKeyFile(await Promise.race([read(), deadline]));
  } finally {
    clearTimeout(timer);
    try {
      file?.close(); // also ends a read still waiting on a FIFO
    } catch {
      // closed already
    }
  }
}

const io: CliIo = {
  stdout: (text) => writeAll(Deno.stdout, text),
  stderr: (text) => writeAll(Deno.stderr, text),
  env(name) {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined; // no --allow-env: as if unset
    }
  },
  readTextFile,
  readSecret,
  readStdin,
  now: () => Math.floor(Date.now() / 1000),
};

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args, io));
}
