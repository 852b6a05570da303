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
  #subs: Set<(v: T) => void> | undefined;

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
    const subs = this.#subs;
    this.#subs = undefined;
    if (subs !== undefined) for (const fn of subs) fn(v);
    return true;
  }

  /** Calls `fn` when fired (synchronously now if already fired); returns an unsubscribe. */
  subscribe(fn: (v: T) => void): () => void {
    if (this.#fired) {
      fn(this.#value as T);
      return noop;
    }
    (this.#subs ??= new Set()).add(fn);
    return () => {
      this.#subs?.delete(fn);
    };
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
    const unsubs: (() => void)[] = [];
    let done = false;
    for (const [tag, l] of arms) {
      if (l === undefined) continue;
      unsubs.push(
        l.subscribe((value: unknown) => {
          if (done) return;
          done = true;
          for (const u of unsubs) u();
          resolve({ tag, value });
        }),
      );
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
  #q: T[] = [];
  #taker: ((v: T) => void) | undefined;

  /** Number of buffered values. */
  get length(): number {
    return this.#q.length;
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

  /** Go: `select { case v := <-ch: … default: }` — a buffered value or undefined. */
  tryRecv(): { value: T } | undefined {
    if (this.#q.length === 0) return undefined;
    return { value: this.#q.shift() as T };
  }

  /**
   * Go: `select { case v := <-ch: case <-stop: }` — the next value, or undefined when `stop`
   * fires first (the value, if any comes later, stays buffered).
   */
  recv(stop?: RaceSource): Promise<T | undefined> {
    if (this.#q.length > 0) return Promise.resolve(this.#q.shift() as T);
    if (stop?.fired) return Promise.resolve(undefined);
    return new Promise<T | undefined>((resolve) => {
      let unsub: (() => void) | undefined;
      const take = (v: T) => {
        unsub?.();
        resolve(v);
      };
      this.#taker = take;
      if (stop !== undefined) {
        unsub = stop.subscribe(() => {
          if (this.#taker === take) this.#taker = undefined;
          resolve(undefined);
        });
      }
    });
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

/** Resolves after `ms` milliseconds (Go: `time.Sleep`). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
