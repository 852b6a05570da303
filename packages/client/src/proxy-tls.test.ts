// https over node:tls, HTTP proxies (absolute-form requests) and CONNECT tunnels, and the
// environment proxy rules.
import { X509Certificate } from 'node:crypto';
import * as https from 'node:https';
import * as net from 'node:net';
import { newRequest, parseURL } from '@ka/http';
import { type ConnectionState, dial } from '@ka/net';
import { afterEach, describe, expect, test } from 'vitest';
import { testCert, testKey } from '../../../test/testcert.js';
import { Client } from './client.js';
import { ConnectMethod } from './connect-method.js';
import { proxyFuncFromConfig, proxyURL } from './proxy.js';
import { getText, rejection } from './testutil/helpers.js';
import { okResponse, ScriptedServer } from './testutil/scripted-server.js';
import { Transport } from './transport.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function transport(opts: ConstructorParameters<typeof Transport>[0] = {}): Transport {
  const t = new Transport({ tlsClientConfig: { ca: testCert }, ...opts });
  cleanups.push(() => t.closeIdleConnections());
  return t;
}

async function httpsServer(): Promise<{ port: number; conns: () => number }> {
  let conns = 0;
  const server = https.createServer(
    { cert: testCert, key: testKey, keepAliveTimeout: 5000 },
    (req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => res.end(`tls ${req.method} ${req.url} ${body}`));
    },
  );
  server.on('secureConnection', () => conns++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as net.AddressInfo).port, conns: () => conns };
}

describe('https', () => {
  test('https requests are pooled by their own key and reuse the TLS connection', async () => {
    const s = await httpsServer();
    const t = transport();
    expect((await getText(t, `https://127.0.0.1:${s.port}/a`)).text).toBe('tls GET /a ');
    expect((await getText(t, `https://localhost:${s.port}/b`)).text).toBe('tls GET /b ');
    expect((await getText(t, `https://127.0.0.1:${s.port}/c`)).text).toBe('tls GET /c ');
    expect(s.conns()).toBe(2);
    expect(t.idleConnKeys()).toEqual([`|https|127.0.0.1:${s.port}`, `|https|localhost:${s.port}`]);
  });

  test("Response.tls: the connection's TLS state on https, null on http (Go's Response.TLS)", async () => {
    const s = await httpsServer();
    const t = transport();
    const a = await getText(t, `https://localhost:${s.port}/a`);
    const b = await getText(t, `https://localhost:${s.port}/b`);
    expect(a.resp.tls).not.toBeNull();
    expect(b.resp.tls).toBe(a.resp.tls); // one pooled conn, one state
    expect(a.resp.tls).toMatchObject({ handshakeComplete: true, serverName: 'localhost' });
    expect(a.resp.tls!.version).toBeGreaterThanOrEqual(0x0303);
    expect(a.resp.tls!.cipherSuite).toMatch(/^TLS_/);
    expect(a.resp.tls!.negotiatedProtocol).toBe('http/1.1'); // the client offers only HTTP/1.1
    // the server's certificate, DER
    expect(
      Buffer.from(a.resp.tls!.peerCertificates[0]!).equals(new X509Certificate(testCert).raw),
    ).toBe(true);

    const plain = await ScriptedServer.serve(() => okResponse('plain'));
    cleanups.push(() => plain.close());
    expect((await getText(t, `http://127.0.0.1:${plain.port}/`)).resp.tls).toBeNull();
  });

  test('a dialTLS conn that knows its TLS state lends it to the responses (Go: *tls.Conn)', async () => {
    const plain = await ScriptedServer.serve(() => okResponse('via hook'));
    cleanups.push(() => plain.close());
    const state: ConnectionState = {
      version: 0x0304,
      handshakeComplete: true,
      didResume: false,
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      serverName: 'example.com',
      negotiatedProtocol: 'http/1.1',
      peerCertificates: [],
    };
    const t = transport({
      // stands in for a TLS dialer: a plain conn that reports a TLS state
      dialTLS: async () => {
        const c = await dial('tcp', `127.0.0.1:${plain.port}`);
        return Object.assign(c, { connectionState: () => state });
      },
    });
    const r = await getText(t, 'https://example.com/');
    expect(r.text).toBe('via hook');
    expect(r.resp.tls).toBe(state);
  });

  test('an untrusted certificate fails the request', async () => {
    const s = await httpsServer();
    const t = transport({ tlsClientConfig: {} });
    const err = await rejection(t.roundTrip(newRequest('GET', `https://127.0.0.1:${s.port}/`)));
    expect(err.message).toMatch(/^tls: /);
  });

  test('POST over https with a body', async () => {
    const s = await httpsServer();
    const c = new Client({ transport: transport() });
    const resp = await c.post(`https://127.0.0.1:${s.port}/p`, 'text/plain', 'secret');
    expect(await resp.body.text()).toBe('tls POST /p secret');
  });
});

