// Go: net.Conn, *net.TCPConn, *net.UnixConn over a node:net Socket.
//
// Reading: the socket flows; each 'data' chunk is appended to a queue. `read(p)` copies from
// the queue synchronously when bytes are there (the promise is already resolved), and only
// waits when the queue is empty. When more than `readHighWaterMark` bytes sit unread, the
// socket is paused (Node then stops reading from the kernel once its own buffer is full, so a
// slow reader pushes back on the peer through TCP flow control) and resumed once the reader
// has drained half of it.
//
// Writing: Node keeps a reference to the bytes handed to `socket.write` until the kernel has
// taken them, so `write(p)` resolves only then — at once when the kernel took everything
// synchronously, else from the write callback. Callers may therefore reuse `p` (a bufio buffer)
// as soon as the promise settles, and a peer that stops reading blocks the writer instead of
// growing memory.
//
// Deadlines (Go's SetReadDeadline / SetWriteDeadline): absolute instants, one lazily armed
// timer per direction (see internal/deadline.ts). A timed-out read leaves the connection
// intact. A write that times out while Node still holds its bytes cannot be taken back: Node
// will still send them when the peer reads (Go would stop part-way and report a short count).
// Either way the stream content after a write timeout is undefined, as Go documents; the
// buffer of the timed-out write must not be reused for this connection until it is closed.

import type { Socket } from 'node:net';
import type { EagerWriter, ReadWriteCloser, SyncReader } from '@ka/io';
import { type Addr, splitHostZone, TCPAddr, UnixAddr, unmapIPv4 } from './addr.js';
import {
  ErrClosed,
  ErrDeadlineExceeded,
  fromNodeError,
  isSystemError,
  OpError,
  SyscallError,
} from './errors.js';
import { Deadline, deadlineMs } from './internal/deadline.js';
import { directReadsOf } from './internal/direct-reads.js';
import { type ConnectionState, connectionStateOf } from './tls-state.js';

/**
 * Go's `net.Conn`: a stream connection. Deadlines are absolute times in ms since epoch (or a
 * `Date`); 0 clears. Setting a deadline never throws: like Go it returns an error (an
 * {@link OpError} wrapping {@link ErrClosed} on a closed connection) or `null`.
 */
export interface Conn extends ReadWriteCloser {
  /** Reads into a prefix of `p`; `null` at EOF. Rejects with an {@link OpError}. */
  read(p: Uint8Array): Promise<number | null>;
  /** Writes all of `p`; resolves with `p.length` once the bytes left for the kernel. */
  write(p: Uint8Array): Promise<number>;
  /** Closes the connection; pending and later calls fail with {@link ErrClosed}. A second close rejects. */
  close(): Promise<void>;
  /** The local end. */
  localAddr(): Addr;
  /** The remote end. */
  remoteAddr(): Addr;
  /** Sets the read and write deadlines. */
  setDeadline(t: number | Date): Error | null;
  /** Sets the read deadline: a blocked or later read past it fails with a timeout. */
  setReadDeadline(t: number | Date): Error | null;
  /** Sets the write deadline: a blocked or later write past it fails with a timeout. */
  setWriteDeadline(t: number | Date): Error | null;
}

/** A connection that can half-close its write side (Go's `closeWriter` assertion). */
export interface CloseWriter {
  /** Sends FIN after the bytes already written; reading goes on. */
  closeWrite(): Promise<void>;
}

/**
 * A source that can hand out its buffered bytes without copying. `readChunk(max)` resolves
 * with a view of at most `max` bytes that the caller now owns, or `null` at EOF.
 */
export interface ChunkReader {
  /** The next queued bytes (at most `max`), without copying; `null` at EOF. */
  readChunk(max?: number): Promise<Uint8Array | null>;
}

/** What {@link ReadableWatcher.waitReadable} saw: bytes queued, the end of input, or a cancel. */
export type ReadableState = 'data' | 'eof' | 'error' | 'closed' | 'canceled' | 'timeout';

/** A pending {@link ReadableWatcher.waitReadable}: its outcome and a synchronous cancel. */
export interface ReadableWait {
  /** Settles (never rejects) with what happened first. */
  readonly promise: Promise<ReadableState>;
  /** Ends the wait at once with `'canceled'`; a no-op once settled. */
  cancel(): void;
}

/**
 * A conn that can say when input is available without consuming it — what Go's server gets
 * from its one-byte background read, without the byte, the read or a timeout error. Used by
 * @ka/http-server to notice a client that goes away while a handler runs.
 */
