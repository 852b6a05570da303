// Go: connReader — the reader between a server connection's socket and its bufio.Reader.
//
// It does two jobs. It caps how many bytes a request head may take (`remain`), so a client
// cannot make the server buffer an unbounded header. And while a handler runs with the
// request body fully read, it keeps one background read of a single byte pending on the
// socket: if the client goes away, that read fails and the request's signal is aborted; if the
// client pipelines the next request, the byte is kept and handed back on the next read.
import type { SyncReader } from '@ka/io';
import { isTimeout } from '@ka/io';
import type { Conn, ReadableState, ReadableWatcher } from '@ka/net';

/** Deadline used to interrupt a pending read at once (Go's `aLongTimeAgo`). */
export const aLongTimeAgo = 1;

/** What the connReader reports to its owner when a socket read fails or hits EOF. */
export interface ConnReaderOwner {
  /** The connection's read failed or ended: cancel the in-flight request. */
  onReadError(err: unknown): void;
}

/** Go's `connReader`. Internal to the server. */
export class ConnReader implements SyncReader {
  readonly rwc: Conn;
  /** Null once the handler of a hijacked conn returned: plain pass-through from then on. */
  owner: ConnReaderOwner | null;
  /** Bytes the request head may still take (Go's `remain`). */
  remain = Number.MAX_SAFE_INTEGER;
  #hasByte = false;
  readonly #byteBuf = new Uint8Array(1);
  #inRead = false;
  #aborted = false;
  #bg: Promise<void> | null = null;
  // A background watch (#onWatch) is pending on the conn.
  #watching = false;

  // The conn, when it can report readability without a read (ka's TCP conns can).
  readonly #watcher: ReadableWatcher | null;

  /** `watcher` is `rwc` when it can watch for readability (`isReadableWatcher`), else null. */
  constructor(rwc: Conn, owner: ConnReaderOwner, watcher: ReadableWatcher | null) {
    this.rwc = rwc;
    this.owner = owner;
    this.#watcher = watcher;
  }

  /** True when a byte read in the background is held for the next read. */
  get hasByte(): boolean {
    return this.#hasByte;
  }

  // Go: (*connReader).setReadLimit / setInfiniteReadLimit / hitReadLimit
  setReadLimit(remain: number): void {
    this.remain = remain;
  }
  setInfiniteReadLimit(): void {
    this.remain = Number.MAX_SAFE_INTEGER;
  }
  hitReadLimit(): boolean {
    return this.remain <= 0;
  }

  /** Go's `releaseConn`: after a hijacking handler returns, stop reporting to the conn. */
  releaseConn(): void {
    this.owner = null;
  }

  // Go: (*connReader).startBackgroundRead — one pending 1-byte read watches the socket
  // while the handler runs.
  startBackgroundRead(): void {
    if (this.#inRead) throw new Error('invalid concurrent Body.Read call');
    if (this.#hasByte) return;
    this.#inRead = true;
    // Where the conn can report readability without a read, watch instead of reading a byte:
    // same outcome — a gone client cancels the request, pipelined bytes stay queued — without
    // interrupting a read with a deadline error on every request.
    const watcher = this.#watcher;
    if (watcher !== null) {
      this.#watching = true;
      watcher.watchReadable(this.#onWatch); // may call #onWatch at once
      return;
    }
    this.rwc.setReadDeadline(0);
    this.#bg = this.#backgroundRead();
  }

  readonly #onWatch = (state: ReadableState): void => {
    this.#watching = false;
    this.#inRead = false;
    if (state === 'eof' || state === 'error' || state === 'closed') this.#handleReadError(null);
  };

  async #backgroundRead(): Promise<void> {
    try {
      const n = await this.rwc.read(this.#byteBuf);
      if (n === 1) {
        // A pipelined request has started; keep the byte. Pipelining does not cancel the
        // in-flight request (Go stopped doing that in 1.11).
        this.#hasByte = true;
      } else if (n === null) {
        this.#handleReadError(null);
      }
    } catch (err) {
      // A timeout we caused ourselves in abortPendingRead is expected, not a failure.
      if (!(this.#aborted && isTimeout(err))) this.#handleReadError(err);
    }
    this.#aborted = false;
    this.#inRead = false;
    this.#bg = null;
  }

  // Go: (*connReader).abortPendingRead — interrupt the background read and wait for it.
  // Returns undefined when that is done already (always so for a watch), else a Promise.
  abortPendingRead(): Promise<void> | undefined {
    if (!this.#inRead) return undefined;
    if (this.#watching) {
      // Stopping a watch consumes nothing and is immediate: nothing to wait for.
      this.#watching = false;
      this.#inRead = false;
      this.#watcher!.unwatchReadable(this.#onWatch);
      return undefined;
    }
    const bg = this.#bg;
    if (bg === null) return undefined;
    return this.#abortRead(bg);
  }

  async #abortRead(bg: Promise<void>): Promise<void> {
    this.#aborted = true;
    this.rwc.setReadDeadline(aLongTimeAgo);
    await bg;
    this.rwc.setReadDeadline(0);
  }

  #handleReadError(err: unknown): void {
    this.owner?.onReadError(err);
  }

  /** {@link read} without waiting ({@link SyncReader}); `undefined` when it would wait. */
  tryRead(p: Uint8Array): number | undefined {
    const rwc = this.rwc as Conn & Partial<SyncReader>;
    if (typeof rwc.tryRead !== 'function') return undefined;
    if (this.owner === null) return rwc.tryRead(p);
    if (this.#inRead || this.hitReadLimit() || p.length === 0) return undefined;
    if (p.length > this.remain) p = p.subarray(0, this.remain);
    if (this.#hasByte) {
      p[0] = this.#byteBuf[0]!;
      this.#hasByte = false;
      return 1;
    }
    const n = rwc.tryRead(p);
    if (n !== undefined) this.remain -= n;
    return n;
  }

  // Go: (*connReader).Read
  async read(p: Uint8Array): Promise<number | null> {
    if (this.owner === null) return this.rwc.read(p);
    if (this.#inRead) throw new Error('invalid concurrent Body.Read call');
    if (this.hitReadLimit()) return null;
    if (p.length === 0) return 0;
    if (p.length > this.remain) p = p.subarray(0, this.remain);
    if (this.#hasByte) {
      p[0] = this.#byteBuf[0]!;
      this.#hasByte = false;
      return 1;
    }
    this.#inRead = true;
    let n: number | null;
    try {
      n = await this.rwc.read(p);
    } catch (err) {
      this.#inRead = false;
      this.#handleReadError(err);
      throw err;
    }
    this.#inRead = false;
    if (n === null) this.#handleReadError(null);
    else this.remain -= n;
    return n;
  }
}
