// Go: internal/poll pollDesc deadlines — one per direction, absolute instants, not extended by
// I/O. Ours keeps at most one timer per direction and arms it lazily: only while an operation
// is actually waiting. An operation that finds the deadline already passed fails without a
// timer (`expired()`); a timer left armed by an earlier wait is reused when it fires no later
// than the new deadline (it simply re-checks and re-arms), so pushing a deadline forward on
// every request costs no timer churn.

/** The side of a connection a {@link Deadline} serves. */
export interface DeadlineOwner {
  /** True while at least one operation of this direction is blocked. */
  waiting(): boolean;
  /** Fail every blocked operation of this direction with a timeout. */
  expire(): void;
}

/** @internal A deadline for one direction of a connection. `at` is ms since epoch; 0 = none. */
export class Deadline {
  #at = 0;
  #timer: NodeJS.Timeout | null = null;
  #timerAt = 0;
  readonly #owner: DeadlineOwner;
  readonly #fire = (): void => this.#onTimer();
  readonly #recheck = (): void => this.#onRecheck();

  /** `owner` says whether anything waits and fails the waiters. */
  constructor(owner: DeadlineOwner) {
    this.#owner = owner;
  }

  /** The deadline in ms since epoch, 0 when none. */
  get at(): number {
    return this.#at;
  }

  /** Sets the deadline; fails blocked operations at once when it is already past. */
  set(at: number): void {
    this.#at = at;
    if (at === 0 || !this.#owner.waiting()) return;
    if (Date.now() >= at) {
      this.#owner.expire();
      return;
    }
    this.arm();
  }

  /** True when a deadline is set and has passed. */
  expired(): boolean {
    return this.#at !== 0 && Date.now() >= this.#at;
  }

  /** Called when an operation starts waiting: make sure a timer will look at it in time. */
  arm(): void {
    if (this.#at === 0) return;
    if (this.#timer !== null) {
      if (this.#timerAt <= this.#at) {
        this.#timer.ref();
        return;
      }
      clearTimeout(this.#timer);
    }
    this.#timerAt = this.#at;
    // Node clamps delays over 2^31-1 ms to 1 ms; wait the maximum and re-check instead.
    const delay = Math.min(Math.max(0, this.#at - Date.now()), 0x7fffffff);
    this.#timer = setTimeout(this.#fire, delay);
  }

  /** Called when no operation waits any more: a leftover timer must not hold the process. */
  idle(): void {
    this.#timer?.unref();
  }

  /** Drops the timer (on close). */
  stop(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
  }

  #onTimer(): void {
    this.#timer = null;
    if (this.#at === 0 || !this.#owner.waiting()) return;
    if (Date.now() < this.#at) {
      this.arm(); // the deadline moved later since this timer was set
      return;
    }
    // Go's poller wakes a reader as soon as its bytes arrive, so bytes that arrived before
    // the deadline are read. Here the timers phase runs before the next poll: bytes already
    // in the socket may not have been seen yet (the loop was busy). Fail the waiters only
    // after one more poll phase (an immediate runs right after it), if they still wait.
    setImmediate(this.#recheck);
  }

  #onRecheck(): void {
    if (this.#at === 0 || !this.#owner.waiting()) return;
    if (Date.now() < this.#at) {
      this.arm(); // moved later meanwhile
      return;
    }
    this.#owner.expire();
  }
}

/**
 * @internal Converts a deadline argument to ms since epoch: a `Date`, a number of ms since
 * epoch, or 0 / `null` / `undefined` for "no deadline".
 */
export function deadlineMs(t: number | Date | null | undefined): number {
  if (t == null) return 0;
  const ms = typeof t === 'number' ? t : t.getTime();
  if (Number.isNaN(ms)) throw new TypeError('invalid deadline');
  return ms;
}
