// The README example, kept runnable.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { newRequest } from '@ka/http';
import { expect, test } from 'vitest';
import { Client, Transport, withClientTrace } from './index.js';

test('README example: Transport + Client against a local node:http server', async () => {
  const server = http.createServer((req, res) => res.end(`hello from ${req.url}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lines: string[] = [];

  // --- README example starts ---
  const transport = new Transport({ maxIdleConnsPerHost: 4, idleConnTimeout: 30_000 });
  const client = new Client({ transport, timeout: 5_000 });

  for (const path of ['/a', '/b']) {
    const req = withClientTrace(newRequest('GET', `${base}${path}`), {
      gotConn: (info) => lines.push(`${path}: reused=${info.reused}`),
    });
    const resp = await client.do(req);
    lines.push(`${resp.statusCode} ${await resp.body.text()}`); // read to EOF: conn goes back
  }

  try {
    await client.get('http://127.0.0.1:1/');
  } catch (err) {
    lines.push((err as Error).message);
  }
  client.closeIdleConnections();
  // --- README example ends ---

  await new Promise<void>((r) => server.close(() => r()));
  expect(lines).toEqual([
    '/a: reused=false',
    '200 hello from /a',
    '/b: reused=true',
    '200 hello from /b',
    'Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused',
  ]);
});
