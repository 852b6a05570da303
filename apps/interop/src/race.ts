// The two keep-alive races, as functions shared by the test suites and the CLI.
//
// Proxy race: nginx in front of ka's, Go's and node:http's servers (one nginx, one upstream
// block each, `keepalive 16`, upstream `keepalive_timeout`), bursts of GETs and POSTs with
// pauses around the timeouts, 502s counted per server and method. When the server's idle
// timeout is shorter than nginx's, nginx may send a request on a connection the server is
// closing at that very moment: nginx retries a GET on another connection (a cached
// connection that failed does not use up a try) but answers 502 for a POST, which it may
// not send twice.
//
// Client race: clients pause between GETs for about the server's idle timeout, each lane
// on its own keep-alive connection. ka's Transport retries a GET whose reused connection
// failed before any response byte (Go's rule); Node's http.Agent reports the error.

import * as http from 'node:http';
import { Client as KaClient, Transport, withClientTrace } from '@ka/client';
import { newRequest } from '@ka/http';
import { Agent as UndiciAgent, Client as UndiciClient, request as undiciRequest } from 'undici';
import {
  buildGoClient,
  type GoClientResult,
  goDuration,
  type Peer,
  Routes,
  runGoClient,
  startGoServer,
  startKaServer,
  startNginx,
  startNodeServer,
  startServerProcess,
} from './peers.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A small deterministic PRNG (mulberry32), so runs are reproducible in shape. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------
// proxy race

/** Options for {@link proxyRace}; durations in ms. */
export interface ProxyRaceOptions {
  /** The servers' idle timeout (ka `idleTimeout`, Go `IdleTimeout`, node `keepAliveTimeout`). */
  serverIdle: number;
  /** nginx's upstream `keepalive_timeout`. */
  nginxIdle: number;
  /** How long the load runs. */
  duration: number;
  /** Concurrent requests per burst and server (half GET, half POST). */
  burst: number;
  /** Pauses: each is one of these centres, ± `jitter`, cycling through them. */
  pauses: number[];
  jitter: number;
  /** Which servers (default all three). */
  servers?: ServerKind[];
  /** Run ka's and node:http's servers in the driver's process (default: their own). */
  inProcess?: boolean;
}

/** The servers the proxy race puts behind nginx. */
export type ServerKind = 'ka' | 'go' | 'node';

/** One server's figures behind nginx. */
export interface ProxyRaceRow {
  server: string;
  gets: number;
  posts: number;
  get502: number;
  post502: number;
  /** Any other failure: a status other than 200/502, a wrong body, a client error. */
  other: number;
  firstOther?: string;
  /** Connections the server accepted (nginx's upstream connections). */
  serverConns: number;
  /**
   * Failed upstream exchanges in nginx's error log (`upstream prematurely closed connection`,
   * `recv() failed (104: Connection reset by peer)`, …): the POSTs that became 502s and the
   * GETs nginx retried on another connection.
   */
  upstreamErrors: number;
}

/**
 * Starts a server with idle timeout `idle` (ms). ka's and node:http's run in their own
 * process (dist/serve.js) unless `inProcess`: Go's always does.
 */
export async function startServer(
  kind: ServerKind,
  idle: number,
  inProcess = false,
): Promise<Peer> {
  switch (kind) {
    case 'ka':
      return inProcess
        ? startKaServer({ idleTimeout: idle })
        : startServerProcess('ka', { idleTimeout: idle });
    case 'go':
      return startGoServer({ idleTimeout: idle });
    case 'node':
      return inProcess
        ? startNodeServer({ keepAliveTimeout: idle, keepAliveTimeoutBuffer: 0 })
        : startServerProcess('node', { idleTimeout: idle });
  }
}

/**
 * Runs the proxy race: one nginx, one site per server, the same burst schedule against each
 * site at the same time.
 */
export async function proxyRace(o: ProxyRaceOptions): Promise<ProxyRaceRow[]> {
  const kinds = o.servers ?? ['ka', 'go', 'node'];
  const peers: Peer[] = [];
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  const dispatcher = new UndiciAgent({ keepAliveTimeout: 60_000, connections: o.burst * 2 });
  try {
    for (const k of kinds) peers.push(await startServer(k, o.serverIdle, o.inProcess));
    nginx = await startNginx(
      kinds.map((k, i) => ({
        name: k,
        location: `proxy_pass http://up_${k};`,
        upstream: { addr: peers[i]!.addr, keepalive: 16, keepaliveTimeout: o.nginxIdle },
      })),
    );
    const urls = nginx.urls;
    const end = Date.now() + o.duration;
    const rows = await Promise.all(
      kinds.map((k, i) => burstLoop(urls[k]!, peers[i]!, o, end, dispatcher, i + 1)),
    );
    const log = (await nginx.errorLog()).split('\n');
    rows.forEach((row, i) => {
      const tag = `upstream: "http://${peers[i]!.addr}/`;
      row.upstreamErrors = log.filter((l) => l.includes(tag)).length;
    });
    return rows;
  } finally {
    await dispatcher.close();
    await nginx?.close();
    for (const p of peers) await p.close();
  }
}

