#!/usr/bin/env node
// The long mode of apps/interop, run by hand:
//
//   node apps/interop/dist/main.js race  [--duration 60s] [--server-idle 1s] [--nginx-idle 3s]
//   node apps/interop/dist/main.js proxy-race  [same options] [--burst 8] [--jitter 3ms]
//        [--offset 0ms] [--only production|inverted]   (pauses: the timeout + offset ± jitter)
//   node apps/interop/dist/main.js client-race [--duration 60s] [--server-idle 1s]
//        [--lanes 16] [--jitter 3ms] [--offset 0ms] [--server go|ka|node]
//   node apps/interop/dist/main.js load [--duration 10s] [--connections 16]
//
// `race` runs both races (the proxy race twice: production-style and inverted timeouts);
// `load` drives ka's server with wrk, ab -k and h2load --h1. Each prints a table.
import { parseArgs } from 'node:util';
import { killAllPeers } from './peers.js';
import { clientRace, clientRaceLine, proxyRace, proxyRaceLine, table } from './race.js';
import { runLoad } from './tools.js';

function ms(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (m === null) throw new Error(`not a duration: ${text}`);
  const n = Number(m[1]);
  return m[2] === 'm' ? n * 60_000 : m[2] === 's' || m[2] === undefined ? n * 1000 : n;
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    duration: { type: 'string', default: '60s' },
    'server-idle': { type: 'string', default: '1s' },
    'nginx-idle': { type: 'string', default: '3s' },
    burst: { type: 'string', default: '8' },
    jitter: { type: 'string', default: '3ms' },
    offset: { type: 'string', default: '0ms' },
    only: { type: 'string' },
    lanes: { type: 'string', default: '16' },
    server: { type: 'string', default: 'go' },
    connections: { type: 'string', default: '16' },
  },
});

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAllPeers();
    process.exit(130);
  });
}

const cmd = positionals[0] ?? 'race';
const duration = ms(values.duration);
const serverIdle = ms(values['server-idle']);
const nginxIdle = ms(values['nginx-idle']);
const burst = Number(values.burst);
const jitter = ms(values.jitter);

async function runProxyRace(): Promise<void> {
  const offset = ms(values.offset);
  const only = values.only;
  // production-style: the server keeps idle connections longer than nginx does
  const good = { serverIdle: nginxIdle, nginxIdle: serverIdle };
  if (only !== 'inverted') {
    const p1 = good.nginxIdle + offset;
    const p2 = good.serverIdle + offset;
    console.log(
      `\nproxy race, production-style: server idle ${good.serverIdle} ms > nginx upstream keepalive_timeout ${good.nginxIdle} ms; ` +
        `bursts of ${burst} (half GET, half POST) with pauses ≈ ${p1} / ${p2} ms ± ${jitter} ms, ${duration / 1000} s`,
    );
    const g = await proxyRace({
      ...good,
      duration,
      burst,
      pauses: [p1, p1, p1, p2],
      jitter,
    });
    console.log(table(g.map(proxyRaceLine)));
  }
  if (only === 'production') return;
  console.log(
    `\nproxy race, inverted: server idle ${serverIdle} ms < nginx upstream keepalive_timeout ${nginxIdle} ms; ` +
      `bursts of ${burst}, pauses ≈ ${serverIdle + offset} ms ± ${jitter} ms, ${duration / 1000} s`,
  );
  const b = await proxyRace({
    serverIdle,
    nginxIdle,
    duration,
    burst,
    pauses: [serverIdle + offset],
    jitter,
  });
  console.log(table(b.map(proxyRaceLine)));
}

async function runClientRace(): Promise<void> {
  const lanes = Number(values.lanes);
  const offset = ms(values.offset);
  const server = values.server as 'go' | 'ka' | 'node';
  console.log(
    `\nclient race: ${server} server, idle timeout ${serverIdle} ms; ${lanes} lanes per client, ` +
      `GET, pause ${serverIdle + offset} ms ± ${jitter} ms, ${duration / 1000} s`,
  );
  const rows = await clientRace({ serverIdle, duration, lanes, offset, jitter, server });
  console.log(table(rows.map(clientRaceLine)));
}

switch (cmd) {
  case 'race':
    await runProxyRace();
    await runClientRace();
    break;
  case 'proxy-race':
    await runProxyRace();
    break;
  case 'client-race':
    await runClientRace();
    break;
  case 'load': {
    const rows = await runLoad({ duration, connections: Number(values.connections) });
    console.log(table(rows as unknown as Record<string, string | number | undefined>[]));
    break;
  }
  default:
    console.error(`unknown command ${cmd}: race | proxy-race | client-race | load`);
    process.exit(2);
}
