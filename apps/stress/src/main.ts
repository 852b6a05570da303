#!/usr/bin/env node
// ka-stress: the long forms of the stress suites, run by hand (after `pnpm exec tsc -b apps/stress`).
//
//   node apps/stress/dist/main.js soak  [--duration 30m] [--restart-every 10s] [--warmup 5m]
//   node apps/stress/dist/main.js idle  [--conns 10000] [--idle-timeout 10s] [--go]
//   node apps/stress/dist/main.js slow  [--timeout 1s]          (ka and, if present, Go)
//   node apps/stress/dist/main.js emfile [--ulimit 64] [--conns 200]
//
// Durations take Go's units (ms, s, m, h). Run under `pnpm exec node` (Node 24).
import { parseArgs } from 'node:util';
import { buildGoReference } from '@ka/conformance';
import { ChildServer, startListeningProgram } from './child.js';
import { describeIdle, runIdle } from './idle.js';
import { goUnavailable, type PeerServer, startGoPeer, startKaPeer } from './peers.js';
import { dialRaw, sleep } from './raw.js';
import { bodyTrickle, headerTrickle, idleAfterResponse, neverReads } from './scenarios.js';
import { rssThirds, runSoak } from './soak.js';

function duration(s: string): number {
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let m: RegExpExecArray | null;
  let seen = '';
  while ((m = re.exec(s)) !== null) {
    const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    total += Number(m[1]) * unit;
    seen += m[0];
  }
  if (seen !== s || s === '')
    throw new Error(`bad duration ${JSON.stringify(s)} (use 500ms, 10s, 30m, 1h)`);
  return total;
}

const MiB = 2 ** 20;
const [cmd, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    duration: { type: 'string', default: '30m' },
    'restart-every': { type: 'string', default: '10s' },
    warmup: { type: 'string', default: '5m' },
    conns: { type: 'string' },
    'idle-timeout': { type: 'string', default: '10s' },
    go: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '1s' },
    ulimit: { type: 'string', default: '64' },
  },
});

async function soak(): Promise<void> {
  const durationMs = duration(values.duration);
  const warmupMs = Math.min(duration(values.warmup), durationMs / 4);
  console.log(`soak: ${values.duration} of mixed load, restart every ${values['restart-every']}`);
  console.log('minute  answered    failed  lost  restarts  rss MiB  heap MiB  open conns');
  const r = await runSoak({
    durationMs,
    restartEveryMs: duration(values['restart-every']),
    warmupMs,
    tickMs: durationMs >= 300_000 ? 60_000 : 10_000,
    onTick: (row) =>
      console.log(
        `${(row.elapsedMs / 60_000).toFixed(1).padStart(6)}  ${String(row.answered).padStart(8)}  ${String(row.failed).padStart(8)}  ${String(row.lost).padStart(4)}  ${String(row.restarts).padStart(8)}  ${row.rssMiB.toFixed(1).padStart(7)}  ${row.heapMiB.toFixed(1).padStart(8)}  ${String(row.openConns).padStart(10)}`,
      ),
  });
  const { first, last } = rssThirds(r, warmupMs);
  const shutdowns = r.restarts.map((x) => x.shutdownMs);
  console.log(
    `\nrequests ${r.total}: answered ${r.answered}, failed (reported) ${r.failed}, lost ${r.lost}, wrong ${r.wrong}`,
  );
  console.log(`throughput ${(r.answered / (r.durationMs / 1000)).toFixed(0)} answered/s`);
  console.log(
    `restarts ${r.restarts.length}: shutdown ${Math.min(...shutdowns)}–${Math.max(...shutdowns)} ms, ${r.restarts.reduce((a, x) => a + x.inFlight.length, 0)} requests in flight at shutdown, not answered: ${r.inFlightNotAnswered.length}`,
  );
  console.log(
    `RSS after warm-up: first third ${(first / MiB).toFixed(1)} MiB, last third ${(last / MiB).toFixed(1)} MiB (×${(last / first).toFixed(2)})`,
  );
  console.log(`errors: ${JSON.stringify(r.errors, null, 1)}`);
  console.log(
    `final handles ${JSON.stringify(r.final.handles)} (baseline ${JSON.stringify(r.baseline.handles)}), open conns ${r.final.openConns}`,
  );
  const ok =
    r.lost === 0 && r.wrong === 0 && r.inFlightNotAnswered.length === 0 && r.final.openConns === 0;
  process.exitCode = ok ? 0 : 1;
}

