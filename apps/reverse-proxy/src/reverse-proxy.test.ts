// ReverseProxy against in-process ka servers on 127.0.0.1:0 — the behaviours of Go's
// httputil reverseproxy_test.go, checked with @ka/client and with raw bytes on the wire.
import { Client, Transport } from '@ka/client';
import { type Header, newRequest, parseURL, type Request, TrailerPrefix } from '@ka/http';
import {
  type HandlerFunc,
  Server as KaServer,
  ResponseController,
  type ResponseWriter,
} from '@ka/http-server';
import { newServer, type Server as TestServer } from '@ka/http-server/httptest';
import { listen } from '@ka/net';
import { afterEach, describe, expect, it } from 'vitest';
import { CountingTransport, newStats } from './app.js';
import {
  cleanQueryParams,
  joinURLPath,
  newSingleHostReverseProxy,
  type ProxyRequest,
  ReverseProxy,
  removeHopByHopHeaders,
  singleJoiningSlash,
} from './reverse-proxy.js';
import { deferred, headLines, RawConn, rawExchange } from './testutil/raw.js';

const T = 20_000; // per-test limit: the machine is shared

interface Env {
  upstream: TestServer;
  front: TestServer;
  proxy: ReverseProxy;
  /** The proxy's transport. */
  transport: Transport;
  /** A client for talking to the front (the proxy). */
  client: Client;
  /** What the upstream received, in order. */
  seen: Request[];
  /** The proxy's error log. */
  logs: string[];
}

const envs: Env[] = [];
const cleanups: (() => void)[] = [];

afterEach(async () => {
  for (const f of cleanups.splice(0)) f();
  for (const e of envs.splice(0)) {
    e.client.closeIdleConnections();
    await e.front.closeClientConnections();
    await e.front.close();
    e.transport.closeIdleConnections();
    await e.upstream.closeClientConnections();
    await e.upstream.close();
  }
});

/**
 * An upstream running `handler`, and a front server running a ReverseProxy to it (made by
 * `makeProxy`, default newSingleHostReverseProxy). `frontHandler` may wrap the proxy.
 */
async function setup(
  handler: HandlerFunc,
  opts: {
    makeProxy?: (target: string, transport: Transport, log: (m: string) => void) => ReverseProxy;
    frontHandler?: (proxy: ReverseProxy) => HandlerFunc;
  } = {},
): Promise<Env> {
  const seen: Request[] = [];
  const logs: string[] = [];
  const upstream = await newServer(async (w, r) => {
    seen.push(r);
    await handler(w, r);
  });
  const transport = new Transport({ maxIdleConnsPerHost: 8 });
  const log = (m: string) => logs.push(m);
  const proxy =
    opts.makeProxy?.(upstream.url, transport, log) ??
    newSingleHostReverseProxy(parseURL(upstream.url), { transport, errorLog: log });
  const front = await newServer(
    opts.frontHandler?.(proxy) ?? ((w: ResponseWriter, r: Request) => proxy.serveHttp(w, r)),
  );
  // the front server's own log (e.g. a handler that aborted) goes to the same list
  front.config.errorLog = log;
  const client = new Client({ transport: new Transport(), timeout: 15_000 });
  const env = { upstream, front, proxy, transport, client, seen, logs };
  envs.push(env);
  return env;
}

const hello: HandlerFunc = (w) => w.write('hello\n');

