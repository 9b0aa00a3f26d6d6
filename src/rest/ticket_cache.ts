// This module is browser compatible.
// The administrator's UserSig, issued once and reused until less than a
// tenth of its validity is left; calls that need it at the same time share
// one issuance.

interface Issued {
  /** The issuance, shared by every call that asked while it ran. */
  readonly ticket: Promise<string>;
  /** Its issue time, unix seconds. */
  readonly time: number;
}

/** A cached ticket, re-issued when less than a tenth of `expire` is left. */
export class TicketCache {
  readonly #issue: (time: number) => Promise<string>;
  readonly #expire: number;
  readonly #now: () => number;
  #current?: Issued;

  /**
   * @param issue Issues a ticket at `time` (unix seconds), valid `expire` seconds.
   * @param expire The validity of each ticket, seconds.
   * @param now The clock, unix seconds.
   */
  constructor(issue: (time: number) => Promise<string>, expire: number, now: () => number) {
    this.#issue = issue;
    this.#expire = expire;
    this.#now = now;
  }

  /** The ticket to use now: the cached one, or a new one. */
  get(): Promise<string> {
    const now = this.#now();
    if (typeof now !== "number" || !Number.isFinite(now) || now < 0) {
      return Promise.reject(new TypeError("now() must return unix seconds, a finite number"));
    }
    const current = this.#current;
    if (current !== undefined && (current.time + this.#expire - now) * 10 >= this.#expire) {
      return current.ticket;
    }
    const time = Math.floor(now);
    const ticket = this.#issue(time);
    const issued = { ticket, time };
    this.#current = issued;
    // A failed issuance is not kept: the next call tries again.
    ticket.catch(() => this.#forget(issued));
    return ticket;
  }

  /**
   * Forgets `ticket` if it is still the cached one: Tencent said it expired
   * or was invalidated, so the next call issues a new one.
   */
  async drop(ticket: string): Promise<void> {
    const current = this.#current;
    if (current !== undefined && await current.ticket.catch(() => null) === ticket) {
      this.#forget(current);
    }
  }

  #forget(issued: Issued): void {
    if (this.#current === issued) this.#current = undefined;
  }
}
