// End-to-end: the built app (dist/main.js), spawned with small --requests, checked by its
// output. Each run starts and stops its own servers; the process must exit by itself.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from './run.js';
import { type Exit, requireBuilt, runDemo } from './testutil/run.js';

const REQUESTS = 24;
const CONCURRENCY = 4;

let dir: string;

beforeAll(async () => {
  requireBuilt();
  dir = await mkdtemp(join(tmpdir(), 'keepalive-demo-'));
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

function parse(exit: Exit): RunResult & { report: string | null; nuance: string } {
  expect(exit.code, exit.stderr).toBe(0);
  return JSON.parse(exit.stdout);
}

function mode(r: RunResult, id: string) {
  const m = r.modes.find((x) => x.id === id);
  if (m === undefined) throw new Error(`no mode ${id}`);
  return m;
}

describe('keepalive-demo --json against the built-in ka server', () => {
  let r: RunResult & { report: string | null; nuance: string };

  beforeAll(async () => {
    const exit = await runDemo([
      '--requests',
      String(REQUESTS),
      '--concurrency',
      String(CONCURRENCY),
      '--pause',
      '20',
      '--json',
      '--report',
      join(dir, 'json-run.html'),
    ]);
    r = parse(exit);
  }, 60_000);

  it('--json prints one JSON document with every mode and no failed request', () => {
    expect(r.requests).toBe(REQUESTS);
    expect(r.concurrency).toBe(CONCURRENCY);
    expect(r.countedBy).toBe('server');
    expect(r.timedOut).toBe(false);
    expect(r.modes.map((m) => m.id)).toEqual([
      'http11',
      'close',
      'http10',
      'http10-keepalive',
      'server-no-keepalive',
      'idle-timeout',
      'ignore-body',
    ]);
    for (const m of r.modes) {
      expect(m.requests, m.id).toBe(REQUESTS);
      expect(m.errors, `${m.id}: ${m.firstError}`).toBe(0);
      expect(m.latencyMs.p50, m.id).toBeGreaterThan(0);
      expect(m.latencyMs.p99, m.id).toBeGreaterThanOrEqual(m.latencyMs.p50);
      expect(m.connectionTimesMs, m.id).toHaveLength(m.connections);
      expect(m.asExpected, `${m.id}: ${m.explanation}`).toBe(true);
    }
    expect(r.report).toBe(join(dir, 'json-run.html'));
  });

  it('HTTP/1.1 default reuses: the server accepts one connection per worker', () => {
    const m = mode(r, 'http11');
    expect(m.connections).toBe(CONCURRENCY);
    expect(m.requestsPerConnection).toBe(REQUESTS / CONCURRENCY);
    expect(m.response).toEqual({ proto: 'HTTP/1.1', status: '200 OK', connection: '' });
  });

  it('Connection: close opens one connection per request', () => {
    const m = mode(r, 'close');
    expect(m.connections).toBe(REQUESTS);
    expect(m.response.connection).toBe('close');
  });

  it('HTTP/1.0 without Connection: keep-alive opens one connection per request', () => {
    const m = mode(r, 'http10');
    expect(m.via).toBe('raw');
    expect(m.connections).toBe(REQUESTS);
    expect(m.response).toEqual({ proto: 'HTTP/1.0', status: '200 OK', connection: '' });
  });

  it('HTTP/1.0 with Connection: keep-alive reuses, and the server answers keep-alive', () => {
    const m = mode(r, 'http10-keepalive');
    expect(m.via).toBe('raw');
    expect(m.connections).toBe(CONCURRENCY);
    expect(m.response).toEqual({ proto: 'HTTP/1.0', status: '200 OK', connection: 'keep-alive' });
  });

  it('server keep-alives off, idleTimeout < pause, unread bodies: one connection per request', () => {
    expect(mode(r, 'server-no-keepalive').connections).toBe(REQUESTS);
    expect(mode(r, 'server-no-keepalive').response.connection).toBe('close');
    expect(mode(r, 'idle-timeout').connections).toBe(REQUESTS);
    expect(mode(r, 'ignore-body').connections).toBe(REQUESTS);
  });

  it('the client-side count (trace gotConn / dials) agrees with the server count', () => {
    for (const m of r.modes) expect(m.clientConnections, m.id).toBe(m.serverConnections);
  });
});

describe('keepalive-demo table output', () => {
  let exit: Exit;

  beforeAll(async () => {
    // The idle-timeout mode alone takes 10 × 100 ms: long enough for the progress line.
    exit = await runDemo(['--requests', '40', '--pause', '100'], { cwd: dir });
  }, 60_000);

  it('prints the table: a header and one row per mode with requests and connections', () => {
    expect(exit.code, exit.stderr).toBe(0);
    const lines = exit.stdout.split('\n');
    const header = lines.findIndex((l) =>
      /^\s+mode\s+reqs\s+conns\s+req\/conn\s+p50\s+p99\s+total\s+response$/.test(l),
    );
    expect(header, exit.stdout).toBeGreaterThan(0);
    const rows = lines.slice(header + 1, header + 8);
    expect(rows.map((l) => l.slice(0, 2).trim())).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    // reqs and conns columns
    const conns = rows.map((l) => /\s(\d+)\s+(\d+)\s+\d+\.\d\s/.exec(l)?.slice(1, 3).map(Number));
    expect(conns).toEqual([
      [40, 4],
      [40, 40],
      [40, 40],
      [40, 4],
      [40, 40],
      [40, 40],
      [40, 40],
    ]);
    expect(rows[2]).toContain('HTTP/1.0 (raw)');
    expect(rows[2]).toContain('HTTP/1.0 200 OK, no Connection header');
    expect(rows[3]).toContain('HTTP/1.0 + keep-alive (raw)');
    expect(rows[3]).toContain('HTTP/1.0 200 OK, Connection: keep-alive');
  });

  it('explains every mode, says the 1.0 modes are raw, and states the 1.0 vs 1.1 rule', () => {
    const out = exit.stdout.replace(/\n\s*/g, ' ');
    for (let n = 1; n <= 7; n++) expect(out).toMatch(new RegExp(`(^| )${n} [^:]+: `));
    expect(out).toContain('HTTP/1.1 keeps the connection by default');
    expect(out).toContain('HTTP/1.0 requests written by hand over @ka/net dial');
    expect(out).toContain('1.0 vs 1.1: HTTP/1.1 keeps connections open');
    expect(out).not.toContain('UNEXPECTED');
  });

  it('writes the report to reports/keepalive-demo.html under the current directory', async () => {
    const path = join(dir, 'reports', 'keepalive-demo.html');
    expect(exit.stdout).toContain(`report: ${path}`);
    const html = await readFile(path, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg id="latency-chart"');
    expect(html).toContain('<svg id="connections-chart"');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
  });

  it('shows a progress line on stderr when the run takes more than a second', () => {
    expect(exit.stderr).toMatch(/\[mode \d\/7\] .+: \d+\/40 requests, \d+\.\d s/);
  });
});

describe('keepalive-demo --target (any server; connections counted by the client)', () => {
  let server: http.Server;
  let accepted = 0;
  let exit: Exit;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      // With a known length: HTTP/1.0 has no chunked encoding, so without one node:http
      // must close the connection to end the body, keep-alive or not.
      const body = req.url === '/hello' ? 'hello\n' : 'other\n';
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
      res.end(body);
    });
    server.on('connection', () => accepted++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    exit = await runDemo([
      '--target',
      `http://127.0.0.1:${port}`,
      '--requests',
      String(REQUESTS),
      '--json',
      '--no-report',
    ]);
  }, 60_000);

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('runs the client-side modes, skips the two that need server settings, counts client-side', () => {
    const r = parse(exit);
    expect(r.countedBy).toBe('client');
    expect(r.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(r.report).toBeNull();
    expect(mode(r, 'server-no-keepalive').skipped).toMatch(/--target/);
    expect(mode(r, 'idle-timeout').skipped).toMatch(/--target/);
    expect(mode(r, 'http11').connections).toBe(CONCURRENCY);
    expect(mode(r, 'close').connections).toBe(REQUESTS);
    expect(mode(r, 'http10').connections).toBe(REQUESTS);
    expect(mode(r, 'http10-keepalive').connections).toBe(CONCURRENCY);
    expect(mode(r, 'http10-keepalive').response.connection).toBe('keep-alive');
    expect(mode(r, 'ignore-body').connections).toBe(REQUESTS);
    for (const m of r.modes) {
      expect(m.serverConnections, m.id).toBeNull();
      if (m.skipped === undefined) expect(m.errors, `${m.id}: ${m.firstError}`).toBe(0);
    }
    // Every connection node:http accepted was counted by the demo's client (warm-up included).
    const counted = r.warmupConnections + r.modes.reduce((s, m) => s + m.clientConnections, 0);
    expect(accepted).toBe(counted);
  });
});

describe('keepalive-demo command line', () => {
  it('rejects a bad option with exit status 2 and the usage', async () => {
    const exit = await runDemo(['--requests', '0']);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('--requests: must be between 1 and');
    expect(exit.stderr).toContain('usage: keepalive-demo');
    expect(exit.stdout).toBe('');
  });

  it('refuses an idle timeout that is not shorter than the pause', async () => {
    const exit = await runDemo(['--pause', '20', '--idle-timeout', '20']);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('must be shorter than --pause');
  });

  it('--help prints the usage and exits 0', async () => {
    const exit = await runDemo(['--help']);
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('--concurrency N');
  });
});