async function idle(): Promise<void> {
  const conns = Number(values.conns ?? 10_000);
  const idleTimeoutMs = duration(values['idle-timeout']);
  console.log(describeIdle(await runIdle({ conns, idleTimeoutMs })));
  if (values.go) {
    if ((await goUnavailable()) !== null) console.log('go: not available');
    else console.log(describeIdle(await runIdle({ conns, idleTimeoutMs, server: 'go' })));
  }
}

async function slow(): Promise<void> {
  const t = duration(values.timeout);
  const timeouts = { readHeaderTimeout: t, readTimeout: 2 * t, writeTimeout: t, idleTimeout: t };
  const peers: PeerServer[] = [await startKaPeer(timeouts)];
  if ((await goUnavailable()) === null) peers.push(await startGoPeer(timeouts));
  console.log(`timeouts: readHeader ${t} ms, read ${2 * t} ms, write ${t} ms, idle ${t} ms`);
  console.log(
    'peer                     server  closed after  ending  states               response',
  );
  for (const p of peers) {
    const rows: [string, Awaited<ReturnType<typeof headerTrickle>>][] = [
      ['slowloris/request-line', await headerTrickle(p, 'request-line')],
      ['slowloris/header-value', await headerTrickle(p, 'header-value')],
      ['slowloris/header-name', await headerTrickle(p, 'header-name')],
      ['body trickle', await bodyTrickle(p)],
      ['never reads 64 MiB', await neverReads(p)],
      ['idle after response', await idleAfterResponse(p)],
    ];
    for (const [name, o] of rows) {
      console.log(
        `${name.padEnd(24)} ${p.name.padEnd(6)}  ${String(o.serverClosedAfter ?? '-').padStart(9)} ms  ${o.ending.padEnd(6)}  ${o.states.join('→').padEnd(20)} ${JSON.stringify(o.received.split('\r\n')[0] ?? '')}`,
      );
    }
    await p.stop();
  }
}

async function emfile(): Promise<void> {
  const limit = Number(values.ulimit);
  const n = Number(values.conns ?? 200);
  const servers: [
    string,
    () => Promise<{ addr: string; logs: () => string[]; stop: () => Promise<void> }>,
  ][] = [
    [
      'ka',
      async () => {
        const c = await ChildServer.start({ ulimitN: limit });
        return { addr: c.addr, logs: () => c.logs, stop: () => c.kill() };
      },
    ],
  ];
  if ((await goUnavailable()) === null) {
    servers.push([
      'go',
      async () => {
        const go = await buildGoReference();
        const p = await startListeningProgram('bash', [
          '-c',
          `ulimit -n ${limit} && exec "$0" "$@"`,
          go.binary,
          '--addr=127.0.0.1:0',
        ]);
        return { addr: p.addr, logs: () => p.stderr, stop: p.stop };
      },
    ]);
  }
  for (const [name, start] of servers) {
    const s = await start();
    const held = await Promise.all(Array.from({ length: n }, () => dialRaw(s.addr)));
    await sleep(1_500);
    const droppedEarly = held.filter((c) => c.isClosed).length;
    for (const c of held)
      await c.write('GET /hello HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n');
    const deadline = Date.now() + 20_000;
    while (!held.every((c) => c.isClosed) && Date.now() < deadline) await sleep(20);
    const answered = held.filter((c) => c.text().includes('hello\n')).length;
    const accept = s.logs().filter((l) => l.includes('http: Accept error'));
    console.log(
      `${name}: ulimit -n ${limit}, ${n} conns: ${answered} answered, ${droppedEarly} closed before any request, ${held.filter((c) => !c.isClosed).length} still open; ${accept.length} Accept-error log lines${
        accept.length > 0
          ? `, delays ${accept
              .map((l) => /retrying in (\S+)/.exec(l)?.[1])
              .slice(0, 12)
              .join(' ')}`
          : ''
      }`,
    );
    await Promise.all(held.map((c) => c.destroy()));
    await s.stop();
  }
}

const commands: Record<string, () => Promise<void>> = { soak, idle, slow, emfile };
const run = cmd === undefined ? undefined : commands[cmd];
if (run === undefined) {
  console.error('usage: main.js soak|idle|slow|emfile [options] (see the header of src/main.ts)');
  process.exitCode = 2;
} else {
  await run();
}
