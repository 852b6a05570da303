// Running the modes: the built-in server, the @ka/client workers, the raw HTTP/1.0 workers.
import { Client, Transport, withClientTrace } from '@ka/client';
import { newRequest, readResponse } from '@ka/http';
import { ConnState, isServerClosed, ServeMux, Server } from '@ka/http-server';
import { BufReader } from '@ka/io';
import { type Conn, dial, listen } from '@ka/net';
import type { Options } from './args.js';
import { asExpected, explain, MODES, type ModeId, type ModeSpec, requestShape } from './modes.js';
import { type LatencySummary, summarize } from './stats.js';

/** What one mode measured. */
export interface ModeResult {
  id: ModeId;
  n: number;
  label: string;
  via: 'client' | 'raw';
  /** Why the mode did not run (only with --target). */
  skipped?: string;
  /** What was sent. */
  request: string;
  /** Requests that completed. */
  requests: number;
  errors: number;
  firstError?: string;
  /** The headline count: the server's accepted connections, or with --target the client's. */
  connections: number;
  countedBy: 'server' | 'client';
  /** Connections the built-in server accepted (StateNew); null with --target. */
  serverConnections: number | null;
  /** Connections the client opened (trace gotConn with reused=false, or raw dials). */
  clientConnections: number;
  requestsPerConnection: number;
  latencyMs: LatencySummary;
  totalMs: number;
  /** When each counted connection was opened, ms after the mode started. */
  connectionTimesMs: number[];
  /** The first response: status line and Connection header ('' = none). */
  response: { proto: string; status: string; connection: string };
  expected: 'reuse' | 'per-request';
  asExpected: boolean;
  explanation: string;
}

/** Progress callback: requests done in the current mode. */
export type Progress = (mode: ModeSpec, done: number, total: number) => void;

/** Where the requests go. */
interface Target {
  /** Full URL of the requests. */
  url: string;
  /** host:port to dial. */
  address: string;
  /** Host header. */
  host: string;
  /** Request-target for raw requests. */
  path: string;
}

function targetOf(base: string): Target {
  const u = new globalThis.URL(base);
  const path = u.pathname === '/' && u.search === '' ? '/hello' : `${u.pathname}${u.search}`;
  const port = u.port === '' ? '80' : u.port;
  return {
    url: `http://${u.host}${path}`,
    address: `${u.hostname}:${port}`,
    host: u.host,
    path,
  };
}

/** Milliseconds rounded to the microsecond. */
const ms = (t: number): number => Math.round(t * 1000) / 1000;

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The built-in ka server: one per mode, so each mode's settings and counts stand alone. */
class DemoServer {
  readonly srv: Server;
  /** Accept times (StateNew), ms after `t0`. */
  connTimes: number[] = [];
  t0 = performance.now();
  address = '';
  #serving: Promise<void> = Promise.resolve();

  constructor(idleTimeout: number) {
    const mux = new ServeMux();
    mux.handleFunc('GET /hello', async (w) => {
      w.header().set('Content-Type', 'text/plain; charset=utf-8');
      await w.write('hello\n');
    });
    this.srv = new Server({
      handler: mux,
      idleTimeout,
      readHeaderTimeout: 10_000,
      connState: (_c, state) => {
        if (state === ConnState.StateNew) this.connTimes.push(performance.now() - this.t0);
      },
      errorLog: (m) => process.stderr.write(`server: ${m}\n`),
    });
  }

  async start(): Promise<void> {
    const ln = await listen('tcp', '127.0.0.1:0');
    this.address = ln.addr().toString();
    this.#serving = this.srv.serve(ln).then(
      () => {},
      (err: unknown) => {
        if (!isServerClosed(err)) process.stderr.write(`server: ${errText(err)}\n`);
      },
    );
  }

  async stop(): Promise<void> {
    try {
      await this.srv.shutdown({ signal: AbortSignal.timeout(5_000) });
    } catch {
      await this.srv.close().catch(() => {});
    }
    await this.#serving;
  }
}

