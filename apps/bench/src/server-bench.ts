// Server benchmark: the same GET /hello load against ka's reference server, a node:http
// server and Go's reference server, in one run, from one Go load generator (raw TCP, a
// separate process). For each server: throughput and the server process's CPU time per
// request on 50 keep-alive connections; throughput with `Connection: close` on every
// request; resident memory per idle keep-alive connection with 5,000 of them open.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from '@ka/app-kit';
import { buildGoReference } from '@ka/conformance';
import { rotate } from './stats.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const appRoot = resolve(here, '..');
const repoRoot = resolve(appRoot, '../..');

/** Options for {@link benchServers}. */
export interface ServerBenchOptions {
  /** Requests measured on the keep-alive connections. */
  requests: number;
  /** Requests in each of the two warm-up runs before the measure. */
  warmup: number;
  /** Keep-alive measures per server, interleaved; the medians are reported. */
  rounds: number;
  /** Concurrent keep-alive connections. */
  conns: number;
  /** Requests measured with Connection: close, in each of `closeRounds` turns. */
  closeRequests: number;
  /** Connection: close requests sent to each server before the close measure (not measured). */
  closeWarmup: number;
  /** Connection: close measures per server, interleaved; the medians are reported. */
  closeRounds: number;
  /** Idle keep-alive connections held for the memory measure. */
  idle: number;
}

/** One server's figures. */
export interface ServerBenchRow {
  server: string;
  keepAliveRps: number;
  /** Median over the rounds. */
  cpuMicrosPerRequest: number;
  /** Each round's CPU per keep-alive request, µs. */
  cpuMicrosPerRequestRounds: number[];
  /** CPU per request over the warm-up runs: the server's first requests, µs. */
  coldCpuMicrosPerRequest: number;
  p50Micros: number;
  p99Micros: number;
  /** Median over the close rounds. */
  closeRps: number;
  /** Each close round's throughput. */
  closeRpsRounds: number[];
  /** Median over the close rounds. */
  closeCpuMicrosPerRequest: number;
  /** RSS per idle keep-alive conn, measured on the freshly started server. */
  rssPerIdleConnBytes: number;
  errors: number;
}

interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50_us: number;
  p99_us: number;
  idle?: number;
}

async function buildLoadgen(): Promise<string> {
  const out = join(appRoot, '.cache', 'loadgen');
  mkdirSync(dirname(out), { recursive: true });
  await run('go', ['build', '-o', out, '.'], {
    cwd: join(appRoot, 'go', 'loadgen'),
    env: {
      ...process.env,
      GOFLAGS: '-mod=mod',
      GOPROXY: 'off',
      GOTOOLCHAIN: 'local',
      GOCACHE: join(appRoot, '.cache', 'gocache'),
    },
  });
  return out;
}

const clkTck = 100; // Linux USER_HZ; /proc/<pid>/stat counts in these ticks

function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] = utime, fields[12] = stime (the 14th and 15th of the whole line)
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / clkTck;
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

interface Running {
  proc: ChildProcess;
  addr: string;
}

