// End-to-end: the built app (dist/main.js), spawned, checked by its output. Build first:
// pnpm exec tsc -b apps/reverse-proxy.
import { Client, Transport } from '@ka/client';
import { newRequest, type Request } from '@ka/http';
import { newServer, type Server as TestServer } from '@ka/http-server/httptest';
import { listen } from '@ka/net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deferred } from './testutil/raw.js';
import { type Exit, Proc, requireBuilt, run } from './testutil/spawn.js';

const T = 60_000;

beforeAll(() => {
  requireBuilt();
});

describe('reverse-proxy --demo', () => {
  let exit: Exit;
  let lines: string[];

  beforeAll(async () => {
    exit = await run(['--demo', '--requests', '12', '--concurrency', '3']);
    lines = exit.stdout.split('\n');
  }, T);

  it('prints "listening on" first, runs every phase without a failure, and exits 0', () => {
    expect(exit.code, exit.stderr).toBe(0);
    expect(lines[0]).toMatch(/^listening on 127\.0\.0\.1:\d+$/);
    expect(exit.stdout).not.toContain('UNEXPECTED');
  });

  it('the table shows client→proxy and proxy→upstream connections per phase', () => {
    const header = lines.findIndex((l) =>
      /^phase\s+requests\s+client→proxy conns\s+proxy→upstream conns opened\s+reused$/.test(l),
    );
    expect(header, exit.stdout).toBeGreaterThan(0);
    const rows = lines
      .slice(header + 1, header + 4)
      .map((l) => /^(\d) .+?\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(l)?.slice(1).map(Number));
    // one keep-alive client: one connection on each side
    expect(rows[0]).toEqual([1, 12, 1, 1, 11]);
    // the client closes after each request; the proxy's upstream connection stays
    expect(rows[1]).toEqual([2, 12, 12, 0, 12]);
    // three clients at once: three client connections, about three upstream ones (one idle
    // from before, a dial per request that found none idle; on a loaded machine a slow dial
    // can race a freed connection and leave an extra one in the pool, in Go as here)
    const [n, reqs, clientConns, opened, reused] = rows[2]!;
    expect([n, reqs, clientConns]).toEqual([3, 12, 3]);
    expect(opened).toBeLessThanOrEqual(6);
    expect(reused).toBeGreaterThanOrEqual(12 - opened!);
  });

  it('shows the headers the upstream saw and when each streamed chunk arrived', () => {
    expect(exit.stdout).toContain('upstream saw X-Forwarded-For: 203.0.113.7, 127.0.0.1\n');
    expect(exit.stdout).toContain(
      'upstream saw Connection: (removed), X-Hop: (removed), Keep-Alive: (removed)\n',
    );
    const m = /the client read them at (\d+) ms, (\d+) ms, (\d+) ms/.exec(exit.stdout);
    expect(m, exit.stdout).not.toBeNull();
    const [t1, t2, t3] = m!.slice(1).map(Number) as [number, number, number];
    // 200 ms apart at the upstream: they arrive spread out, not all at the end together
    expect(t2).toBeGreaterThan(t1);
    expect(t3).toBeGreaterThan(t2);
    expect(t3 - t1).toBeGreaterThanOrEqual(250);
  });

  it('ends with the summary of reuse', () => {
    expect(exit.stdout).toMatch(
      /summary\n {2}client → proxy {5}38 requests on \d+ connections\n {2}proxy → upstream {3}38 requests on \d+ connections? \(\d+ reused, \d+%\), 0 failed \(502\)\n$/,
    );
  });
});