export interface ReadableWatcher {
  /**
   * Waits until bytes are queued, the peer ends or fails, the conn closes, or `cancel()`.
   * With `deadline: true` the read deadline ends the wait too (`'timeout'`), as it would end
   * a read — a read that waits without holding a buffer.
   */
  waitReadable(opts?: { deadline?: boolean }): ReadableWait;
  /**
   * The same wait with a callback, allocating nothing: `cb` runs once with what ended it
   * (synchronously, before this returns, when that is known already). Stop a pending watch
   * with {@link ReadableWatcher.unwatchReadable}. Hot paths pass one long-lived `cb` per
   * connection and re-register it for each wait; a `cb` is pending at most once at a time.
   */
  watchReadable(cb: (state: ReadableState) => void, opts?: { deadline?: boolean }): void;
  /** Stops a pending {@link ReadableWatcher.watchReadable} of `cb` without calling it. */
  unwatchReadable(cb: (state: ReadableState) => void): void;
}

/** Whether `c` can watch for readability ({@link ReadableWatcher}: both of its methods). */
export function isReadableWatcher(c: object): c is ReadableWatcher {
  const w = c as Partial<ReadableWatcher>;
  return typeof w.watchReadable === 'function' && typeof w.unwatchReadable === 'function';
}

/**
 * Go's `net.KeepAliveConfig` (durations in ms). Zero fields take Go's defaults (idle 15 s,
 * interval 15 s, count 9); negative fields leave the system's value alone.
 */
export interface KeepAliveConfig {
  /** Turn keep-alive probes on. */
  enable: boolean;
  /** Idle time before the first probe (ms). */
  idle?: number;
  /** Time between probes (ms). Needs a Node whose `setKeepAlive` takes it (see README). */
  interval?: number;
  /** Unanswered probes before the connection drops. Needs the same Node. */
  count?: number;
}

/** Go's `defaultTCPKeepAliveIdle`: 15 s. */
export const DefaultKeepAliveIdle = 15_000;
/** Go's `defaultTCPKeepAliveInterval`: 15 s. */
export const DefaultKeepAliveInterval = 15_000;
/** Go's `defaultTCPKeepAliveCount`: 9. */
export const DefaultKeepAliveCount = 9;

/** Unread bytes queued per connection before the socket is paused. */
export const readHighWaterMark = 64 * 1024;

// Go: (*TCPConn).SetKeepAliveConfig — zero fields mean Go's defaults.
function withDefaults(cfg: KeepAliveConfig): Required<KeepAliveConfig> {
  const idle = cfg.idle ?? 0;
  const interval = cfg.interval ?? 0;
  const count = cfg.count ?? 0;
  return {
    enable: cfg.enable,
    idle: idle === 0 ? DefaultKeepAliveIdle : idle,
    interval: interval === 0 ? DefaultKeepAliveInterval : interval,
    count: count === 0 ? DefaultKeepAliveCount : count,
  };
}

/**
 * @internal Go: newTCPConn's keep-alive decision — an enabled config wins; otherwise a
 * non-negative `keepAlive` (0 = default 15 s) turns probes on with that idle time; negative
 * turns them off (`null`).
 */
export function resolveKeepAlive(
  keepAlive: number | undefined,
  cfg: KeepAliveConfig | undefined,
): Required<KeepAliveConfig> | null {
  if (cfg?.enable) return withDefaults(cfg);
  const idle = keepAlive ?? 0;
  if (idle < 0) return null;
  return withDefaults({ enable: true, idle });
}

