// Client benchmark: 20,000 `GET /hello` against Go's reference server (a separate process),
// sequential on one connection and 50 at a time, for ka's Client, undici's Pool and Node's
// http.Agent({ keepAlive: true }) (plus Node's built-in fetch for the connection count), in
// one run, each client in a process of its own (client-child.ts). The server logs every new
// connection (--conn-state-log), so the table shows how many TCP connections each client
// opened per run.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '@ka/app-kit';
import { buildGoReference } from '@ka/conformance';
import { type ChildCommand, type ChildReply, clientNames } from './client-child.js';
import { rotate } from './stats.js';

const childMain = join(dirname(fileURLToPath(import.meta.url)), 'client-child.js');

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
  /** The client process's CPU per request, µs: median over the rounds. */
  cpuMicrosPerRequest: number;
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

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 100)); // let the server log its last connections
}

interface Contender {
  client: string;
  proc: ChildProcess;
  rps: number[];
  cpu: number[];
  conns: number[];
}

function startChild(client: string, base: string, conns: number): Contender {
  // No execArgv: flags given to the bench (--cpu-prof, …) are not for the clients.
  const proc = fork(childMain, [client, base, String(conns)], { stdio: 'inherit', execArgv: [] });
  return { client, proc, rps: [], cpu: [], conns: [] };
}

// Has the child run `n` requests; resolves with the time and CPU it took.
function runIn(k: Contender, n: number): Promise<ChildReply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${k.client}: exited (${code})`));
    k.proc.once('exit', onExit);
    k.proc.once('message', (m: ChildReply) => {
      k.proc.off('exit', onExit);
      resolve(m);
    });
    k.proc.send({ run: n } satisfies ChildCommand);
  });
}

function stopChild(k: Contender): Promise<void> {
  if (k.proc.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => k.proc.once('exit', () => r()));
  k.proc.send({ close: true } satisfies ChildCommand);
  const timer = setTimeout(() => k.proc.kill('SIGKILL'), 5_000);
  return exited.finally(() => clearTimeout(timer));
}

/**
 * Runs the client benchmark: for each shape of load, every client is warmed up, then the
 * clients take turns for `rounds` measured runs (a different one first each round), so that
 * they meet the same spells of machine noise; each row gives the median throughput and the
 * most connections opened in one run.
 */
export async function benchClients(
  total = 20_000,
  concurrency = 50,
  rounds = 5,
): Promise<ClientBenchRow[]> {
  const srv = await startGo();
  const rows: ClientBenchRow[] = [];
  try {
    for (const mode of ['sequential', 'concurrent'] as const) {
      const c = mode === 'sequential' ? 1 : concurrency;
      const all = clientNames.map((name) => startChild(name, srv.base, c));
      try {
        for (const k of all) {
          const before = srv.newConns();
          // Warm-up: enough calls for V8 to finish compiling each client's request path
          // (TurboFan takes a function after about 3,000 calls); what is measured is the
          // steady state.
          await runIn(k, Math.min(5_000, total));
          await settle();
          k.conns.push(srv.newConns() - before);
        }
        for (let r = 0; r < rounds; r++) {
          // Each round a different client goes first.
          for (const k of rotate(all, r)) {
            const before = srv.newConns();
            const { seconds, cpuMicros } = await runIn(k, total);
            await settle();
            k.rps.push(total / seconds);
            k.cpu.push(cpuMicros / total);
            k.conns.push(srv.newConns() - before);
          }
        }
      } finally {
        for (const k of all) await stopChild(k);
      }
      for (const k of all) {
        const rps = median(k.rps);
        rows.push({
          client: k.client,
          mode,
          requests: total,
          seconds: total / rps,
          rps,
          rpsRounds: k.rps,
          cpuMicrosPerRequest: median(k.cpu),
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