describe('reverse-proxy --upstream', () => {
  let upstream: TestServer;
  const seen: Request[] = [];
  const slowArrived = deferred();
  const releaseSlow = deferred();

  beforeAll(async () => {
    upstream = await newServer(async (w, r) => {
      seen.push(r);
      if (r.url.path === '/slow') {
        slowArrived.resolve();
        await releaseSlow.promise;
        await w.write('slow but complete\n');
        return;
      }
      await w.write(`hello ${r.url.path}\n`);
    });
  });

  afterAll(async () => {
    releaseSlow.resolve();
    await upstream?.closeClientConnections();
    await upstream?.close();
  });

  it(
    'proxies, counts upstream reuse at /debug/proxy-stats, and on SIGTERM lets an in-flight request finish',
    async () => {
      const proc = new Proc(['--upstream', upstream.url]);
      const transport = new Transport();
      const client = new Client({ transport, timeout: 30_000 });
      try {
        const [, addr] = await proc.waitFor(/^listening on (127\.0\.0\.1:\d+)\n/);
        const base = `http://${addr}`;
        await proc.waitFor(/^proxying to .*\n/m);
        expect(proc.stdout.split('\n')[1]).toBe(
          `proxying to ${upstream.url}; stats at ${base}/debug/proxy-stats`,
        );

        for (const p of ['/a', '/b', '/c']) {
          const res = await client.get(`${base}${p}`);
          expect(res.statusCode).toBe(200);
          expect(await res.body.text()).toBe(`hello ${p}\n`);
        }
        expect(seen.map((r) => r.header.get('X-Forwarded-For'))).toEqual([
          '127.0.0.1',
          '127.0.0.1',
          '127.0.0.1',
        ]);
        expect(new Set(seen.map((r) => r.remoteAddr)).size).toBe(1);

        const stats = (await (await client.get(`${base}/debug/proxy-stats`)).body.json()) as Record<
          string,
          number
        >;
        expect(stats).toMatchObject({
          clientRequests: 3,
          clientConnections: 1,
          inFlight: 0,
          upstreamRequests: 3,
          upstreamNewConnections: 1,
          upstreamReused: 2,
          upstreamErrors: 0,
        });

        // A request in flight when SIGTERM arrives completes; then the process exits 0.
        const slow = client.do(newRequest('GET', `${base}/slow`));
        await slowArrived.promise;
        proc.child.kill('SIGTERM');
        await proc.waitFor(
          /^SIGTERM: shutting down, waiting up to 10000 ms for 1 in-flight request\n/m,
        );
        // Still running while the request is in flight: give it a moment to prove it waits.
        await new Promise((r) => setTimeout(r, 300));
        releaseSlow.resolve();
        const res = await slow;
        expect(res.statusCode).toBe(200);
        expect(await res.body.text()).toBe('slow but complete\n');

        const exit = await proc.exit;
        expect(exit.code, exit.stderr).toBe(0);
        expect(exit.stdout).toContain(
          'shutdown: all requests finished; idle upstream connections closed\n',
        );
        expect(exit.stdout).toMatch(
          /summary\n {2}client → proxy {5}4 requests on 1 connection\n {2}proxy → upstream {3}4 requests on 1 connection \(3 reused, 75%\), 0 failed \(502\)\n$/,
        );
        expect(exit.stderr).toBe('');
      } finally {
        client.closeIdleConnections();
        await proc.stop();
      }
    },
    T,
  );

  it(
    'answers 502 and logs "http: proxy error" when the upstream refuses, and counts it (--stats-every)',
    async () => {
      const ln = await listen('tcp', '127.0.0.1:0');
      const deadAddr = ln.addr().toString();
      await ln.close();
      const proc = new Proc(['--upstream', `http://${deadAddr}`, '--stats-every', '100']);
      const transport = new Transport();
      const client = new Client({ transport, timeout: 30_000 });
      try {
        const [, addr] = await proc.waitFor(/^listening on (127\.0\.0\.1:\d+)\n/);
        const res = await client.get(`http://${addr}/x`);
        expect(res.statusCode).toBe(502);
        expect(await res.body.text()).toBe('');
        // --stats-every prints the counters while the proxy runs
        await proc.waitFor(
          /^stats: client→proxy 1 request on 1 connection \| proxy→upstream 0 requests on 0 connections \(0 reused\), 1 failed, 0 in flight$/m,
        );
        client.closeIdleConnections();
        proc.child.kill('SIGTERM');
        const exit = await proc.exit;
        expect(exit.code, exit.stderr).toBe(0);
        expect(exit.stderr).toBe(
          `http: proxy error: dial tcp ${deadAddr}: connect: connection refused\n`,
        );
        expect(exit.stdout).toContain(
          'SIGTERM: shutting down, waiting up to 10000 ms for 0 in-flight requests\n',
        );
        expect(exit.stdout).toMatch(
          /proxy → upstream {3}0 requests on 0 connections \(0 reused, 0%\), 1 failed \(502\)\n$/,
        );
      } finally {
        client.closeIdleConnections();
        await proc.stop();
      }
    },
    T,
  );
});

describe('reverse-proxy command line', () => {
  it(
    'without --upstream or --demo: exit status 2 and the usage on stderr',
    async () => {
      const exit = await run([]);
      expect(exit.code).toBe(2);
      expect(exit.stderr).toContain('reverse-proxy: --upstream is required (or --demo)');
      expect(exit.stderr).toContain('usage: reverse-proxy --upstream URL');
      expect(exit.stdout).toBe('');
    },
    T,
  );

  it(
    'rejects a bad option value with exit status 2',
    async () => {
      const exit = await run(['--upstream', 'ftp://x', '--addr', 'nope']);
      expect(exit.code).toBe(2);
      expect(exit.stderr).toContain('--upstream: only http:// and https:// URLs');
    },
    T,
  );

  it(
    '--help prints the usage and exits 0',
    async () => {
      const exit = await run(['--help']);
      expect(exit.code).toBe(0);
      expect(exit.stdout).toContain('--shutdown-timeout MS');
    },
    T,
  );
});
