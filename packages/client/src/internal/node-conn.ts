// A Conn over a Node socket — in practice the node:tls socket of an https connection (plain
// TCP comes from @ka/net, whose Conn cannot be built over a TLS socket from outside).
//
// Reads are pull-based on top of Node's push stream: data is queued as it arrives (the
// socket is paused above a high-water mark) and `read(p)` copies from the queue. Errors read
// like Go's (`read tcp a->b: read: connection reset by peer`).
import type * as net from 'node:net';
import { GoError } from '@ka/io';
import type { Conn } from '../dial.js';

const highWaterMark = 64 * 1024;

// Go: syscall.Errno texts for the errnos a client socket meets.
const errnoText: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EPIPE: 'broken pipe',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EADDRNOTAVAIL: 'cannot assign requested address',
  ECONNABORTED: 'software caused connection abort',
};

/** Go's `net.ErrClosed` text, as this adapter raises it. */
export const errNetClosed = Object.freeze(
  new GoError('ERR_NET_CLOSED', 'use of closed network connection'),
);

interface NodeSystemError extends Error {
  code?: string;
  syscall?: string;
}

function syscallError(err: unknown, fallback: string): unknown {
  const e = err as NodeSystemError;
  if (!(e instanceof Error) || typeof e.code !== 'string' || !/^E[A-Z]+$/.test(e.code)) return err;
  let sc = e.syscall ?? fallback;
  if (sc === 'writev' || sc === 'writeBuffer' || sc === 'writeUtf8String') sc = 'write';
  const text = errnoText[e.code] ?? e.code;
  return new GoError(e.code, `${sc}: ${text}`, { cause: err });
}

/** Go's `*net.OpError` shape for the adapter's errors: `op net [src->]addr: err`. */
export class NodeOpError extends GoError {
  readonly op: string;
  readonly err: unknown;
  constructor(op: string, source: string | undefined, addr: string, err: unknown) {
    const where = source === undefined ? ` ${addr}` : ` ${source}->${addr}`;
    const msg = err instanceof Error ? err.message : String(err);
    super('ERR_NET_OP', `${op} tcp${where}: ${msg}`, { cause: err });
    this.name = 'OpError';
    this.op = op;
    this.err = err;
  }
}

function fmtAddr(ip: string | undefined, port: number | undefined): string {
  if (ip === undefined) return '';
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** A {@link Conn} over a connected Node socket. */
export class SocketConn implements Conn {
  readonly #s: net.Socket;
  #chunks: Buffer[] = [];
  #queued = 0;
  #paused = false;
  #eof = false;
  #err: unknown;
  #closed = false;
  #wake: (() => void) | undefined;
  readonly #pendingWrites = new Set<(err: unknown) => void>();
  readonly localAddr: string;
  readonly remoteAddr: string;
  readonly #onClose: (() => void) | undefined;

  /** Wraps connected socket `s`; `onClose` runs once when the conn is closed locally. */
  constructor(s: net.Socket, onClose?: () => void) {
    this.#s = s;
    this.#onClose = onClose;
    this.localAddr = fmtAddr(s.localAddress, s.localPort);
    this.remoteAddr = fmtAddr(s.remoteAddress, s.remotePort);
    s.on('data', (b: Buffer) => {
      this.#chunks.push(b);
      this.#queued += b.length;
      if (this.#queued >= highWaterMark && !this.#paused) {
        this.#paused = true;
        s.pause();
      }
      this.#notify();
    });
    s.on('end', () => {
      this.#eof = true;
      this.#notify();
    });
    s.on('error', (e) => {
      this.#err ??= e;
      this.#notify();
    });
    s.on('close', () => {
      this.#eof = true;
      this.#notify();
    });
  }

  /** The underlying socket (for TLS upgrades). */
  get socket(): net.Socket {
    return this.#s;
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  #opError(op: string, err: unknown): NodeOpError {
    return new NodeOpError(op, this.localAddr, this.remoteAddr, err);
  }

  async read(p: Uint8Array): Promise<number | null> {
    for (;;) {
      if (this.#closed) throw this.#opError('read', errNetClosed);
      if (this.#chunks.length > 0) {
        let n = 0;
        while (n < p.length && this.#chunks.length > 0) {
          const c = this.#chunks[0]!;
          const k = Math.min(c.length, p.length - n);
          p.set(k === c.length ? c : c.subarray(0, k), n);
          n += k;
          if (k === c.length) this.#chunks.shift();
          else this.#chunks[0] = c.subarray(k);
        }
        this.#queued -= n;
        if (this.#paused && this.#queued < highWaterMark / 2) {
          this.#paused = false;
          this.#s.resume();
        }
        return n;
      }
      if (p.length === 0) return 0;
      if (this.#err !== undefined) throw this.#opError('read', syscallError(this.#err, 'read'));
      if (this.#eof) return null;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  write(p: Uint8Array): Promise<number> {
    if (this.#closed) return Promise.reject(this.#opError('write', errNetClosed));
    if (p.length === 0) return Promise.resolve(0);
    return new Promise<number>((resolve, reject) => {
      const fail = (err: unknown) => {
        this.#pendingWrites.delete(fail);
        reject(err);
      };
      this.#pendingWrites.add(fail);
      this.#s.write(p, (e) => {
        if (!this.#pendingWrites.has(fail)) return;
        this.#pendingWrites.delete(fail);
        if (e == null) resolve(p.length);
        else if (this.#closed) reject(this.#opError('write', errNetClosed));
        else reject(this.#opError('write', syscallError(e, 'write')));
      });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#s.destroy();
    this.#onClose?.();
    this.#chunks = [];
    for (const fail of [...this.#pendingWrites]) fail(this.#opError('write', errNetClosed));
    this.#notify();
  }

  closeWrite(): void {
    if (!this.#closed) this.#s.end();
  }

  unref(): void {
    this.#s.unref();
  }

  ref(): void {
    this.#s.ref();
  }
}
