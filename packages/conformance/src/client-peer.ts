// Scripted raw-TCP peers for the client half: small servers on 127.0.0.1:0 that follow a
// per-connection script (read a request, reply with exact bytes, wait, close, reset, …) and
// record what each connection carried. node:net only.

import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { type Bytes, toBuffer } from './bytes.js';
import type { ConnState, PeerSpec, PeerStep, PortMap, RouteReply } from './client-scenario.js';
import { resolveTemplate } from './client-scenario.js';

/** A request as a peer read it. */
export interface PeerRequest {
  readonly method: string;
  readonly target: string;
  readonly proto: string;
  /** The head exactly as received (request line to the blank line), latin1. */
  readonly head: string;
  /** `length N`, `chunked`, or `none`. */
  readonly framing: string;
  readonly body: Buffer;
}

/** One line of a connection's transcript. */
export type PeerEntry =
  | { readonly kind: 'request'; readonly request: PeerRequest; readonly late?: boolean }
  | { readonly kind: 'head'; readonly request: PeerRequest; readonly late?: boolean }
  | { readonly kind: 'body'; readonly body: Buffer; readonly late?: boolean }
  | { readonly kind: 'bytes'; readonly bytes: Buffer; readonly late?: boolean }
  | { readonly kind: 'quiet'; readonly result: string };

/** The longest request head a peer accepts (a bound, not a test). */
const MaxHeadBytes = 1 << 20;
/** The largest request body a peer keeps. */
const MaxBodyBytes = 64 << 20;

class ConnGone extends Error {}

/** One accepted connection. */
export class PeerConn {
  readonly entries: PeerEntry[] = [];
  state: ConnState = 'open';
  #buf: Buffer = Buffer.alloc(0);
  #eof = false;
  #wake: (() => void) | undefined;
  #lastHead: PeerRequest | undefined;
  /** The client's port (what GotConn's local address says), taken at accept time. */
  readonly remotePort: number;

