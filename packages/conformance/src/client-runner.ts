// The client half's runner: for each scenario, start its scripted peers, run the plan with
// Go's client (the oracle), then with ka's, normalize both (ports, connection labels, error
// classes) and compare.

import { runKaDriver } from './client-driver.js';
import {
  type Peer,
  type PeerConn,
  type PeerEntry,
  shortDigest,
  startPeers,
} from './client-peer.js';
import {
  type ClientScenario,
  type ConnState,
  DefaultScenarioTimeoutMs,
  type DriverError,
  type DriverOutcome,
  type DriverRequest,
  type DriverResult,
  type DriverScenario,
  type DriverStep,
  type NormalizedOutcome,
  type PlannedRequest,
  type PortMap,
  resolveRequestURL,
  resolveTemplate,
  scenarioPeers,
} from './client-scenario.js';
import { runGoDriver } from './go-client-driver.js';
import { divergenceFor, type KnownDivergences, type Verdict } from './runner.js';

/** Which client ran a side. */
export type Side = 'go' | 'ka';

/** A verdict of the client half: the server half's, plus `SKIP` (Go too old for the case). */
export type ClientVerdict = Verdict | 'SKIP';

/** The peers' view of one run, connections labeled as in the outcomes. */
export interface PeerView {
  /** Connections accepted (all peers) by the end of the plan. */
  readonly connections: number;
  /** Per connection label: what it carried (`GET /a HTTP/1.1 [none]`, …). */
  readonly conns: Readonly<Record<string, readonly string[]>>;
  /** Per connection label: the request heads received (ports normalized). */
  readonly heads: Readonly<Record<string, readonly string[]>>;
  /** Per checkpoint (and `end`), per connection label: its state. */
  readonly checkpoints: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** One side of a scenario, normalized. */
export interface SideResult {
  readonly side: Side;
  readonly outcomes: readonly NormalizedOutcome[];
  readonly peer: PeerView;
  readonly logs: readonly string[];
  /** Wall time in ms. */
  readonly ms: number;
  /** Set when the side could not run to its end. */
  readonly error?: string;
}

/** The result of one scenario. */
export interface ClientCaseResult {
  readonly id: string;
  readonly title: string;
  readonly priority: ClientScenario['priority'];
  readonly area: string;
  readonly note?: string;
  readonly verdict: ClientVerdict;
  /** Why it did not pass: the differences, or what went wrong. */
  readonly failure?: string;
  /** The accepted-divergence reason when DIVERGENT. */
  readonly divergence?: string;
  readonly ms: number;
  readonly go?: SideResult;
  readonly ka?: SideResult;
}

/** The results of a client suite run. */
export interface ClientSuiteResult {
  readonly results: readonly ClientCaseResult[];
  readonly ms: number;
  readonly goVersion: string;
  readonly startedAt: string;
}

/** Options of {@link runClientSuite}. */
export interface ClientSuiteOptions {
  /** The built Go client driver. */
  readonly goBinary: string;
  /** `go1.26.8`: scenarios with a higher `minGoMinor` are skipped. */
  readonly goVersion: string;
  /** Scenarios run at the same time (default 3). */
  readonly concurrency?: number;
  /** Accepted differences of ka (default none). */
  readonly divergences?: KnownDivergences;
  /** Called as each scenario finishes. */
  readonly onResult?: (r: ClientCaseResult) => void;
}

// ---------------------------------------------------------------------------------------------
// Error classes

/**
 * The class of an error, from what both drivers report: `none`, `canceled`,
 * `too-many-redirects`, `timeout`, `unexpected-eof`, `eof`, `conn-reset`, `broken-pipe`,
 * `refused`, `scheme-mismatch`, `invalid-request`, `malformed-response` (head, framing or
 * content coding the client cannot parse), `other`.
 */
export function errorClass(e: DriverError | undefined): string {
  if (e === undefined) return 'none';
  const f = new Set(e.flags);
  const t = e.text;
  if (f.has('canceled') || /request canceled/.test(t)) return 'canceled';
  if (/stopped after \d+ redirects/.test(t)) return 'too-many-redirects';
  if (e.timeout || f.has('deadline')) return 'timeout';
  if (f.has('unexpected-eof')) return 'unexpected-eof';
  if (f.has('eof')) return 'eof';
  if (f.has('econnreset')) return 'conn-reset';
  if (f.has('epipe')) return 'broken-pipe';
  if (f.has('econnrefused')) return 'refused';
  if (f.has('scheme-mismatch')) return 'scheme-mismatch';
  if (
    /net\/http: invalid (method|header)|unsupported protocol scheme|no Host in request URL|RequestURI can't be set|invalid control character in URL|net\/http: nil Request/.test(
      t,
    )
  )
    return 'invalid-request';
  if (
    /malformed HTTP|malformed MIME|server response headers exceeded|too many 1xx|bad Content-Length|multiple Content-Length|chunk length|malformed chunked|invalid Trailer|unsupported transfer encoding|gzip: |flate: |message too large/i.test(
      t,
    )
  )
    return 'malformed-response';
  return 'other';
}

