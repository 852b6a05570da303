// Test support: a server on 127.0.0.1:0 and a raw TCP client that speaks exact bytes.
import { once } from 'node:events';
import net from 'node:net';
import { listen } from '@ka/net';
import { Server, type ServerOptions } from '../server.js';

/** A running test server; `close()` stops it and waits for its `serve` to return. */
export interface TestServer {
  srv: Server;
  port: number;
  logs: string[];
  close(): Promise<void>;
}

/** Starts a {@link Server} on an ephemeral loopback port, logging into `logs`. */
export async function startServer(opts: ServerOptions): Promise<TestServer> {
  const logs: string[] = [];
  const srv = new Server({ errorLog: (m) => logs.push(m), ...opts });
  const ln = await listen('tcp', '127.0.0.1:0');
  const port = Number(ln.addr().toString().split(':').pop());
  const serving = srv.serve(ln).catch((e: unknown) => e);
  return {
    srv,
    port,
    logs,
    async close() {
      await srv.close();
      await serving;
    },
  };
}

/** A raw client connection collecting every byte the server sends. */
export class RawClient {
  readonly sock: net.Socket;
  #buf = Buffer.alloc(0);
  #ended = false;
  #waiters: (() => void)[] = [];

  private constructor(sock: net.Socket) {
    this.sock = sock;
    sock.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      this.#wake();
    });
    sock.on('end', () => {
      this.#ended = true;
      this.#wake();
    });
    sock.on('close', () => {
      this.#ended = true;
      this.#wake();
    });
    sock.on('error', () => {
      this.#ended = true;
      this.#wake();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const sock = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    await once(sock, 'connect');
    return new RawClient(sock);
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  send(s: string | Buffer): void {
    this.sock.write(s);
  }

  /** Everything received so far, as latin1, with Date values replaced by `<date>`. */
  text(): string {
    return normalize(this.#buf.toString('latin1'));
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Waits until `pred(text())` holds or the peer ends; rejects after `ms`. */
  async waitFor(pred: (t: string) => boolean, ms = 2000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const t = this.text();
      if (pred(t)) return t;
      if (this.#ended) throw new Error(`connection ended; received ${JSON.stringify(t)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; received ${JSON.stringify(t)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the peer's EOF; rejects after `ms`. */
  async waitEnd(ms = 2000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!this.#ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no EOF; received ${JSON.stringify(this.text())}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.text();
  }

  /** Resolves after `ms` of waiting. */
  static sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }

  clear(): void {
    this.#buf = Buffer.alloc(0);
  }

  close(): void {
    this.sock.destroy();
  }
}

/** Replaces RFC 1123 dates in a Date header with `<date>`. */
export function normalize(s: string): string {
  return s.replace(
    /Date: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT/g,
    'Date: <date>',
  );
}

/** Decodes a chunked body (everything after the head), ignoring extensions and trailers. */
export function dechunk(body: string): string {
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol < 0) throw new Error(`bad chunked body: ${JSON.stringify(rest.slice(0, 40))}`);
    const size = Number.parseInt(rest.slice(0, eol), 16);
    if (size === 0) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 2 + size + 2);
  }
}