async function burstLoop(
  base: string,
  peer: Peer,
  o: ProxyRaceOptions,
  end: number,
  dispatcher: UndiciAgent,
  seed: number,
): Promise<ProxyRaceRow> {
  const row: ProxyRaceRow = {
    server: peer.name,
    gets: 0,
    posts: 0,
    get502: 0,
    post502: 0,
    other: 0,
    serverConns: 0,
    upstreamErrors: 0,
  };
  const rand = rng(seed);
  const other = (what: string) => {
    row.other++;
    row.firstOther ??= what;
  };
  const one = async (post: boolean, n: number) => {
    const body = post ? `post ${n} via nginx\n` : undefined;
    if (post) row.posts++;
    else row.gets++;
    try {
      const res = await undiciRequest(`${base}${post ? Routes.echo : Routes.hello}`, {
        method: post ? 'POST' : 'GET',
        dispatcher,
        ...(body !== undefined ? { body } : {}),
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      const text = await res.body.text();
      if (res.statusCode === 502) {
        if (post) row.post502++;
        else row.get502++;
      } else if (res.statusCode !== 200) other(`${res.statusCode} ${text.slice(0, 80)}`);
      else if (text !== (body ?? 'hello\n')) other(`body ${JSON.stringify(text.slice(0, 80))}`);
    } catch (err) {
      other(String(err));
    }
  };
  let n = 0;
  for (let i = 0; Date.now() < end; i++) {
    const burst: Promise<void>[] = [];
    for (let j = 0; j < o.burst; j++) burst.push(one(j % 2 === 1, n++));
    await Promise.all(burst);
    const centre = o.pauses[i % o.pauses.length]!;
    const p = centre + (rand() * 2 - 1) * o.jitter;
    if (Date.now() + p >= end) break;
    await sleep(p);
  }
  row.serverConns = peer.newConns();
  return row;
}

// ---------------------------------------------------------------------------------------
// client race

/** Options for {@link clientRace}; durations in ms. */
export interface ClientRaceOptions {
  /** The server's idle timeout; the clients pause about this long. */
  serverIdle: number;
  duration: number;
  /** Connections (lanes) per client, each paced on its own. */
  lanes: number;
  /** Pause = serverIdle + offset ± jitter. */
  offset: number;
  jitter: number;
  /** The server: Go's std-lib (default), ka's or node:http. */
  server?: ServerKind;
  /** Also run Go's own client (a child process) in the same run (default true). */
  withGo?: boolean;
  /** Run a ka or node:http server in the driver's process (default: its own). */
  inProcess?: boolean;
}

/** One client's figures. */
export interface ClientRaceRow {
  client: string;
  requests: number;
  failures: number;
  /** Connection hand-outs (more than requests when requests were retried), if known. */
  attempts?: number;
  reused: number;
  firstError?: string;
}

interface Lane {
  get(): Promise<{ reused: boolean }>;
  close(): Promise<void>;
}

type LaneFactory = (base: string, counters: { attempts: number }) => Lane;

const kaLane: LaneFactory = (base, counters) => {
  const transport = new Transport({ maxIdleConnsPerHost: 1 });
  const client = new KaClient({ transport, timeout: 10_000 });
  return {
    async get() {
      let reused = false;
      const req = withClientTrace(newRequest('GET', `${base}${Routes.hello}`), {
        gotConn: (info) => {
          counters.attempts++;
          reused = info.reused;
        },
      });
      const resp = await client.do(req);
      const text = await resp.body.text();
      if (resp.statusCode !== 200 || text !== 'hello\n') {
        throw new Error(`${resp.statusCode} ${JSON.stringify(text)}`);
      }
      return { reused };
    },
    close: async () => transport.closeIdleConnections(),
  };
};

const agentLane: LaneFactory = (base) => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    get: () =>
      new Promise((resolve, reject) => {
        const req = http.get(`${base}${Routes.hello}`, { agent, timeout: 10_000 }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('error', reject);
          res.on('end', () => {
            if (res.statusCode !== 200 || text !== 'hello\n') {
              reject(new Error(`${res.statusCode} ${JSON.stringify(text)}`));
            } else resolve({ reused: req.reusedSocket });
          });
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (err) => reject(err));
      }),
    close: async () => agent.destroy(),
  };
};

