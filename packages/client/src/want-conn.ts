// Go: transport.go wantConn and wantConnQueue — a caller of getConn waiting for a connection.
//
// Three outcomes race for a wanted connection: an idle one is handed over, a dial finishes,
// or the caller gives up. The wantConn is where they agree: the first `tryDeliver` wins, and
// a caller that gives up after a delivery gives the connection back to the pool.
import type { ConnectMethod } from './connect-method.js';
import { Latch } from './internal/sync.js';
import type { ClientTrace } from './trace.js';

/** What a {@link WantConn} receives: a connection (with when it went idle) or an error. */
export interface ConnOrError<PC> {
  pc?: PC | undefined;
  err?: unknown;
  /** When the connection became idle (ms since epoch); 0 for a fresh dial or a hand-off. */
  idleAt: number;
}

/** The pool operations {@link WantConn.cancel} needs. */
export interface ConnPool<PC> {
  putOrCloseIdleConn(pc: PC): void;
}

/** Go's `wantConn`. */
export class WantConn<PC> {
  readonly cm: ConnectMethod;
  readonly key: string;
  /** The trace of the request that wants the connection (reported to by its dial). */
  trace: ClientTrace | undefined = undefined;
  /** Test hook: called when the dial is queued. */
  beforeDial: () => void = nop;
  /** Test hook: called when the dial completed or was skipped. */
  afterDial: () => void = nop;
  /**
   * Go's `cancelCtx`: aborts the dial. Cleared (set undefined) once the dial finished, which
   * is how the in-progress list recognizes finished entries.
   */
  cancelCtx: (() => void) | undefined;
  #done = false;
  #taken = false;
  /** Fires once with the delivered connection or error. */
  readonly result = new Latch<ConnOrError<PC>>();

  // The dial's controller, made only when a dial starts (most wants are served from the pool).
  #ctl: AbortController | undefined;

  constructor(cm: ConnectMethod, key: string) {
    this.cm = cm;
    this.key = key;
    this.cancelCtx = () => this.#ctl?.abort();
  }

  // Go: (*wantConn).waiting.
  /** Whether no connection or error was delivered and the caller has not given up. */
  waiting(): boolean {
    return !this.#done;
  }

  // Go: (*wantConn).getCtxForDial.
  /** The dial's signal, or undefined once delivered or canceled (then the dial is skipped). */
  getCtxForDial(): AbortSignal | undefined {
    if (this.#done) return undefined;
    this.#ctl ??= new AbortController();
    return this.#ctl.signal;
  }

  // Go: (*wantConn).tryDeliver — the first delivery wins; later ones are refused.
  /** Delivers `pc` or `err`; returns false if the caller already has an answer or left. */
  tryDeliver(pc: PC | undefined, err: unknown, idleAt: number): boolean {
    if (this.#done) return false;
    if ((pc === undefined) === (err === undefined)) {
      throw new Error('net/http: internal error: misuse of tryDeliver');
    }
    this.#done = true;
    this.result.fire({ pc, err, idleAt });
    return true;
  }

  /** The caller takes the delivered result (Go: receiving from `w.result`). */
  take(): ConnOrError<PC> | undefined {
    if (!this.result.fired || this.#taken) return undefined;
    this.#taken = true;
    return this.result.value;
  }

  // Go: (*wantConn).cancel — the caller gives up; a connection delivered meanwhile and not
  // taken goes back to the pool.
  /** Marks the want as abandoned, returning an untaken delivered connection to `t`. */
  cancel(t: ConnPool<PC>): void {
    let pc: PC | undefined;
    if (this.#done) {
      if (!this.#taken) {
        this.#taken = true;
        pc = this.result.value?.pc;
      }
    } else {
      this.#taken = true;
    }
    this.#done = true;
    if (pc !== undefined) t.putOrCloseIdleConn(pc);
  }
}

function nop(): void {}

/**
 * Go's `wantConnQueue`: a FIFO of wanted connections. Go splits it in two slices to make
 * both ends cheap; an array with a moving head index does the same here.
 */
export class WantConnQueue<PC> {
  #items: (WantConn<PC> | undefined)[] = [];
  #head = 0;

  /** Number of queued wants. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Adds `w` at the back. */
  pushBack(w: WantConn<PC>): void {
    this.#items.push(w);
  }

  /** Removes and returns the front, or undefined when empty. */
  popFront(): WantConn<PC> | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const w = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 32 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return w;
  }

  /** The front without removing it, or undefined when empty. */
  peekFront(): WantConn<PC> | undefined {
    return this.#items[this.#head];
  }

  // Go: (*wantConnQueue).cleanFrontNotWaiting.
  /** Drops wants at the front that no longer wait; reports whether any were dropped. */
  cleanFrontNotWaiting(): boolean {
    let cleaned = false;
    for (;;) {
      const w = this.peekFront();
      if (w === undefined || w.waiting()) return cleaned;
      this.popFront();
      cleaned = true;
    }
  }

  // Go: (*wantConnQueue).cleanFrontCanceled — drop entries whose dial already finished.
  /** Drops wants at the front whose dial is over. */
  cleanFrontCanceled(): void {
    for (;;) {
      const w = this.peekFront();
      if (w === undefined || w.cancelCtx !== undefined) return;
      this.popFront();
    }
  }

  /** Every queued want, front to back. */
  *all(): IterableIterator<WantConn<PC>> {
    for (let i = this.#head; i < this.#items.length; i++) {
      const w = this.#items[i];
      if (w !== undefined) yield w;
    }
  }
}