describe('proxies', () => {
  test('http targets through an HTTP proxy: absolute-form targets, one pooled conn, Proxy-Authorization', async () => {
    const proxy = await ScriptedServer.serve((req) => okResponse(`via proxy ${req.target}`));
    cleanups.push(() => proxy.close());
    const t = transport({ proxy: proxyURL(`http://u:p@127.0.0.1:${proxy.port}`) });
    expect((await getText(t, 'http://example.test/a?x=1')).text).toBe(
      'via proxy http://example.test/a?x=1',
    );
    expect((await getText(t, 'http://other.test:8080/b')).text).toBe(
      'via proxy http://other.test:8080/b',
    );
    expect(proxy.conns.length).toBe(1);
    expect(proxy.requests[0]!.get('Host')).toBe('example.test');
    expect(proxy.requests[0]!.get('Proxy-Authorization')).toBe('Basic dTpw');
    expect(t.idleConnKeys()).toEqual([`http://u:p@127.0.0.1:${proxy.port}|http|`]);
  });

  async function connectProxy(answer?: string): Promise<ScriptedServer> {
    const upstreams: net.Socket[] = [];
    const proxy = await ScriptedServer.start(async (c) => {
      const req = await c.readRequest();
      if (req === null) return;
      proxy.requests.push(req);
      if (answer !== undefined) {
        await c.write(answer);
        c.destroy();
        return;
      }
      const [host, port] = [
        req.target.slice(0, req.target.lastIndexOf(':')),
        req.target.slice(req.target.lastIndexOf(':') + 1),
      ];
      const up = net.connect(Number(port), host);
      upstreams.push(up);
      up.on('error', () => {});
      await new Promise<void>((r) => up.once('connect', () => r()));
      await c.write('HTTP/1.1 200 Connection established\r\n\r\n');
      c.socket.pipe(up);
      up.pipe(c.socket);
      await c.peerClosed;
      up.destroy();
    });
    cleanups.push(async () => {
      for (const u of upstreams) u.destroy();
      await proxy.close();
    });
    return proxy;
  }

  test('https targets through a CONNECT tunnel', async () => {
    const s = await httpsServer();
    const proxy = await connectProxy();
    const t = transport({ proxy: proxyURL(`http://127.0.0.1:${proxy.port}`) });
    expect((await getText(t, `https://127.0.0.1:${s.port}/x`)).text).toBe('tls GET /x ');
    expect((await getText(t, `https://127.0.0.1:${s.port}/y`)).text).toBe('tls GET /y ');
    expect(proxy.requests.map((r) => `${r.method} ${r.target}`)).toEqual([
      `CONNECT 127.0.0.1:${s.port}`,
    ]);
    expect(proxy.requests[0]!.get('Host')).toBe(`127.0.0.1:${s.port}`);
    expect(t.idleConnKeys()).toEqual([`http://127.0.0.1:${proxy.port}|https|127.0.0.1:${s.port}`]);
  });

  test("https through a CONNECT tunnel: the response carries the target's TLS state", async () => {
    const s = await httpsServer();
    const proxy = await connectProxy();
    const t = transport({ proxy: proxyURL(`http://127.0.0.1:${proxy.port}`) });
    const r = await getText(t, `https://127.0.0.1:${s.port}/x`);
    expect(r.resp.tls?.handshakeComplete).toBe(true);
    expect(r.resp.tls?.serverName).toBe(''); // an IP address is not sent as SNI
  });

  test('a refused CONNECT fails with the status text', async () => {
    const proxy = await connectProxy('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    const c = new Client({
      transport: transport({ proxy: proxyURL(`http://127.0.0.1:${proxy.port}`) }),
    });
    const err = await rejection(c.get('https://example.test/'));
    expect(err.message).toBe('Get "https://example.test/": Forbidden');
  });

  test('a failed proxy dial is reported as proxyconnect', async () => {
    const t = transport({ proxy: proxyURL('http://127.0.0.1:1') });
    const err = await rejection(t.roundTrip(newRequest('GET', 'http://example.test/')));
    expect(err.message).toBe('proxyconnect tcp: dial tcp 127.0.0.1:1: connect: connection refused');
  });

  test('connectMethod keys (Go: TestTransportIdleCacheKeys / connectMethodKey.String)', () => {
    const cases: [string | undefined, string, string, boolean, string][] = [
      [undefined, 'http', 'foo.com:80', false, '|http|foo.com:80'],
      [undefined, 'https', 'foo.com:443', false, '|https|foo.com:443'],
      [undefined, 'https', 'foo.com:443', true, '|https,h1|foo.com:443'],
      ['http://proxy.com', 'https', 'foo.com:443', false, 'http://proxy.com|https|foo.com:443'],
      ['http://proxy.com', 'http', 'foo.com:80', false, 'http://proxy.com|http|'],
      ['socks5://proxy.com', 'http', 'foo.com:80', false, 'socks5://proxy.com|http|foo.com:80'],
      ['https://proxy.com', 'http', 'foo.com:80', false, 'https://proxy.com|http|'],
    ];
    for (const [p, scheme, addr, h1, want] of cases) {
      const cm = new ConnectMethod({
        proxyURL: p === undefined ? undefined : parseURL(p),
        targetScheme: scheme,
        targetAddr: addr,
        onlyH1: h1,
      });
      expect(cm.key()).toBe(want);
    }
    const viaProxy = new ConnectMethod({
      proxyURL: parseURL('http://proxy.com'),
      targetScheme: 'https',
      targetAddr: 'foo.com:443',
    });
    expect(viaProxy.addr()).toBe('proxy.com:80');
    expect(viaProxy.tlsHost()).toBe('foo.com');
  });

  test('proxy from environment settings (Go: httpproxy ProxyForURL table)', () => {
    const f = proxyFuncFromConfig({
      httpProxy: 'proxy.example:3128',
      httpsProxy: 'https://secure.example',
      noProxy: 'skip.example, .sub.example, 10.0.0.0/8, 192.168.1.1:8080, *.star.example',
    });
    const cases: [string, string | undefined][] = [
      ['http://a.example/', 'http://proxy.example:3128'],
      ['https://a.example/', 'https://secure.example'],
      ['http://localhost/', undefined],
      ['http://127.0.0.1:8080/', undefined],
      ['http://[::1]/', undefined],
      ['http://skip.example/', undefined],
      ['http://x.skip.example/', undefined],
      ['http://sub.example/', 'http://proxy.example:3128'],
      ['http://a.sub.example/', undefined],
      ['http://10.1.2.3/', undefined],
      ['http://11.1.2.3/', 'http://proxy.example:3128'],
      ['http://192.168.1.1:8080/', undefined],
      ['http://192.168.1.1/', 'http://proxy.example:3128'],
      ['http://a.star.example/', undefined],
      ['ftp://a.example/', undefined],
    ];
    for (const [u, want] of cases) {
      expect(f(parseURL(u))?.toString(), u).toBe(want);
    }
    expect(
      proxyFuncFromConfig({ noProxy: '*', httpProxy: 'p:1' })(parseURL('http://x/')),
    ).toBeUndefined();
    expect(
      proxyFuncFromConfig({ httpProxy: 'p:1', cgi: true })(parseURL('http://x/')),
    ).toBeUndefined();
  });
});