const undiciLane: LaneFactory = (base) => {
  const client = new UndiciClient(base, { keepAliveTimeout: 60_000 });
  let conns = 0;
  client.on('connect', () => conns++);
  return {
    async get() {
      const before = conns;
      const res = await client.request({
        path: Routes.hello,
        method: 'GET',
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200 || text !== 'hello\n') {
        throw new Error(`${res.statusCode} ${JSON.stringify(text)}`);
      }
      return { reused: conns === before && conns > 0 };
    },
    close: () => client.close(),
  };
};

async function runLanes(
  name: string,
  factory: LaneFactory,
  base: string,
  o: ClientRaceOptions,
  end: number,
  seed: number,
  countAttempts: boolean,
): Promise<ClientRaceRow> {
  const row: ClientRaceRow = { client: name, requests: 0, failures: 0, reused: 0 };
  const counters = { attempts: 0 };
  const lanes = Array.from({ length: o.lanes }, () => factory(base, counters));
  try {
    await Promise.all(
      lanes.map(async (lane, l) => {
        const rand = rng(seed * 1000 + l);
        // spread the lanes over one period so they don't all fire at once
        await sleep(rand() * o.serverIdle);
        while (Date.now() < end) {
          row.requests++;
          try {
            const { reused } = await lane.get();
            if (reused) row.reused++;
          } catch (err) {
            row.failures++;
            row.firstError ??= String((err as Error).message ?? err);
          }
          const p = o.serverIdle + o.offset + (rand() * 2 - 1) * o.jitter;
          if (Date.now() + p >= end) break;
          await sleep(p);
        }
      }),
    );
  } finally {
    for (const lane of lanes) await lane.close();
  }
  if (countAttempts) row.attempts = counters.attempts;
  return row;
}

/**
 * Runs the client race: ka's Transport, Node's http.Agent, undici and (optionally) Go's
 * client, all at once against one server whose idle timeout equals their pause.
 */
export async function clientRace(o: ClientRaceOptions): Promise<ClientRaceRow[]> {
  const server = await startServer(o.server ?? 'go', o.serverIdle, o.inProcess);
  try {
    const end = Date.now() + o.duration;
    const goRun =
      (o.withGo ?? true)
        ? (async (): Promise<ClientRaceRow> => {
            const bin = await buildGoClient();
            const r: GoClientResult = await runGoClient(bin, [
              '-url',
              server.url,
              '-race',
              '-lanes',
              String(o.lanes),
              '-duration',
              goDuration(Math.max(0, end - Date.now())),
              '-pause',
              goDuration(o.serverIdle + o.offset),
              '-jitter',
              `${Math.round(o.jitter * 1000)}us`,
            ]);
            return {
              client: 'go net/http',
              requests: r.requests,
              failures: r.errors,
              attempts: r.attempts,
              reused: r.reused,
              ...(r.firstError !== undefined ? { firstError: r.firstError } : {}),
            };
          })()
        : undefined;
    const rows = await Promise.all([
      runLanes('ka Transport', kaLane, server.url, o, end, 1, true),
      runLanes(`node:http Agent (${process.version})`, agentLane, server.url, o, end, 2, false),
      runLanes('undici Client', undiciLane, server.url, o, end, 3, false),
      ...(goRun ? [goRun] : []),
    ]);
    return rows;
  } finally {
    await server.close();
  }
}

// ---------------------------------------------------------------------------------------
// tables

/** Formats rows as an aligned text table. */
export function table(rows: Record<string, string | number | undefined>[]): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0]!);
  const cell = (v: string | number | undefined) => (v === undefined ? '' : String(v));
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(w[i]!))
      .join('  ')
      .trimEnd();
  return [
    line(cols),
    line(w.map((n) => '-'.repeat(n))),
    ...rows.map((r) => line(cols.map((c) => cell(r[c])))),
  ].join('\n');
}

/** A proxy-race row as a table line (the CLI and the tests print the same columns). */
export function proxyRaceLine(r: ProxyRaceRow): Record<string, string | number | undefined> {
  return {
    server: r.server,
    GETs: r.gets,
    'GET 502': r.get502,
    POSTs: r.posts,
    'POST 502': r.post502,
    other: r.other,
    'upstream conns': r.serverConns,
    'upstream errors': r.upstreamErrors,
    'first other': r.firstOther,
  };
}

/** A client-race row as a table line. */
export function clientRaceLine(r: ClientRaceRow): Record<string, string | number | undefined> {
  return {
    client: r.client,
    GETs: r.requests,
    failed: r.failures,
    attempts: r.attempts,
    reused: r.reused,
    'first error': r.firstError,
  };
}
