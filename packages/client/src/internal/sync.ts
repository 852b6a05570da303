// Small coordination primitives standing in for Go's channels and goroutines.
//
// Go's transport is a handful of goroutines talking over channels: the caller's roundTrip,
// the connection's readLoop and writeLoop, and a dialer per wanted connection. Here those are
// async functions and the channels become three shapes:
//
// - Latch: a channel that is closed once (a "done" channel); any number of waiters, the
//   value stays readable after it fired, waiting never consumes it.
// - Mailbox: a buffered channel with one receiver at a time (writech, reqch, writeErrCh).
// - race: Go's `select` over latches, subscribing with callbacks (not Promise.race, which
//   would leave a reaction on long-lived promises such as a connection's close latch).

/** A one-shot broadcast event carrying a value (Go: a channel that is closed once). */
export class Latch<T = void> {
  #fired = false;
  #value: T | undefined;
  // Most latches have at most one waiter at a time: it sits in #sub; more go to a small
  // array (a Set per request and per wait was a measurable cost).
  #sub: ((v: T) => void) | undefined;
  #subs: ((v: T) => void)[] | undefined;

  /** Whether {@link Latch.fire} was called. */
  get fired(): boolean {
    return this.#fired;
  }

  /** The value it fired with (undefined before). */
  get value(): T | undefined {
    return this.#value;
  }