/**
 * Replaces the ports of this run's peers by `{{name:port}}`, other 127.0.0.1 ports (the
 * client's) by `<port>`, and a RoundTripper's type name by `<type>`.
 */
export function normalizeText(s: string, ports: PortMap): string {
  let out = s;
  for (const [name, port] of Object.entries(ports)) {
    out = out.replace(new RegExp(`:${port}(?!\\d)`, 'g'), `:{{${name}:port}}`);
  }
  out = out.replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>');
  out = out.replace(
    /RoundTripper implementation \([^)]*\)/g,
    'RoundTripper implementation (<type>)',
  );
  return out;
}

function formatError(
  e: DriverError | undefined,
  ports: PortMap,
  withText: boolean,
): string | undefined {
  if (e === undefined) return undefined;
  const cls = errorClass(e);
  const timeout = e.timeout ? ' [timeout]' : '';
  return withText ? `${cls}: ${normalizeText(e.text, ports)}${timeout}` : `${cls}${timeout}`;
}

function connKind(c: { reused: boolean; wasIdle: boolean }): string {
  if (c.reused) return c.wasIdle ? 'idle' : 'handoff';
  return c.wasIdle ? 'fresh-idle' : 'new';
}

function labelName(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `C${i}`;
}

function bodyText(b: { len: number; sha256: string; text?: string }): string {
  if (b.len === 0) return '0 bytes';
  return b.text !== undefined
    ? `${b.len} bytes ${JSON.stringify(b.text)}`
    : `${b.len} bytes sha256:${b.sha256.slice(0, 16)}`;
}

function bufText(b: Buffer): string {
  if (b.length === 0) return '';
  const s = b.toString('utf8');
  return b.length <= 64 && !s.includes('\ufffd') ? JSON.stringify(s) : `sha256:${shortDigest(b)}`;
}

function entryLine(e: PeerEntry, ports: PortMap): string {
  const late = 'late' in e && e.late === true ? ' (late)' : '';
  switch (e.kind) {
    case 'request': {
      const r = e.request;
      const body = r.body.length > 0 ? ` body ${r.body.length} ${bufText(r.body)}` : '';
      return `${r.method} ${normalizeText(r.target, ports)} ${r.proto} [${r.framing}]${body}${late}`;
    }
    case 'head': {
      const r = e.request;
      return `head ${r.method} ${normalizeText(r.target, ports)} ${r.proto} [${r.framing}]${late}`;
    }
    case 'body':
      return `body ${e.body.length} ${bufText(e.body)}${late}`;
    case 'bytes':
      return `bytes${late}`;
    case 'quiet':
      return e.result;
  }
}

interface RawSide {
  result: DriverResult;
  /** Peer connections with the number of entries they had at the end of the plan. */
  conns: { key: string; conn: PeerConn; entries: number }[];
  snapshots: Record<string, Record<string, ConnState>>;
  ports: PortMap;
}