// Node takes durations in ms but truncates them to whole seconds; Go rounds up.
function nodeSeconds(ms: number): number {
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/**
 * @internal What Node's keep-alive setters take for `cfg`, durations in seconds: idle,
 * interval, count. A zero idle time leaves the system's value; an undefined interval or count
 * leaves libuv's (a Node whose `setKeepAlive` takes only the idle time ignores them too, and
 * libuv sets 1 s and 10 probes).
 */
export function keepAliveArgs(
  cfg: Required<KeepAliveConfig>,
): [idle: number, interval: number | undefined, count: number | undefined] {
  return [
    nodeSeconds(cfg.idle),
    cfg.interval > 0 ? nodeSeconds(cfg.interval) : undefined,
    cfg.count > 0 ? cfg.count : undefined,
  ];
}

const noop = (): void => {};

interface ReadWaiter {
  // Copy into p, or (p === null) hand out a view of at most max bytes.
  p: Uint8Array | null;
  max: number;
  resolve(v: number | Uint8Array | null): void;
  reject(e: unknown): void;
}

interface WriteWaiter {
  n: number;
  done: boolean;
  settledErr?: unknown;
  resolve(n: number): void;
  reject(e: unknown): void;
}

const resolvedNull: Promise<null> = Promise.resolve(null);
const resolvedZero: Promise<number> = Promise.resolve(0);

/**
 * The connection machinery shared by {@link TCPConn} and {@link UnixConn}: a `node:net` Socket
 * behind Go's Conn contract. Not constructed directly: {@link listen} and {@link dial} make them.
 */
export abstract class SocketConn
  implements Conn, CloseWriter, ChunkReader, ReadableWatcher, SyncReader, EagerWriter
{
  /** The underlying socket (for the few things this class does not cover). */
  protected readonly socket: Socket;
  readonly #net: string;
  readonly #laddr: Addr;
  readonly #raddr: Addr;

  // The fields without an initializer here are the ones that change only as the connection
  // ends. The constructor assigns them; that second store tells V8 they are not constants.
  // Left as constants, the first connection to close anywhere in the process would
  // invalidate every optimized function that read them (the whole request path, which
  // inlines these reads), and the process would pay for recompiling it all under load.

  // Read side: queued chunks from index #head, the first one consumed up to #off.
  #chunks: Uint8Array[];
  #head = 0;
  #off = 0;
  #queued = 0;
  #paused = false;
  #eof: boolean;
  #readShut: boolean;
  #readers: ReadWaiter[];
  #watchers: ((state: ReadableState) => void)[] = [];
  // Watchers that the read deadline also ends (waitReadable({ deadline: true })).
  #timedWatchers: ((state: ReadableState) => void)[] = [];

  // Write side.
  #writers: WriteWaiter[];
  #writeShut: boolean;

  // The error that ended the socket (Node system error), and whether it is gone.
  #sockErr: unknown;
  #gone: boolean;
  #closed: boolean;

  readonly #rdl: Deadline;
  readonly #wdl: Deadline;

  /** @internal */
  constructor(socket: Socket, net: string, laddr: Addr, raddr: Addr) {
    this.socket = socket;
    this.#net = net;
    this.#laddr = laddr;
    this.#raddr = raddr;
    this.#chunks = [];
    this.#readers = [];
    this.#writers = [];
    this.#eof = false;
    this.#readShut = false;
    this.#writeShut = false;
    this.#sockErr = null;
    this.#gone = false;
    this.#closed = false;
    this.#rdl = new Deadline({
      waiting: () => this.#readers.length > 0 || this.#timedWatchers.length > 0,
      expire: () => this.#expireReads(),
    });
    this.#wdl = new Deadline({
      waiting: () => this.#writers.length > 0,
      expire: () => this.#expireWrites(),
    });
    socket.on('data', this.#onData);
    // A socket we dialed hands its reads over directly (no 'data' events then).
    directReadsOf(socket)?.attach(this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    // Accepted sockets arrive paused (pauseOnConnect); dialed ones are flowing already.
    socket.resume();
  }

  // ---- reading ----

  /**
   * Go's `Conn.Read`: fills a prefix of `p` with queued bytes, waiting only when none are
   * queued. `null` is EOF (the peer closed its write side). Rejects with an {@link OpError}:
   * timeout (`is(err, ErrDeadlineExceeded)`), {@link ErrClosed}, or a reset.
   */
  read(p: Uint8Array): Promise<number | null> {
    if (this.#closed) return Promise.reject(this.#opError('read', ErrClosed));
    if (p.length === 0) return resolvedZero;
    if (this.#rdl.at !== 0 && this.#rdl.expired()) {
      return Promise.reject(this.#opError('read', ErrDeadlineExceeded));
    }
    if (this.#readers.length === 0) {
      if (this.#queued > 0) return Promise.resolve(this.#copyOut(p));
      if (this.#eof || this.#readShut || this.#gone || this.#sockErr !== null) {
        return this.#readEnd();
      }
    }
    return new Promise<number | null>((resolve, reject) => {
      this.#readers.push({ p, max: 0, resolve: resolve as ReadWaiter['resolve'], reject });
      this.#rdl.arm();
    });
  }

  /**
   * {@link read} without waiting ({@link SyncReader}): copies queued bytes into `p` and
   * returns how many, or returns `undefined` having done nothing when no bytes are queued,
   * another read is waiting, the read deadline has passed or the connection is closed.
   */
  tryRead(p: Uint8Array): number | undefined {
    if (this.#queued === 0 || this.#closed || p.length === 0 || this.#readers.length > 0) {
      return undefined;
    }
    if (this.#rdl.at !== 0 && this.#rdl.expired()) return undefined;
    return this.#copyOut(p);
  }

  /**
   * Lets the process exit while this connection is open (Node's `socket.unref()`); Go
   * programs exit with idle pooled connections open, and so should ka's.
   */
  unref(): void {
    this.socket.unref();
  }

  /** Undoes {@link SocketConn.unref}: the open connection keeps the process alive again. */
  ref(): void {
    this.socket.ref();
  }

  /**
   * See {@link ReadableWatcher.waitReadable}. Cheap: no error objects, and no timer beyond the
   * read deadline's own (armed only for `deadline: true`).
   */
  waitReadable(opts?: { deadline?: boolean }): ReadableWait {
    let resolve!: (state: ReadableState) => void;
    const promise = new Promise<ReadableState>((r) => {
      resolve = r;
    });
    // A function of its own, so that cancelling this wait stops no other.
    const cb = (state: ReadableState): void => resolve(state);
    this.watchReadable(cb, opts);
    return {
      promise,
      cancel: () => {
        this.unwatchReadable(cb);
        resolve('canceled');
      },
    };
  }

  /**
   * {@link waitReadable} with a callback instead of a Promise, allocating nothing: `cb` runs
   * once with what ended the wait — synchronously, before this returns, when that is known
   * already. {@link unwatchReadable} stops the wait without calling `cb`.
   */
  watchReadable(cb: (state: ReadableState) => void, opts?: { deadline?: boolean }): void {
    const now = this.#readableState();
    const timed = opts !== undefined && opts.deadline === true;
    if (now !== null || (timed && this.#rdl.expired())) {
      cb(now ?? 'timeout');
      return;
    }
    if (timed) {
      this.#timedWatchers.push(cb);
      this.#rdl.arm();
    } else {
      this.#watchers.push(cb);
    }
  }

  /** Stops a pending {@link watchReadable} of `cb` without calling it; a no-op if none. */
  unwatchReadable(cb: (state: ReadableState) => void): void {
    if (removeFirst(this.#watchers, cb)) return;
    if (removeFirst(this.#timedWatchers, cb)) this.#timedIdle();
  }

  // The read deadline's timer is needed no more once nothing waits under it.
  #timedIdle(): void {
    if (this.#readers.length === 0 && this.#timedWatchers.length === 0) this.#rdl.idle();
  }

  #readableState(): ReadableState | null {
    if (this.#closed) return 'closed';
    if (this.#queued > 0) return 'data';
    if (this.#sockErr !== null && !this.#eof && !this.#readShut) return 'error';
    if (this.#eof || this.#readShut || this.#gone) return 'eof';
    return null;
  }

  #wakeWatchers(): void {
    if (this.#watchers.length === 0 && this.#timedWatchers.length === 0) return;
    const state = this.#readableState();
    if (state === null) return;
    if (this.#watchers.length > 0) settleAll(this.#watchers, state);
    if (this.#timedWatchers.length > 0) {
      settleAll(this.#timedWatchers, state);
      this.#timedIdle();
    }
  }

  /**
   * Like {@link read} but without copying: resolves with a view of the next queued bytes (at
   * most `max`), which the caller owns, or `null` at EOF. Same errors and deadlines as `read`.
   */
  readChunk(max = Number.POSITIVE_INFINITY): Promise<Uint8Array | null> {
    if (this.#closed) return Promise.reject(this.#opError('read', ErrClosed));
    if (this.#rdl.at !== 0 && this.#rdl.expired()) {
      return Promise.reject(this.#opError('read', ErrDeadlineExceeded));
    }
    if (this.#readers.length === 0) {
      if (this.#queued > 0) return Promise.resolve(this.#takeChunk(max));
      if (this.#eof || this.#readShut || this.#gone || this.#sockErr !== null) {
        return this.#readEnd();
      }
    }
    return new Promise<Uint8Array | null>((resolve, reject) => {
      this.#readers.push({ p: null, max, resolve: resolve as ReadWaiter['resolve'], reject });
      this.#rdl.arm();
    });
  }

  // What a read gets once the queue is empty and no more data will come.
  #readEnd(): Promise<null> {
    if (this.#sockErr !== null && !this.#eof && !this.#readShut) {
      return Promise.reject(this.#ioError('read'));
    }
    return resolvedNull;
  }

  #copyOut(p: Uint8Array): number {
    const chunks = this.#chunks;
    let n = 0;
    while (n < p.length && this.#head < chunks.length) {
      const c = chunks[this.#head]!;
      const avail = c.length - this.#off;
      const room = p.length - n;
      if (avail <= room) {
        p.set(this.#off === 0 ? c : c.subarray(this.#off), n);
        n += avail;
        this.#head++;
        this.#off = 0;
      } else {
        p.set(c.subarray(this.#off, this.#off + room), n);
        this.#off += room;
        n += room;
      }
    }
    this.#consumed(n);
    return n;
  }

  #takeChunk(max: number): Uint8Array {
    const c = this.#chunks[this.#head]!;
    const avail = c.length - this.#off;
    let out: Uint8Array;
    if (avail <= max) {
      out = this.#off === 0 ? c : c.subarray(this.#off);
      this.#head++;
      this.#off = 0;
    } else {
      out = c.subarray(this.#off, this.#off + max);
      this.#off += max;
    }
    this.#consumed(out.length);
    return out;
  }

  #consumed(n: number): void {
    this.#queued -= n;
    const chunks = this.#chunks;
    if (this.#head === chunks.length) {
      chunks.length = 0;
      this.#head = 0;
    } else if (this.#head >= 64) {
      chunks.splice(0, this.#head);
      this.#head = 0;
    }
    if (this.#paused && this.#queued <= readHighWaterMark / 2) {
      this.#paused = false;
      if (!this.#gone) this.socket.resume();
    }
  }

  // Hand queued bytes to waiting readers, oldest first.
  #serveReaders(): void {
    const readers = this.#readers;
    while (readers.length > 0 && this.#queued > 0) {
      const r = readers.shift()!;
      r.resolve(r.p !== null ? this.#copyOut(r.p) : this.#takeChunk(r.max));
    }
    if (readers.length === 0 && this.#timedWatchers.length === 0) this.#rdl.idle();
  }

  // No more data will come: wake every waiting reader with EOF or the error.
  #endReaders(): void {
    const readers = this.#readers;
    if (readers.length === 0 || this.#queued > 0) return;
    this.#readers = [];
    if (this.#timedWatchers.length === 0) this.#rdl.idle();
    const fail = this.#sockErr !== null && !this.#eof && !this.#readShut;
    const err = fail ? this.#ioError('read') : null;
    for (const r of readers) {
      if (fail) r.reject(err);
      else r.resolve(null);
    }
  }

  #expireReads(): void {
    const readers = this.#readers;
    this.#readers = [];
    if (this.#timedWatchers.length > 0) settleAll(this.#timedWatchers, 'timeout');
    this.#rdl.idle();
    for (const r of readers) r.reject(this.#opError('read', ErrDeadlineExceeded));
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#readShut || this.#closed) return;
    this.#chunks.push(chunk);
    this.#queued += chunk.length;
    if (this.#readers.length > 0) this.#serveReaders();
    if (this.#watchers.length > 0 || this.#timedWatchers.length > 0) this.#wakeWatchers();
    if (this.#queued > readHighWaterMark && !this.#paused) {
      this.#paused = true;
      this.socket.pause();
    }
  };

  readonly #onEnd = (): void => {
    this.#eof = true;
    this.#endReaders();
    this.#wakeWatchers();
  };

  readonly #onError = (err: Error): void => {
    if (this.#sockErr === null) this.#sockErr = err;
    this.#endReaders();
    this.#wakeWatchers();
  };

  readonly #onClose = (): void => {
    this.#gone = true;
    this.#endReaders();
    this.#wakeWatchers();
    const writers = this.#writers;
    if (writers.length === 0) return;
    this.#writers = [];
    this.#wdl.idle();
    const err = this.#ioError('write');
    for (const w of writers) {
      if (!w.done) {
        w.done = true;
        w.reject(err);
      }
    }
  };

  // ---- writing ----

  /**
   * Go's `Conn.Write`: resolves with `p.length` once every byte was handed to the kernel (so
   * `p` may be reused), or rejects with an {@link OpError}: timeout, {@link ErrClosed},
   * `write: broken pipe`, `write: connection reset by peer`.
   */
  write(p: Uint8Array): Promise<number> {
    const r = this.writeEager(p);
    return typeof r === 'number' ? Promise.resolve(r) : r;
  }

  /**
   * {@link write} that reports a synchronous completion synchronously ({@link EagerWriter}):
   * returns `p.length` when the kernel took every byte at once, else the Promise `write`
   * returns (which also carries every failure).
   */
  writeEager(p: Uint8Array): number | Promise<number> {
    if (this.#closed) return Promise.reject(this.#opError('write', ErrClosed));
    if (this.#wdl.at !== 0 && this.#wdl.expired()) {
      return Promise.reject(this.#opError('write', ErrDeadlineExceeded));
    }
    if (this.#writeShut || this.#gone || this.#sockErr !== null || this.socket.destroyed) {
      return Promise.reject(this.#ioError('write'));
    }
    const n = p.length;
    if (n === 0) return 0;
    // Until a Promise is needed, a settlement (Node calls back asynchronously, but be safe)
    // is only recorded.
    const w: WriteWaiter = {
      n,
      done: false,
      resolve: noop,
      reject: (e) => {
        w.settledErr = e;
      },
    };
    this.socket.write(p, (err) => this.#written(w, err));
    if (!w.done && this.socket.writableLength === 0 && this.socket.errored === null) {
      // The kernel took it all synchronously: Node holds no reference to p any more.
      w.done = true;
      return n;
    }
    return new Promise<number>((resolve, reject) => {
      if (w.done) {
        // settled already, synchronously, through the callback
        if (w.settledErr !== undefined) reject(w.settledErr);
        else resolve(n);
        return;
      }
      w.resolve = resolve;
      w.reject = reject;
      this.#writers.push(w);
      this.#wdl.arm();
    });
  }

  #written(w: WriteWaiter, err: Error | null | undefined): void {
    // ECANCELED: libuv dropped the write because the socket is being torn down (a reset seen
    // by the read side, usually); the 'close' handler reports that with the real cause.
    if (err != null && isSystemError(err) && err.code !== 'ECANCELED') {
      if (this.#sockErr === null) this.#sockErr = err;
      if (!w.done) {
        w.done = true;
        this.#dropWriter(w);
        w.reject(this.#opError('write', new SyscallError('write', err.code!, { cause: err })));
      }
      return;
    }
    // Other errors (the stream was destroyed) are settled by the 'close' handler.
    if (err != null || w.done) return;
    w.done = true;
    this.#dropWriter(w);
    w.resolve(w.n);
  }

  #dropWriter(w: WriteWaiter): void {
    const writers = this.#writers;
    if (writers[0] === w) writers.shift();
    else {
      const i = writers.indexOf(w);
      if (i >= 0) writers.splice(i, 1);
    }
    if (writers.length === 0) this.#wdl.idle();
  }

  #expireWrites(): void {
    const writers = this.#writers;
    this.#writers = [];
    this.#wdl.idle();
    for (const w of writers) {
      if (!w.done) {
        w.done = true;
        w.reject(this.#opError('write', ErrDeadlineExceeded));
      }
    }
  }

  // ---- closing ----

  /**
   * Go's `Conn.Close`: fails pending and later calls with {@link ErrClosed} and releases the
   * socket (unsent bytes still in Node are dropped; await each write first). A second call
   * rejects with `close tcp A->B: use of closed network connection`.
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.reject(this.#opError('close', ErrClosed));
    this.#closed = true;
    this.#rdl.stop();
    this.#wdl.stop();
    const readers = this.#readers;
    const writers = this.#writers;
    this.#readers = [];
    this.#writers = [];
    this.#chunks = [];
    this.#head = 0;
    this.#off = 0;
    this.#queued = 0;
    for (const r of readers) r.reject(this.#opError('read', ErrClosed));
    this.#wakeWatchers();
    for (const w of writers) {
      if (!w.done) {
        w.done = true;
        w.reject(this.#opError('write', ErrClosed));
      }
    }
    // Destroy on the next tick: Node finishes a synchronous write on a tick of its own, and
    // a socket destroyed before that tick builds (and drops) an ERR_STREAM_DESTROYED error,
    // stack trace included — a measurable cost for every `Connection: close` response. The
    // Conn is closed for its users now; the socket follows right after.
    process.nextTick(destroySocket, this.socket);
    return Promise.resolve();
  }

  /**
   * Go's `(*TCPConn).CloseWrite`: sends FIN once the bytes already written are out; the read
   * side stays open. Later writes fail with `write: broken pipe`.
   */
  closeWrite(): Promise<void> {
    if (this.#closed) return Promise.reject(this.#opError('close', ErrClosed));
    if (!this.#writeShut) {
      this.#writeShut = true;
      if (!this.#gone) this.socket.end();
    }
    return Promise.resolve();
  }

  /**
   * Go's `(*TCPConn).CloseRead`: later reads return EOF. Node cannot shut down the read half
   * of a socket, so incoming bytes are read and discarded (the peer is never blocked).
   */
  closeRead(): Promise<void> {
    if (this.#closed) return Promise.reject(this.#opError('close', ErrClosed));
    this.#readShut = true;
    this.#chunks = [];
    this.#head = 0;
    this.#off = 0;
    this.#queued = 0;
    if (this.#paused) {
      this.#paused = false;
      if (!this.#gone) this.socket.resume();
    }
    this.#endReaders();
    this.#wakeWatchers();
    return Promise.resolve();
  }

  // ---- deadlines ----

  /** Go's `Conn.SetDeadline`: both directions. Returns an error only when closed. */
  setDeadline(t: number | Date): Error | null {
    if (this.#closed) return this.#setError();
    const ms = deadlineMs(t);
    this.#rdl.set(ms);
    this.#wdl.set(ms);
    return null;
  }

  /** Go's `Conn.SetReadDeadline`. A past time fails a blocked read at once. */
  setReadDeadline(t: number | Date): Error | null {
    if (this.#closed) return this.#setError();
    this.#rdl.set(deadlineMs(t));
    return null;
  }

  /** Go's `Conn.SetWriteDeadline`. A past time fails a blocked write at once. */
  setWriteDeadline(t: number | Date): Error | null {
    if (this.#closed) return this.#setError();
    this.#wdl.set(deadlineMs(t));
    return null;
  }

  // Go reports deadline errors with only the local address.
  #setError(): OpError {
    return new OpError({ op: 'set', net: this.#net, addr: this.#laddr, err: ErrClosed });
  }

  // ---- addresses and counters ----

  /** Go's `Conn.LocalAddr`. */
  localAddr(): Addr {
    return this.#laddr;
  }

  /** Go's `Conn.RemoteAddr`. */
  remoteAddr(): Addr {
    return this.#raddr;
  }

  /** Bytes received from the socket so far (Node's counter). */
  get bytesRead(): number {
    return this.socket.bytesRead;
  }

  /** Bytes handed to the socket for writing so far (Node's counter). */
  get bytesWritten(): number {
    return this.socket.bytesWritten;
  }

  /** True once {@link close} ran. */
  protected get isClosed(): boolean {
    return this.#closed;
  }

  /** @internal An OpError about this connection (`op net local->remote: err`). */
  protected opError(op: string, err: unknown): OpError {
    return this.#opError(op, err);
  }

  #opError(op: string, err: unknown): OpError {
    return new OpError({ op, net: this.#net, source: this.#laddr, addr: this.#raddr, err });
  }

  // The error for an operation after the socket failed or went away. Linux reports a reset
  // once (ECONNRESET) and then EPIPE to writers; a write after our own FIN is EPIPE too.
  #ioError(op: 'read' | 'write'): OpError {
    const e = this.#sockErr;
    if (op === 'write' && (this.#writeShut || e === null || resetLike(e))) {
      return this.#opError('write', new SyscallError('write', 'EPIPE'));
    }
    if (op === 'read' && resetLike(e)) {
      return this.#opError('read', new SyscallError('read', 'ECONNRESET', { cause: e }));
    }
    return this.#opError(op, fromNodeError(e, op));
  }
}

// Removes the first `x` from `list`; whether there was one.
function removeFirst<T>(list: T[], x: T): boolean {
  const i = list.indexOf(x);
  if (i < 0) return false;
  if (i === list.length - 1) list.pop();
  else list.splice(i, 1);
  return true;
}

// Ends every watch in `list` with `state`. A callback that watches again meets a settled
// state and is called back at once, so nothing it does lands in the list being emptied.
function settleAll(list: ((state: ReadableState) => void)[], state: ReadableState): void {
  if (list.length === 1) {
    list.pop()!(state); // the usual case: one watcher, and no copy of the list
    return;
  }
  for (const w of list.splice(0)) w(state);
}

function resetLike(e: unknown): boolean {
  if (!isSystemError(e)) return false;
  return e.code === 'ECONNRESET' || e.code === 'EPIPE';
}

/**
 * Go's `*net.TCPConn`: a {@link Conn} with TCP options. TCP_NODELAY is on from the start
 * (NET-09); keep-alive follows the listener's or dialer's configuration (NET-07/08).
 */
export class TCPConn extends SocketConn {
  #noDelay = true;
  #keepAlive: Required<KeepAliveConfig> | null = null;
  // An idle time set while keep-alive was off, applied when it is turned on (0 = none).
  #pendingIdle = 0;
  // The socket took its options from the listening socket, and Node does not know it.
  #inherited: boolean;

  /**
   * @internal Made by {@link listen} and {@link dial}. With `inherited`, the kernel has already
   * given the socket TCP_NODELAY and `keepAlive` (Linux copies them from the listening socket).
   */
  constructor(
    socket: Socket,
    net: string,
    keepAlive: Required<KeepAliveConfig> | null,
    laddr?: Addr,
    raddr?: Addr,
    inherited = false,
  ) {
    super(
      socket,
      net,
      laddr ?? tcpAddrOf(socket.localAddress, socket.localPort),
      raddr ?? tcpAddrOf(socket.remoteAddress, socket.remotePort),
    );
    this.#inherited = inherited;
    // Go: newTCPConn — Nagle off, then keep-alive as configured.
    if (inherited) {
      this.#keepAlive = keepAlive;
      return;
    }
    socket.setNoDelay(true);
    if (keepAlive !== null) this.#applyKeepAlive(keepAlive);
  }

  /** Whether TCP_NODELAY is on (as last set). */
  get noDelay(): boolean {
    return this.#noDelay;
  }

  /**
   * The keep-alive configuration last applied, with Go's defaults filled in, or `null` when
   * keep-alive is off. Idle time and interval are applied rounded up to whole seconds, as Go
   * does; on a Node whose `setKeepAlive` takes only the idle time, the socket gets libuv's
   * interval and count (1 s, 10 probes on Linux) and this records Go's.
   */
  get keepAliveConfig(): Readonly<Required<KeepAliveConfig>> | null {
    return this.#keepAlive;
  }

  /**
   * Go's `(*tls.Conn).ConnectionState` for a conn from a TLS listener (`ListenConfig.tls`):
   * version, cipher suite, SNI, ALPN, the peer's certificates. `null` for plain TCP.
   */
  connectionState(): ConnectionState | null {
    return connectionStateOf(this.socket);
  }

  /** Go's `(*TCPConn).SetNoDelay`. */
  setNoDelay(noDelay: boolean): Error | null {
    if (this.isClosed) return this.opError('set', ErrClosed);
    this.#adopt();
    this.#noDelay = noDelay;
    this.socket.setNoDelay(noDelay);
    return null;
  }

  /** Go's `(*TCPConn).SetKeepAlive`: turns probes on (with the last idle time, default 15 s) or off. */
  setKeepAlive(keepAlive: boolean): Error | null {
    if (this.isClosed) return this.opError('set', ErrClosed);
    this.#adopt();
    if (!keepAlive) {
      this.#keepAlive = null;
      this.socket.setKeepAlive(false);
      return null;
    }
    this.#applyKeepAlive(
      this.#keepAlive ?? withDefaults({ enable: true, idle: this.#pendingIdle }),
    );
    return null;
  }

  /**
   * Go's `(*TCPConn).SetKeepAlivePeriod`: the idle time before the first probe (0 = 15 s).
   * Node cannot set it without enabling keep-alive, so when probes are off it is only
   * remembered for the next {@link setKeepAlive}.
   */
  setKeepAlivePeriod(ms: number): Error | null {
    if (this.isClosed) return this.opError('set', ErrClosed);
    this.#adopt();
    const idle = ms === 0 ? DefaultKeepAliveIdle : ms;
    if (this.#keepAlive === null) {
      this.#pendingIdle = idle;
      return null;
    }
    this.#applyKeepAlive({ ...this.#keepAlive, idle });
    return null;
  }

  /** Go's `(*TCPConn).SetKeepAliveConfig`: `enable: false` turns probes off. */
  setKeepAliveConfig(config: KeepAliveConfig): Error | null {
    if (this.isClosed) return this.opError('set', ErrClosed);
    if (!config.enable) return this.setKeepAlive(false);
    this.#adopt();
    this.#pendingIdle = 0;
    this.#applyKeepAlive(withDefaults(config));
    return null;
  }

  // Node skips a setter call that matches what it last set, and it never set the options this
  // socket inherited: before the first change, set them through Node so it knows them.
  #adopt(): void {
    if (!this.#inherited) return;
    this.#inherited = false;
    this.socket.setNoDelay(true);
    if (this.#keepAlive !== null) this.#applyKeepAlive(this.#keepAlive);
  }

  #applyKeepAlive(cfg: Required<KeepAliveConfig>): void {
    this.#pendingIdle = 0;
    this.#keepAlive = cfg;
    const [idle, interval, count] = keepAliveArgs(cfg);
    this.socket.setKeepAlive(
      true,
      idle * 1000,
      interval === undefined ? undefined : interval * 1000,
      count,
    );
  }
}

/** Go's `*net.UnixConn`: a {@link Conn} over a Unix domain socket. */
export class UnixConn extends SocketConn {}

/** @internal The TCPAddr of a socket end as Go prints it (IPv4-mapped shown as IPv4). */
export function tcpAddrOf(address: string | undefined, port: number | undefined): TCPAddr {
  const [ip, zone] = splitHostZone(unmapIPv4(address ?? ''));
  return new TCPAddr(ip, port ?? 0, zone);
}

/** @internal The unnamed Unix address, as Go prints it on Linux. */
export const unnamedUnixAddr: UnixAddr = new UnixAddr('@');

function destroySocket(socket: Socket): void {
  socket.destroy();
}