/** Everything one worker pool needs to know about the mode being run. */
interface Drive {
  mode: ModeSpec;
  o: Options;
  target: Target;
  signal: AbortSignal;
  progress: Progress;
  /** performance.now() at the mode's start. */
  t0: number;
  /** Client-side connection opens, ms after t0. */
  clientConnTimes: number[];
  latencies: number[];
  errors: number;
  firstError?: string;
  first?: { proto: string; status: string; connection: string };
}

/** Stop a mode after this many failed requests. */
const MAX_ERRORS = 10;

/** One timed request: latency on success, the error count otherwise. */
async function timed(d: Drive, one: (w: number) => Promise<void>, w: number): Promise<void> {
  const t = performance.now();
  try {
    await one(w);
    d.latencies.push(performance.now() - t);
  } catch (e) {
    d.errors++;
    d.firstError ??= errText(e);
  }
}

/**
 * Runs `one` `o.requests` times on `o.concurrency` workers, each starting its next request as
 * soon as its last one is done; `one` gets the worker's index.
 */
async function workers(d: Drive, one: (w: number) => Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  const total = d.o.requests;
  await Promise.all(
    Array.from({ length: d.o.concurrency }, async (_, w) => {
      while (next < total && !d.signal.aborted && d.errors < MAX_ERRORS) {
        next++;
        await timed(d, one, w);
        d.progress(d.mode, ++done, total);
      }
    }),
  );
}

/**
 * Like {@link workers}, in rounds: all workers send one request, then all pause `pause` ms.
 * With independently paced workers, a request waiting for a dial is often handed the
 * connection another worker just freed (Go's transport does that: the wait is never idle
 * time), so the pause would not reach every connection. In rounds, every pooled connection
 * is idle for the whole pause.
 */
async function rounds(d: Drive, one: (w: number) => Promise<void>, pause: number): Promise<void> {
  const total = d.o.requests;
  let done = 0;
  for (
    let start = 0;
    start < total && !d.signal.aborted && d.errors < MAX_ERRORS;
    start += d.o.concurrency
  ) {
    if (start > 0) await sleep(pause, d.signal);
    if (d.signal.aborted) break;
    const k = Math.min(d.o.concurrency, total - start);
    await Promise.all(
      Array.from({ length: k }, async (_, w) => {
        await timed(d, one, w);
        d.progress(d.mode, ++done, total);
      }),
    );
  }
}

/** Modes 1, 2, 5, 6, 7: @ka/client's Client over a pooled Transport. */
async function driveClient(d: Drive): Promise<void> {
  const { mode, o } = d;
  // Go's default keeps 2 idle connections per host; with more workers than that, the
  // surplus would be closed after every response. Keep one per worker.
  const transport = new Transport({ maxIdleConnsPerHost: o.concurrency, idleConnTimeout: 30_000 });
  const client = new Client({ transport, timeout: 10_000 });
  const trace = {
    gotConn: (info: { reused: boolean }) => {
      if (!info.reused) d.clientConnTimes.push(performance.now() - d.t0);
    },
  };
  const one = async () => {
    const req = withClientTrace(
      newRequest('GET', d.target.url, undefined, { signal: d.signal }),
      trace,
    );
    if (mode.id === 'close') req.header.set('Connection', 'close');
    const resp = await client.do(req);
    // The client removes "Connection: close" from the header when it acts on it.
    d.first ??= {
      proto: resp.proto,
      status: resp.status,
      connection: resp.close && resp.protoAtLeast(1, 1) ? 'close' : resp.header.get('Connection'),
    };
    if (mode.id === 'ignore-body') await resp.body.close();
    else await resp.body.bytes();
  };
  try {
    if (mode.id === 'idle-timeout') await rounds(d, one, o.pause);
    else await workers(d, one);
  } finally {
    transport.closeIdleConnections();
  }
}

