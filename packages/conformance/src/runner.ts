// Running cases against a server program: one fresh TCP connection (or several) per case,
// servers shared between cases with equal flags, verdicts with a readable diff.

import { createHash } from 'node:crypto';
import { describeBytes, normalizeDates, toBuffer } from './bytes.js';
import {
  type Case,
  DefaultCaseTimeoutMs,
  DefaultConn,
  type ExpectStep,
  type FateStep,
  needsOwnServer,
  type Priority,
  type Step,
  stepConn,
  stepKind,
} from './case.js';
import { compareRaw, compareResponse, expandedLength } from './compare.js';
import { parseResponse } from './response-parser.js';
import { type ServerCommand, ServerProcess } from './server-process.js';
import { sleep, WireConn } from './wire-conn.js';

/**
 * Outcome of a case: `PASS`; `FAIL` (a step did not match); `DIVERGENT` (it failed, but the
 * case is a known, accepted divergence of this server); `ERROR` (the case could not run, e.g.
 * the server did not start).
 */
export type Verdict = 'PASS' | 'FAIL' | 'DIVERGENT' | 'ERROR';

/** Accepted divergences of a server: case ID (or a base ID covering its variants) → reason. */
export type KnownDivergences = Readonly<Record<string, string>>;

/** The first step that failed. */
export interface StepFailure {
  /** 1-based step number (0 when the case could not start). */
  readonly step: number;
  /** Step kind (`expect`, `fate`, ...). */
  readonly kind: string;
  /** What went wrong, multi-line with a diff where it helps. */
  readonly message: string;
}

/** The result of one case against one server. */
export interface CaseResult {
  readonly id: string;
  readonly title: string;
  readonly priority: Priority;
  readonly area: string;
  readonly note?: string;
  readonly verdict: Verdict;
  readonly failure?: StepFailure;
  /** The accepted-divergence reason when the verdict is DIVERGENT. */
  readonly divergence?: string;
  /** Wall time of the case in ms. */
  readonly ms: number;
  /** sha256 (hex, 16 chars) of every connection's received bytes with dates normalized. */
  readonly transcriptDigest: string;
  /** Received bytes per connection, dates normalized, escaped for reading. */
  readonly transcripts: Readonly<Record<string, string>>;
}

/** The results of a run of many cases against one server. */
export interface SuiteResult {
  /** Label of the server command. */
  readonly server: string;
  /** Free-form facts about the server (e.g. the Go version). */
  readonly serverInfo?: string;
  /** Results in catalog order. */
  readonly results: readonly CaseResult[];
  /** Wall time in ms. */
  readonly ms: number;
  /** ISO time the run started. */
  readonly startedAt: string;
}

/** The request a `fate: 'open'` step sends to prove the connection is still usable. */
export const ProbeRequest = 'GET /hello HTTP/1.1\r\nHost: x\r\n\r\n';

const DEFAULT_EXPECT_WITHIN = 2000;
const DEFAULT_OPEN_WITHIN = 50;
const DEFAULT_CLOSE_WITHIN = 1000;
const DEFAULT_LINGER_WITHIN = 300;
const DEFAULT_LINGER_HOLD = 200;
const DEFAULT_CONNSTATE_WITHIN = 1000;
const DEFAULT_EXIT_WITHIN = 6000;

class StepError extends Error {}

/** Finds the accepted divergence for a case ID: exact ID first, then its base ID (`SRV-13a` → `SRV-13`). */
export function divergenceFor(id: string, known: KnownDivergences | undefined): string | undefined {
  if (known === undefined) return undefined;
  return known[id] ?? known[id.replace(/[a-z]$/, '')];
}

