// Go: net.Pipe — a synchronous, in-memory, full-duplex connection.
//
// There is no buffer: a read on one end takes bytes straight from a write pending on the
// other, and a write resolves only once readers took all of it (a zero-length write waits for
// one read, which returns 0). Writes are handed over whole, one after another. Deadlines work
// as on sockets. After the local end is closed, reads and writes fail with
// `io: read/write on closed pipe` (unwrapped, as in Go); after the remote end is closed, reads
// return EOF and writes fail with the same error. Timeouts are OpErrors (`read pipe: i/o timeout`).

import { ErrClosedPipe } from '@ka/io';
import { type Addr, PipeAddr } from './addr.js';
import type { Conn } from './conn.js';
import { ErrDeadlineExceeded, OpError } from './errors.js';
import { Deadline, deadlineMs } from './internal/deadline.js';

interface PipeRead {
  p: Uint8Array;
  resolve(n: number | null): void;
  reject(e: unknown): void;
}

interface PipeWrite {
  b: Uint8Array;
  off: number;
  resolve(n: number): void;
  reject(e: unknown): void;
}

// One direction: writes of one end waiting for reads of the other.
class Channel {
  readers: PipeRead[] = [];
  writers: PipeWrite[] = [];

  // Go: the rendezvous of pipe.read and pipe.write — copy from the oldest write into the
  // oldest read until either side runs out.
  match(): void {
    while (this.readers.length > 0 && this.writers.length > 0) {
      const r = this.readers.shift()!;
      const w = this.writers[0]!;
      const n = Math.min(r.p.length, w.b.length - w.off);
      r.p.set(w.b.subarray(w.off, w.off + n));
      w.off += n;
      r.resolve(n);
      if (w.off === w.b.length) {
        this.writers.shift();
        w.resolve(w.b.length);
      }
    }
  }
}

const pipeAddr = new PipeAddr();

// Go: net.pipe — one end.
class PipeEnd implements Conn {
  readonly #rx: Channel;
  readonly #tx: Channel;
  #closed = false;
  #peer!: PipeEnd;
  readonly #rdl: Deadline;
  readonly #wdl: Deadline;

  constructor(rx: Channel, tx: Channel) {
    this.#rx = rx;
    this.#tx = tx;
    this.#rdl = new Deadline({
      waiting: () => this.#rx.readers.length > 0,
      expire: () => this.#expire(this.#rx.readers.splice(0), 'read'),
    });
    this.#wdl = new Deadline({
      waiting: () => this.#tx.writers.length > 0,
      expire: () => this.#expire(this.#tx.writers.splice(0), 'write'),
    });
  }

  /** @internal */
  link(peer: PipeEnd): void {
    this.#peer = peer;
  }

  /** @internal */
  get isClosed(): boolean {
    return this.#closed;
  }

  #expire(waiters: { reject(e: unknown): void }[], op: string): void {
    for (const w of waiters) w.reject(new OpError({ op, net: 'pipe', err: ErrDeadlineExceeded }));
  }

  read(p: Uint8Array): Promise<number | null> {
    if (this.#closed) return Promise.reject(ErrClosedPipe);
    if (this.#peer.isClosed) return Promise.resolve(null);
    if (this.#rdl.expired()) {
      return Promise.reject(new OpError({ op: 'read', net: 'pipe', err: ErrDeadlineExceeded }));
    }
    return new Promise((resolve, reject) => {
      this.#rx.readers.push({ p, resolve, reject });
      this.#rx.match();
      if (this.#rx.readers.length > 0) this.#rdl.arm();
    });
  }

  write(b: Uint8Array): Promise<number> {
    if (this.#closed || this.#peer.isClosed) return Promise.reject(ErrClosedPipe);
    if (this.#wdl.expired()) {
      return Promise.reject(new OpError({ op: 'write', net: 'pipe', err: ErrDeadlineExceeded }));
    }
    return new Promise((resolve, reject) => {
      this.#tx.writers.push({ b, off: 0, resolve, reject });
      this.#tx.match();
      if (this.#tx.writers.length > 0) this.#wdl.arm();
    });
  }

  // Go: (*pipe).Close — always succeeds, even twice.
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#rdl.stop();
    this.#wdl.stop();
    this.#peer.#stopTimers();
    // Our blocked calls fail; the peer's reads see EOF and its writes fail.
    for (const r of this.#rx.readers.splice(0)) r.reject(ErrClosedPipe);
    for (const w of this.#tx.writers.splice(0)) w.reject(ErrClosedPipe);
    for (const r of this.#tx.readers.splice(0)) r.resolve(null);
    for (const w of this.#rx.writers.splice(0)) w.reject(ErrClosedPipe);
    return Promise.resolve();
  }

  #stopTimers(): void {
    this.#rdl.stop();
    this.#wdl.stop();
  }

  localAddr(): Addr {
    return pipeAddr;
  }

  remoteAddr(): Addr {
    return pipeAddr;
  }

  setDeadline(t: number | Date): Error | null {
    if (this.#closed || this.#peer.isClosed) return ErrClosedPipe;
    const ms = deadlineMs(t);
    this.#rdl.set(ms);
    this.#wdl.set(ms);
    return null;
  }

  setReadDeadline(t: number | Date): Error | null {
    if (this.#closed || this.#peer.isClosed) return ErrClosedPipe;
    this.#rdl.set(deadlineMs(t));
    return null;
  }

  setWriteDeadline(t: number | Date): Error | null {
    if (this.#closed || this.#peer.isClosed) return ErrClosedPipe;
    this.#wdl.set(deadlineMs(t));
    return null;
  }
}

/**
 * Go's `net.Pipe`: two connected in-memory {@link Conn}s with no buffering — a write resolves
 * once the other end has read all of it. Both addresses are `pipe`.
 *
 * @example
 * ```ts
 * const [a, b] = pipe();
 * const w = a.write(new TextEncoder().encode('hi'));
 * const n = await b.read(new Uint8Array(8)); // 2
 * await w;
 * ```
 */
export function pipe(): [Conn, Conn] {
  const ab = new Channel();
  const ba = new Channel();
  const a = new PipeEnd(ba, ab);
  const b = new PipeEnd(ab, ba);
  a.link(b);
  b.link(a);
  return [a, b];
}
