// Benchmark runner: `node apps/bench/dist/main.js [--only net-read[,bufio-read]] [--json]
// [--mib N] [--rounds N]`. Prints a table per benchmark (or one JSON document).

import { parseArgs } from 'node:util';
import { intArg, parseCommandLine, UsageError } from '@ka/app-kit';
import { benchBufio } from './bufio-read.js';
import { benchClients } from './client-bench.js';
import { benchNetRead } from './net-read.js';
import { benchServers, type ServerBenchRow } from './server-bench.js';
import { benchServerPipeline } from './server-pipeline.js';
import { pairedRatioMedian, roundRatios } from './stats.js';

// `a / b` round by round, for printing.
function rounds(a: readonly number[], b: readonly number[]): string {
  return roundRatios(a, b)
    .map((r) => r.toFixed(2))
    .join(', ');
}

interface Args {
  only: string[];
  json: boolean;
  mib: number | undefined;
  rounds: number | undefined;
}

const benchmarks = ['net-read', 'bufio-read', 'server', 'client', 'pipeline'] as const;
type BenchName = (typeof benchmarks)[number];

const usage = `usage: node apps/bench/dist/main.js [--only NAME[,NAME…]] [--json] [--mib N] [--rounds N]
  NAME: ${benchmarks.join(', ')} (default: all)`;