/** Orders IDs the way the catalog does: area, number, suffix (`SRV-9` < `SRV-13` < `SRV-13a` < `SRV-100`). */
export function compareIds(a: string, b: string): number {
  const pa = /^([A-Z]+)-(\d+)([a-z]?)$/.exec(a);
  const pb = /^([A-Z]+)-(\d+)([a-z]?)$/.exec(b);
  if (pa === null || pb === null) return a < b ? -1 : a > b ? 1 : 0;
  if (pa[1] !== pb[1]) return pa[1]! < pb[1]! ? -1 : 1;
  if (pa[2] !== pb[2]) return Number(pa[2]) - Number(pb[2]);
  return pa[3]! < pb[3]! ? -1 : pa[3]! > pb[3]! ? 1 : 0;
}

/**
 * Servers for cases: one process per distinct flag set, started on first use and reused;
 * cases that signal the server get a process of their own.
 */
export class ServerPool {
  private readonly shared = new Map<string, Promise<ServerProcess>>();
  /** Start-up failures per flag set: later cases with those flags fail at once. */
  private readonly failed = new Map<string, Error>();

  constructor(
    /** The server program. */
    readonly command: ServerCommand,
    private readonly startTimeoutMs = 15_000,
  ) {}

  /** A server for `c` and the function to call when the case is done with it. */
  async acquire(c: Case): Promise<{ server: ServerProcess; release: () => Promise<void> }> {
    const flags = c.flags ?? [];
    if (needsOwnServer(c)) {
      const server = await ServerProcess.start(this.command, flags, this.startTimeoutMs);
      return { server, release: () => server.stop() };
    }
    const key = JSON.stringify(flags);
    const failure = this.failed.get(key);
    if (failure !== undefined) throw failure;
    let p = this.shared.get(key);
    if (p !== undefined) {
      const s = await p.catch(() => null);
      if (s === null || s.exited !== null) {
        this.shared.delete(key);
        p = undefined;
      }
    }
    if (p === undefined) {
      p = ServerProcess.start(this.command, flags, this.startTimeoutMs);
      this.shared.set(key, p);
      p.catch((err: Error) => {
        this.shared.delete(key);
        this.failed.set(key, err);
      });
    }
    const server = await p;
    return { server, release: async () => {} };
  }

  /** Stops the shared server started with `flags`, if any. */
  async stopFlags(flags: readonly string[]): Promise<void> {
    const key = JSON.stringify(flags);
    const p = this.shared.get(key);
    this.shared.delete(key);
    const s = await p?.catch(() => null);
    await s?.stop();
  }

  /** Stops every server. */
  async closeAll(): Promise<void> {
    const all = [...this.shared.values()];
    this.shared.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => null))?.stop()));
  }
}

interface RunContext {
  readonly server: ServerProcess;
  readonly conns: Map<string, WireConn>;
  /** Per connection: how many ConnState lines its address had before it connected. */
  readonly stateOffsets: Map<string, number>;
}

/**
 * Runs one case against a running server and returns its result.
 *
 * @param known accepted divergences of this server (turn a FAIL into DIVERGENT)
 */
export async function runCase(
  c: Case,
  server: ServerProcess,
  known?: KnownDivergences,
): Promise<CaseResult> {
  const t0 = Date.now();
  const ctx: RunContext = { server, conns: new Map(), stateOffsets: new Map() };
  let failure: StepFailure | undefined;
  let verdict: Verdict = 'PASS';
  const timeoutMs = c.timeout ?? DefaultCaseTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  let stepNo = 0;
  const script = (async () => {
    await openConn(ctx, DefaultConn);
    for (const step of c.steps) {
      stepNo++;
      await runStep(step, ctx);
    }
  })();
  try {
    const r = await Promise.race([script, deadline]);
    if (r === 'timeout') {
      failure = {
        step: stepNo,
        kind: stepKind(c.steps[stepNo - 1] ?? { wait: 0 }),
        message: `case took longer than ${timeoutMs} ms`,
      };
      verdict = 'FAIL';
    }
  } catch (err) {
    const step = c.steps[stepNo - 1];
    failure = {
      step: stepNo,
      kind: step === undefined ? 'connect' : stepKind(step),
      message:
        err instanceof StepError
          ? err.message
          : `runner error: ${(err as Error).stack ?? String(err)}`,
    };
    verdict = err instanceof StepError ? 'FAIL' : 'ERROR';
  } finally {
    clearTimeout(timer);
    for (const conn of ctx.conns.values()) conn.destroy();
  }
  // a timed-out script may still be inside a step: let it settle against destroyed sockets
  await script.catch(() => {});

  const transcripts: Record<string, string> = {};
  const h = createHash('sha256');
  for (const [name, conn] of [...ctx.conns].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const t = normalizeDates(conn.transcript());
    transcripts[name] = describeBytes(t, 4000);
    h.update(`${name}:${t.length}:`).update(t);
  }
  const divergence = divergenceFor(c.id, known);
  if (verdict === 'FAIL' && divergence !== undefined) verdict = 'DIVERGENT';
  return {
    id: c.id,
    title: c.title,
    priority: c.priority,
    area: c.area,
    ...(c.note !== undefined ? { note: c.note } : {}),
    verdict,
    ...(failure !== undefined ? { failure } : {}),
    ...(verdict === 'DIVERGENT' ? { divergence } : {}),
    ms: Date.now() - t0,
    transcriptDigest: h.digest('hex').slice(0, 16),
    transcripts,
  };
}

