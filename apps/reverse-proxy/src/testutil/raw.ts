// Test helpers: a raw TCP client (exact bytes out, everything read back) and small waits.
// Not part of the build.
import net from 'node:net';

/** Splits `http://host:port` into what node:net wants. */
export function hostPort(url: string): { host: string; port: number } {
  const u = new globalThis.URL(url);
  return { host: u.hostname, port: Number(u.port) };
}

/**
 * A raw connection to `url`: `write` sends bytes as given; `readUntil` resolves once the
 * text received so far matches; `readAll` resolves everything once the peer closes.
 */
export class RawConn {
  readonly socket: net.Socket;
  received = '';
  ended = false;
  readonly #waiters = new Set<() => void>();

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.received += d;
      this.#wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  static connect(url: string): Promise<RawConn> {
    const { host, port } = hostPort(url);
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port }, () => {
        s.off('error', reject);
        resolve(new RawConn(s));
      });
      s.once('error', reject);
    });
  }

  #wake(): void {
    for (const w of this.#waiters) w();
  }

  write(s: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(Buffer.from(s, 'latin1'), (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Resolves the text received so far once `pred` holds for it; rejects after `ms`. */
  readUntil(pred: (s: string) => boolean, ms = 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (pred(this.received)) {
          finish();
          resolve(this.received);
        } else if (this.ended) {
          finish();
          reject(new Error(`connection closed; received: ${JSON.stringify(this.received)}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out; received: ${JSON.stringify(this.received)}`));
      }, ms);
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Everything the peer sent, once it has closed the connection. */
  async readAll(ms = 10_000): Promise<string> {
    await this.readUntil(() => this.ended, ms).catch((err) => {
      if (!this.ended) throw err;
    });
    return this.received;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Sends `request` on a new connection and resolves all the peer sent until it closed. */
export async function rawExchange(url: string, request: string): Promise<string> {
  const c = await RawConn.connect(url);
  try {
    await c.write(request);
    return await c.readAll();
  } finally {
    c.close();
  }
}

/** The header lines of a raw response head, lower-cased names → values. */
export function headLines(raw: string): { status: string; headers: [string, string][] } {
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? raw : raw.slice(0, end);
  const [status = '', ...lines] = head.split('\r\n');
  return {
    status,
    headers: lines.map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
    }),
  };
}

/** A promise with its resolve function, for handing control between test and handler. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