/**
 * Modes 3 and 4: @ka/client only speaks HTTP/1.1, so HTTP/1.0 is written by hand over a
 * @ka/net Conn and read back with @ka/http's readResponse. A connection is reused only when
 * the response says the server keeps it (for HTTP/1.0: Connection: keep-alive).
 */
async function driveRaw(d: Drive, keepAlive: boolean): Promise<void> {
  const head =
    `GET ${d.target.path} HTTP/1.0\r\nHost: ${d.target.host}\r\nUser-Agent: ka-keepalive-demo\r\n` +
    `${keepAlive ? 'Connection: keep-alive\r\n' : ''}\r\n`;
  const bytes = new TextEncoder().encode(head);
  const conns: ({ conn: Conn; br: BufReader } | null)[] = Array.from(
    { length: d.o.concurrency },
    () => null,
  );
  const closeSlot = async (w: number) => {
    const s = conns[w];
    conns[w] = null;
    await s?.conn.close().catch(() => {});
  };
  try {
    await workers(d, async (w) => {
      // A kept connection the server closed meanwhile fails before any response byte:
      // retry once on a new one, as a client does for an idempotent request.
      for (let attempt = 0; ; attempt++) {
        let fresh = false;
        let slot = conns[w];
        if (slot == null) {
          const conn = await dial('tcp', d.target.address, { timeout: 5_000, signal: d.signal });
          d.clientConnTimes.push(performance.now() - d.t0);
          slot = { conn, br: new BufReader(conn) };
          conns[w] = slot;
          fresh = true;
        }
        try {
          slot.conn.setDeadline(Date.now() + 10_000);
          await slot.conn.write(bytes);
          const resp = await readResponse(slot.br, newRequest('GET', d.target.url));
          await resp.body.bytes();
          d.first ??= {
            proto: resp.proto,
            status: resp.status,
            connection: resp.header.get('Connection'),
          };
          if (resp.close) await closeSlot(w);
          return;
        } catch (e) {
          await closeSlot(w);
          if (fresh || attempt > 0) throw e;
        }
      }
    });
  } finally {
    for (let w = 0; w < conns.length; w++) await closeSlot(w);
  }
}

/** Runs one mode against the built-in server (started and stopped here) or the target. */
async function runMode(
  mode: ModeSpec,
  o: Options,
  signal: AbortSignal,
  progress: Progress,
): Promise<ModeResult> {
  const base: Omit<
    ModeResult,
    | 'requests'
    | 'errors'
    | 'connections'
    | 'countedBy'
    | 'serverConnections'
    | 'clientConnections'
    | 'requestsPerConnection'
    | 'latencyMs'
    | 'totalMs'
    | 'connectionTimesMs'
    | 'response'
    | 'asExpected'
    | 'explanation'
  > = {
    id: mode.id,
    n: mode.n,
    label: mode.label,
    via: mode.via,
    request: requestShape(mode, o),
    expected: mode.expect,
  };
  let server: DemoServer | undefined;
  let target: Target;
  if (o.target === undefined) {
    server = new DemoServer(mode.id === 'idle-timeout' ? o.idleTimeout : 0);
    await server.start();
    if (mode.id === 'server-no-keepalive') server.srv.setKeepAlivesEnabled(false);
    target = targetOf(`http://${server.address}/hello`);
  } else {
    target = targetOf(o.target);
  }
  const d: Drive = {
    mode,
    o,
    target,
    signal,
    progress,
    t0: performance.now(),
    clientConnTimes: [],
    latencies: [],
    errors: 0,
  };
  if (server !== undefined) server.t0 = d.t0;
  let totalMs: number;
  try {
    if (mode.via === 'raw') await driveRaw(d, mode.id === 'http10-keepalive');
    else await driveClient(d);
    totalMs = performance.now() - d.t0;
  } finally {
    await server?.stop();
  }
  const countedBy = server !== undefined ? 'server' : 'client';
  const connTimes = server !== undefined ? server.connTimes : d.clientConnTimes;
  const connections = connTimes.length;
  const requests = d.latencies.length;
  const response = d.first ?? { proto: '', status: '', connection: '' };
  const observed = {
    requests,
    connections,
    concurrency: o.concurrency,
    responseConnection: response.connection,
  };
  return {
    ...base,
    requests,
    errors: d.errors,
    ...(d.firstError !== undefined ? { firstError: d.firstError } : {}),
    connections,
    countedBy,
    serverConnections: server !== undefined ? server.connTimes.length : null,
    clientConnections: d.clientConnTimes.length,
    requestsPerConnection: connections === 0 ? 0 : requests / connections,
    latencyMs: summarize(d.latencies),
    totalMs: ms(totalMs),
    connectionTimesMs: connTimes.map(ms),
    response,
    asExpected: d.errors === 0 && asExpected(mode, observed),
    explanation: explain(mode, observed, o),
  };
}

