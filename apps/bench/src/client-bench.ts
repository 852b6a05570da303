// Client benchmark: 20,000 `GET /hello` against Go's reference server (a separate process),
// sequential on one connection and 50 at a time, for ka's Client, undici's Pool and Node's
// http.Agent({ keepAlive: true }) (plus Node's built-in fetch for the connection count), in
// one run. The server logs every new connection (--conn-state-log), so the table shows how
// many TCP connections each client opened per run.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { Client, Transport } from '@ka/client';
import { buildGoReference } from '@ka/conformance';
import { Pool } from 'undici';
import { median } from './stats.js';

/** One client's figures for one shape of load. */
export interface ClientBenchRow {
  client: string;
  mode: 'sequential' | 'concurrent';
  requests: number;
  seconds: number;
  /** Median over the rounds. */
  rps: number;
  /** Each round's throughput. */
  rpsRounds: number[];
  connections: number;
}

interface GoServer {
  proc: ChildProcess;
  base: string;
  newConns(): number;
}

async function startGo(): Promise<GoServer> {
  const go = await buildGoReference();
  const proc = spawn(go.binary, ['--addr', '127.0.0.1:0', '--conn-state-log'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let news = 0;
  let errBuf = '';
  proc.stderr!.on('data', (d: Buffer) => {
    errBuf += d.toString();
    const lines = errBuf.split('\n');
    errBuf = lines.pop()!;
    for (const l of lines) if (l.endsWith(' new')) news++;
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('go reference: no listening line')), 10_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(`http://${m[1]}`);
      }
    });
  });
  return { proc, base, newConns: () => news };
}

type Fetcher = () => Promise<void>;

async function drive(total: number, concurrency: number, one: Fetcher): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await one();
    }),
  );
  return (performance.now() - t0) / 1000;
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 100)); // let the server log its last connections
}

interface Contender {
  client: string;
  one: Fetcher;
  close(): Promise<void> | void;
  rps: number[];
  conns: number[];
}

function contenders(url: string, base: string, conns: number): Contender[] {
  const transport = new Transport({ maxIdleConnsPerHost: conns, maxConnsPerHost: conns });
  const kaClient = new Client({ transport });
  const pool = new Pool(base, { connections: conns, pipelining: 1 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
  const row = (client: string, one: Fetcher, close: () => Promise<void> | void): Contender => ({
    client,
    one,
    close,
    rps: [],
    conns: [],
  });
  return [
    row(
      'ka Client',
      async () => {
        const resp = await kaClient.get(url);
        await resp.body.bytes();
      },
      () => transport.closeIdleConnections(),
    ),
    row(
      'undici Pool',
      async () => {
        const r = await pool.request({ path: '/hello', method: 'GET' });
        await r.body.arrayBuffer();
      },
      () => pool.close(),
    ),
    row(
      'node http.Agent',
      () =>
        new Promise<void>((resolve, reject) => {
          http
            .get(url, { agent }, (res) => {
              res.resume();
              res.on('end', resolve);
              res.on('error', reject);
            })
            .on('error', reject);
        }),
      () => agent.destroy(),
    ),
    row(
      'node fetch',
      async () => {
        const r = await fetch(url);
        await r.arrayBuffer();
      },
      () => {},
    ),
  ];
}

/**
 * Runs the client benchmark: for each shape of load, every client is warmed up, then the
 * clients take turns for `rounds` measured runs, so that they meet the same spells of machine
 * noise; each row gives the median throughput and the most connections opened in one run.
 */
export async function benchClients(
  total = 20_000,
  concurrency = 50,
  rounds = 3,
): Promise<ClientBenchRow[]> {
  const srv = await startGo();
  const url = `${srv.base}/hello`;
  const rows: ClientBenchRow[] = [];
  try {
    for (const mode of ['sequential', 'concurrent'] as const) {
      const c = mode === 'sequential' ? 1 : concurrency;
      const all = contenders(url, srv.base, c);
      for (const k of all) {
        const before = srv.newConns();
        // Warm-up: enough calls for V8 to finish compiling each client's request path
        // (TurboFan takes a function after about 3,000 calls); what is measured is the
        // steady state.
        await drive(Math.min(5_000, total), c, k.one);
        await settle();
        k.conns.push(srv.newConns() - before);
      }
      for (let r = 0; r < rounds; r++) {
        for (const k of all) {
          const before = srv.newConns();
          const seconds = await drive(total, c, k.one);
          await settle();
          k.rps.push(total / seconds);
          k.conns.push(srv.newConns() - before);
        }
      }
      for (const k of all) {
        await k.close();
        const rps = median(k.rps);
        rows.push({
          client: k.client,
          mode,
          requests: total,
          seconds: total / rps,
          rps,
          rpsRounds: k.rps,
          // The most connections opened in any one run (warm-up or round). A client's idle
          // connections may time out while the others take their turn (undici closes them
          // after 4 s), so each run may open its own; what matters is how many per run.
          connections: Math.max(...k.conns),
        });
      }
    }
  } finally {
    srv.proc.kill('SIGKILL');
  }
  return rows;
}
