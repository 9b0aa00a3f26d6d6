// One tiny test runner for every runtime: test files register cases with
// `test()`, a per-runtime entry imports them and calls `runTests()`, which
// prints one line a case and a closing `<runtime>: N passed, N failed` line.

/** The runtimes the suite runs in. */
export type Runtime = "deno" | "node" | "bun" | "workerd" | "chromium" | "edge-runtime";

function detect(): Runtime {
  const g = globalThis as Record<string, unknown>;
  // Vercel's Edge Runtime names itself in a global string.
  if (typeof g.EdgeRuntime === "string") return "edge-runtime";
  if (g.Deno !== undefined) return "deno";
  if (g.Bun !== undefined) return "bun";
  if (typeof navigator !== "undefined" && navigator.userAgent === "Cloudflare-Workers") {
    return "workerd";
  }
  if (typeof g.document === "object") return "chromium";
  return "node";
}

/** Where this suite is running. */
export const runtime: Runtime = detect();

/** The runtimes with Node's built-in modules and subprocesses. */
export const SERVER_RUNTIMES: Runtime[] = ["deno", "node", "bun"];

interface Case {
  name: string;
  fn: () => unknown;
  skip?: string;
}

const cases: Case[] = [];

/** Options of a test case limited to some runtimes. */
export interface TestOptions {
  /** The runtimes the case runs in. */
  runtimes: Runtime[];
  /** Why it does not run in the others; printed when it is skipped. */
  why: string;
}

/** Registers a test case, optionally limited to some runtimes. */
export function test(name: string, fn: () => unknown, options?: TestOptions): void {
  const skip = options && !options.runtimes.includes(runtime) ? options.why : undefined;
  cases.push({ name, fn, skip });
}

const TIMEOUT_MS = 120_000;

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}\n${error.stack ?? ""}`;
  return String(error);
}

/** What a run counted. */
export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Runs every registered case in order, optionally only those whose name
 * contains `filter`, printing through `print`.
 */
export async function runTests(
  print: (line: string) => void = console.log,
  filter = "",
): Promise<Summary> {
  const summary: Summary = { passed: 0, failed: 0, skipped: 0 };
  for (const c of cases) {
    if (!c.name.includes(filter)) continue;
    if (c.skip !== undefined) {
      summary.skipped++;
      print(`skip ${c.name} (${c.skip})`);
      continue;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    try {
      await Promise.race([
        Promise.resolve().then(c.fn),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`timed out after ${TIMEOUT_MS} ms`)),
            TIMEOUT_MS,
          );
        }),
      ]);
      summary.passed++;
      print(`ok ${c.name} (${Date.now() - started} ms)`);
    } catch (error) {
      summary.failed++;
      print(`FAIL ${c.name}\n  ${describe(error).replace(/\n/g, "\n  ")}`);
    } finally {
      clearTimeout(timer);
    }
  }
  print(
    `${runtime}: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`,
  );
  return summary;
}
