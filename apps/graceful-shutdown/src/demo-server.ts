// The server side of the demo: a ka server whose handler can be made slow, which watches its
// connections through the ConnState hook and, on shutdown, records what happened to each
// request and connection that was there when the signal came.
import type { Request } from '@ka/http';
import {
  ConnState,
  connStateString,
  isServerClosed,
  type ResponseWriter,
  Server,
} from '@ka/http-server';
import { type Conn, listen } from '@ka/net';

/** Longest sleep a request may ask for (`/work?sleep=MS`). */
export const MAX_SLEEP_MS = 60_000;

/** What the server reports as it goes; `main` turns these into lines. */
export type ServerEvent =
  | { event: 'listening'; addr: string; pid: number }
  | {
      event: 'signal';
      signal: string;
      deadlineMs: number;
      conns: { new: number; active: number; idle: number };
      /** Ids of the requests whose handler was running when the signal came. */
      inHandler: string[];
    }
  | {
      event: 'conn-closed';
      conn: number;
      /** The connection's state when the signal came. */
      was: 'new' | 'active' | 'idle';
      afterMs: number;
    }
  | { event: 'request-finished'; id: string; afterMs: number }
  | ({ event: 'done' } & ShutdownSummary);

/** How the shutdown went: the server's final word. */
export interface ShutdownSummary {
  /** `complete`: every connection went idle and closed in time; `deadline`: the deadline hit. */
  outcome: 'complete' | 'deadline';
  deadlineMs: number;
  /** From the signal to `shutdown` returning (or giving up), ms. */
  shutdownMs: number;
  conns: {
    /** Connections open when the signal came, by state. */
    atSignal: { new: number; active: number; idle: number };
    /** Of those, how many were closed during shutdown, by their state at the signal. */
    closed: { new: number; active: number; idle: number };
    /** The last close of a connection that was idle at the signal, ms after it (-1: none). */
    idleClosedWithinMs: number;
  };
  requests: {
    /** Every request id whose handler ran, in the order they started (a retry repeats one). */
    handled: string[];
    /** Handlers running at the signal. */
    inFlightAtSignal: string[];
    /** Of those, the ones that finished during shutdown. */
    finishedAfterSignal: string[];
    /** Handlers still running when the deadline hit (their connections were then closed). */
    cutOff: string[];
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

type Watched = 'new' | 'active' | 'idle';

function watchedName(s: ConnState): Watched | undefined {
  if (s === ConnState.StateNew || s === ConnState.StateActive || s === ConnState.StateIdle) {
    return connStateString(s) as Watched;
  }
  return undefined;
}

/**
 * The demo server. `GET /work?id=ID&sleep=MS` (or POST) sleeps MS ms, then answers
 * `done ID after MS ms`; anything else gets a short hello. Bind it with {@link start}, stop
 * it with {@link shutdown} (Go's `Shutdown` with a deadline, then `Close`).
 */
export class DemoServer {
  readonly srv: Server;
  readonly #emit: (e: ServerEvent) => void;
  #serving: Promise<void> = Promise.resolve();
  #addr = '';
  #nextConn = 1;
  #nextAnon = 1;
  readonly #conns = new Map<Conn, { n: number; state: ConnState }>();
  readonly #running = new Set<string>();
  readonly #handled: string[] = [];
  /** performance.now() of the signal; undefined before it. */
  #t0: number | undefined;
  /** State of each connection at the signal, by connection number. */
  readonly #atSignal = new Map<number, Watched>();
  readonly #inFlightAtSignal = new Set<string>();
  readonly #finishedAfterSignal: string[] = [];
  readonly #closed = { new: 0, active: 0, idle: 0 };
  #idleClosedWithin = -1;

  constructor(emit: (e: ServerEvent) => void = () => {}) {
    this.#emit = emit;
    this.srv = new Server({
      handler: (w, r) => this.#handle(w, r),
      readHeaderTimeout: 10_000,
      idleTimeout: 60_000,
      connState: (c, s) => this.#connState(c, s),
      errorLog: (m) => process.stderr.write(`server: ${m}\n`),
    });
  }

  /** `host:port` once listening. */
  get addr(): string {
    return this.#addr;
  }

  /** Ids of the requests whose handler is running now. */
  get inHandler(): string[] {
    return [...this.#running];
  }

  /** Listens on `addr` (e.g. `127.0.0.1:0`) and serves. */
  async start(addr: string): Promise<string> {
    const ln = await listen('tcp', addr);
    this.#addr = ln.addr().toString();
    this.#serving = this.srv.serve(ln).then(
      () => {},
      (err: unknown) => {
        if (!isServerClosed(err)) process.stderr.write(`server: serve: ${String(err)}\n`);
      },
    );
    this.#emit({ event: 'listening', addr: this.#addr, pid: process.pid });
    return this.#addr;
  }

  async #handle(w: ResponseWriter, r: Request): Promise<void> {
    if (r.url.path !== '/work') {
      w.header().set('Content-Type', 'text/plain; charset=utf-8');
      await w.write('graceful-shutdown demo server: try GET /work?sleep=3000, then SIGTERM me\n');
      return;
    }
    await r.body.text(); // a POST's payload (none for GET)
    const q = r.url.query();
    const id = q.get('id') || `anon-${this.#nextAnon++}`;
    const ms = Math.min(Math.max(Number.parseInt(q.get('sleep') || '0', 10) || 0, 0), MAX_SLEEP_MS);
    this.#handled.push(id);
    this.#running.add(id);
    try {
      // The request's signal aborts if the client goes away or the server closes the
      // connection (Close after a missed deadline); the handler then ends early.
      await sleep(ms, r.signal);
    } finally {
      this.#running.delete(id);
      if (this.#inFlightAtSignal.has(id) && !r.signal.aborted) {
        this.#finishedAfterSignal.push(id);
        this.#emit({ event: 'request-finished', id, afterMs: this.#since() });
      }
    }
    w.header().set('Content-Type', 'text/plain; charset=utf-8');
    w.header().set('X-Request-Id', id);
    await w.write(`done ${id} after ${ms} ms\n`);
  }

  #connState(c: Conn, s: ConnState): void {
    if (s === ConnState.StateNew) {
      this.#conns.set(c, { n: this.#nextConn++, state: s });
      return;
    }
    const rec = this.#conns.get(c);
    if (rec === undefined) return;
    rec.state = s;
    if (s !== ConnState.StateClosed && s !== ConnState.StateHijacked) return;
    this.#conns.delete(c);
    const was = this.#atSignal.get(rec.n);
    if (was === undefined) return;
    const afterMs = this.#since();
    this.#closed[was]++;
    if (was === 'idle') this.#idleClosedWithin = Math.max(this.#idleClosedWithin, afterMs);
    this.#emit({ event: 'conn-closed', conn: rec.n, was, afterMs });
  }