async function openConn(ctx: RunContext, name: string): Promise<WireConn> {
  const conn = await WireConn.open(ctx.server.host, ctx.server.port);
  ctx.conns.set(name, conn);
  ctx.stateOffsets.set(name, ctx.server.connStates(conn.localAddr).length);
  return conn;
}

function connOf(ctx: RunContext, step: Step): WireConn {
  const name = stepConn(step) ?? DefaultConn;
  const conn = ctx.conns.get(name);
  if (conn === undefined) throw new StepError(`connection ${name} is not open`);
  return conn;
}

function fail(message: string): never {
  throw new StepError(message);
}

function describeEnding(conn: WireConn, since: number): string {
  const e = conn.ending;
  if (e === null) return 'connection still open';
  return `${e.kind === 'fin' ? 'EOF (FIN)' : `${e.kind} (${e.detail})`} after ${e.at - since} ms`;
}

async function runStep(step: Step, ctx: RunContext): Promise<void> {
  const start = Date.now();
  if ('send' in step) {
    connOf(ctx, step).write(toBuffer(step.send));
  } else if ('wait' in step) {
    await sleep(step.wait);
  } else if ('connect' in step) {
    await openConn(ctx, step.connect);
  } else if ('halfClose' in step) {
    connOf(ctx, step).halfClose();
  } else if ('close' in step) {
    connOf(ctx, step).destroy();
  } else if ('expect' in step) {
    await expectResponse(step, connOf(ctx, step), start);
  } else if ('fate' in step) {
    await expectFate(step, connOf(ctx, step), start);
  } else if ('silence' in step) {
    const conn = connOf(ctx, step);
    if (conn.pending.length > 0)
      fail(`unread bytes before the silence: ${describeBytes(conn.pending)}`);
    const broke = await conn.waitFor(
      () => conn.pending.length > 0 || conn.ending !== null,
      step.silence,
    );
    if (broke) {
      fail(
        conn.pending.length > 0
          ? `expected no bytes for ${step.silence} ms, got after ${conn.lastDataAt - start} ms: ${describeBytes(conn.pending)}`
          : `expected no bytes for ${step.silence} ms, got ${describeEnding(conn, start)}`,
      );
    }
  } else if ('connStates' in step) {
    const conn = connOf(ctx, step);
    const name = stepConn(step) ?? DefaultConn;
    const offset = ctx.stateOffsets.get(name) ?? 0;
    const want = step.connStates;
    // The server may log `new` before our connect callback ran (then it is just before the
    // offset taken at connect time): this connection's transitions start at its `new`.
    const got = () => {
      const all = ctx.server.connStates(conn.localAddr);
      const first = all.indexOf('new', Math.max(0, offset - 1));
      return all.slice(first < 0 ? offset : first);
    };
    await ctx.server.waitFor(
      () => got().length >= want.length,
      step.within ?? DEFAULT_CONNSTATE_WITHIN,
    );
    const have = got();
    if (have.length < want.length || want.some((s, i) => have[i] !== s)) {
      fail(
        `ConnState transitions differ\n  expected: ${want.join(', ')}\n  actual:   ${have.join(', ') || '(none logged; does the server support --conn-state-log?)'}`,
      );
    }
  } else if ('signal' in step) {
    ctx.server.signal(step.signal);
  } else if ('exit' in step) {
    const within = step.within ?? DEFAULT_EXIT_WITHIN;
    const exited = await ctx.server.waitFor(() => ctx.server.exited !== null, within);
    if (!exited) fail(`server did not exit within ${within} ms`);
    const code = ctx.server.exited!.code;
    if (code !== step.exit) {
      fail(
        `server exited with ${code === null ? `signal ${ctx.server.exited!.signal}` : `code ${code}`}, expected ${step.exit}`,
      );
    }
  } else {
    fail(`unknown step ${JSON.stringify(step)}`);
  }
}