/** Turns a driver's result and the peers' records into what is compared. */
export function normalizeSide(s: ClientScenario, side: Side, raw: RawSide, ms: number): SideResult {
  const cmp = s.compare ?? {};
  const mode = cmp.conns ?? 'exact';
  const withText = cmp.errText ?? true;
  const ports = raw.ports;
  const byPort = new Map<number, string>();
  for (const c of raw.conns) byPort.set(c.conn.remotePort, c.key);
  const labels = new Map<string, string>();
  const label = (key: string | undefined) => {
    if (key === undefined) return '?';
    let l = labels.get(key);
    if (l === undefined) {
      l = labelName(labels.size);
      labels.set(key, l);
    }
    return l;
  };
  const outcomes: NormalizedOutcome[] = raw.result.outcomes.map((o: DriverOutcome) => {
    const conns = o.conns
      .map((c) => `${mode === 'exact' ? label(byPort.get(c.port)) : '*'}:${connKind(c)}`)
      .join(' ');
    const n: Record<string, unknown> = {
      name: o.name,
      status: o.status,
      proto: o.proto,
      headers: o.headers?.map((h) => normalizeText(h, ports)),
      contentLength: o.contentLength,
      close: o.close,
      uncompressed: o.uncompressed,
      body: o.body !== undefined ? bodyText(o.body) : undefined,
      err: formatError(o.err, ports, withText),
      bodyErr: formatError(o.bodyErr, ports, withText),
      readAfterClose: formatError(o.readAfterClose, ports, true),
      conns,
      putIdle: o.putIdle.length > 0 ? o.putIdle : undefined,
      got1xx: o.got1xx?.length ? o.got1xx : undefined,
      trailerBefore: o.trailerBefore?.length ? o.trailerBefore : undefined,
      trailer: o.trailer?.length ? o.trailer : undefined,
      reqBodyCloses: o.reqBodyCloses,
      events: o.events?.length ? o.events : undefined,
    };
    for (const k of Object.keys(n)) if (n[k] === undefined) delete n[k];
    return n as unknown as NormalizedOutcome;
  });
  // connections no request reported (extra dials), in accept order
  for (const c of raw.conns) label(c.key);

  const conns: Record<string, string[]> = {};
  const heads: Record<string, string[]> = {};
  for (const c of raw.conns) {
    const l = mode === 'exact' ? label(c.key) : `#${raw.conns.indexOf(c) + 1}`;
    const entries = c.conn.entries.slice(0, c.entries);
    conns[l] = entries.map((e) => entryLine(e, ports));
    heads[l] = entries
      .filter((e) => e.kind === 'request' || e.kind === 'head')
      .map((e) => normalizeText((e as { request: { head: string } }).request.head, ports));
  }
  const checkpoints: Record<string, Record<string, string>> = {};
  for (const [name, snap] of Object.entries(raw.snapshots)) {
    const view: Record<string, string> = {};
    if (mode === 'exact') {
      for (const [key, state] of Object.entries(snap)) view[label(key)] = state;
    } else {
      for (const state of Object.values(snap)) view[state] = String(Number(view[state] ?? 0) + 1);
    }
    checkpoints[name] = sortKeys(view);
  }
  let peer: PeerView = {
    connections: raw.conns.length,
    conns: sortKeys(conns),
    heads: sortKeys(heads),
    checkpoints,
  };
  if (mode !== 'exact') {
    // without identities, compare what the connections carried as a multiset
    const multiset = (m: Readonly<Record<string, readonly string[]>>) =>
      Object.fromEntries(
        Object.values(m)
          .map((l) => JSON.stringify(l))
          .sort()
          .map((l, i) => [`#${i + 1}`, JSON.parse(l) as string[]]),
      );
    peer = { ...peer, conns: multiset(peer.conns), heads: multiset(peer.heads) };
  }
  return {
    side,
    outcomes,
    peer,
    logs: raw.result.logs.map((l) => normalizeText(l, ports)),
    ms,
  };
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// ---------------------------------------------------------------------------------------------
// Running one side

function resolveRequest(r: PlannedRequest, ports: PortMap): DriverRequest {
  const out: Record<string, unknown> = { ...r, url: resolveRequestURL(r.url, ports) };
  if (r.headers !== undefined)
    out.headers = r.headers.map(([k, v]) => [k, resolveTemplate(v, ports)]);
  if (r.host !== undefined) out.host = resolveTemplate(r.host, ports);
  return out as unknown as DriverRequest;
}

/** The plan with URLs (and header values, Host) resolved for this run's ports. */
export function driverScenario(s: ClientScenario, ports: PortMap): DriverScenario {
  const steps: DriverStep[] = s.plan.map((st) => {
    if ('request' in st) return { request: resolveRequest(st.request, ports) };
    if ('parallel' in st) return { parallel: st.parallel.map((r) => resolveRequest(r, ports)) };
    return st;
  });
  return { transport: s.transport ?? {}, client: s.client ?? {}, steps };
}

function snapshot(peers: readonly Peer[]): Record<string, ConnState> {
  const out: Record<string, ConnState> = {};
  for (const p of peers) for (const c of p.snapshot()) out[`${c.peer}#${c.index}`] = c.state;
  return out;
}

/**
 * The connections' states once they stopped changing: a client closes a connection it gave
 * up on in the background (Go's readLoop), so the end of the plan may come a little before.
 * Waits until nothing changed for 40 ms, at most 400 ms.
 */
async function settledSnapshot(peers: readonly Peer[]): Promise<Record<string, ConnState>> {
  let last = JSON.stringify(snapshot(peers));
  let stableSince = performance.now();
  const deadline = stableSince + 400;
  while (performance.now() < deadline && performance.now() - stableSince < 40) {
    await new Promise<void>((r) => setTimeout(r, 10));
    const now = JSON.stringify(snapshot(peers));
    if (now !== last) {
      last = now;
      stableSince = performance.now();
    }
  }
  return snapshot(peers);
}

/** Runs one side of a scenario against fresh peers. */
export async function runSide(
  s: ClientScenario,
  side: Side,
  goBinary: string | undefined,
): Promise<SideResult> {
  const t0 = performance.now();
  const peers = await startPeers(scenarioPeers(s));
  const ports: Record<string, number> = {};
  for (const p of peers) ports[p.name] = p.port;
  const snapshots: Record<string, Record<string, ConnState>> = {};
  const hooks = {
    checkpoint: async (name: string) => {
      snapshots[name] = snapshot(peers);
    },
  };
  const timeoutMs = s.timeout ?? DefaultScenarioTimeoutMs;
  const sc = driverScenario(s, ports);
  const empty = (error: string): SideResult => ({
    side,
    outcomes: [],
    peer: { connections: 0, conns: {}, heads: {}, checkpoints: {} },
    logs: [],
    ms: Math.round(performance.now() - t0),
    error,
  });
  try {
    let run: { result: DriverResult; finish(): Promise<void> };
    if (side === 'go') {
      if (goBinary === undefined) return empty('no Go driver');
      run = await runGoDriver(goBinary, sc, hooks, timeoutMs);
    } else {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the ka driver did not finish within ${timeoutMs} ms`)),
          timeoutMs,
        );
      });
      try {
        run = await Promise.race([runKaDriver(sc, hooks), timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
    snapshots.end = await settledSnapshot(peers);
    const conns = peers.flatMap((p) =>
      p.conns.map((conn) => ({
        key: `${p.name}#${conn.index}`,
        conn,
        entries: conn.entries.length,
      })),
    );
    await run.finish();
    return normalizeSide(
      s,
      side,
      { result: run.result, conns, snapshots, ports },
      Math.round(performance.now() - t0),
    );
  } catch (e) {
    return empty((e as Error).message);
  } finally {
    await Promise.all(peers.map((p) => p.close()));
  }
}

