// This module is browser compatible.
// The one deadline of a REST API call: its timeout or the caller's signal,
// whichever comes first, and the error it ends the call with.

import { RestApiError } from "./errors.ts";

/**
 * The end of a call: its timeout, or the caller's signal, whichever comes
 * first. `signal` fires then: it ends `fetch`, and the reading of the
 * answer (which cancels its reader). `within` makes the wait for `fetch`
 * give up then too, even for a `fetch` that ignores its signal; it is one
 * race a call, never one a read, which would keep every chunk alive until
 * the deadline.
 */
export class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #caller?: AbortSignal;
  readonly #onAbort = () => this.#end("aborted");
  readonly #ended: Promise<never>;
  #reject!: (reason: unknown) => void;
  #reason?: "timeout" | "aborted";

  constructor(timeout: number, caller: AbortSignal | undefined) {
    this.#ended = new Promise<never>((_, reject) => (this.#reject = reject));
    this.#ended.catch(() => {});
    this.#timer = setTimeout(() => this.#end("timeout"), timeout);
    this.#caller = caller;
    caller?.addEventListener("abort", this.#onAbort, { once: true });
    if (caller?.aborted) this.#end("aborted"); // while the UserSig was issued
  }

  /** The signal that fires at the deadline: handed to `fetch` and to the reading of the answer. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Why the call ended early, if it did. */
  get reason(): "timeout" | "aborted" | undefined {
    return this.#reason;
  }

  /** `promise`, or a rejection once the deadline passes. */
  within = <T>(promise: Promise<T>): Promise<T> => {
    promise.catch(() => {}); // settles after the deadline: nobody waits for it then
    return Promise.race([promise, this.#ended]);
  };

  #end(reason: "timeout" | "aborted"): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#reject(new Error(reason));
    this.#controller.abort();
  }

  /** Stops the timer and lets go of the caller's signal. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener("abort", this.#onAbort);
  }
}

/** The error of a call that its timeout or its caller's signal ended. */
export function ended(
  reason: "timeout" | "aborted",
  where: string,
  timeout: number,
  signal: AbortSignal | undefined,
  answer = "",
): RestApiError {
  if (reason === "aborted") {
    return new RestApiError("ERR_REST_ABORTED", `${where}: aborted by the caller's signal`, {
      cause: signal?.reason,
    });
  }
  return new RestApiError(
    "ERR_REST_TIMEOUT",
    `${where}: no ${answer}answer within ${timeout} ms; the command may or may not have ` +
      "taken effect",
  );
}