async function expectResponse(step: ExpectStep, conn: WireConn, start: number): Promise<void> {
  const e = step.expect;
  const within = e.within ?? DEFAULT_EXPECT_WITHIN;
  if (e.raw !== undefined) {
    const want = toBuffer(e.raw);
    const len = expandedLength(want);
    await conn.waitFor(() => conn.pending.length >= len || conn.ending !== null, within);
    const doneAt = Date.now();
    const got = conn.consume(Math.min(len, conn.pending.length));
    const diffs = compareRaw(want, got);
    if (got.length < len) {
      diffs.unshift(
        `only ${got.length} of ${len} expected bytes arrived within ${within} ms (${describeEnding(conn, start)})`,
      );
    }
    if (diffs.length === 0 && e.notBefore !== undefined && doneAt - start < e.notBefore) {
      diffs.push(
        `response complete after ${doneAt - start} ms, expected not before ${e.notBefore} ms`,
      );
    }
    if (diffs.length > 0) fail(diffs.join('\n'));
    return;
  }
  let outcome = parseResponse(conn.pending, { head: e.head === true, eof: conn.ending !== null });
  await conn.waitFor(() => {
    outcome = parseResponse(conn.pending, { head: e.head === true, eof: conn.ending !== null });
    return outcome.status !== 'incomplete';
  }, within);
  const doneAt = Date.now();
  if (outcome.status === 'incomplete') {
    fail(
      `no complete response within ${within} ms (${outcome.reason}; ${describeEnding(conn, start)})\n  received: ${describeBytes(conn.pending) || '(nothing)'}`,
    );
  }
  if (outcome.status === 'invalid') {
    fail(`malformed response: ${outcome.reason}\n  received: ${describeBytes(conn.pending)}`);
  }
  conn.consume(outcome.consumed);
  const diffs = compareResponse(e, outcome.response);
  if (e.notBefore !== undefined && doneAt - start < e.notBefore) {
    diffs.push(
      `response complete after ${doneAt - start} ms, expected not before ${e.notBefore} ms`,
    );
  }
  if (diffs.length > 0) {
    fail(`${diffs.join('\n')}\n  response: ${describeBytes(outcome.response.raw)}`);
  }
}

