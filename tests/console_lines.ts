// Examples that log to the console, as their platforms expect: the lines a
// test body makes them write, kept from the test report and handed to it.

/**
 * Runs `fn` with the console's warnings and errors collected into the lines
 * it is given; the console is restored afterwards.
 */
export async function withConsoleLines(fn: (lines: string[]) => Promise<void>): Promise<void> {
  const { warn, error } = console;
  const lines: string[] = [];
  console.warn = console.error = (...parts: unknown[]) => void lines.push(parts.join(" "));
  try {
    await fn(lines);
  } finally {
    Object.assign(console, { warn, error });
  }
}
