// One client of the client benchmark, in a process of its own: `node client-child.js NAME
// BASE CONNS`, driven over IPC by client-bench.ts. Each client gets a fresh Node, as each
// server does, so that no client runs on Node socket and stream code that another library
// has already made polymorphic with its own object shapes (in one shared process the clients
// that ran later paid for the ones before them).
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { Client, Transport } from '@ka/client';
import { Pool } from 'undici';

/** A message from the parent: run `run` requests, or close the client and exit. */
export type ChildCommand = { run: number } | { close: true };
/** The child's answer to a `run`: how long it took, and the CPU time this process spent. */
export interface ChildReply {
  seconds: number;
  /** User + system CPU of the child over the run, µs. */
  cpuMicros: number;
}

type Fetcher = () => Promise<void>;

interface Contender {
  one: Fetcher;
  close(): Promise<void> | void;
}

/** The client names the child knows. */
export const clientNames = ['ka Client', 'undici Pool', 'node http.Agent', 'node fetch'] as const;

function contender(name: string, base: string, conns: number): Contender {
  const url = `${base}/hello`;
  switch (name) {
    case 'ka Client': {
      const transport = new Transport({ maxIdleConnsPerHost: conns, maxConnsPerHost: conns });
      const client = new Client({ transport });
      return {
        one: async () => {
          const resp = await client.get(url);
          await resp.body.bytes();
        },
        close: () => transport.closeIdleConnections(),
      };
    }
    case 'undici Pool': {
      const pool = new Pool(base, { connections: conns, pipelining: 1 });
      return {
        one: async () => {
          const r = await pool.request({ path: '/hello', method: 'GET' });
          await r.body.arrayBuffer();
        },
        close: () => pool.close(),
      };
    }
    case 'node http.Agent': {
      const agent = new http.Agent({ keepAlive: true, maxSockets: conns });
      return {
        one: () =>
          new Promise<void>((resolve, reject) => {
            http
              .get(url, { agent }, (res) => {
                res.resume();
                res.on('end', resolve);
                res.on('error', reject);
              })
              .on('error', reject);
          }),
        close: () => agent.destroy(),
      };
    }
    case 'node fetch':
      return {
        one: async () => {
          const r = await fetch(url);
          await r.arrayBuffer();
        },
        close: () => {},
      };
    default:
      throw new Error(`unknown client ${name}; known: ${clientNames.join(', ')}`);
  }
}

// Runs `total` requests, `concurrency` at a time; returns the time and CPU taken.
async function drive(total: number, concurrency: number, one: Fetcher): Promise<ChildReply> {
  let next = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) await one();
    }),
  );
  const cpu = process.cpuUsage(c0);
  return { seconds: (performance.now() - t0) / 1000, cpuMicros: cpu.user + cpu.system };
}

function main(): void {
  const [name, base, connsArg] = process.argv.slice(2);
  if (name === undefined || base === undefined || process.send === undefined) {
    throw new Error('usage: client-child NAME BASE CONNS (spawned with an IPC channel)');
  }
  const conns = Number(connsArg ?? '1');
  const c = contender(name, base, conns);
  process.on('message', (m: ChildCommand) => {
    if ('run' in m) {
      drive(m.run, conns, c.one).then(
        (reply) => process.send!(reply),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
    } else {
      void Promise.resolve(c.close()).finally(() => process.exit(0));
    }
  });
}

// Run only as the child's entry point, not when client-bench.ts imports the names.
if (process.argv[1] === fileURLToPath(import.meta.url)) main();