  #since(): number {
    return this.#t0 === undefined ? 0 : Math.round((performance.now() - this.#t0) * 10) / 10;
  }

  /**
   * Go's graceful shutdown: `Shutdown` with a deadline of `deadlineMs`; if the deadline
   * passes first, `Close`. `signal` names what asked for it (for the report). Resolves with
   * the summary once every connection is closed and `serve` has returned.
   */
  async shutdown(deadlineMs: number, signal = 'SIGTERM'): Promise<ShutdownSummary> {
    this.#t0 = performance.now();
    const atSignal = { new: 0, active: 0, idle: 0 };
    for (const { n, state } of this.#conns.values()) {
      const name = watchedName(state);
      if (name === undefined) continue;
      this.#atSignal.set(n, name);
      atSignal[name]++;
    }
    for (const id of this.#running) this.#inFlightAtSignal.add(id);
    this.#emit({
      event: 'signal',
      signal,
      deadlineMs,
      conns: { ...atSignal },
      inHandler: [...this.#inFlightAtSignal],
    });

    const ac = new AbortController();
    const timer = setTimeout(
      () => ac.abort(new Error(`shutdown deadline (${deadlineMs} ms)`)),
      deadlineMs,
    );
    let outcome: ShutdownSummary['outcome'] = 'complete';
    let cutOff: string[] = [];
    try {
      await this.srv.shutdown({ signal: ac.signal });
    } catch {
      outcome = 'deadline';
      cutOff = [...this.#running];
      await this.srv.close().catch(() => {});
    } finally {
      clearTimeout(timer);
    }
    const shutdownMs = this.#since();
    await this.#serving;
    // Shutdown returns once it has closed the last connection; each connection's own task
    // reports StateClosed a moment later (in Go too). Wait for those reports, briefly.
    for (let i = 0; i < 200 && this.#conns.size > 0; i++) {
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
    }
    const summary: ShutdownSummary = {
      outcome,
      deadlineMs,
      shutdownMs,
      conns: { atSignal, closed: { ...this.#closed }, idleClosedWithinMs: this.#idleClosedWithin },
      requests: {
        handled: [...this.#handled],
        inFlightAtSignal: [...this.#inFlightAtSignal],
        finishedAfterSignal: [...this.#finishedAfterSignal],
        cutOff,
      },
    };
    this.#emit({ event: 'done', ...summary });
    return summary;
  }
}

/** `+12.3 ms`, right-aligned so that a column of them lines up. */
const at = (ms: number): string => {
  const t = `+${ms.toFixed(1)}`;
  return `${t.padStart(8)} ms`;
};

/** One line of text for a server event (the server's stdout without `--json`). */
export function formatServerEvent(e: ServerEvent): string {
  switch (e.event) {
    case 'listening':
      return `listening on ${e.addr}\n  pid ${e.pid}: try  curl -s 'http://${e.addr}/work?sleep=3000' &  then  kill -TERM ${e.pid}\n`;
    case 'signal': {
      const c = e.conns;
      const n = c.new + c.active + c.idle;
      const ids = e.inHandler.length > 0 ? ` (${e.inHandler.join(', ')})` : '';
      return (
        `${e.signal}: shutting down, deadline ${e.deadlineMs} ms: listener closed; ` +
        `${n} connection${n === 1 ? '' : 's'} open (${c.active} active, ${c.idle} idle, ${c.new} new); ` +
        `${e.inHandler.length} request${e.inHandler.length === 1 ? '' : 's'} in a handler${ids}\n`
      );
    }
    case 'conn-closed':
      return `  ${at(e.afterMs)}  connection ${e.conn} (${e.was} at the signal) closed\n`;
    case 'request-finished':
      return `  ${at(e.afterMs)}  request ${e.id} (in flight at the signal) finished; its response says Connection: close\n`;
    case 'done': {
      const r = e.requests;
      const head =
        e.outcome === 'complete'
          ? `shutdown complete after ${e.shutdownMs} ms`
          : `shutdown deadline (${e.deadlineMs} ms) passed: closed every connection`;
      const cut =
        r.cutOff.length > 0 ? `; CUT OFF: ${r.cutOff.length} (${r.cutOff.join(', ')})` : '';
      return (
        `${head}: ${r.finishedAfterSignal.length} of ${r.inFlightAtSignal.length} in-flight ` +
        `request${r.inFlightAtSignal.length === 1 ? '' : 's'} finished${cut}; ` +
        `${r.handled.length} request${r.handled.length === 1 ? '' : 's'} handled in all\n`
      );
    }
  }
}