// ---------------------------------------------------------------------------------------------
// Comparing

const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

function parallelGroups(s: ClientScenario): number[][] {
  const groups: number[][] = [];
  let i = 0;
  for (const st of s.plan) {
    if ('request' in st) i++;
    else if ('parallel' in st) {
      groups.push(st.parallel.map((_, k) => i + k));
      i += st.parallel.length;
    }
  }
  return groups;
}

function comparable(
  s: ClientScenario,
  outcomes: readonly NormalizedOutcome[],
): Record<string, unknown>[] {
  const ignore = new Set<string>(s.compare?.ignore ?? []);
  const list = outcomes.map((o) => {
    const c: Record<string, unknown> = { ...o };
    for (const k of ignore) delete c[k];
    return c;
  });
  if ((s.compare?.conns ?? 'exact') === 'exact') return list;
  // Parallel groups: which request got which connection (and so which one's connection
  // was pooled) is a race, so each field is compared as a multiset over the group.
  for (const g of parallelGroups(s)) {
    const members = g.map((i) => list[i]).filter((x) => x !== undefined);
    const keys = new Set(members.flatMap((m) => Object.keys(m)));
    keys.delete('name');
    for (const key of keys) {
      const values = members.map((m) => JSON.stringify(m[key] ?? null)).sort();
      members.forEach((m, k) => {
        const v = JSON.parse(values[k]!) as unknown;
        if (v === null) delete m[key];
        else m[key] = v;
      });
    }
  }
  return list;
}