  constructor(
    readonly peer: Peer,
    /** 1-based accept order within this peer. */
    readonly index: number,
    readonly socket: net.Socket,
  ) {
    this.remotePort = socket.remotePort ?? 0;
    socket.on('data', (b: Buffer) => {
      this.#buf = this.#buf.length === 0 ? b : Buffer.concat([this.#buf, b]);
      this.#notify();
    });
    const gone = () => {
      this.#eof = true;
      if (this.state === 'open') this.state = 'closed-by-client';
      this.#notify();
    };
    socket.on('end', gone);
    socket.on('close', gone);
    socket.on('error', () => {});
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  /** Waits until `pred` holds; false at EOF. */
  async #need(pred: () => boolean): Promise<boolean> {
    while (!pred()) {
      if (this.#eof || this.peer.closed) return false;
      await new Promise<void>((r) => {
        this.#wake = r;
      });
    }
    return true;
  }

  async #take(n: number): Promise<Buffer> {
    if (!(await this.#need(() => this.#buf.length >= n))) throw new ConnGone();
    const out = Buffer.from(this.#buf.subarray(0, n));
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  async #line(): Promise<string> {
    if (!(await this.#need(() => this.#buf.indexOf('\r\n') >= 0 || this.#buf.length > 65536)))
      throw new ConnGone();
    const i = this.#buf.indexOf('\r\n');
    if (i < 0) throw new ConnGone();
    const line = this.#buf.subarray(0, i).toString('latin1');
    this.#buf = this.#buf.subarray(i + 2);
    return line;
  }

  /** Reads a request head; throws ConnGone at EOF. */
  async readHead(): Promise<PeerRequest> {
    const ok = await this.#need(
      () => this.#buf.indexOf('\r\n\r\n') >= 0 || this.#buf.length > MaxHeadBytes,
    );
    const end = this.#buf.indexOf('\r\n\r\n');
    if (!ok || end < 0) throw new ConnGone();
    const head = this.#buf.subarray(0, end + 4).toString('latin1');
    this.#buf = this.#buf.subarray(end + 4);
    const lines = head.slice(0, -4).split('\r\n');
    const [method = '', target = '', proto = ''] = (lines[0] ?? '').split(' ');
    const get = (name: string) => {
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0 && l.slice(0, i).toLowerCase() === name) return l.slice(i + 1).trim();
      }
      return undefined;
    };
    const te = get('transfer-encoding');
    const cl = get('content-length');
    const framing =
      te !== undefined && te.toLowerCase() === 'chunked'
        ? 'chunked'
        : cl !== undefined
          ? `length ${cl}`
          : 'none';
    const req: PeerRequest = { method, target, proto, head, framing, body: Buffer.alloc(0) };
    this.#lastHead = req;
    return req;
  }

  /** Reads the body of the last head (by its framing). */
  async readBody(): Promise<Buffer> {
    const req = this.#lastHead;
    if (req === undefined) return Buffer.alloc(0);
    if (req.framing === 'chunked') {
      const parts: Buffer[] = [];
      let total = 0;
      for (;;) {
        const sizeLine = await this.#line();
        const size = Number.parseInt(sizeLine.split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size) || size < 0) throw new ConnGone();
        if (size === 0) {
          while ((await this.#line()) !== '') {
            // trailer lines
          }
          break;
        }
        total += size;
        if (total > MaxBodyBytes) throw new ConnGone();
        parts.push(await this.#take(size));
        await this.#take(2);
      }
      return Buffer.concat(parts);
    }
    if (req.framing.startsWith('length ')) {
      const n = Number(req.framing.slice(7));
      if (!Number.isInteger(n) || n < 0 || n > MaxBodyBytes) throw new ConnGone();
      return this.#take(n);
    }
    return Buffer.alloc(0);
  }

  /** Reads whatever arrives next. */
  async readAny(): Promise<Buffer> {
    if (!(await this.#need(() => this.#buf.length > 0))) throw new ConnGone();
    const b = this.#buf;
    this.#buf = Buffer.alloc(0);
    return b;
  }

  /** Bytes received and not yet read by a step. */
  get pendingBytes(): number {
    return this.#buf.length;
  }

  write(data: Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed || !this.socket.writable) return resolve();
      this.socket.write(data, () => resolve());
    });
  }

  closeFin(): void {
    if (this.state === 'open') this.state = 'closed-by-peer';
    this.socket.end();
  }

  reset(): void {
    if (this.state === 'open') this.state = 'closed-by-peer';
    this.socket.resetAndDestroy();
  }

  /** Runs a script; returns when it ends (EOF, a close step, or the peer closing). */
  async run(script: readonly PeerStep[]): Promise<void> {
    try {
      for (const step of script) {
        if (this.peer.closed) return;
        if (!(await this.#step(step))) return;
      }
    } catch (e) {
      if (!(e instanceof ConnGone)) throw e;
    }
  }

  async #step(step: PeerStep): Promise<boolean> {
    if ('read' in step) {
      const t0 = performance.now();
      const late = () =>
        step.within !== undefined && performance.now() - t0 > step.within ? { late: true } : {};
      switch (step.read) {
        case 'request': {
          const head = await this.readHead();
          const request = { ...head, body: await this.readBody() };
          this.#lastHead = request;
          this.entries.push({ kind: 'request', request, ...late() });
          break;
        }
        case 'head':
          this.entries.push({ kind: 'head', request: await this.readHead(), ...late() });
          break;
        case 'body':
          this.entries.push({ kind: 'body', body: await this.readBody(), ...late() });
          break;
        case 'any':
          this.entries.push({ kind: 'bytes', bytes: await this.readAny(), ...late() });
          break;
      }
      return true;
    }
    if ('reply' in step) {
      await this.write(this.peer.bytes(step.reply));
      return true;
    }
    if ('route' in step) {
      return this.#reply(this.peer.route(this.#lastHead));
    }
    if ('serve' in step) {
      const max = step.max ?? 1000;
      for (let i = 0; i < max; i++) {
        let request: PeerRequest;
        try {
          const head = await this.readHead();
          request = { ...head, body: await this.readBody() };
        } catch (e) {
          if (e instanceof ConnGone) return false;
          throw e;
        }
        this.#lastHead = request;
        this.entries.push({ kind: 'request', request });
        if (!(await this.#reply(this.peer.route(request)))) return false;
      }
      return true;
    }
    if ('wait' in step) {
      await this.peer.sleep(step.wait);
      return true;
    }
    if ('quiet' in step) {
      // Ends early when bytes or the client's EOF arrive.
      const before = this.#buf.length;
      let timedOut = false;
      const timer = this.peer.timer(step.quiet);
      timer.done.then(() => {
        timedOut = true;
        this.#notify();
      });
      await this.#need(() => timedOut || this.#buf.length > before);
      const got = this.#buf.length - before;
      this.entries.push({
        kind: 'quiet',
        result: got > 0 ? `got ${got} bytes` : timedOut ? 'quiet' : 'eof',
      });
      timer.cancel();
      return true;
    }
    if ('close' in step) {
      if (step.close === 'reset') this.reset();
      else this.closeFin();
      return false;
    }
    throw new Error(`unknown peer step ${JSON.stringify(step)}`);
  }

  async #reply(r: RouteReply): Promise<boolean> {
    if (r.delay !== undefined) await this.peer.sleep(r.delay);
    await this.write(this.peer.bytes(r.reply));
    if (r.after === 'reset') {
      this.reset();
      return false;
    }
    if (r.after === 'fin') {
      this.closeFin();
      return false;
    }
    return true;
  }
}

/** A connection in a snapshot. */
export interface ConnSnapshot {
  readonly peer: string;
  /** 1-based accept order within its peer. */
  readonly index: number;
  readonly port: number;
  readonly state: ConnState;
  /** How many transcript entries it had. */
  readonly entries: number;
}

const notFound = 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n';

/** One scripted server. */
export class Peer {
  readonly conns: PeerConn[] = [];
  closed = false;
  #server: net.Server | undefined;
  #port = 0;
  #timers = new Set<{ t: NodeJS.Timeout; resolve: () => void }>();
  #ports: PortMap = {};

  constructor(readonly spec: PeerSpec) {}

  get name(): string {
    return this.spec.name;
  }

  get port(): number {
    return this.#port;
  }

  /** Listens on 127.0.0.1:0 (or, for a `closed` peer, finds a port nobody listens on). */
  async listen(): Promise<void> {
    const server = net.createServer({ noDelay: true }, (socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as net.AddressInfo).port;
    if (this.spec.closed === true) {
      await new Promise<void>((r) => server.close(() => r()));
      return;
    }
    this.#server = server;
  }

  /** Sets the ports of every peer, for templates in replies. */
  setPorts(ports: PortMap): void {
    this.#ports = ports;
  }

  bytes(spec: Bytes): Buffer {
    return toBuffer(resolveBytes(spec, this.#ports));
  }

  route(req: PeerRequest | undefined): RouteReply {
    const routes = this.spec.routes ?? {};
    const r =
      req === undefined
        ? routes['*']
        : (routes[`${req.method} ${req.target}`] ?? routes[req.target] ?? routes['*']);
    if (r === undefined) return { reply: notFound };
    return typeof r === 'object' && !Array.isArray(r) && 'reply' in r
      ? (r as RouteReply)
      : { reply: r as Bytes };
  }

  #accept(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const conn = new PeerConn(this, this.conns.length + 1, socket);
    this.conns.push(conn);
    const script = this.spec.conns?.[conn.index - 1] ?? this.spec.otherConns ?? [{ serve: true }];
    conn.run(script).catch(() => conn.reset());
  }

  /** A sleep that the peer's close cuts short. */
  sleep(ms: number): Promise<void> {
    return this.timer(ms).done;
  }

  /** A cancellable sleep (cancel resolves it at once); the peer's close cuts it short. */
  timer(ms: number): { done: Promise<void>; cancel(): void } {
    let entry!: { t: NodeJS.Timeout; resolve: () => void };
    const done = new Promise<void>((resolve) => {
      entry = {
        t: setTimeout(() => {
          this.#timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
    });
    this.#timers.add(entry);
    return {
      done,
      cancel: () => {
        clearTimeout(entry.t);
        this.#timers.delete(entry);
        entry.resolve();
      },
    };
  }

  snapshot(): ConnSnapshot[] {
    return this.conns.map((c) => ({
      peer: this.name,
      index: c.index,
      port: c.remotePort,
      state: c.state,
      entries: c.entries.length,
    }));
  }

  /** Stops listening, destroys every connection, ends every sleep. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const e of this.#timers) {
      clearTimeout(e.t);
      e.resolve();
    }
    this.#timers.clear();
    for (const c of this.conns) c.socket.destroy();
    const server = this.#server;
    if (server !== undefined) await new Promise<void>((r) => server.close(() => r()));
  }
}

function resolveBytes(spec: Bytes, ports: PortMap): Bytes {
  if (typeof spec === 'string') return spec.includes('{{') ? resolveTemplate(spec, ports) : spec;
  if (Array.isArray(spec)) return spec.map((s: Bytes) => resolveBytes(s, ports));
  return spec;
}

/** Starts the peers of a scenario; closes the ones already started if one fails. */
export async function startPeers(specs: readonly PeerSpec[]): Promise<Peer[]> {
  const peers = specs.map((s) => new Peer(s));
  try {
    for (const p of peers) await p.listen();
  } catch (e) {
    await Promise.all(peers.map((p) => p.close()));
    throw e;
  }
  const ports: Record<string, number> = {};
  for (const p of peers) ports[p.name] = p.port;
  for (const p of peers) p.setPorts(ports);
  return peers;
}

/** sha256 of bytes, hex, 16 characters. */
export function shortDigest(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex').slice(0, 16);
}