describe('hop-by-hop headers', () => {
  it(
    'hop-by-hop request headers are removed, those Connection names too; Te: trailers is kept',
    async () => {
      const env = await setup(hello);
      const raw = await rawExchange(
        env.front.url,
        'GET /x HTTP/1.1\r\nHost: some-name\r\n' +
          'Connection: close, X-Conn-Named\r\nConnection: X-Conn-Other\r\n' +
          'X-Conn-Named: secret\r\nX-Conn-Other: secret\r\n' +
          'Te: foo\r\nTe: bar, trailers\r\n' +
          'Proxy-Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n' +
          'Proxy-Authorization: Basic eDp5\r\nUpgrade: foo\r\nTrailer: X-T\r\n' +
          'X-Kept: yes\r\n\r\n',
      );
      expect(headLines(raw).status).toBe('HTTP/1.1 200 OK');
      const h = env.seen[0]!.header;
      for (const k of [
        'Connection',
        'X-Conn-Named',
        'X-Conn-Other',
        'Proxy-Connection',
        'Keep-Alive',
        'Proxy-Authorization',
        'Upgrade',
        'Trailer',
        'User-Agent', // the client sent none: the proxy sends none, not its library's default
      ]) {
        expect(h.has(k), k).toBe(false);
      }
      expect(h.values('Te')).toEqual(['trailers']);
      expect(h.get('X-Kept')).toBe('yes');
      expect(env.seen[0]!.host).toBe('some-name'); // newSingleHostReverseProxy keeps Host
    },
    T,
  );

  it(
    "hop-by-hop response headers are removed, and those the upstream's Connection names",
    async () => {
      const env = await setup(async (w) => {
        const h = w.header();
        h.add('Connection', 'Upgrade, X-Fake-Conn');
        h.add('Connection', 'X-Other-Conn');
        h.set('X-Fake-Conn', 'should be deleted');
        h.set('X-Other-Conn', 'should be deleted');
        h.set('Keep-Alive', 'timeout=5');
        h.set('Proxy-Authenticate', 'Basic');
        h.set('Upgrade', 'foo');
        h.set('Trailers', 'not a special header field name');
        h.add('X-Multi-Value', 'foo');
        h.add('X-Multi-Value', 'bar');
        h.set('Set-Cookie', 'flavor=chocolateChip');
        w.writeHeader(404);
        await w.write('I am the backend');
      });
      const raw = await rawExchange(
        env.front.url,
        'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      const { status, headers } = headLines(raw);
      expect(status).toBe('HTTP/1.1 404 Not Found');
      const names = headers.map(([k]) => k);
      for (const k of [
        'x-fake-conn',
        'x-other-conn',
        'keep-alive',
        'proxy-authenticate',
        'upgrade',
      ]) {
        expect(names, k).not.toContain(k);
      }
      // The only Connection header is the front server's own answer to "Connection: close".
      expect(headers.filter(([k]) => k === 'connection')).toEqual([['connection', 'close']]);
      expect(headers).toContainEqual(['trailers', 'not a special header field name']);
      expect(headers.filter(([k]) => k === 'x-multi-value')).toEqual([
        ['x-multi-value', 'foo'],
        ['x-multi-value', 'bar'],
      ]);
      expect(headers).toContainEqual(['set-cookie', 'flavor=chocolateChip']);
      expect(raw.endsWith('\r\n\r\nI am the backend')).toBe(true);
    },
    T,
  );

  it(
    'the incoming request is left as it was: only the outgoing copy loses its headers',
    async () => {
      let after: Header | undefined;
      const env = await setup(hello, {
        frontHandler: (proxy) => async (w, r) => {
          await proxy.serveHttp(w, r);
          after = r.header;
        },
      });
      await rawExchange(
        env.front.url,
        'GET / HTTP/1.1\r\nHost: x\r\nConnection: close, X-Conn-Named\r\nX-Conn-Named: v\r\n\r\n',
      );
      expect(env.seen[0]!.header.has('X-Conn-Named')).toBe(false);
      expect(after?.get('X-Conn-Named')).toBe('v');
      expect(after?.get('Connection')).toBe('close, X-Conn-Named');
      expect(after?.has('X-Forwarded-For')).toBe(false);
    },
    T,
  );

  it('removeHopByHopHeaders ignores empty elements of Connection', () => {
    const h = newRequest('GET', 'http://x/').header;
    h.add('Connection', '');
    h.add('Connection', ' , X-Some-Conn-Header ,');
    h.set('X-Some-Conn-Header', 'v');
    h.set('X-Other', 'kept');
    removeHopByHopHeaders(h);
    expect([...h.keys()]).toEqual(['X-Other']);
  });
});

describe('X-Forwarded-For', () => {
  it(
    'X-Forwarded-For gets the client IP, appended to earlier values folded into one line',
    async () => {
      const env = await setup(hello);
      await rawExchange(
        env.front.url,
        'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' +
          'X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-For: 198.51.100.1\r\n\r\n',
      );
      await rawExchange(env.front.url, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(env.seen[0]!.header.values('X-Forwarded-For')).toEqual([
        '203.0.113.7, 198.51.100.1, 127.0.0.1',
      ]);
      expect(env.seen[1]!.header.values('X-Forwarded-For')).toEqual(['127.0.0.1']);
    },
    T,
  );

  it(
    'X-Forwarded-For present with no values after the director is not populated (Go issue 38079)',
    async () => {
      const env = await setup(hello);
      const old = env.proxy.director!;
      env.proxy.director = (r) => {
        r.header.rawSet('X-Forwarded-For', []);
        return old(r);
      };
      const res = await env.client.get(`${env.front.url}/`);
      expect(await res.body.text()).toBe('hello\n');
      expect(env.seen[0]!.header.get('X-Forwarded-For')).toBe('');
    },
    T,
  );

  it(
    'rewrite: client Forwarded and X-Forwarded-* are dropped; setXForwarded sets all three; setURL sets Host',
    async () => {
      const fwd = ['Forwarded', 'X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Proto'];
      for (const setX of [false, true]) {
        const env = await setup(hello, {
          makeProxy: (target, transport) =>
            new ReverseProxy({
              transport,
              rewrite: (pr: ProxyRequest) => {
                pr.setURL(parseURL(target));
                if (setX) pr.setXForwarded();
              },
            }),
        });
        const req = newRequest('GET', `${env.front.url}/`);
        req.host = 'some-name';
        for (const k of fwd) req.header.set(k, 'x');
        await (await env.client.do(req)).body.text();
        const h = env.seen[0]!.header;
        if (!setX) {
          for (const k of fwd) expect(h.has(k), k).toBe(false);
        } else {
          expect(h.has('Forwarded')).toBe(false);
          expect(h.get('X-Forwarded-For')).toBe('127.0.0.1');
          expect(h.get('X-Forwarded-Host')).toBe('some-name');
          expect(h.get('X-Forwarded-Proto')).toBe('http');
        }
        expect(env.seen[0]!.host).toBe(new globalThis.URL(env.upstream.url).host);
      }
    },
    T,
  );
});

describe('X-Forwarded-Proto', () => {
  it(
    'setXForwarded says https for a request that came over TLS (Request.tls), end to end',
    async () => {
      const { testCert, testKey } = await import('../../../test/testcert.js');
      const seen: Request[] = [];
      const upstream = await newServer(async (w, r) => {
        seen.push(r);
        await w.write('ok');
      });
      const transport = new Transport();
      const proxy = new ReverseProxy({
        transport,
        rewrite: (pr: ProxyRequest) => {
          pr.setURL(parseURL(upstream.url));
          pr.setXForwarded();
        },
      });
      const srv = new KaServer({ handler: (w, r) => proxy.serveHttp(w, r), errorLog: () => {} });
      const ln = await listen('tcp', '127.0.0.1:0', { tls: { cert: testCert, key: testKey } });
      const serving = srv.serve(ln).catch(() => {});
      const tlsClient = new Transport({ tlsClientConfig: { ca: testCert } });
      const c = new Client({ transport: tlsClient, timeout: 15_000 });
      try {
        const port = ln.addr().toString().split(':').pop();
        const res = await c.get(`https://localhost:${port}/x`);
        expect(await res.body.text()).toBe('ok');
        expect(seen[0]!.header.get('X-Forwarded-Proto')).toBe('https');
      } finally {
        tlsClient.closeIdleConnections();
        transport.closeIdleConnections();
        await srv.close();
        await serving;
        await upstream.closeClientConnections();
        await upstream.close();
      }
    },
    T,
  );
});

describe('routing', () => {
  // Go: proxyQueryTests
  it.each([
    ['', '', '/dir', ''],
    ['?sta=tic', '?us=er', '/dir', 'sta=tic&us=er'],
    ['', '?us=er', '/dir', 'us=er'],
    ['?sta=tic', '', '/dir', 'sta=tic'],
  ])(
    'newSingleHostReverseProxy joins the base path and queries (target %j, request %j)',
    async (baseSuffix, reqSuffix, _p, want) => {
      const env = await setup(hello, {
        makeProxy: (target, transport) =>
          newSingleHostReverseProxy(parseURL(`${target}/base${baseSuffix}`), { transport }),
      });
      await (await env.client.get(`${env.front.url}/dir${reqSuffix}`)).body.text();
      expect(env.seen[0]!.url.path).toBe('/base/dir');
      expect(env.seen[0]!.url.rawQuery).toBe(want);
    },
    T,
  );

  it(
    'rewrite: a query Go would not parse as is is re-encoded first; rewrite may restore it or replace out',
    async () => {
      const modes = ['clean', 'raw', 'replace'] as const;
      for (const mode of modes) {
        const env = await setup(hello, {
          makeProxy: (target, transport) =>
            new ReverseProxy({
              transport,
              rewrite: (pr) => {
                if (mode === 'replace') {
                  const out = pr.out.clone();
                  out.url.rawQuery = 'replaced=1';
                  pr.out = out;
                }
                pr.setURL(parseURL(target));
                if (mode === 'raw') pr.out.url.rawQuery = pr.in.url.rawQuery;
              },
            }),
        });
        const res = await env.client.get(`${env.front.url}/?a=1;b=2&c=3`);
        expect(await res.body.text()).toBe('hello\n');
        const want = { clean: 'c=3', raw: 'a=1;b=2&c=3', replace: 'replaced=1' }[mode];
        expect(env.seen[0]!.url.rawQuery, mode).toBe(want);
      }
    },
    T,
  );

  it('singleJoiningSlash and joinURLPath put exactly one slash between the parts', () => {
    // Go: TestSingleJoinSlash, TestJoinURLPath
    expect(
      [
        ['https://www.google.com/', '/favicon.ico'],
        ['https://www.google.com', '/favicon.ico'],
        ['https://www.google.com', 'favicon.ico'],
        ['https://www.google.com', ''],
        ['', 'favicon.ico'],
      ].map(([a, b]) => singleJoiningSlash(a!, b!)),
    ).toEqual([
      'https://www.google.com/favicon.ico',
      'https://www.google.com/favicon.ico',
      'https://www.google.com/favicon.ico',
      'https://www.google.com/',
      '/favicon.ico',
    ]);
    const join = (a: string, b: string) => joinURLPath(parseURL(a), parseURL(b));
    expect(join('http://foo', 'http://foo')).toEqual(['/', '']);
    expect(join('http://foo/bar/baz', 'http://foo/quux')).toEqual(['/bar/baz/quux', '']);
    expect(join('http://foo/a%2Fb', 'http://foo')).toEqual(['/a/b/', '/a%2Fb/']);
    expect(join('http://foo/a%2Fb', 'http://foo/c')).toEqual(['/a/b/c', '/a%2Fb/c']);
  });

  it('cleanQueryParams re-encodes a query with ";" or a bad escape and keeps a good one', () => {
    expect(cleanQueryParams('a=1&b=2')).toBe('a=1&b=2');
    expect(cleanQueryParams('a=1;b=2')).toBe('');
    expect(cleanQueryParams('a=%zz&b=2')).toBe('b=2');
    expect(cleanQueryParams('b=%41&a=1')).toBe('b=%41&a=1');
  });
});

describe('upstream failures', () => {
  it(
    '502 with an empty body and "http: proxy error: …" in the log when the upstream refuses',
    async () => {
      const ln = await listen('tcp', '127.0.0.1:0');
      const dead = `http://${ln.addr()}`;
      await ln.close();
      const env = await setup(hello, {
        makeProxy: (_t, transport, log) =>
          newSingleHostReverseProxy(parseURL(dead), { transport, errorLog: log }),
      });
      const raw = await rawExchange(
        env.front.url,
        'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      const { status, headers } = headLines(raw);
      expect(status).toBe('HTTP/1.1 502 Bad Gateway');
      expect(headers).toContainEqual(['content-length', '0']);
      expect(raw.endsWith('\r\n\r\n')).toBe(true);
      expect(env.logs).toEqual([
        `http: proxy error: dial tcp ${dead.slice(7)}: connect: connection refused`,
      ]);
    },
    T,
  );

  it(
    'Expect: 100-continue to a refused upstream: 502 at once, without waiting for the body',
    async () => {
      const ln = await listen('tcp', '127.0.0.1:0');
      const dead = `http://${ln.addr()}`;
      await ln.close();
      const env = await setup(hello, {
        makeProxy: (_t, transport, log) =>
          newSingleHostReverseProxy(parseURL(dead), { transport, errorLog: log }),
      });
      // The body is never sent: the client waits for a 100 Continue that must not come.
      const c = await RawConn.connect(env.front.url);
      cleanups.push(() => c.close());
      await c.write(
        'POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n',
      );
      const got = await c.readUntil((s) => s.includes('\r\n\r\n'));
      expect(headLines(got).status).toBe('HTTP/1.1 502 Bad Gateway');
      expect(got).not.toContain('100 Continue');
      expect(env.logs).toHaveLength(1);
    },
    T,
  );

  it(
    'an upstream switching to another protocol than the client asked for is a 502',
    async () => {
      const env = await setup(async (w) => {
        const hj = await new ResponseController(w).hijack();
        await hj.conn.write(
          Buffer.from(
            'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: other\r\n\r\n',
          ),
        );
        await hj.conn.close();
      });
      const c = await RawConn.connect(env.front.url);
      cleanups.push(() => c.close());
      await c.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
      const raw = await c.readUntil((s) => s.includes('\r\n\r\n'));
      expect(headLines(raw).status).toBe('HTTP/1.1 502 Bad Gateway');
      expect(env.logs).toEqual([
        'http: proxy error: backend tried to switch protocol "other" when "echo" was requested',
      ]);
    },
    T,
  );

  it(
    '502 when the upstream hangs up without answering',
    async () => {
      const env = await setup(async (w) => {
        const hj = await new ResponseController(w).hijack();
        await hj.conn.close();
      });
      const res = await env.client.get(`${env.front.url}/?mode=hangup`);
      expect(res.statusCode).toBe(502);
      expect(await res.body.text()).toBe('');
      expect(env.logs).toHaveLength(1);
      expect(env.logs[0]).toMatch(/^http: proxy error: /);
    },
    T,
  );

  it(
    'an upstream failure mid-body cuts the client connection (ErrAbortHandler)',
    async () => {
      const env = await setup(async (w) => {
        w.header().set('Content-Length', '100');
        await w.write('0123456789');
        await new ResponseController(w).flush();
        const hj = await new ResponseController(w).hijack();
        await hj.conn.close();
      });
      // Flush every write, so that the client sees where the body stopped (without it the
      // ten bytes would still sit in the front server's buffer, in Go as here).
      env.proxy.flushInterval = -1;
      const raw = await rawExchange(env.front.url, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(headLines(raw).status).toBe('HTTP/1.1 200 OK');
      expect(headLines(raw).headers).toContainEqual(['content-length', '100']);
      expect(raw.endsWith('\r\n\r\n0123456789')).toBe(true); // then the connection closed
      expect(env.logs).toEqual([
        'httputil: ReverseProxy read error during body copy: unexpected EOF',
      ]);
    },
    T,
  );

  it(
    'modifyResponse sees each response; throwing sends the error to errorHandler',
    async () => {
      const env = await setup(hello);
      env.proxy.modifyResponse = (res) => {
        res.header.set('X-Modified', String(res.statusCode));
      };
      const res = await env.client.get(`${env.front.url}/`);
      expect(res.header.get('X-Modified')).toBe('200');
      expect(await res.body.text()).toBe('hello\n');

      env.proxy.modifyResponse = async () => {
        throw new Error('nope');
      };
      const res2 = await env.client.get(`${env.front.url}/`);
      expect(res2.statusCode).toBe(502);
      await res2.body.text();
      expect(env.logs).toEqual(['http: proxy error: nope']);

      let handled: unknown;
      env.proxy.errorHandler = (w, _r, err) => {
        handled = err;
        w.writeHeader(503);
      };
      const res3 = await env.client.get(`${env.front.url}/`);
      expect(res3.statusCode).toBe(503);
      await res3.body.text();
      expect((handled as Error).message).toBe('nope');
    },
    T,
  );

  it(
    'exactly one of director and rewrite: neither or both is a 502',
    async () => {
      const env = await setup(hello, {
        makeProxy: (_t, transport, log) => new ReverseProxy({ transport, errorLog: log }),
      });
      const res = await env.client.get(`${env.front.url}/`);
      expect(res.statusCode).toBe(502);
      await res.body.text();
      expect(env.logs).toEqual([
        'http: proxy error: ReverseProxy must have exactly one of Director or Rewrite set',
      ]);
      expect(env.seen).toHaveLength(0);
    },
    T,
  );
});

describe('streaming', () => {
  it(
    'response streaming: the client reads the first chunk before the upstream has finished',
    async () => {
      const gate = deferred();
      cleanups.push(() => gate.resolve());
      let upstreamDone = false;
      const env = await setup(async (w) => {
        await w.write('first\n');
        await new ResponseController(w).flush();
        await gate.promise;
        await w.write('second\n');
        upstreamDone = true;
      });
      const res = await env.client.get(`${env.front.url}/`);
      expect(res.contentLength).toBe(-1);
      const buf = new Uint8Array(64);
      const n = await res.body.read(buf);
      expect(Buffer.from(buf.subarray(0, n ?? 0)).toString()).toBe('first\n');
      expect(upstreamDone).toBe(false);
      gate.resolve();
      expect(await res.body.text()).toBe('second\n');
      expect(upstreamDone).toBe(true);
    },
    T,
  );

  it(
    'a client that goes away cancels the upstream request (the signal is shared)',
    async () => {
      const canceled = deferred<unknown>();
      const env = await setup(async (w, r) => {
        await w.write('first\n');
        await new ResponseController(w).flush();
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 15_000);
          r.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(t);
              canceled.resolve(r.signal.reason);
              resolve();
            },
            { once: true },
          );
        });
      });
      const c = await RawConn.connect(env.front.url);
      cleanups.push(() => c.close());
      await c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      await c.readUntil((s) => s.includes('first\n'));
      c.close();
      expect(await canceled.promise).toBeDefined();
    },
    T,
  );

  it.each([
    ['text/event-stream with a Content-Length is flushed at once', 'text/event-stream', 0],
    ['a Content-Length body is flushed every flushInterval', 'text/plain', 50],
  ])(
    '%s',
    async (_name, contentType, flushInterval) => {
      const gate = deferred();
      cleanups.push(() => gate.resolve());
      const env = await setup(async (w) => {
        w.header().set('Content-Type', contentType);
        w.header().set('Content-Length', '20');
        await w.write('data: 1\n\n');
        await new ResponseController(w).flush();
        await gate.promise;
        await w.write('data: 22\n\n\n');
      });
      env.proxy.flushInterval = flushInterval;
      const res = await env.client.get(`${env.front.url}/`);
      expect(res.contentLength).toBe(20);
      const buf = new Uint8Array(64);
      const n = await res.body.read(buf);
      expect(Buffer.from(buf.subarray(0, n ?? 0)).toString()).toBe('data: 1\n\n');
      gate.resolve();
      expect(await res.body.text()).toBe('data: 22\n\n\n');
    },
    T,
  );

  it(
    'request body streaming: the upstream reads the first chunk before the client sends the rest',
    async () => {
      const first = deferred<string>();
      const env = await setup(async (w, r) => {
        const buf = new Uint8Array(64);
        const n = await r.body.read(buf);
        first.resolve(Buffer.from(buf.subarray(0, n ?? 0)).toString());
        const rest = await r.body.text();
        await w.write(`got ${n}+${rest.length} bytes; te=${r.transferEncoding.join(',')}`);
      });
      const c = await RawConn.connect(env.front.url);
      cleanups.push(() => c.close());
      await c.write(
        'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
          '6\r\nfirst\n\r\n',
      );
      expect(await first.promise).toBe('first\n');
      await c.write('7\r\nsecond\n\r\n0\r\n\r\n');
      const raw = await c.readAll();
      expect(headLines(raw).status).toBe('HTTP/1.1 200 OK');
      expect(raw.endsWith('got 6+7 bytes; te=chunked')).toBe(true);
    },
    T,
  );

  it(
    'a request body with a Content-Length arrives whole, with that Content-Length',
    async () => {
      const env = await setup(async (w, r) => {
        await w.write(`${r.contentLength}:${await r.body.text()}`);
      });
      const res = await env.client.do(newRequest('PUT', `${env.front.url}/`, 'x'.repeat(100_000)));
      expect(await res.body.text()).toBe(`100000:${'x'.repeat(100_000)}`);
    },
    T,
  );
});

