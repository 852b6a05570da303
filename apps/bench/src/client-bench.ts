// Client benchmark: 20,000 `GET /hello` against Go's reference server (a separate process),
// sequential on one connection and 50 at a time, for ka's Client, undici's Pool and Node's
// http.Agent({ keepAlive: true }) (plus Node's built-in fetch for the connection count), in
// one run. The server logs every new connection (--conn-state-log), so the table shows how
// many TCP connections each client opened.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { Client, Transport } from '@ka/client';
import { buildGoReference } from '@ka/conformance';
import { Pool } from 'undici';

/** One client's figures for one shape of load. */
export interface ClientBenchRow {
  client: string;
  mode: 'sequential' | 'concurrent';
  requests: number;
  seconds: number;
  rps: number;
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

/** Runs the client benchmark. */
export async function benchClients(total = 20_000, concurrency = 50): Promise<ClientBenchRow[]> {
  const srv = await startGo();
  const url = `${srv.base}/hello`;
  const rows: ClientBenchRow[] = [];
  const measure = async (client: string, mode: ClientBenchRow['mode'], one: Fetcher) => {
    const c = mode === 'sequential' ? 1 : concurrency;
    const before = srv.newConns(); // connections opened by the warm-up count too
    await drive(Math.min(500, total), c, one);
    const seconds = await drive(total, c, one);
    await settle();
    rows.push({
      client,
      mode,
      requests: total,
      seconds,
      rps: total / seconds,
      connections: srv.newConns() - before,
    });
  };
  try {
    for (const mode of ['sequential', 'concurrent'] as const) {
      const conns = mode === 'sequential' ? 1 : concurrency;

      const transport = new Transport({ maxIdleConnsPerHost: conns, maxConnsPerHost: conns });
      const kaClient = new Client({ transport });
      await measure('ka Client', mode, async () => {
        const resp = await kaClient.get(url);
        await resp.body.bytes();
      });
      transport.closeIdleConnections();

      const pool = new Pool(srv.base, { connections: conns, pipelining: 1 });
      await measure('undici Pool', mode, async () => {
        const r = await pool.request({ path: '/hello', method: 'GET' });
        await r.body.arrayBuffer();
      });
      await pool.close();

      const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
      await measure(
        'node http.Agent',
        mode,
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
      );
      agent.destroy();

      await measure('node fetch', mode, async () => {
        const r = await fetch(url);
        await r.arrayBuffer();
      });
    }
  } finally {
    srv.proc.kill('SIGKILL');
  }
  return rows;
}
