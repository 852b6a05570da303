// The accounting: every request the clients sent is put in exactly one bucket, checked
// against what the server says it handled, and printed.
import type { DemoOptions } from './args.js';
import { formatServerEvent, type ServerEvent, type ShutdownSummary } from './demo-server.js';

/** Share of a loading client's requests that are slow. */
export const SLOW_SHARE = 0.35;

/** One request, as the client saw it. */
export interface RequestRecord {
  /** Unique per request; the server sees it in the query and reports it as handled. */
  id: string;
  /** A loading client (back-to-back requests) or an idle one. */
  client: 'load' | 'idle';
  /** How long the handler was asked to sleep, ms. */
  sleepMs: number;
  /** When it started and ended, ms after the run started. */
  startMs: number;
  endMs: number;
  /** Connections asked for (trace `getConn`): more than 1 means the transport retried. */
  attempts: number;
  outcome: 'answered' | 'failed';
  status?: number;
  /** The response said `Connection: close` (Go's `Response.Close`). */
  connectionClose?: boolean;
  /** The error text, Go's (`Get "…": dial tcp …: connect: connection refused`). */
  error?: string;
  /** The error was a refused connection: no server was listening any more. */
  refused?: boolean;
}

/** Everything a run collected, before the accounting. */
export interface RunData {
  options: DemoOptions;
  server: {
    pid: number;
    addr: string;
    exitCode: number | null;
    exitSignal: string | null;
    events: ServerEvent[];
    stderr?: string;
  };
  records: RequestRecord[];
  /** When SIGTERM was sent and when the server had exited, ms after the run started. */
  signalAtMs: number | null;
  serverExitAtMs: number | null;
  idleClients: { count: number; poolsEmptyAfterShutdown: number };
  /** Connections that never sent a byte: when the server closed each, ms after the start. */
  silent: { count: number; closedAtMs: number[] };
  timedOut: boolean;
}

/** The report: what `--json` prints and the text is made from. */
export interface Report {
  /** Nothing lost, every in-flight request answered with `Connection: close`, exit 0. */
  ok: boolean;
  problems: string[];
  config: {
    clients: number;
    idleClients: number;
    silentConns: number;
    durationMs: number;
    slowMs: [number, number];
    deadlineMs: number;
    method: 'GET' | 'POST';
  };
  server: {
    pid: number;
    addr: string;
    exitCode: number | null;
    exitSignal: string | null;
    /** null when the server never reported its shutdown. */
    outcome: ShutdownSummary['outcome'] | null;
    shutdownMs: number | null;
    connsAtSignal: { new: number; active: number; idle: number } | null;
    connsClosed: { new: number; active: number; idle: number } | null;
    /** Last close of a connection idle at the signal, ms after it (-1: there was none). */
    idleClosedWithinMs: number | null;
    /** Requests whose handler ran (a request handled twice counts twice). */
    handled: number;
    /** Handlers still running at the deadline. */
    cutOff: string[];
  };
  timeline: { signalAtMs: number | null; serverExitAtMs: number | null };
  requests: {
    /** Every request a client started (refused ones included). */
    sent: number;
    /** Of those, started after the SIGTERM was sent. */
    sentAfterSignal: number;
    /** Answered with a complete response. */
    answered: number;
    /** Answered with a status other than 200. */
    answeredNot200: number;
    /** Answered with `Connection: close`. */
    answeredWithClose: number;
    /** Requests whose handler was running when the server got the signal. */
    inFlightAtSignal: {
      count: number;
      answered: number;
      withConnectionClose: number;
      /** The longest of them took this long after the signal, ms (client's view). */
      lastAnsweredAfterMs: number;
    };
    /** Failed with `connection refused`: never reached the server. Not a loss. */
    refusedAfterShutdown: number;
    /** Failed otherwise but never handled: the connection closed before the server read them. */
    unreadClosed: number;
    /** Requests the transport sent more than once (Go's retry on a reused connection). */
    retried: number;
    /** Handled by the server more than once (a retry of a request it had already run). */
    handledTwice: number;
    /** Handled by the server but never answered: must be 0. */
    lost: number;
    lostIds: string[];
    /** Failures before the SIGTERM (there should be none). */
    failedBeforeSignal: number;
    /** A few error texts, with how often each occurred. */
    errors: { text: string; count: number }[];
  };
  idleClients: { count: number; poolsEmptyAfterShutdown: number };
  silentConns: { count: number; closedAfterSignalMs: number[] };
  timedOut: boolean;
  /** What the server reported from the signal on (its summary aside). */
  serverLog: Exclude<ServerEvent, { event: 'done' | 'listening' }>[];
}