async function expectFate(step: FateStep, conn: WireConn, start: number): Promise<void> {
  if (conn.pending.length > 0) fail(`unexpected bytes: ${describeBytes(conn.pending)}`);
  switch (step.fate) {
    case 'open': {
      const within = step.within ?? DEFAULT_OPEN_WITHIN;
      const broke = await conn.waitFor(
        () => conn.pending.length > 0 || conn.ending !== null,
        within,
      );
      if (broke) {
        fail(
          conn.pending.length > 0
            ? `expected the connection to stay open and quiet, got bytes: ${describeBytes(conn.pending)}`
            : `expected the connection to stay open, got ${describeEnding(conn, start)}`,
        );
      }
      if (step.probe === false) return;
      conn.write(Buffer.from(ProbeRequest, 'latin1'));
      const probeStart = Date.now();
      let outcome = parseResponse(conn.pending, { eof: conn.ending !== null });
      await conn.waitFor(() => {
        outcome = parseResponse(conn.pending, { eof: conn.ending !== null });
        return outcome.status !== 'incomplete';
      }, DEFAULT_EXPECT_WITHIN);
      if (outcome.status !== 'complete') {
        fail(
          `connection not reusable: probe GET /hello got no complete response (${describeEnding(conn, probeStart)})\n  received: ${describeBytes(conn.pending) || '(nothing)'}`,
        );
      }
      conn.consume(outcome.consumed);
      const r = outcome.response;
      if (r.code !== 200 || r.body.toString('latin1') !== 'hello\n') {
        fail(`connection not reusable: probe GET /hello got ${describeBytes(r.raw)}`);
      }
      return;
    }
    case 'close': {
      const within = step.within ?? DEFAULT_CLOSE_WITHIN;
      await conn.waitFor(() => conn.ending !== null || conn.pending.length > 0, within);
      if (conn.pending.length > 0) fail(`expected EOF, got bytes: ${describeBytes(conn.pending)}`);
      if (conn.ending === null)
        fail(`expected the connection to close within ${within} ms; it stayed open`);
      const after = conn.ending.at - start;
      if (step.notBefore !== undefined && after < step.notBefore) {
        fail(`connection closed after ${after} ms, expected not before ${step.notBefore} ms`);
      }
      return;
    }
    case 'close-linger': {
      const within = step.within ?? DEFAULT_LINGER_WITHIN;
      const hold = step.hold ?? DEFAULT_LINGER_HOLD;
      await conn.waitFor(() => conn.ending !== null || conn.pending.length > 0, within);
      if (conn.pending.length > 0) fail(`expected FIN, got bytes: ${describeBytes(conn.pending)}`);
      if (conn.ending === null)
        fail(`expected FIN within ${within} ms; the connection stayed open`);
      if (conn.ending.kind !== 'fin')
        fail(`expected FIN then a lingering read side, got ${describeEnding(conn, start)}`);
      const finAt = conn.ending.at;
      if (step.notBefore !== undefined && finAt - start < step.notBefore) {
        fail(`FIN after ${finAt - start} ms, expected not before ${step.notBefore} ms`);
      }
      // After a full close the peer's kernel answers our byte with a reset; our socket, done
      // reading, only notices on the next write, hence two writes.
      conn.write(Buffer.from('x'));
      const gap = Math.min(50, Math.floor(hold / 4));
      let reset = await conn.waitFor(() => conn.lateError !== null, gap);
      if (!reset) {
        conn.write(Buffer.from('x'));
        reset = await conn.waitFor(() => conn.lateError !== null, hold - gap);
      }
      if (reset) {
        fail(
          `server closed without lingering: writing after its FIN drew ${conn.lateError!.detail} ${conn.lateError!.at - finAt} ms after the FIN (expected none for ${hold} ms)`,
        );
      }
      return;
    }
  }
}

/** Options of {@link runSuite}. */
export interface SuiteOptions {
  /** Accepted divergences of this server. */
  readonly divergences?: KnownDivergences;
  /** Called after each case. */
  readonly onResult?: (r: CaseResult) => void;
  /** Free-form server facts for the report. */
  readonly serverInfo?: string;
  /** Start-up timeout per server process in ms (default 15 000). */
  readonly startTimeoutMs?: number;
  /**
   * How many server processes (flag groups) run cases at the same time (default 2). Cases
   * of one group always run one after another.
   */
  readonly concurrency?: number;
}

/**
 * Runs cases against a server program: cases are grouped by flags so each flag set starts
 * one process (stopped when its group is done); cases that signal the server get a process
 * each. Up to `concurrency` groups run at once, largest first. Results come back in catalog
 * order.
 */