/** The whole run. */
export interface RunResult {
  target: string;
  requests: number;
  concurrency: number;
  pauseMs: number;
  idleTimeoutMs: number;
  countedBy: 'server' | 'client';
  node: string;
  startedAt: string;
  /** Requests sent, unmeasured, before the modes ran. */
  warmupRequests: number;
  /** Connections the client opened during the warm-up. */
  warmupConnections: number;
  warmupMs: number;
  /** The whole run, warm-up included. */
  totalMs: number;
  /** Set when the time limit stopped the run. */
  timedOut: boolean;
  modes: ModeResult[];
}

function skippedResult(mode: ModeSpec, o: Options): ModeResult {
  return {
    id: mode.id,
    n: mode.n,
    label: mode.label,
    via: mode.via,
    skipped: 'needs a setting of the built-in server; skipped with --target',
    request: requestShape(mode, o),
    requests: 0,
    errors: 0,
    connections: 0,
    countedBy: 'client',
    serverConnections: null,
    clientConnections: 0,
    requestsPerConnection: 0,
    latencyMs: summarize([]),
    totalMs: 0,
    connectionTimesMs: [],
    response: { proto: '', status: '', connection: '' },
    expected: mode.expect,
    asExpected: true,
    explanation: '',
  };
}

/** Requests per mode of the unmeasured warm-up. */
export const WARMUP_REQUESTS = 100;

/**
 * Warms up client and server code (V8 compiles hot paths after a few hundred calls) with
 * the modes that need no server setting, so the first measured mode is not the slowest for
 * that reason alone. Nothing is recorded.
 */
async function warmUp(
  o: Options,
  signal: AbortSignal,
): Promise<{ requests: number; connections: number }> {
  const wo: Options = { ...o, requests: Math.min(WARMUP_REQUESTS, o.requests) };
  let requests = 0;
  let connections = 0;
  for (const mode of MODES) {
    if (mode.serverSetting || signal.aborted) continue;
    const r = await runMode(mode, wo, signal, () => {});
    requests += r.requests;
    connections += r.clientConnections;
  }
  return { requests, connections };
}

/** Runs every mode in order; stops early (timedOut) when `signal` aborts. */
export async function runAll(
  o: Options,
  signal: AbortSignal,
  progress: Progress,
): Promise<RunResult> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const warmup = await warmUp(o, signal);
  const t1 = performance.now();
  const modes: ModeResult[] = [];
  for (const mode of MODES) {
    if (signal.aborted) break;
    if (o.target !== undefined && mode.serverSetting) {
      modes.push(skippedResult(mode, o));
      continue;
    }
    modes.push(await runMode(mode, o, signal, progress));
  }
  return {
    target: o.target ?? 'built-in ka server (@ka/http-server on 127.0.0.1)',
    requests: o.requests,
    concurrency: o.concurrency,
    pauseMs: o.pause,
    idleTimeoutMs: o.idleTimeout,
    countedBy: o.target === undefined ? 'server' : 'client',
    node: process.version,
    startedAt,
    warmupRequests: warmup.requests,
    warmupConnections: warmup.connections,
    warmupMs: ms(t1 - t0),
    totalMs: ms(performance.now() - t0),
    timedOut: signal.aborted,
    modes,
  };
}
