// Assertions that run in every runtime of the suite (no node:assert in
// browsers or workerd without flags).

/** Throws when `condition` is falsy. */
export function assert(condition: unknown, message = "assertion failed"): asserts condition {
  if (!condition) throw new Error(message);
}

function show(value: unknown): string {
  if (value instanceof Uint8Array) return `Uint8Array[${Array.from(value).join(",")}]`;
  try {
    return JSON.stringify(value, (_, v) => v instanceof Uint8Array ? show(v) : v) ?? String(value);
  } catch {
    return String(value);
  }
}

function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length &&
      a.every((x, i) => x === b[i]);
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) =>
    equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
  );
}

/** Deep equality of plain data: objects, arrays, Uint8Arrays, primitives. */
export function assertEquals(actual: unknown, expected: unknown, message = ""): void {
  if (!equal(actual, expected)) {
    throw new Error(
      `${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`,
    );
  }
}

type ErrorClass = abstract new (...args: never[]) => Error;

function check(error: unknown, expected: ErrorClass | string, includes?: string): Error {
  if (typeof expected === "string") {
    const code = (error as { code?: unknown })?.code;
    if (code !== expected) {
      throw new Error(`expected code ${expected}, got ${String(code)}: ${String(error)}`);
    }
  } else if (!(error instanceof expected)) {
    throw new Error(`expected ${expected.name}, got ${String(error)}`);
  }
  if (includes !== undefined && !String((error as Error).message).includes(includes)) {
    throw new Error(`expected the message to include "${includes}": ${String(error)}`);
  }
  return error as Error;
}

/**
 * Runs `fn`, which must throw (synchronously) an instance of `expected` or an
 * error whose `code` is `expected`; returns the error.
 */
export function assertThrows(
  fn: () => unknown,
  expected: ErrorClass | string,
  includes?: string,
): Error {
  try {
    fn();
  } catch (error) {
    return check(error, expected, includes);
  }
  throw new Error(
    `expected ${typeof expected === "string" ? expected : expected.name}, nothing thrown`,
  );
}

/** Like {@link assertThrows} for a call that must return a rejected promise: a synchronous throw fails. */
export async function assertRejects(
  fn: () => unknown,
  expected: ErrorClass | string,
  includes?: string,
): Promise<Error> {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    throw new Error(`expected a rejected promise, but the call threw: ${error}`);
  }
  try {
    await result;
  } catch (error) {
    return check(error, expected, includes);
  }
  throw new Error(
    `expected ${typeof expected === "string" ? expected : expected.name}, nothing thrown`,
  );
}

/** Bytes of a hex string. */
export function fromHex(hex: string): Uint8Array {
  return new Uint8Array((hex.match(/../g) ?? []).map((h) => parseInt(h, 16)));
}

/** Hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