export async function runSuite(
  cases: readonly Case[],
  command: ServerCommand,
  opts: SuiteOptions = {},
): Promise<SuiteResult> {
  const t0 = Date.now();
  const startedAt = new Date(t0).toISOString();
  const groups = new Map<string, Case[]>();
  const own: Case[] = [];
  for (const c of cases) {
    if (needsOwnServer(c)) {
      own.push(c);
      continue;
    }
    const key = JSON.stringify(c.flags ?? []);
    const g = groups.get(key) ?? [];
    g.push(c);
    groups.set(key, g);
  }
  const pool = new ServerPool(command, opts.startTimeoutMs);
  const results: CaseResult[] = [];
  const record = (r: CaseResult) => {
    results.push(r);
    opts.onResult?.(r);
  };
  const queue = [...groups.values(), ...own.map((c) => [c])].sort((a, b) => b.length - a.length);
  const runGroup = async (group: readonly Case[]) => {
    for (const c of group) {
      let lease: Awaited<ReturnType<ServerPool['acquire']>>;
      try {
        lease = await pool.acquire(c);
      } catch (err) {
        record(errorResult(c, `server did not start: ${(err as Error).message}`));
        continue;
      }
      try {
        record(await runCase(c, lease.server, opts.divergences));
      } finally {
        await lease.release();
      }
    }
    if (!needsOwnServer(group[0]!)) await pool.stopFlags(group[0]!.flags ?? []);
  };
  const lanes = Math.max(1, Math.min(opts.concurrency ?? 2, 8));
  try {
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        for (let g = queue.shift(); g !== undefined; g = queue.shift()) await runGroup(g);
      }),
    );
  } finally {
    await pool.closeAll();
  }
  results.sort((a, b) => compareIds(a.id, b.id));
  return {
    server: command.label ?? [command.program, ...command.args].join(' '),
    ...(opts.serverInfo !== undefined ? { serverInfo: opts.serverInfo } : {}),
    results,
    ms: Date.now() - t0,
    startedAt,
  };
}

/** A result for a case that could not run. */
export function errorResult(c: Case, message: string): CaseResult {
  return {
    id: c.id,
    title: c.title,
    priority: c.priority,
    area: c.area,
    ...(c.note !== undefined ? { note: c.note } : {}),
    verdict: 'ERROR',
    failure: { step: 0, kind: 'start', message },
    ms: 0,
    transcriptDigest: '',
    transcripts: {},
  };
}

/** One row of a comparison between the reference (Go) and another server. */
export interface ComparisonRow {
  readonly id: string;
  readonly title: string;
  readonly priority: Priority;
  readonly area: string;
  /** Verdict against the reference. */
  readonly reference: Verdict;
  /** Verdict against the other server. */
  readonly other: Verdict;
  /** Whether both servers sent the same bytes on every connection (dates aside). */
  readonly identical: boolean;
  /** The other server's result (failure and divergence details). */
  readonly otherResult: CaseResult;
}

/** Both runs of a `--compare` and their rows. */
export interface Comparison {
  readonly reference: SuiteResult;
  readonly other: SuiteResult;
  readonly rows: readonly ComparisonRow[];
}

/** Lines up two suite runs case by case. */
export function compareSuites(reference: SuiteResult, other: SuiteResult): Comparison {
  const byId = new Map(reference.results.map((r) => [r.id, r]));
  const rows: ComparisonRow[] = [];
  for (const o of other.results) {
    const r = byId.get(o.id);
    if (r === undefined) continue;
    rows.push({
      id: o.id,
      title: o.title,
      priority: o.priority,
      area: o.area,
      reference: r.verdict,
      other: o.verdict,
      identical: r.transcriptDigest !== '' && r.transcriptDigest === o.transcriptDigest,
      otherResult: o,
    });
  }
  return { reference, other, rows };
}

/** Selects cases whose ID starts with any of the given prefixes (all when none given). */
export function filterCases(cases: readonly Case[], prefixes: readonly string[]): Case[] {
  if (prefixes.length === 0) return [...cases];
  return cases.filter((c) => prefixes.some((p) => c.id.startsWith(p)));
}