/** An error's text. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True when `err`, or something in its `cause` chain, is a refused connection. */
export function isRefused(err: unknown): boolean {
  for (let e: unknown = err, i = 0; e !== undefined && e !== null && i < 10; i++) {
    const x = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (x.code === 'ECONNREFUSED') return true;
    if (typeof x.message === 'string' && x.message.endsWith('connection refused')) return true;
    e = x.cause;
  }
  return false;
}

/** The error text without the request's URL and port, to group alike errors. */
function errorKind(text: string): string {
  return text.replace(/"http:\/\/[^"]*"/g, '"…"').replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Puts every request in its bucket and checks the run. */
export function account(d: RunData): Report {
  const done = d.server.events.find((e) => e.event === 'done') as
    | Extract<ServerEvent, { event: 'done' }>
    | undefined;
  const handledList = done?.requests.handled ?? [];
  const handled = new Map<string, number>();
  for (const id of handledList) handled.set(id, (handled.get(id) ?? 0) + 1);
  const inFlight = new Set(done?.requests.inFlightAtSignal ?? []);
  const byId = new Map(d.records.map((r) => [r.id, r]));
  const sig = d.signalAtMs;

  const requests: Report['requests'] = {
    sent: d.records.length,
    sentAfterSignal: sig === null ? 0 : d.records.filter((r) => r.startMs >= sig).length,
    answered: 0,
    answeredNot200: 0,
    answeredWithClose: 0,
    inFlightAtSignal: {
      count: inFlight.size,
      answered: 0,
      withConnectionClose: 0,
      lastAnsweredAfterMs: 0,
    },
    refusedAfterShutdown: 0,
    unreadClosed: 0,
    retried: 0,
    handledTwice: 0,
    lost: 0,
    lostIds: [],
    failedBeforeSignal: 0,
    errors: [],
  };
  const errors = new Map<string, number>();
  for (const r of d.records) {
    if (r.attempts > 1) requests.retried++;
    if ((handled.get(r.id) ?? 0) > 1) requests.handledTwice++;
    if (r.outcome === 'answered') {
      requests.answered++;
      if (r.status !== 200) requests.answeredNot200++;
      if (r.connectionClose === true) requests.answeredWithClose++;
      continue;
    }
    const text = errorKind(r.error ?? 'unknown error');
    errors.set(text, (errors.get(text) ?? 0) + 1);
    if (sig === null || r.endMs < sig) requests.failedBeforeSignal++;
    if (handled.has(r.id)) {
      requests.lost++;
      requests.lostIds.push(r.id);
    } else if (r.refused === true) requests.refusedAfterShutdown++;
    else requests.unreadClosed++;
  }
  // A handled id the clients have no record of would be lost as well.
  for (const id of handled.keys()) {
    if (!byId.has(id)) {
      requests.lost++;
      requests.lostIds.push(id);
    }
  }
  for (const id of inFlight) {
    const r = byId.get(id);
    if (r?.outcome !== 'answered') continue;
    requests.inFlightAtSignal.answered++;
    if (r.connectionClose === true) requests.inFlightAtSignal.withConnectionClose++;
    if (sig !== null) {
      requests.inFlightAtSignal.lastAnsweredAfterMs = Math.max(
        requests.inFlightAtSignal.lastAnsweredAfterMs,
        round1(r.endMs - sig),
      );
    }
  }
  requests.errors = [...errors]
    .map(([text, count]) => ({ text, count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, 5);

  const o = d.options;
  const report: Report = {
    ok: false,
    problems: [],
    config: {
      clients: o.clients,
      idleClients: o.idle,
      silentConns: o.silent,
      durationMs: o.duration,
      slowMs: [o.slowMin, o.slowMax],
      deadlineMs: o.deadline,
      method: o.method,
    },
    server: {
      pid: d.server.pid,
      addr: d.server.addr,
      exitCode: d.server.exitCode,
      exitSignal: d.server.exitSignal,
      outcome: done?.outcome ?? null,
      shutdownMs: done?.shutdownMs ?? null,
      connsAtSignal: done?.conns.atSignal ?? null,
      connsClosed: done?.conns.closed ?? null,
      idleClosedWithinMs: done?.conns.idleClosedWithinMs ?? null,
      handled: handledList.length,
      cutOff: done?.requests.cutOff ?? [],
    },
    timeline: { signalAtMs: d.signalAtMs, serverExitAtMs: d.serverExitAtMs },
    requests,
    idleClients: { ...d.idleClients },
    silentConns: {
      count: d.silent.count,
      closedAfterSignalMs: sig === null ? [] : d.silent.closedAtMs.map((t) => round1(t - sig)),
    },
    timedOut: d.timedOut,
    serverLog: d.server.events.filter(
      (e): e is Report['serverLog'][number] => e.event !== 'done' && e.event !== 'listening',
    ),
  };
  report.problems = problems(report);
  report.ok = report.problems.length === 0;
  return report;
}

function problems(r: Report): string[] {
  const p: string[] = [];
  const q = r.requests;
  if (r.timedOut) p.push('the run hit its time limit');
  if (r.server.addr === '') p.push('the server never said where it listens');
  else if (r.server.outcome === null) p.push('the server never reported its shutdown');
  if (r.server.exitCode !== 0) {
    p.push(`the server exited with ${r.server.exitSignal ?? `code ${r.server.exitCode}`}`);
  }
  if (r.server.outcome === 'deadline') {
    p.push(`the shutdown deadline passed with ${r.server.cutOff.length} handler(s) running`);
  }
  if (q.lost > 0) p.push(`${q.lost} request(s) LOST: handled by the server, never answered`);
  const inf = q.inFlightAtSignal;
  if (inf.answered < inf.count) {
    p.push(`${inf.count - inf.answered} of ${inf.count} in-flight request(s) not answered`);
  }
  if (inf.withConnectionClose < inf.answered) {
    p.push(
      `${inf.answered - inf.withConnectionClose} in-flight answer(s) without Connection: close`,
    );
  }
  if (q.answeredNot200 > 0) p.push(`${q.answeredNot200} answer(s) with a status other than 200`);
  if (q.failedBeforeSignal > 0)
    p.push(`${q.failedBeforeSignal} request(s) failed before the SIGTERM`);
  return p;
}

/** Why Shutdown returned later than the last close: it polls, at most every 500 ms. */
function pollNote(r: Report): string {
  let last = 0;
  for (const e of r.serverLog) if (e.event === 'conn-closed') last = Math.max(last, e.afterMs);
  if (r.server.shutdownMs === null || r.server.shutdownMs - last < 50) return '';
  return ` (the last connection closed at ${last} ms; Shutdown polls, at most every 500 ms)`;
}

/** Server log lines shown in the text report. */
const MAX_LOG_LINES = 24;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The report as text (what the demo prints without `--json`). */
export function formatReport(r: Report): string {
  const c = r.config;
  const s = r.server;
  const q = r.requests;
  const L: string[] = [];
  const row = (label: string, n: number | string, text: string) =>
    L.push(`  ${label.padEnd(30)}${String(n).padStart(6)}  ${text}`);

  L.push(
    `graceful-shutdown: ${plural(c.clients, 'keep-alive client')} sending ${c.method}s in a loop (${Math.round(SLOW_SHARE * 100)}% of requests sleep ${c.slowMs[0]}-${c.slowMs[1]} ms), ` +
      `${plural(c.idleClients, 'idle client')}, ${plural(c.silentConns, 'silent connection')}; ` +
      `SIGTERM after ${r.timeline.signalAtMs ?? '-'} ms`,
  );
  L.push('');
  L.push(
    `server (pid ${s.pid}, ${s.addr || 'not listening'}), shutdown deadline ${c.deadlineMs} ms`,
  );
  if (s.connsAtSignal !== null && s.connsClosed !== null) {
    const a = s.connsAtSignal;
    const cl = s.connsClosed;
    L.push(
      `  at the SIGTERM    ${plural(a.active + a.idle + a.new, 'connection')} open: ${a.active} active, ${a.idle} idle, ${a.new} new; ${plural(q.inFlightAtSignal.count, 'request')} in handlers`,
    );
    L.push(
      `  idle              ${cl.idle} of ${a.idle} closed at once` +
        (s.idleClosedWithinMs !== null && s.idleClosedWithinMs >= 0
          ? ` (all within ${s.idleClosedWithinMs} ms)`
          : ''),
    );
    L.push(
      `  active            ${cl.active} of ${a.active} closed ${s.outcome === 'deadline' ? 'by Close at the deadline, or after their response' : 'after their response'}`,
    );
    if (a.new > 0) {
      L.push(`  new (silent)      ${cl.new} of ${a.new} closed once silent for 5 s (Go's rule)`);
    }
  }
  if (s.outcome !== null) {
    L.push(
      s.outcome === 'complete'
        ? `  shutdown          complete in ${s.shutdownMs} ms${pollNote(r)}`
        : `  shutdown          DEADLINE passed after ${s.shutdownMs} ms; cut off: ${s.cutOff.join(', ')}`,
    );
  }
  if (r.serverLog.length > 0) {
    L.push('  what it printed (times after the signal):');
    const shown = r.serverLog.slice(0, MAX_LOG_LINES);
    for (const e of shown) L.push(`    ${formatServerEvent(e).trimEnd().replace(/\n/g, '\n    ')}`);
    if (r.serverLog.length > shown.length)
      L.push(`    … ${r.serverLog.length - shown.length} more`);
  }
  L.push(
    `  exit              ${s.exitSignal !== null ? `killed by ${s.exitSignal}` : `code ${s.exitCode}`}`,
  );
  L.push('');
  L.push('requests');
  row('sent', q.sent, `(${q.sentAfterSignal} of them after the SIGTERM)`);
  row(
    'answered',
    q.answered,
    q.answeredNot200 === 0 ? 'all 200 OK' : `${q.answeredNot200} NOT 200`,
  );
  row('  with Connection: close', q.answeredWithClose, 'answered during the shutdown');
  const inf = q.inFlightAtSignal;
  row(
    'in flight at the SIGTERM',
    inf.count,
    `answered ${inf.answered}, with Connection: close ${inf.withConnectionClose}` +
      (inf.answered > 0 ? `; the last ${inf.lastAnsweredAfterMs} ms after the signal` : ''),
  );
  row(
    'refused after shutdown',
    q.refusedAfterShutdown,
    'connection refused: listener closed, never sent',
  );
  if (q.unreadClosed > 0) {
    row(
      'failed, never handled',
      q.unreadClosed,
      `the server closed the connection before reading it${c.method === 'POST' ? '; a POST is not retried' : ''}`,
    );
  }
  row(
    'retried by the transport',
    q.retried,
    `a reused connection closed under the request; ${c.method === 'GET' ? "a GET may be sent again (Go's rule)" : "a POST only if nothing was written (Go's rule)"}`,
  );
  if (q.handledTwice > 0)
    row('handled twice', q.handledTwice, 'a retry of a request the server had run');
  row(
    'LOST',
    q.lost,
    `handled by the server, never answered${q.lost > 0 ? `: ${q.lostIds.slice(0, 10).join(', ')}` : ''}`,
  );
  if (q.errors.length > 0) {
    L.push('');
    L.push('errors the clients saw');
    for (const e of q.errors) L.push(`  ${String(e.count).padStart(6)}  ${e.text}`);
  }
  L.push('');
  if (r.idleClients.count > 0) {
    L.push(
      `idle clients: ${r.idleClients.poolsEmptyAfterShutdown} of ${r.idleClients.count} pools had dropped their connection when the server was gone (the idle conn's pending read saw the close)`,
    );
  }
  if (r.silentConns.count > 0) {
    L.push(
      `silent connections: closed ${r.silentConns.closedAfterSignalMs.map((t) => `${t} ms`).join(', ')} after the SIGTERM`,
    );
  }
  L.push(
    r.ok
      ? 'result: OK, nothing lost'
      : `result: FAILED\n${r.problems.map((p) => `  - ${p}`).join('\n')}`,
  );
  return `${L.join('\n')}\n`;
}
