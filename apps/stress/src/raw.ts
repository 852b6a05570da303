// Raw TCP peers: exact bytes out, everything received recorded with the time the server
// ended the connection (FIN or reset).
import { connect, type Socket } from 'node:net';

/** How a raw connection ended, seen from the client. */
export interface Ending {
  /** ms since epoch when the server's FIN arrived (`end`), if it did. */
  finAt?: number;
  /** Error code of a reset (`ECONNRESET`, `EPIPE`), if any. */
  errorCode?: string;
  /** ms since epoch when the socket closed. */
  closedAt: number;
}

/** A raw client connection. */
export class RawConn {
  readonly socket: Socket;
  readonly connectedAt: number;
  /** The client end, `127.0.0.1:PORT` (the server's RemoteAddr). */
  readonly local: string;
  readonly chunks: Buffer[] = [];
  received = 0;
  /** Whether to keep the received bytes (off for large downloads). */
  keep = true;
  ending: Ending | undefined;
  readonly closed: Promise<Ending>;
  #finAt: number | undefined;
  #errorCode: string | undefined;

  constructor(socket: Socket) {
    this.socket = socket;
    this.connectedAt = Date.now();
    this.local = `${socket.localAddress}:${socket.localPort}`;
    socket.on('data', (b: Buffer) => {
      this.received += b.length;
      if (this.keep) this.chunks.push(b);
    });
    socket.on('end', () => {
      this.#finAt = Date.now();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.#errorCode ??= err.code ?? err.message;
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        const e: Ending = { closedAt: Date.now() };
        if (this.#finAt !== undefined) e.finAt = this.#finAt;
        if (this.#errorCode !== undefined) e.errorCode = this.#errorCode;
        this.ending = e;
        resolve(e);
      });
    });
  }

  /** Everything received so far, as latin1 text. */
  text(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }

  get isClosed(): boolean {
    return this.ending !== undefined;
  }

  /** True once the server's FIN arrived (or the conn closed). */
  get peerDone(): boolean {
    return this.#finAt !== undefined || this.isClosed;
  }

  /** Writes and resolves once Node handed the bytes over (never rejects). */
  write(data: string | Uint8Array): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.socket.destroyed || !this.socket.writable) return resolve(false);
      this.socket.write(data, (err) => resolve(err == null));
    });
  }

  /** Resolves when at least `n` bytes arrived or the conn closed; false on timeout. */
  async waitBytes(n: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.received < n && !this.isClosed && Date.now() < deadline) {
      await sleep(5);
    }
    return this.received >= n;
  }

  /** Resolves when the received text contains `s`, or the conn closed / timed out. */
  async waitText(s: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.text().includes(s)) return true;
      if (this.isClosed || Date.now() >= deadline) return false;
      await sleep(5);
    }
  }

  /** Waits for the close; destroys the socket after `timeoutMs` (then `undefined`). */
  async waitClosed(timeoutMs: number): Promise<Ending | undefined> {
    let t: ReturnType<typeof setTimeout> | undefined;
    const r = await Promise.race([
      this.closed,
      new Promise<undefined>((res) => {
        t = setTimeout(() => res(undefined), timeoutMs);
      }),
    ]);
    clearTimeout(t);
    if (r === undefined) {
      this.socket.destroy();
      await this.closed;
    }
    return r;
  }

  /** Sends a RST (SO_LINGER 0) and waits for the close. */
  async reset(): Promise<void> {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
    await this.closed;
  }

  async destroy(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }
}

/** Opens a raw connection to `host:port`. */
export function dialRaw(addr: string, opts: { pauseReading?: boolean } = {}): Promise<RawConn> {
  const i = addr.lastIndexOf(':');
  const host = addr.slice(0, i);
  const port = Number(addr.slice(i + 1));
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    const onErr = (err: Error) => reject(err);
    s.once('error', onErr);
    s.once('connect', () => {
      s.off('error', onErr);
      const c = new RawConn(s);
      if (opts.pauseReading) s.pause();
      resolve(c);
    });
  });
}

/**
 * Writes `data` one byte every `intervalMs` until done, the conn closes, or a write fails.
 * Resolves with the number of bytes written.
 */
export async function trickle(c: RawConn, data: string, intervalMs: number): Promise<number> {
  let n = 0;
  for (const ch of data) {
    if (c.peerDone || c.socket.destroyed) break;
    if (!(await c.write(ch))) break;
    n++;
    await sleep(intervalMs);
  }
  return n;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Parses `HTTP/1.1 200 OK` status codes found in `text` (one per response head). */
export function statusCodes(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
}
