// Server pipeline, a diagnostic rather than a race: ka's whole request path — parse, ServeMux,
// handler, response head and body, keep-alive loop — over in-memory connections, with no
// sockets and no other process, so its CPU cost per request and the Promises it makes can be
// measured (and profiled: `node --cpu-prof dist/main.js --only pipeline`) without the noise
// of the kernel and a load generator. The race against node:http and Go is `server`.
import { createHook } from 'node:async_hooks';
import { ServeMux, Server } from '@ka/http-server';
import type { Addr, Conn, Listener, ReadableState, ReadableWait } from '@ka/net';

/** Options for {@link benchServerPipeline}. */
export interface PipelineOptions {
  /** Requests per round, spread over the connections. */
  requests: number;
  /** Keep-alive connections served at once. */
  conns: number;
  /** Rounds; the best is reported. */
  rounds: number;
}

/** The figures of {@link benchServerPipeline}. */
export interface PipelineResult {
  /** CPU time per request in the best round, ns. */
  cpuNsPerRequest: number;
  /** Promises created per request (async_hooks), in a separate round. */
  promisesPerRequest: number;
  /** Response bytes per request (a check that every request was answered in full). */
  bytesPerRequest: number;
}

const noop = (): void => {};
const addr: Addr = { network: () => 'tcp', toString: () => '127.0.0.1:1' };

// An in-memory Conn with the synchronous fast paths of @ka/net's TCPConn: tryRead,
// writeEager, watchReadable. Requests are pushed in; each response write wakes the driver.
class MemConn implements Conn {
  #chunks: Uint8Array[] = [];
  #queued = 0;
  #watchers: ((s: ReadableState) => void)[] = [];
  #readers: [Uint8Array, (n: number | null) => void][] = [];
  onWrite: () => void = noop;
  written = 0;

  localAddr(): Addr {
    return addr;
  }
  remoteAddr(): Addr {
    return addr;
  }
  setDeadline(): Error | null {
    return null;
  }
  setReadDeadline(): Error | null {
    return null;
  }
  setWriteDeadline(): Error | null {
    return null;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  tryRead(p: Uint8Array): number | undefined {
    const c = this.#chunks.shift();
    if (c === undefined) return undefined;
    const n = Math.min(p.length, c.length);
    p.set(c.subarray(0, n));
    if (n < c.length) this.#chunks.unshift(c.subarray(n));
    this.#queued -= n;
    return n;
  }
  read(p: Uint8Array): Promise<number | null> {
    const n = this.tryRead(p);
    if (n !== undefined) return Promise.resolve(n);
    return new Promise((r) => this.#readers.push([p, r]));
  }
  writeEager(p: Uint8Array): number {
    this.written += p.length;
    const f = this.onWrite;
    this.onWrite = noop;
    f();
    return p.length;
  }
  write(p: Uint8Array): Promise<number> {
    return Promise.resolve(this.writeEager(p));
  }
  watchReadable(cb: (s: ReadableState) => void): void {
    if (this.#queued > 0) cb('data');
    else this.#watchers.push(cb);
  }
  unwatchReadable(cb: (s: ReadableState) => void): void {
    const i = this.#watchers.indexOf(cb);
    if (i >= 0) this.#watchers.splice(i, 1);
  }
  waitReadable(): ReadableWait {
    let cb: (s: ReadableState) => void = noop;
    const promise = new Promise<ReadableState>((r) => {
      cb = r;
      this.watchReadable(r);
    });
    return { promise, cancel: () => this.unwatchReadable(cb) };
  }
  push(b: Uint8Array): void {
    this.#chunks.push(b);
    this.#queued += b.length;
    while (this.#readers.length > 0 && this.#queued > 0) {
      const [p, r] = this.#readers.shift()!;
      r(this.tryRead(p)!);
    }
    const ws = this.#watchers;
    this.#watchers = [];
    for (const w of ws) w('data');
  }
}

const request = new TextEncoder().encode(
  'GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: loadgen\r\n\r\n',
);

// Sends `n` requests one after another on `c`, each once the previous response was written.
async function drive(c: MemConn, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const answered = new Promise<void>((r) => {
      c.onWrite = r;
    });
    c.push(request.slice());
    await answered;
  }
}

/** Runs the pipeline benchmark: `GET /hello` as the reference server answers it. */
export async function benchServerPipeline(o: PipelineOptions): Promise<PipelineResult> {
  const mux = new ServeMux();
  mux.handleFunc('GET /hello', async (w) => {
    await w.write('hello\n');
  });
  const conns = Array.from({ length: o.conns }, () => new MemConn());
  let next = 0;
  let parked: ((err: Error) => void) | undefined;
  const ln: Listener = {
    accept: () =>
      next < conns.length
        ? Promise.resolve(conns[next++]!)
        : new Promise<Conn>((_, reject) => {
            parked = reject;
          }),
    close: () => {
      parked?.(new Error('use of closed network connection'));
      return Promise.resolve();
    },
    addr: () => addr,
  };
  const srv = new Server({ handler: mux, errorLog: noop });
  void srv.serve(ln).catch(noop);
  const per = Math.ceil(o.requests / o.conns);
  const round = () => Promise.all(conns.map((c) => drive(c, per)));

  await round(); // warm-up
  let best = Number.POSITIVE_INFINITY;
  let bytes = 0;
  for (let r = 0; r < o.rounds; r++) {
    const w0 = conns.reduce((s, c) => s + c.written, 0);
    const c0 = process.cpuUsage();
    await round();
    const c1 = process.cpuUsage(c0);
    bytes = conns.reduce((s, c) => s + c.written, 0) - w0;
    best = Math.min(best, ((c1.user + c1.system) * 1000) / (per * o.conns));
  }

  let promises = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') promises++;
    },
  });
  const counted = Math.min(per, 200);
  hook.enable();
  await Promise.all(conns.map((c) => drive(c, counted)));
  hook.disable();
  await srv.close();
  return {
    cpuNsPerRequest: best,
    promisesPerRequest: promises / (counted * o.conns),
    bytesPerRequest: bytes / (per * o.conns),
  };
}
