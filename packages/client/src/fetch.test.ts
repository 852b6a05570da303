import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFetch } from './fetch.js';
import { Transport } from './transport.js';

let server: http.Server;
let base = '';
const remotePorts = new Set<number>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    remotePorts.add(req.socket.remotePort!);
    if (req.url === '/hello') return void res.end('hello\n');
    if (req.url === '/echo') {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        res.setHeader('Content-Type', req.headers['content-type'] ?? 'none');
        res.setHeader('X-Method', req.method ?? '');
        res.setHeader('X-Custom', String(req.headers['x-custom'] ?? ''));
        res.end(Buffer.concat(parts));
      });
      return;
    }
    if (req.url === '/redirect') {
      res.statusCode = 302;
      res.setHeader('Location', '/hello');
      return void res.end();
    }
    if (req.url === '/nocontent') {
      res.statusCode = 204;
      return void res.end();
    }
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000).unref();
    res.statusCode = 404;
    res.end('nope');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function make() {
  const transport = new Transport({ maxIdleConnsPerHost: 4 });
  return { transport, fetch: createFetch({ transport }) };
}

describe('fetch facade', () => {
  test('GET returns a WHATWG Response; two requests share one pooled connection', async () => {
    const { transport, fetch } = make();
    try {
      remotePorts.clear();
      const a = await fetch(`${base}/hello`);
      expect(a.status).toBe(200);
      expect(a.statusText).toBe('OK');
      expect(await a.text()).toBe('hello\n');
      const b = await fetch(new URL(`${base}/hello`));
      expect(await b.text()).toBe('hello\n');
      expect(remotePorts.size).toBe(1);
    } finally {
      transport.closeIdleConnections();
    }
  });

  test('POST with a body, headers in, headers out', async () => {
    const { transport, fetch } = make();
    try {
      const r = await fetch(`${base}/echo`, {
        method: 'post',
        body: JSON.stringify({ a: 1 }),
        headers: { 'Content-Type': 'application/json', 'X-Custom': 'yes' },
      });
      expect(r.headers.get('x-method')).toBe('POST');
      expect(r.headers.get('x-custom')).toBe('yes');
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(await r.json()).toEqual({ a: 1 });
    } finally {
      transport.closeIdleConnections();
    }
  });

  test('redirects: follow (redirected, final url), manual (the 302 itself), error (rejects)', async () => {
    const { transport, fetch } = make();
    try {
      const f = await fetch(`${base}/redirect`);
      expect([f.status, f.redirected, f.url, await f.text()]).toEqual([
        200,
        true,
        `${base}/hello`,
        'hello\n',
      ]);
      const m = await fetch(`${base}/redirect`, { redirect: 'manual' });
      expect([m.status, m.headers.get('location')]).toEqual([302, '/hello']);
      await m.arrayBuffer();
      await expect(fetch(`${base}/redirect`, { redirect: 'error' })).rejects.toThrow(TypeError);
    } finally {
      transport.closeIdleConnections();
    }
  });

  test('204 has a null body; a refused connection rejects with TypeError and Go text in cause', async () => {
    const { transport, fetch } = make();
    try {
      const r = await fetch(`${base}/nocontent`);
      expect(r.status).toBe(204);
      expect(r.body).toBeNull();
      const err = await fetch('http://127.0.0.1:1/').then(
        () => null,
        (e: unknown) => e as TypeError,
      );
      expect(err).toBeInstanceOf(TypeError);
      expect(String((err!.cause as Error).message)).toBe(
        'Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused',
      );
    } finally {
      transport.closeIdleConnections();
    }
  });

  test('an aborted signal rejects with its reason', async () => {
    const { transport, fetch } = make();
    try {
      const ac = new AbortController();
      const p = fetch(`${base}/slow`, { signal: ac.signal });
      setTimeout(() => ac.abort(new Error('stop')), 50);
      await expect(p).rejects.toThrow('stop');
    } finally {
      transport.closeIdleConnections();
    }
  });
});