/** The differences between the Go and the ka side (empty: they agree). */
export function compareSides(s: ClientScenario, go: SideResult, ka: SideResult): string[] {
  const diffs: string[] = [];
  const g = comparable(s, go.outcomes);
  const k = comparable(s, ka.outcomes);
  const n = Math.max(g.length, k.length);
  for (let i = 0; i < n; i++) {
    const a = g[i];
    const b = k[i];
    const name = String(a?.name ?? b?.name ?? i);
    if (a === undefined || b === undefined) {
      diffs.push(`${name}: ${a === undefined ? 'no Go outcome' : 'no ka outcome'}`);
      continue;
    }
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
        diffs.push(`${name}.${key}: Go ${show(a[key])}, ka ${show(b[key])}`);
      }
    }
  }
  if (s.compare?.peer ?? true) {
    if (go.peer.connections !== ka.peer.connections) {
      diffs.push(`peer connections: Go ${go.peer.connections}, ka ${ka.peer.connections}`);
    }
    for (const l of new Set([...Object.keys(go.peer.conns), ...Object.keys(ka.peer.conns)])) {
      const a = go.peer.conns[l];
      const b = ka.peer.conns[l];
      if (JSON.stringify(a) !== JSON.stringify(b))
        diffs.push(`peer conn ${l}: Go ${show(a)}, ka ${show(b)}`);
    }
    for (const c of new Set([
      ...Object.keys(go.peer.checkpoints),
      ...Object.keys(ka.peer.checkpoints),
    ])) {
      const a = go.peer.checkpoints[c];
      const b = ka.peer.checkpoints[c];
      if (JSON.stringify(a) !== JSON.stringify(b))
        diffs.push(`checkpoint ${c}: Go ${show(a)}, ka ${show(b)}`);
    }
  }
  if (s.compare?.heads === true) {
    for (const l of new Set([...Object.keys(go.peer.heads), ...Object.keys(ka.peer.heads)])) {
      const a = go.peer.heads[l] ?? [];
      const b = ka.peer.heads[l] ?? [];
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (a[i] !== b[i])
          diffs.push(`request head ${l}#${i + 1}:\n  Go ${show(a[i])}\n  ka ${show(b[i])}`);
      }
    }
  }
  if ((s.compare?.logs ?? true) && JSON.stringify(go.logs) !== JSON.stringify(ka.logs)) {
    diffs.push(`logs: Go ${show(go.logs)}, ka ${show(ka.logs)}`);
  }
  return diffs;
}

