// The scripted peer's side of one TCP connection: an append-only record of what arrived
// (bytes, FIN, reset) with time stamps, and a way to wait for a condition with a bound.

import { connect, type Socket } from 'node:net';

/** How the connection ended from the peer's point of view, if it did. */
export type Ending = {
  readonly kind: 'fin' | 'reset' | 'error';
  readonly at: number;
  readonly detail: string;
};

/** One TCP connection driven by a case. */
export class WireConn {
  /** Bytes received and not yet consumed by an expectation. */
  pending: Buffer = Buffer.alloc(0);
  /** Every byte received, in order (the transcript). */
  readonly received: Buffer[] = [];
  /** Set when the server's FIN arrived (`fin`) or the connection was reset / failed. */
  ending: Ending | null = null;
  /** A reset or other error seen after a FIN (lingering checks look at this). */
  lateError: Ending | null = null;
  /** The local address as the server sees it: `127.0.0.1:PORT`. */
  readonly localAddr: string;
  /** When the last byte arrived (ms since epoch), 0 if none yet. */
  lastDataAt = 0;

  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: Socket) {
    this.localAddr = `${socket.localAddress}:${socket.localPort}`;
    socket.on('data', (d: Buffer) => {
      this.pending = this.pending.length === 0 ? d : Buffer.concat([this.pending, d]);
      this.received.push(d);
      this.lastDataAt = Date.now();
      this.wake();
    });
    socket.on('end', () => {
      this.ending ??= { kind: 'fin', at: Date.now(), detail: 'FIN' };
      this.wake();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const kind = err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 'reset' : 'error';
      const e: Ending = { kind, at: Date.now(), detail: err.code ?? err.message };
      if (this.ending === null) this.ending = e;
      else this.lateError ??= e;
      this.wake();
    });
    socket.on('close', () => {
      this.ending ??= { kind: 'fin', at: Date.now(), detail: 'closed' };
      this.wake();
    });
  }

  /** Connects to `host:port` with half-open allowed (a FIN from the server keeps our side writable). */
  static open(host: string, port: number, timeoutMs = 3000): Promise<WireConn> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, allowHalfOpen: true, noDelay: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new WireConn(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      });
    });
  }

  /** Writes bytes; errors surface as {@link ending} / {@link lateError}. */
  write(b: Buffer): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(b);
  }

  /** Sends FIN. */
  halfClose(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  /** Drops the connection at once (RST if unread data remains on our side). */
  destroy(): void {
    this.socket.destroy();
  }

  /** Whether our socket is gone. */
  get destroyed(): boolean {
    return this.socket.destroyed;
  }

  /** Takes `n` bytes off the front of {@link pending}. */
  consume(n: number): Buffer {
    const b = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(n);
    return b;
  }

  /** The whole transcript. */
  transcript(): Buffer {
    return Buffer.concat(this.received);
  }

  /**
   * Resolves true as soon as `cond()` holds (checked on every network event), false after
   * `timeoutMs` without it.
   */
  waitFor(cond: () => boolean, timeoutMs: number): Promise<boolean> {
    if (cond()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (cond()) finish(true);
      };
      const finish = (v: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(v);
      };
      const timer = setTimeout(() => finish(cond()), Math.max(0, timeoutMs));
      this.waiters.add(check);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