function startServer(cmd: string, args: string[]): Promise<Running> {
  return new Promise((resolvePromise, reject) => {
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${cmd}: no "listening on" line`)), 10_000);
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /listening on (\S+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ proc, addr: m[1]! });
      }
    });
    proc.once('error', reject);
  });
}

async function stopServer(s: Running): Promise<void> {
  if (s.proc.exitCode !== null) return;
  const exited = new Promise((r) => s.proc.once('exit', r));
  s.proc.kill('SIGKILL');
  await exited;
}

async function load(loadgen: string, args: string[]): Promise<LoadResult> {
  const { stdout } = await run(loadgen, args, { timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as LoadResult;
}

// Runs the idle-connection measure: opens `n` idle keep-alive conns, reads the server's RSS
// while they are held.
async function idleRss(
  loadgen: string,
  s: Running,
  n: number,
): Promise<{ perConn: number; errors: number }> {
  const before = rssBytes(s.proc.pid!);
  const child = spawn(loadgen, ['-addr', s.addr, '-idle', String(n), '-hold', '3s'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const holding = new Promise<void>((r) =>
    child.stderr!.on('data', (d: Buffer) => {
      if (d.toString().includes('holding')) r();
    }),
  );
  const exited = new Promise((r) => child.once('exit', r));
  await Promise.race([holding, exited]);
  await new Promise((r) => setTimeout(r, 1000));
  const during = rssBytes(s.proc.pid!);
  await exited;
  const res = JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadResult;
  return { perConn: (during - before) / Math.max(1, res.idle ?? n), errors: res.errors ?? 0 };
}

interface Contender {
  name: string;
  s: Running;
  base: string[];
  cpu: number[];
  rps: number[];
  p50: number[];
  p99: number[];
  cold: number;
  idle: number;
  closeRps: number[];
  closeCpu: number[];
  errors: number;
}

// One load run against `c`, with the server process's CPU per request over it, µs.
async function measuredLoad(
  loadgen: string,
  c: Contender,
  args: string[],
): Promise<{ res: LoadResult; cpu: number }> {
  const pid = c.s.proc.pid!;
  const c0 = cpuMicros(pid);
  const res = await load(loadgen, [...c.base, ...args]);
  c.errors += res.errors;
  return { res, cpu: (cpuMicros(pid) - c0) / res.requests };
}

/**
 * Runs the server benchmark against ka, node:http and Go. All three run at once; the
 * keep-alive measure goes round them `o.rounds` times and the close measure `o.closeRounds`
 * times, a different server first each round, so that every server meets the same spells of
 * machine noise; the table gives each figure's median over the rounds.
 */
export async function benchServers(o: ServerBenchOptions): Promise<ServerBenchRow[]> {
  const loadgen = await buildLoadgen();
  const go = await buildGoReference();
  const node = process.execPath;
  const kaMain = join(repoRoot, 'apps/reference-server/dist/main.js');
  const nodeMain = join(here, 'node-http-server.js');
  const specs: [string, string, string[]][] = [
    ['ka', node, [kaMain, '--addr', '127.0.0.1:0']],
    ['node:http', node, [nodeMain]],
    [`go (${go.goVersion})`, go.binary, ['--addr', '127.0.0.1:0']],
  ];
  const keepAlive = ['-conns', String(o.conns), '-requests'];
  const all: Contender[] = [];
  try {
    for (const [name, cmd, args] of specs) {
      const s = await startServer(cmd, args);
      all.push({
        name,
        s,
        base: ['-addr', s.addr, '-path', '/hello'],
        cpu: [],
        rps: [],
        p50: [],
        p99: [],
        cold: 0,
        idle: 0,
        closeRps: [],
        closeCpu: [],
        errors: 0,
      });
    }
    // Idle connections first, on the fresh servers. Measured after load, the figure says more
    // about the garbage the load left and when the GC last ran (new conns fill freed heap
    // without growing RSS) than about the conns; run twice, the second run reuses the memory
    // the first one grew.
    for (const c of all) {
      const idle = await idleRss(loadgen, c.s, o.idle);
      c.idle = idle.perConn;
      c.errors += idle.errors;
    }
    // Warm-up: two runs each, so that what is measured is the steady state of a server that
    // has been up a while. A JIT compiles a function fully only after a few thousand calls
    // (V8's TurboFan: about 3,000), and when the first connections close V8 drops some of
    // what it assumed and recompiles the code that relied on it. Both happen here, for the
    // three servers alike; the CPU they cost is reported apart, as the cold figure.
    for (const c of all) {
      const first = await measuredLoad(loadgen, c, [...keepAlive, String(o.warmup)]);
      const second = await measuredLoad(loadgen, c, [...keepAlive, String(o.warmup)]);
      const n1 = first.res.requests;
      const n2 = second.res.requests;
      c.cold = (first.cpu * n1 + second.cpu * n2) / (n1 + n2);
    }
    // Each round every server takes a turn, and a different one goes first.
    for (let r = 0; r < o.rounds; r++) {
      for (const c of rotate(all, r)) {
        const { res, cpu } = await measuredLoad(loadgen, c, [...keepAlive, String(o.requests)]);
        c.cpu.push(cpu);
        c.rps.push(res.rps);
        c.p50.push(res.p50_us);
        c.p99.push(res.p99_us);
      }
    }
    // Each connection runs the accept and teardown code that keep-alive load hardly touches
    // (ka's in JavaScript), so the close measure gets a warm-up of its own.
    const closeMode = ['-close', '-conns', '10', '-requests'];
    for (const c of all) await measuredLoad(loadgen, c, [...closeMode, String(o.closeWarmup)]);
    const close = [...closeMode, String(o.closeRequests)];
    for (let r = 0; r < o.closeRounds; r++) {
      for (const c of rotate(all, r)) {
        const { res, cpu } = await measuredLoad(loadgen, c, close);
        c.closeCpu.push(cpu);
        c.closeRps.push(res.rps);
      }
    }
    const rows: ServerBenchRow[] = [];
    for (const c of all) {
      rows.push({
        server: c.name,
        keepAliveRps: median(c.rps),
        cpuMicrosPerRequest: median(c.cpu),
        cpuMicrosPerRequestRounds: c.cpu,
        coldCpuMicrosPerRequest: c.cold,
        p50Micros: median(c.p50),
        p99Micros: median(c.p99),
        closeRps: median(c.closeRps),
        closeRpsRounds: c.closeRps,
        closeCpuMicrosPerRequest: median(c.closeCpu),
        rssPerIdleConnBytes: c.idle,
        errors: c.errors,
      });
    }
    return rows;
  } finally {
    for (const c of all) await stopServer(c.s);
  }
}