function parse(argv: readonly string[]): Args {
  let values: { only?: string[]; json?: boolean; mib?: string; rounds?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        only: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
        mib: { type: 'string' },
        rounds: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const only = (values.only ?? []).flatMap((s) => s.split(',')).filter((s) => s !== '');
  for (const name of only) {
    if (!(benchmarks as readonly string[]).includes(name)) {
      throw new UsageError(`unknown benchmark ${name}; known: ${benchmarks.join(', ')}`);
    }
  }
  return {
    only,
    json: values.json ?? false,
    mib: values.mib === undefined ? undefined : intArg('--mib', values.mib, 1, 1 << 20),
    rounds: values.rounds === undefined ? undefined : intArg('--rounds', values.rounds, 1, 1000),
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '),
    )
    .join('\n');
}

async function main(): Promise<void> {
  const args = parseCommandLine(parse, { program: 'bench', usage: `${usage}\n` });
  const selected: BenchName[] = args.only.length > 0 ? (args.only as BenchName[]) : [...benchmarks];
  const out: Record<string, unknown> = {};
  for (const name of selected) {
    if (name === 'net-read') {
      const total = (args.mib ?? 512) * 1024 * 1024;
      const res = await benchNetRead({ total, rounds: args.rounds ?? 3 });
      out[name] = res;
      if (!args.json) {
        console.log(
          `net-read: ${total / 1024 / 1024} MiB over loopback, best of ${args.rounds ?? 3}`,
        );
        console.log(
          table([
            ['variant', 'MiB/s', 'ms', 'ratio', 'CPU ms/MiB', 'CPU ratio'],
            ...res.map((r) => [
              r.name,
              r.mibPerSec.toFixed(0),
              r.bestMs.toFixed(0),
              r.ratio.toFixed(2),
              r.cpuMsPerMiB.toFixed(3),
              r.cpuRatio.toFixed(2),
            ]),
          ]),
        );
        const read = res[1]!;
        console.log(
          `ratio Conn.read / raw: ${read.ratio.toFixed(2)} throughput, ${read.cpuRatio.toFixed(2)} CPU efficiency (goal >= 0.80)\n`,
        );
      }
    } else if (name === 'client') {
      const rows = await benchClients(20_000, 50, args.rounds ?? 5);
      out[name] = rows;
      if (!args.json) {
        console.log(
          `client: 20000 GET /hello against the Go reference server (sequential; 50 at a time), after a warm-up of 5000; median of ${args.rounds ?? 5} rounds, the clients taking turns; CPU: the client process's own; TCP conns: the most opened in one run`,
        );
        console.log(
          table([
            ['client', 'mode', 'req/s', 's', 'CPU µs/req', 'TCP conns'],
            ...rows.map((r) => [
              r.client,
              r.mode,
              r.rps.toFixed(0),
              r.seconds.toFixed(2),
              r.cpuMicrosPerRequest.toFixed(1),
              String(r.connections),
            ]),
          ]),
        );
        const get = (c: string, m: string) => rows.find((r) => r.client === c && r.mode === m)!;
        const kaC = get('ka Client', 'concurrent').rpsRounds;
        const unC = get('undici Pool', 'concurrent').rpsRounds;
        const kaS = get('ka Client', 'sequential').rpsRounds;
        const agS = get('node http.Agent', 'sequential').rpsRounds;
        console.log(
          `ka / undici Pool at 50 concurrent, round by round: ${rounds(kaC, unC)}; ka / http.Agent sequential: ${rounds(kaS, agS)}`,
        );
        // Round-by-round ratios pair runs made close together; the goal line gives their medians.
        console.log(
          `ka / undici Pool at 50 concurrent, median of the round-by-round ratios: ${pairedRatioMedian(kaC, unC).toFixed(2)} (goal >= 1); ka / http.Agent sequential: ${pairedRatioMedian(kaS, agS).toFixed(2)} (goal >= 1)\n`,
        );
      }
    } else if (name === 'pipeline') {
      const o = { requests: 100_000, conns: 50, rounds: args.rounds ?? 5 };
      const res = await benchServerPipeline(o);
      out[name] = { options: o, ...res };
      if (!args.json) {
        console.log(
          `pipeline: ka's server path for GET /hello over in-memory conns (${o.conns} conns, ${o.requests} requests, best of ${o.rounds}; a diagnostic, no sockets)`,
        );
        console.log(
          table([
            ['CPU ns/req', 'Promises/req', 'response bytes/req'],
            [
              res.cpuNsPerRequest.toFixed(0),
              res.promisesPerRequest.toFixed(1),
              res.bytesPerRequest.toFixed(0),
            ],
          ]),
        );
        console.log('');
      }
    } else if (name === 'server') {
      const o = {
        requests: 20_000,
        warmup: 10_000,
        rounds: args.rounds ?? 5,
        conns: 50,
        closeRequests: 3_000,
        closeWarmup: 5_000,
        closeRounds: 5,
        idle: 5_000,
      };
      const rows = await benchServers(o);
      out[name] = { options: o, rows };
      if (!args.json) {
        console.log(
          `server: GET /hello, ${o.requests} requests on ${o.conns} keep-alive conns (after a warm-up of 2 x ${o.warmup}, its CPU shown as "cold"; median of ${o.rounds} rounds, the servers taking turns); ${o.closeRequests} with Connection: close (10 at a time, after a warm-up of ${o.closeWarmup}; median of ${o.closeRounds} rounds); ${o.idle} idle keep-alive conns on the fresh server (before any load)`,
        );
        console.log(
          table([
            [
              'server',
              'keep-alive req/s',
              'CPU µs/req',
              'cold CPU µs/req',
              'p50 µs',
              'p99 µs',
              'close req/s',
              'close CPU µs/req',
              'RSS/idle conn',
              'errors',
            ],
            ...rows.map((r) => [
              r.server,
              r.keepAliveRps.toFixed(0),
              r.cpuMicrosPerRequest.toFixed(1),
              r.coldCpuMicrosPerRequest.toFixed(1),
              r.p50Micros.toFixed(0),
              r.p99Micros.toFixed(0),
              r.closeRps.toFixed(0),
              r.closeCpuMicrosPerRequest.toFixed(1),
              `${(r.rssPerIdleConnBytes / 1024).toFixed(1)} KiB`,
              String(r.errors),
            ]),
          ]),
        );
        const [ka, node, go] = rows as [ServerBenchRow, ServerBenchRow, ServerBenchRow];
        const ratio = (a: number, b: number) => (a / b).toFixed(2);
        // Round-by-round ratios pair measures made close together, so a spell of machine
        // noise weighs on both; the goal line gives their medians.
        const cpuPaired = pairedRatioMedian(
          ka.cpuMicrosPerRequestRounds,
          node.cpuMicrosPerRequestRounds,
        );
        const closePaired = pairedRatioMedian(ka.closeRpsRounds, node.closeRpsRounds);
        console.log(
          `ka / node:http, median of the round-by-round ratios: CPU per request ${cpuPaired.toFixed(2)} (goal <= 1), close-mode throughput ${closePaired.toFixed(2)} (goal >= 1); RSS per idle conn ${ratio(ka.rssPerIdleConnBytes, node.rssPerIdleConnBytes)} (goal <= 1)`,
        );
        console.log(
          `ka / node:http round by round: CPU per request ${rounds(ka.cpuMicrosPerRequestRounds, node.cpuMicrosPerRequestRounds)}; close-mode throughput ${rounds(ka.closeRpsRounds, node.closeRpsRounds)}; cold CPU per request ${ratio(ka.coldCpuMicrosPerRequest, node.coldCpuMicrosPerRequest)}`,
        );
        console.log(
          `ka / Go: CPU per request ${ratio(ka.cpuMicrosPerRequest, go.cpuMicrosPerRequest)}, keep-alive throughput ${ratio(ka.keepAliveRps, go.keepAliveRps)}\n`,
        );
      }
    } else {
      const total = (args.mib ?? 256) * 1024 * 1024;
      const res = await benchBufio(total, args.rounds ?? 3);
      out[name] = res;
      if (!args.json) {
        console.log(`bufio-read: ${total / 1024 / 1024} MiB of 100-byte lines, in memory`);
        console.log(
          table([
            ['variant', 'GB/s', 'ms'],
            ...res.map((r) => [r.name, r.gbPerSec.toFixed(2), r.bestMs.toFixed(0)]),
          ]),
        );
        console.log('');
      }
    }
  }
  if (args.json) console.log(JSON.stringify(out, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
