// Test helper: a scripted raw TCP HTTP peer on 127.0.0.1 built on node:net.
//
// The test decides every byte: it reads requests (parsed just enough: head, Content-Length
// or chunked body) and writes whatever answer it wants, closes, resets or stalls. Each
// accepted connection is numbered (c1, c2, …) so tests can assert which connection served
// which request, as Go's tests do with their `c1#1` transcripts.
import * as net from 'node:net';

/** A request as the scripted peer saw it. */
export interface RawRequest {
  /** Connection number (1-based) and request number on that connection (1-based). */
  conn: number;
  n: number;
  method: string;
  target: string;
  proto: string;
  /** Header lines in wire order, as [name, value]. */
  headers: [string, string][];
  /** The exact head bytes (request line through the blank line). */
  head: string;
  body: Buffer;
  /** Whether the body was chunked. */
  chunked: boolean;
  /** First value of a header (case-insensitive), or undefined. */
  get(name: string): string | undefined;
}

/** One accepted connection. */
export class ScriptedConn {
  readonly id: number;
  readonly socket: net.Socket;
  #buf = Buffer.alloc(0);
  #eof = false;
  #wake: (() => void) | undefined;
  #n = 0;
  /** Resolves when the client closed its side (FIN) or the socket closed. */
  readonly peerClosed: Promise<void>;
  /** True once the client sent FIN or the socket closed. */
  sawClientClose = false;

