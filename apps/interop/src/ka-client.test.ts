// ka's client against real servers: Go's standard-library server, node:http and nginx. The
// Transport must reuse its connections the way Go's does, and survive each server's own way
// of ending a keep-alive connection (nginx: `Connection: close` after keepalive_requests).
import { Client, Transport, withClientTrace } from '@ka/client';
import { newRequest } from '@ka/http';
import { afterEach, describe, expect, it } from 'vitest';
import { type Nginx, type Peer, startGoServer, startNginx, startNodeServer } from './peers.js';
import { goMissing, nginxMissing } from './testutil/env.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

interface Drive {
  bad: string[];
  dials: number;
  reused: number;
}

/** `n` requests from `workers` workers through one ka Transport: every third a POST /echo. */
async function drive(
  base: string,
  n: number,
  workers: number,
  opts: { maxIdleConnsPerHost: number; post?: boolean; hello?: string },
): Promise<Drive> {
  const transport = new Transport({ maxIdleConnsPerHost: opts.maxIdleConnsPerHost });
  closers.push(async () => transport.closeIdleConnections());
  const client = new Client({ transport, timeout: 10_000 });
  const out: Drive = { bad: [], dials: 0, reused: 0 };
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < n) {
        const i = next++;
        const post = (opts.post ?? true) && i % 3 === 0;
        const body = `ka post ${i}\n`;
        const req = withClientTrace(
          newRequest(
            post ? 'POST' : 'GET',
            `${base}${post ? '/echo' : '/hello'}`,
            post ? body : undefined,
          ),
          { gotConn: (info) => (info.reused ? out.reused++ : out.dials++) },
        );
        try {
          const resp = await client.do(req);
          const text = await resp.body.text();
          const want = post ? body : (opts.hello ?? 'hello\n');
          if (resp.statusCode !== 200 || text !== want)
            out.bad.push(`${i}: ${resp.statusCode} ${text}`);
        } catch (err) {
          out.bad.push(`${i}: ${(err as Error).message}`);
        }
      }
    }),
  );
  return out;
}

describe("ka's client", () => {
  it.skipIf(goMissing !== null)(
    `against Go's server: 300 GETs and POSTs from 4 workers on 4 connections${goMissing ? ` — skipped: ${goMissing}` : ''}`,
    async () => {
      const go: Peer = await startGoServer();
      closers.push(go.close);
      const r = await drive(go.url, 300, 4, { maxIdleConnsPerHost: 4 });
      expect(r.bad).toEqual([]);
      expect(r.dials).toBeLessThanOrEqual(4);
      expect(r.dials + r.reused).toBe(300);
      // ka's Transport binds late like Go's: a spare dial may be pooled or closed unused
      expect(go.newConns()).toBeGreaterThanOrEqual(r.dials);
      expect(go.newConns()).toBeLessThanOrEqual(r.dials + 4);
    },
    60_000,
  );

  it('against node:http: 300 GETs and POSTs from 4 workers on 4 connections', async () => {
    const node = await startNodeServer();
    closers.push(node.close);
    const r = await drive(node.url, 300, 4, { maxIdleConnsPerHost: 4 });
    expect(r.bad).toEqual([]);
    expect(r.dials).toBeLessThanOrEqual(4);
    expect(node.newConns()).toBeGreaterThanOrEqual(r.dials);
    expect(node.newConns()).toBeLessThanOrEqual(r.dials + 4);
  });

  it.skipIf(nginxMissing !== null)(
    `against nginx (keepalive_requests 100): 250 GETs, one connection per 100 requests${nginxMissing ? ` — skipped: ${nginxMissing}` : ''}`,
    async () => {
      const nginx: Nginx = await startNginx([
        {
          name: 'static',
          server: 'keepalive_requests 100;',
          location: 'return 200 "hello from nginx\\n";',
        },
      ]);
      closers.push(nginx.close);
      const r = await drive(nginx.urls.static!, 250, 1, {
        maxIdleConnsPerHost: 1,
        post: false,
        hello: 'hello from nginx\n',
      });
      expect(r.bad).toEqual([]);
      // nginx answers the 100th request on a connection with Connection: close
      expect(r.dials).toBe(3);
    },
  );
});