/** Checks the scenario's expectations against a side; returns what does not hold. */
export function checkExpectations(s: ClientScenario, r: SideResult): string[] {
  const e = s.expect;
  if (e === undefined) return [];
  const out: string[] = [];
  if (e.connections !== undefined && r.peer.connections !== e.connections) {
    out.push(`expected ${e.connections} connections, got ${r.peer.connections}`);
  }
  const matchErr = (want: string, got: string | undefined) => {
    if (want === 'none') return got === undefined;
    if (got === undefined) return false;
    const cls = got.split(/[:[ ]/)[0];
    return want === cls || got.includes(want);
  };
  for (const [name, want] of Object.entries(e.requests ?? {})) {
    const o = r.outcomes.find((x) => x.name === name);
    if (o === undefined) {
      out.push(`${name}: no outcome`);
      continue;
    }
    if (want.status !== undefined && o.status !== want.status)
      out.push(`${name}: expected status ${want.status}, got ${o.status}`);
    if (want.err !== undefined && !matchErr(want.err, o.err))
      out.push(`${name}: expected error ${want.err}, got ${show(o.err)}`);
    if (want.bodyErr !== undefined && !matchErr(want.bodyErr, o.bodyErr))
      out.push(`${name}: expected body error ${want.bodyErr}, got ${show(o.bodyErr)}`);
    if (want.conns !== undefined && o.conns !== want.conns)
      out.push(`${name}: expected connections ${show(want.conns)}, got ${show(o.conns)}`);
    const wantBody =
      want.body === undefined
        ? undefined
        : want.body === ''
          ? '0 bytes'
          : `${Buffer.byteLength(want.body)} bytes ${JSON.stringify(want.body)}`;
    if (wantBody !== undefined && o.body !== wantBody)
      out.push(`${name}: expected body ${show(want.body)}, got ${show(o.body)}`);
  }
  for (const [cp, states] of Object.entries(e.checkpoints ?? {})) {
    const got = r.peer.checkpoints[cp] ?? {};
    for (const [l, st] of Object.entries(states)) {
      if (got[l] !== st) out.push(`checkpoint ${cp}: expected ${l} ${st}, got ${show(got[l])}`);
    }
  }
  for (const [l, lines] of Object.entries(e.transcripts ?? {})) {
    const got = r.peer.conns[l];
    if (JSON.stringify(got) !== JSON.stringify(lines))
      out.push(`connection ${l}: expected ${show(lines)}, got ${show(got)}`);
  }
  for (const sub of e.logs ?? []) {
    if (!r.logs.some((l) => l.includes(sub))) out.push(`expected a log line with ${show(sub)}`);
  }
  return out;
}

function goMinor(goVersion: string): number | undefined {
  const m = /^go1\.(\d+)/.exec(goVersion);
  return m === null ? undefined : Number(m[1]);
}

/** Runs one scenario: Go first, then ka; compares. */
export async function runClientCase(
  s: ClientScenario,
  opts: Pick<ClientSuiteOptions, 'goBinary' | 'goVersion' | 'divergences'>,
): Promise<ClientCaseResult> {
  const t0 = performance.now();
  const base = {
    id: s.id,
    title: s.title,
    priority: s.priority,
    area: s.area,
    ...(s.note !== undefined ? { note: s.note } : {}),
  };
  const ms = () => Math.round(performance.now() - t0);
  const minor = goMinor(opts.goVersion);
  if (s.minGoMinor !== undefined && minor !== undefined && minor < s.minGoMinor) {
    return {
      ...base,
      verdict: 'SKIP',
      failure: `needs Go ≥ 1.${s.minGoMinor} (running ${opts.goVersion})`,
      ms: 0,
    };
  }
  const go = await runSide(s, 'go', opts.goBinary);
  if (go.error !== undefined) {
    return { ...base, verdict: 'ERROR', failure: `Go side: ${go.error}`, ms: ms(), go };
  }
  const broken = checkExpectations(s, go);
  if (broken.length > 0) {
    return {
      ...base,
      verdict: 'ERROR',
      failure: `the scenario does not show its behavior against Go:\n${broken.join('\n')}`,
      ms: ms(),
      go,
    };
  }
  const ka = await runSide(s, 'ka', undefined);
  const diffs = ka.error !== undefined ? [`ka side: ${ka.error}`] : compareSides(s, go, ka);
  if (diffs.length === 0) return { ...base, verdict: 'PASS', ms: ms(), go, ka };
  const divergence = divergenceFor(s.id, opts.divergences);
  return {
    ...base,
    verdict: divergence !== undefined ? 'DIVERGENT' : 'FAIL',
    failure: diffs.join('\n'),
    ...(divergence !== undefined ? { divergence } : {}),
    ms: ms(),
    go,
    ka,
  };
}

/** Runs scenarios, `concurrency` at a time; results in the given order. */
export async function runClientSuite(
  scenarios: readonly ClientScenario[],
  opts: ClientSuiteOptions,
): Promise<ClientSuiteResult> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const results: ClientCaseResult[] = new Array(scenarios.length);
  let next = 0;
  const worker = async () => {
    while (next < scenarios.length) {
      const i = next++;
      const r = await runClientCase(scenarios[i]!, opts);
      results[i] = r;
      opts.onResult?.(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 3) }, worker));
  return { results, ms: Math.round(performance.now() - t0), goVersion: opts.goVersion, startedAt };
}