  constructor(id: number, socket: net.Socket) {
    this.id = id;
    this.socket = socket;
    socket.on('data', (b: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, b]);
      this.#notify();
    });
    let resolveClosed!: () => void;
    this.peerClosed = new Promise((r) => {
      resolveClosed = r;
    });
    const onEnd = () => {
      this.#eof = true;
      this.sawClientClose = true;
      resolveClosed();
      this.#notify();
    };
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', () => {});
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  async #need(pred: () => boolean): Promise<boolean> {
    while (!pred()) {
      if (this.#eof) return false;
      await new Promise<void>((r) => {
        this.#wake = r;
      });
    }
    return true;
  }

  /** Everything received and not yet consumed by readRequest. */
  get pending(): Buffer {
    return this.#buf;
  }

  /** Waits until at least `n` unconsumed bytes arrived (or EOF); returns them without consuming. */
  async peekBytes(n: number): Promise<Buffer> {
    await this.#need(() => this.#buf.length >= n);
    return this.#buf;
  }

  /** Reads the next request; null when the client closed first. */
  async readRequest(): Promise<RawRequest | null> {
    if (!(await this.#need(() => this.#buf.indexOf('\r\n\r\n') >= 0))) return null;
    const end = this.#buf.indexOf('\r\n\r\n') + 4;
    const head = this.#buf.subarray(0, end).toString('latin1');
    this.#buf = this.#buf.subarray(end);
    const lines = head.slice(0, -4).split('\r\n');
    const [method = '', target = '', proto = ''] = lines[0]!.split(' ');
    const headers: [string, string][] = lines.slice(1).map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i), l.slice(i + 1).trim()] as [string, string];
    });
    const get = (name: string) =>
      headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    let body = Buffer.alloc(0);
    const te = get('Transfer-Encoding');
    const chunked = te !== undefined && te.toLowerCase() === 'chunked';
    if (chunked) {
      const parts: Buffer[] = [];
      for (;;) {
        if (!(await this.#need(() => this.#buf.indexOf('\r\n') >= 0))) break;
        const le = this.#buf.indexOf('\r\n');
        const size = Number.parseInt(this.#buf.subarray(0, le).toString('latin1'), 16);
        this.#buf = this.#buf.subarray(le + 2);
        if (size === 0) {
          // trailer: up to the blank line
          if (!(await this.#need(() => this.#buf.indexOf('\r\n') >= 0))) break;
          while (this.#buf.indexOf('\r\n') !== 0) {
            const tl = this.#buf.indexOf('\r\n');
            this.#buf = this.#buf.subarray(tl + 2);
            if (!(await this.#need(() => this.#buf.indexOf('\r\n') >= 0))) break;
          }
          this.#buf = this.#buf.subarray(2);
          break;
        }
        if (!(await this.#need(() => this.#buf.length >= size + 2))) break;
        parts.push(Buffer.from(this.#buf.subarray(0, size)));
        this.#buf = this.#buf.subarray(size + 2);
      }
      body = Buffer.concat(parts);
    } else {
      const cl = Number(get('Content-Length') ?? '0');
      if (cl > 0) {
        await this.#need(() => this.#buf.length >= cl);
        body = Buffer.from(this.#buf.subarray(0, cl));
        this.#buf = this.#buf.subarray(cl);
      }
    }
    this.#n++;
    return { conn: this.id, n: this.#n, method, target, proto, headers, head, body, chunked, get };
  }

  /** Writes bytes (a string is latin1) and waits until they are handed to the kernel. */
  write(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, (e) =>
        e ? reject(e) : resolve(),
      );
    });
  }

  /** Sends FIN (half-close). */
  end(): void {
    this.socket.end();
  }

  /** Closes the socket now. */
  destroy(): void {
    this.socket.destroy();
  }

  /** Closes with a TCP reset. */
  reset(): void {
    this.socket.resetAndDestroy();
  }
}

/** What a scripted server does with each connection. */
export type ConnHandler = (c: ScriptedConn) => Promise<void>;

/** A listening scripted peer. */
export class ScriptedServer {
  readonly server: net.Server;
  readonly conns: ScriptedConn[] = [];
  readonly requests: RawRequest[] = [];
  /** Errors thrown by handlers (tests may assert it stays empty). */
  readonly errors: unknown[] = [];
  #handler: ConnHandler;
  #tasks = new Set<Promise<void>>();

  private constructor(handler: ConnHandler) {
    this.#handler = handler;
    this.server = net.createServer({ allowHalfOpen: true, noDelay: true }, (s) => this.#accept(s));
  }

  /** Starts a server on 127.0.0.1 with an ephemeral port. */
  static async start(handler: ConnHandler, host = '127.0.0.1'): Promise<ScriptedServer> {
    const srv = new ScriptedServer(handler);
    await new Promise<void>((resolve) => srv.server.listen(0, host, resolve));
    return srv;
  }

  /**
   * A server answering each request with `respond(req)` on a kept-open connection (a string
   * or bytes; `null` closes the connection without answering).
   */
  static serve(
    respond: (
      req: RawRequest,
      c: ScriptedConn,
    ) => string | Uint8Array | null | Promise<string | Uint8Array | null>,
  ): Promise<ScriptedServer> {
    let srv: ScriptedServer;
    const p = ScriptedServer.start(async (c) => {
      for (;;) {
        const req = await c.readRequest();
        if (req === null) return;
        srv.requests.push(req);
        const out = await respond(req, c);
        if (out === null) {
          c.destroy();
          return;
        }
        await c.write(out);
      }
    });
    return p.then((s) => {
      srv = s;
      return s;
    });
  }

  #accept(s: net.Socket): void {
    const c = new ScriptedConn(this.conns.length + 1, s);
    this.conns.push(c);
    const task = this.#handler(c).catch((e: unknown) => {
      this.errors.push(e);
    });
    this.#tasks.add(task);
    void task.finally(() => this.#tasks.delete(task));
  }

  /** The port. */
  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** `http://127.0.0.1:PORT` (no trailing slash). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Request transcript like Go's tests: `c1#1 GET /a`. */
  transcript(): string[] {
    return this.requests.map((r) => `c${r.conn}#${r.n} ${r.method} ${r.target}`);
  }

  /** Destroys every connection and stops listening. */
  async close(): Promise<void> {
    for (const c of this.conns) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.allSettled([...this.#tasks]);
  }
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A response with a Content-Length body. */
export function okResponse(body: string, extra = ''): string {
  return `HTTP/1.1 200 OK\r\n${extra}Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`;
}
