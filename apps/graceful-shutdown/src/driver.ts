// The client side of the demo: starts the server in a child process, loads it with @ka/client
// keep-alive clients, sends it SIGTERM in the middle of the load, and records what happened
// to every request and connection.
import { type ChildProcess, spawn } from 'node:child_process';
import { Transport, withClientTrace } from '@ka/client';
import { newRequest } from '@ka/http';
import { type Conn, dial } from '@ka/net';
import type { DemoOptions } from './args.js';
import type { ServerEvent } from './demo-server.js';
import { errorText, isRefused, type RequestRecord, type RunData, SLOW_SHARE } from './report.js';

/** Most requests one client sends (the time limit bounds the run as well). */
export const MAX_REQUESTS_PER_CLIENT = 20_000;
/** How long to wait for a slow request to be mid-flight before sending SIGTERM anyway, ms. */
const SIGNAL_WAIT_MAX = 3_000;

/** A small deterministic generator (mulberry32), so runs are alike. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The server child: its events as they arrive, and its exit. */
class ServerProcess {
  readonly child: ChildProcess;
  readonly events: ServerEvent[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters: (() => void)[] = [];

  constructor(script: string, o: DemoOptions) {
    this.child = spawn(
      process.execPath,
      [script, '--addr', '127.0.0.1:0', '--deadline', String(o.deadline), '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let buf = '';
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.trim() === '') continue;
        try {
          this.events.push(JSON.parse(line) as ServerEvent);
        } catch {
          this.stderr += `(not JSON) ${line}\n`;
        }
        for (const w of this.#waiters.splice(0)) w();
      }
    });
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.stderr += d;
    });
    this.exited = new Promise((resolve) => {
      this.child.on('error', (err) => {
        this.stderr += `spawn: ${err.message}\n`;
        resolve({ code: null, signal: null });
      });
      // 'close': exited and its pipes are drained, so every event line has been read.
      this.child.on('close', (code, signal) => {
        for (const w of this.#waiters.splice(0)) w();
        resolve({ code, signal });
      });
    });
  }

  /** Waits for the first event named `name` (undefined if the server exits or time is up). */
  async waitFor<E extends ServerEvent['event']>(
    name: E,
    ms: number,
  ): Promise<Extract<ServerEvent, { event: E }> | undefined> {
    const deadline = performance.now() + ms;
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const e = this.events.find((x) => x.event === name);
      if (e !== undefined) return e as Extract<ServerEvent, { event: E }>;
      const left = deadline - performance.now();
      if (exited || left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

/** One run of the demo. */
class Run {
  readonly o: DemoOptions;
  readonly addr: string;
  readonly t0 = performance.now();
  readonly records: RequestRecord[] = [];
  readonly outstanding = new Set<RequestRecord>();
  /** Aborts requests in flight: only the time limit does. */
  readonly abort: AbortSignal;
  /** Set once the server is gone: loops stop before their next request. */
  stopLoops = false;
  readonly transports: Transport[] = [];

  constructor(o: DemoOptions, addr: string, abort: AbortSignal) {
    this.o = o;
    this.addr = addr;
    this.abort = abort;
  }

  now(): number {
    return Math.round((performance.now() - this.t0) * 10) / 10;
  }

  transport(): Transport {
    const t = new Transport({
      idleConnTimeout: 30_000,
      errorLog: (m) => process.stderr.write(`client: ${m}\n`),
    });
    this.transports.push(t);
    return t;
  }

  /** One GET /work request: recorded with its outcome and the attempts it took. */
  async one(
    t: Transport,
    id: string,
    sleepMs: number,
    client: RequestRecord['client'],
  ): Promise<RequestRecord> {
    const rec: RequestRecord = {
      id,
      client,
      sleepMs,
      startMs: this.now(),
      endMs: 0,
      attempts: 0,
      outcome: 'failed',
    };
    this.outstanding.add(rec);
    const url = `http://${this.addr}/work?id=${id}&sleep=${sleepMs}`;
    // getConn fires once per attempt: a retry on a new connection fires it again.
    const method = client === 'load' ? this.o.method : 'GET';
    const body = method === 'POST' ? `payload of ${id}` : undefined;
    const req = withClientTrace(newRequest(method, url, body, { signal: this.abort }), {
      getConn: () => {
        rec.attempts++;
      },
    });
    try {
      const resp = await t.roundTrip(req);
      await resp.body.text(); // to EOF: the connection goes back to the pool
      rec.outcome = 'answered';
      rec.status = resp.statusCode;
      rec.connectionClose = resp.close;
    } catch (err) {
      rec.error = errorText(err);
      rec.refused = isRefused(err);
    }
    rec.endMs = this.now();
    this.outstanding.delete(rec);
    this.records.push(rec);
    return rec;
  }

  /** A client sending requests back to back on its keep-alive connection. */
  async loadClient(n: number): Promise<void> {
    const t = this.transport();
    const rnd = prng(n + 1);
    const { slowMin, slowMax } = this.o;
    let failures = 0;
    for (let k = 0; k < MAX_REQUESTS_PER_CLIENT && !this.stopLoops && !this.abort.aborted; k++) {
      const slow = slowMax > 0 && rnd() < SLOW_SHARE;
      const sleepMs = slow
        ? slowMin + Math.floor(rnd() * (slowMax - slowMin + 1))
        : Math.floor(rnd() * 10);
      const rec = await this.one(t, `c${n}-${k}`, sleepMs, 'load');
      // Refused: the listener is closed, the server is going away; stop here.
      if (rec.outcome === 'failed' && (rec.refused === true || ++failures >= 3)) break;
    }
  }

  /** True once a slow request has been out for a while and has a while to go. */
  slowMidFlight(): boolean {
    const now = this.now();
    for (const r of this.outstanding) {
      if (r.sleepMs < this.o.slowMin || r.sleepMs < 200) continue;
      const age = now - r.startMs;
      if (age >= 30 && age <= r.sleepMs - 120) return true;
    }
    return false;
  }
}

/** A connection that never sends a byte; resolves with when the server closed it. */
async function silentConn(run: Run): Promise<{ conn: Conn; closed: Promise<number> }> {
  const conn = await dial('tcp', run.addr);
  const closed = (async () => {
    const p = new Uint8Array(16);
    try {
      while ((await conn.read(p)) !== null) {
        // a server never writes first; keep reading until the close
      }
    } catch {
      // a reset or our own close: closed either way
    }
    return run.now();
  })();
  return { conn, closed };
}

/**
 * Runs the whole demo against `serverScript` (dist/server.js) and returns what it saw.
 * Bounded by `o.timeLimit`.
 */
export async function runDemo(o: DemoOptions, serverScript: string): Promise<RunData> {
  const ac = new AbortController();
  const limit = setTimeout(() => ac.abort(new Error('time limit')), o.timeLimit);
  const server = new ServerProcess(serverScript, o);
  const data: RunData = {
    options: { ...o },
    server: { pid: server.child.pid ?? 0, addr: '', exitCode: null, exitSignal: null, events: [] },
    records: [],
    signalAtMs: null,
    serverExitAtMs: null,
    idleClients: { count: o.idle, poolsEmptyAfterShutdown: 0 },
    silent: { count: o.silent, closedAtMs: [] },
    timedOut: false,
  };
  const silent: Awaited<ReturnType<typeof silentConn>>[] = [];
  let run: Run | undefined;
  try {
    const listening = await server.waitFor('listening', 15_000);
    if (listening === undefined) {
      data.server.stderr = server.stderr;
      return data;
    }
    data.server.addr = listening.addr;
    run = new Run(o, listening.addr, ac.signal);

    // Idle clients first: one request each, then their connection sits in the pool.
    const idle = Array.from({ length: o.idle }, () => run!.transport());
    await Promise.all(idle.map((t, i) => run!.one(t, `idle${i}-0`, 0, 'idle')));
    for (let i = 0; i < o.silent; i++) silent.push(await silentConn(run));
    const loads = Array.from({ length: o.clients }, (_, n) => run!.loadClient(n));

    // The SIGTERM: after the load ran for o.duration, once a slow request is mid-flight.
    await delay(o.duration, ac.signal);
    const waitUntil = performance.now() + SIGNAL_WAIT_MAX;
    while (
      o.clients > 0 &&
      o.slowMax >= 200 &&
      !run.slowMidFlight() &&
      performance.now() < waitUntil &&
      !ac.signal.aborted
    ) {
      await delay(5, ac.signal);
    }
    data.signalAtMs = run.now();
    server.child.kill('SIGTERM');

    // The server should exit within its deadline (it closes everything at the deadline).
    const exitTimer = setTimeout(() => server.child.kill('SIGKILL'), o.deadline + 10_000);
    const exit = await server.exited;
    clearTimeout(exitTimer);
    data.serverExitAtMs = run.now();
    data.server.exitCode = exit.code;
    data.server.exitSignal = exit.signal;
    run.stopLoops = true;
    await Promise.all(loads);

    // Idle clients: did their pool notice the server's close? Then one more request each,
    // which can only be refused now (and is never sent).
    data.idleClients.poolsEmptyAfterShutdown = idle.filter((t) => t.idleConnCount() === 0).length;
    await Promise.all(idle.map((t, i) => run!.one(t, `idle${i}-1`, 0, 'idle')));
    for (const s of silent) data.silent.closedAtMs.push(await s.closed);
  } finally {
    clearTimeout(limit);
    data.timedOut = ac.signal.aborted;
    for (const t of run?.transports ?? []) t.closeIdleConnections();
    for (const s of silent) await s.conn.close().catch(() => {});
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
    }
    await server.exited;
    data.server.events = server.events;
    if (server.stderr !== '') data.server.stderr = server.stderr;
    if (run !== undefined) data.records = run.records;
  }
  return data;
}