/** Scenarios whose ID starts with one of the prefixes (all when none). */
export function filterScenarios(
  scenarios: readonly ClientScenario[],
  prefixes: readonly string[],
): ClientScenario[] {
  if (prefixes.length === 0) return scenarios.slice();
  return scenarios.filter((s) => prefixes.some((p) => s.id.startsWith(p)));
}

/** One console line per scenario, with the differences indented when it did not pass. */
export function formatClientResult(r: ClientCaseResult): string {
  const head = `${r.verdict.padEnd(9)} ${r.id.padEnd(8)} ${r.title} (${r.ms} ms)`;
  if (r.verdict === 'PASS') return head;
  const lines = [head];
  if (r.divergence !== undefined) lines.push(`      accepted divergence: ${r.divergence}`);
  if (r.failure !== undefined) lines.push(...r.failure.split('\n').map((l) => `      ${l}`));
  return lines.join('\n');
}

/** The summary line of a client suite run. */
export function formatClientSummary(s: ClientSuiteResult): string {
  const c: Record<ClientVerdict, number> = { PASS: 0, FAIL: 0, DIVERGENT: 0, ERROR: 0, SKIP: 0 };
  for (const r of s.results) c[r.verdict]++;
  return `${s.results.length} client scenarios: ${c.PASS} pass, ${c.FAIL} fail, ${c.DIVERGENT} divergent, ${c.ERROR} error, ${c.SKIP} skipped in ${(s.ms / 1000).toFixed(1)} s (Go ${s.goVersion})`;
}

/** Whether a client run is a success: no FAIL, no ERROR. */
export function clientSuiteOk(s: ClientSuiteResult): boolean {
  return s.results.every((r) => r.verdict !== 'FAIL' && r.verdict !== 'ERROR');
}

/** A Markdown report of a client run: summary, then one row per scenario, then the failures. */
export function markdownClientReport(s: ClientSuiteResult): string {
  const out = [
    '# ka client conformance',
    '',
    formatClientSummary(s),
    '',
    '| scenario | priority | verdict | title |',
    '| --- | --- | --- | --- |',
  ];
  for (const r of s.results)
    out.push(`| ${r.id} | ${r.priority} | ${r.verdict} | ${r.title.replace(/\|/g, '\\|')} |`);
  const bad = s.results.filter((r) => r.verdict !== 'PASS' && r.verdict !== 'SKIP');
  if (bad.length > 0) {
    out.push('', '## Differences', '');
    for (const r of bad) {
      out.push(`### ${r.id} — ${r.verdict}`, '', '```', r.failure ?? '', '```', '');
    }
  }
  return `${out.join('\n')}\n`;
}