  /** Fires once; later calls are ignored. Returns whether this call fired it. */
  fire(v: T): boolean {
    if (this.#fired) return false;
    this.#fired = true;
    this.#value = v;
    const sub = this.#sub;
    const subs = this.#subs;
    this.#sub = undefined;
    this.#subs = undefined;
    if (sub !== undefined) sub(v);
    if (subs !== undefined) for (const fn of subs) fn(v);
    return true;
  }

  /** Calls `fn` when fired (synchronously now if already fired); returns an unsubscribe. */
  subscribe(fn: (v: T) => void): () => void {
    if (this.#fired) {
      fn(this.#value as T);
      return noop;
    }
    this.on(fn);
    return () => this.off(fn);
  }

  /**
   * {@link Latch.subscribe} without the unsubscribe closure: `fn` runs when the latch fires
   * (not now if it has fired already: check {@link Latch.fired} first). Undo with `off(fn)`.
   */
  on(fn: (v: T) => void): void {
    if (this.#fired) return;
    if (this.#sub === undefined && (this.#subs === undefined || this.#subs.length === 0)) {
      this.#sub = fn;
    } else {
      (this.#subs ??= []).push(fn);
    }
  }

  /** Removes a subscriber added with {@link Latch.on} or {@link Latch.subscribe}. */
  off(fn: (v: T) => void): void {
    if (this.#sub === fn) {
      this.#sub = undefined;
      return;
    }
    const subs = this.#subs;
    if (subs === undefined) return;
    const i = subs.indexOf(fn);
    if (i >= 0) subs.splice(i, 1);
  }

  /** Resolves with the value once fired. */
  wait(): Promise<T> {
    if (this.#fired) return Promise.resolve(this.#value as T);
    return new Promise<T>((resolve) => {
      this.subscribe(resolve);
    });
  }
}

function noop(): void {}

/** What {@link race} can wait on: any {@link Latch}. */
export interface RaceSource {
  readonly fired: boolean;
  readonly value: unknown;
  subscribe(fn: (v: unknown) => void): () => void;
  on(fn: (v: unknown) => void): void;
  off(fn: (v: unknown) => void): void;
}

/** One arm of {@link race}: a tag and a latch (an undefined latch never fires, like a nil channel). */
export type RaceArm<K extends string> = readonly [K, RaceSource | undefined];

/**
 * Go's `select` over latches: resolves with the tag of the first to fire (arms already fired
 * win in the order given) and its value. Every subscription is removed once one fires.
 */
export function race<K extends string>(
  arms: readonly RaceArm<K>[],
): Promise<{ tag: K; value: unknown }> {
  for (const [tag, l] of arms) {
    if (l?.fired) return Promise.resolve({ tag, value: l.value });
  }
  return new Promise((resolve) => {
    const fns: (((v: unknown) => void) | undefined)[] = new Array(arms.length);
    let done = false;
    for (let i = 0; i < arms.length; i++) {
      const [tag, l] = arms[i]!;
      if (l === undefined) continue;
      const fn = (value: unknown) => {
        if (done) return;
        done = true;
        for (let j = 0; j < arms.length; j++) {
          const f = fns[j];
          if (f !== undefined) arms[j]![1]!.off(f);
        }
        resolve({ tag, value });
      };
      fns[i] = fn;
      l.on(fn);
    }
  });
}

/** A latch that fires after `ms` milliseconds (Go: `time.NewTimer(d).C`); `stop()` clears it. */
export class TimerLatch extends Latch<void> {
  #timer: ReturnType<typeof setTimeout> | undefined;
  constructor(ms: number) {
    super();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.fire();
    }, ms);
  }
  /** Go's `Timer.Stop`. */
  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** A FIFO buffered channel with a single receiver at a time. */
export class Mailbox<T> {
  // A queue with a moving head: Array.shift per message was a measurable cost.
  #q: (T | undefined)[] = [];
  #head = 0;
  #taker: ((v: T | undefined) => void) | undefined;

  /** Number of buffered values. */
  get length(): number {
    return this.#q.length - this.#head;
  }

  /** Go: `ch <- v` on a channel with room. */
  put(v: T): void {
    const taker = this.#taker;
    if (taker !== undefined) {
      this.#taker = undefined;
      taker(v);
      return;
    }
    this.#q.push(v);
  }

  #shift(): T {
    const q = this.#q;
    const v = q[this.#head] as T;
    q[this.#head++] = undefined;
    if (this.#head === q.length) {
      q.length = 0;
      this.#head = 0;
    }
    return v;
  }

  /** Go: `select { case v := <-ch: … default: }` — a buffered value or undefined. */
  tryRecv(): { value: T } | undefined {
    if (this.length === 0) return undefined;
    return { value: this.#shift() };
  }

  /** {@link Mailbox.tryRecv} for a mailbox whose values are never undefined: no wrapper. */
  tryTake(): T | undefined {
    return this.length === 0 ? undefined : this.#shift();
  }

  /**
   * Go: `select { case v := <-ch: case <-stop: }` — the next value, or undefined when `stop`
   * fires first (the value, if any comes later, stays buffered). Without `stop`, only
   * {@link Mailbox.cancelRecv} ends the wait early.
   */
  recv(stop?: RaceSource): Promise<T | undefined> {
    if (this.length > 0) return Promise.resolve(this.#shift());
    if (stop?.fired) return Promise.resolve(undefined);
    return new Promise<T | undefined>((resolve) => {
      if (stop === undefined) {
        this.#taker = resolve;
        return;
      }
      const onStop = () => {
        if (this.#taker === take) this.#taker = undefined;
        resolve(undefined);
      };
      const take = (v: T | undefined) => {
        stop.off(onStop);
        resolve(v);
      };
      this.#taker = take;
      stop.on(onStop);
    });
  }

  /** Ends a pending {@link Mailbox.recv} with undefined (a receiver's stop, subscribed once). */
  cancelRecv(): void {
    const taker = this.#taker;
    this.#taker = undefined;
    taker?.(undefined);
  }
}

/**
 * Starts an owned background task (Go: `go f()`): the promise is kept from floating by
 * attaching the error handler. Tasks handle their own errors; `onError` sees only bugs.
 */
export function spawn(task: Promise<unknown>, onError: (err: unknown) => void = reportBug): void {
  task.then(undefined, onError);
}

function reportBug(err: unknown): void {
  // A task that throws is a bug in this package: make it loud, as a Go panic would be.
  queueMicrotask(() => {
    throw err;
  });
}

let writeTurn: Promise<void> | undefined;

/**
 * Resolves once the event loop has run the I/O callbacks of its current turn (in the check
 * phase, with `setImmediate`); every caller of the same turn shares one Promise. Writers wait
 * for it so the requests made while answers were being read go out together, after the
 * reads: the peer then wakes once for the whole batch instead of once per request (what
 * undici does too). No Go counterpart: goroutines are scheduled; this only picks when.
 */
export function nextWriteTurn(): Promise<void> {
  if (writeTurn === undefined) {
    writeTurn = new Promise<void>((resolve) => {
      setImmediate(() => {
        writeTurn = undefined;
        resolve();
      });
    });
  }
  return writeTurn;
}

/** Resolves after `ms` milliseconds (Go: `time.Sleep`). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