describe('trailers and 1xx', () => {
  it(
    'trailers: announced and unannounced trailers reach the client',
    async () => {
      const env = await setup(async (w) => {
        w.header().set('Trailer', 'X-Trailer');
        await w.write('body');
        w.header().set('X-Trailer', 'trailer_value');
        w.header().set(`${TrailerPrefix}X-Unannounced-Trailer`, 'unannounced_trailer_value');
      });
      const res = await env.client.get(`${env.front.url}/`);
      expect([...(res.trailer?.keys() ?? [])]).toEqual(['X-Trailer']);
      expect(await res.body.text()).toBe('body');
      expect(res.trailer?.get('X-Trailer')).toBe('trailer_value');
      expect(res.trailer?.get('X-Unannounced-Trailer')).toBe('unannounced_trailer_value');
    },
    T,
  );

  it(
    '1xx responses are relayed with their headers, which do not leak into the final response',
    async () => {
      const env = await setup(async (w) => {
        w.header().set('Link', '</style.css>; rel=preload');
        w.writeHeader(103);
        w.header().del('Link');
        w.header().set('X-Final', 'yes');
        await w.write('done');
      });
      const raw = await rawExchange(
        env.front.url,
        'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      const early = raw.slice(0, raw.indexOf('\r\n\r\n') + 4);
      expect(early).toBe('HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n');
      const final = headLines(raw.slice(early.length));
      expect(final.status).toBe('HTTP/1.1 200 OK');
      expect(final.headers.map(([k]) => k)).not.toContain('link');
      expect(final.headers).toContainEqual(['x-final', 'yes']);
    },
    T,
  );

  it(
    'upgrade: a 101 Switching Protocols becomes a two-way byte pipe',
    async () => {
      const env = await setup(async (w, r) => {
        const up = `${r.header.get('Connection')}|${r.header.get('Upgrade')}`;
        const hj = await new ResponseController(w).hijack();
        await hj.conn.write(
          Buffer.from(
            `HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\nX-Seen: ${up}\r\n\r\n`,
          ),
        );
        const buf = new Uint8Array(1024);
        for (let i = 0; i < 100; i++) {
          const n = await hj.reader.read(buf);
          if (n === null) break;
          await hj.conn.write(buf.slice(0, n));
        }
        await hj.conn.close();
      });
      const c = await RawConn.connect(env.front.url);
      cleanups.push(() => c.close());
      await c.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
      const head = await c.readUntil((s) => s.includes('\r\n\r\n'));
      const { status, headers } = headLines(head);
      expect(status).toBe('HTTP/1.1 101 Switching Protocols');
      expect(headers).toContainEqual(['upgrade', 'echo']);
      expect(headers).toContainEqual(['x-seen', 'Upgrade|echo']);
      await c.write('ping');
      await c.readUntil((s) => s.endsWith('\r\n\r\nping'));
      c.socket.end(); // the client is done: the pipe closes both ways
      await c.readAll();
      expect(c.ended).toBe(true);
    },
    T,
  );
});

describe('upstream connection reuse', () => {
  it(
    'upstream keep-alive: sequential requests share one upstream connection, even when clients close theirs',
    async () => {
      const stats = newStats();
      const env = await setup(hello, {
        makeProxy: (target, transport) =>
          newSingleHostReverseProxy(parseURL(target), {
            transport: new CountingTransport(transport, stats),
          }),
      });
      for (let i = 0; i < 5; i++) {
        const res = await env.client.get(`${env.front.url}/`);
        expect(await res.body.text()).toBe('hello\n');
      }
      for (let i = 0; i < 5; i++) {
        const raw = await rawExchange(
          env.front.url,
          'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        );
        expect(raw.endsWith('hello\n')).toBe(true);
      }
      expect(stats.upstreamRequests).toBe(10);
      expect(stats.upstreamNewConnections).toBe(1);
      expect(stats.upstreamReused).toBe(9);
      expect(stats.upstreamWasIdle).toBe(9);
      expect(new Set(env.seen.map((r) => r.remoteAddr)).size).toBe(1);
    },
    T,
  );
});
