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
import { buildGoReference } from '@ka/conformance';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const appRoot = resolve(here, '..');
const repoRoot = resolve(appRoot, '../..');

/** Options for {@link benchServers}. */
export interface ServerBenchOptions {
  /** Requests measured on the keep-alive connections (after a warm-up of a tenth). */
  requests: number;
  /** Concurrent keep-alive connections. */
  conns: number;
  /** Requests measured with Connection: close. */
  closeRequests: number;
  /** Idle keep-alive connections held for the memory measure. */
  idle: number;
}

/** One server's figures. */
export interface ServerBenchRow {
  server: string;
  keepAliveRps: number;
  cpuMicrosPerRequest: number;
  p50Micros: number;
  p99Micros: number;
  closeRps: number;
  closeCpuMicrosPerRequest: number;
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

async function measure(
  name: string,
  loadgen: string,
  start: () => Promise<Running>,
  o: ServerBenchOptions,
): Promise<ServerBenchRow> {
  const s = await start();
  try {
    const pid = s.proc.pid!;
    const base = ['-addr', s.addr, '-path', '/hello'];
    await load(loadgen, [
      ...base,
      '-conns',
      String(o.conns),
      '-requests',
      String(Math.ceil(o.requests / 10)),
    ]);
    const c0 = cpuMicros(pid);
    const ka = await load(loadgen, [
      ...base,
      '-conns',
      String(o.conns),
      '-requests',
      String(o.requests),
    ]);
    const c1 = cpuMicros(pid);
    const cl = await load(loadgen, [
      ...base,
      '-close',
      '-conns',
      '10',
      '-requests',
      String(o.closeRequests),
    ]);
    const c2 = cpuMicros(pid);
    const idle = await idleRss(loadgen, s, o.idle);
    return {
      server: name,
      keepAliveRps: ka.rps,
      cpuMicrosPerRequest: (c1 - c0) / ka.requests,
      p50Micros: ka.p50_us,
      p99Micros: ka.p99_us,
      closeRps: cl.rps,
      closeCpuMicrosPerRequest: (c2 - c1) / cl.requests,
      rssPerIdleConnBytes: idle.perConn,
      errors: ka.errors + cl.errors + idle.errors,
    };
  } finally {
    await stopServer(s);
  }
}

/** Runs the server benchmark against ka, node:http and Go, in that order. */
export async function benchServers(o: ServerBenchOptions): Promise<ServerBenchRow[]> {
  const loadgen = await buildLoadgen();
  const go = await buildGoReference();
  const node = process.execPath;
  const kaMain = join(repoRoot, 'apps/reference-server/dist/main.js');
  const nodeMain = join(here, 'node-http-server.js');
  return [
    await measure('ka', loadgen, () => startServer(node, [kaMain, '--addr', '127.0.0.1:0']), o),
    await measure('node:http', loadgen, () => startServer(node, [nodeMain]), o),
    await measure(
      `go (${go.goVersion})`,
      loadgen,
      () => startServer(go.binary, ['--addr', '127.0.0.1:0']),
      o,
    ),
  ];
}
