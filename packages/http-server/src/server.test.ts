import { is } from '@ka/io';
import { type ConnectionState, listen } from '@ka/net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnState, connStateString } from './conn-state.js';
import { ErrAbortHandler, ErrBodyNotAllowed, ErrContentLength, ErrServerClosed } from './errors.js';
import { dechunk, RawClient, startServer, type TestServer } from './internal/test-support.js';
import type { Response } from './response-writer.js';
import { Server } from './server.js';

const H = 'Host: x\r\n';
const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\n${H}${extra}\r\n`;
const ok = (body: string, ctype = 'text/plain; charset=utf-8') =>
  `HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: ${ctype}\r\n\r\n${body}`;

let ts: TestServer | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await ts?.close();
  ts = undefined;
});
async function client(): Promise<RawClient> {
  const c = await RawClient.connect(ts!.port);
  clients.push(c);
  return c;
}

describe('Server: connection loop', () => {
  it('SRV-01 HTTP/1.1 keeps the connection: two requests, two responses, one conn', async () => {
    ts = await startServer({ handler: (w) => w.write('hello') });
    const c = await client();
    c.send(get('/'));
    await c.waitFor((t) => t === ok('hello'));
    c.send(get('/'));
    await c.waitFor((t) => t === ok('hello') + ok('hello'));
    await RawClient.sleep(50);
    expect(c.ended).toBe(false);
  });

  it('SRV-03 an empty handler answers 200 with Content-Length: 0', async () => {
    ts = await startServer({ handler: () => {} });
    const c = await client();
    c.send(get('/'));
    expect(await c.waitFor((t) => t.endsWith('\r\n\r\n'))).toBe(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 0\r\n\r\n',
    );
  });

  it('SRV-05 a declared Content-Length not met closes the connection after the short body', async () => {
    ts = await startServer({
      handler: async (w) => {
        w.header().set('Content-Length', '10');
        await w.write('12345');
      },
    });
    const c = await client();
    c.send(get('/'));
    expect(await c.waitEnd()).toBe(
      'HTTP/1.1 200 OK\r\nContent-Length: 10\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n12345',
    );
  });

  it('SRV-06 writing past Content-Length fails with ErrContentLength and sends nothing of it', async () => {
    let err: unknown;
    ts = await startServer({
      handler: async (w) => {
        w.header().set('Content-Length', '3');
        err = await w.write('12345').catch((e: unknown) => e);
      },
    });
    const c = await client();
    c.send(get('/'));
    expect(await c.waitEnd()).toBe('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nDate: <date>\r\n\r\n');
    expect(is(err, ErrContentLength)).toBe(true);
  });

  it('SRV-81 more than 2048 bytes without a length is chunked, and the conn stays', async () => {
    ts = await startServer({ handler: (w) => w.write('a'.repeat(3000)) });
    const c = await client();
    c.send(get('/'));
    const t = await c.waitFor((x) => x.endsWith('0\r\n\r\n'));
    expect(t).toBe(
      `HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\nbb8\r\n${'a'.repeat(3000)}\r\n0\r\n\r\n`,
    );
  });

  it('SRV-10 HTTP/1.0 without keep-alive: body, then close', async () => {
    ts = await startServer({ handler: (w) => w.write('hi') });
    const c = await client();
    c.send('GET / HTTP/1.0\r\n\r\n');
    expect(await c.waitEnd()).toBe(
      'HTTP/1.0 200 OK\r\nDate: <date>\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi',
    );
  });

  it('SRV-11 HTTP/1.0 with Connection: keep-alive and a known length keeps the conn', async () => {
    ts = await startServer({ handler: (w) => w.write('hi') });
    const c = await client();
    c.send('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect(await c.waitFor((t) => t.endsWith('hi'))).toBe(
      'HTTP/1.0 200 OK\r\nDate: <date>\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: keep-alive\r\n\r\nhi',
    );
    await RawClient.sleep(50);
    expect(c.ended).toBe(false);
  });

  it('SRV-13 Connection: close from the client is echoed and the conn closes', async () => {
    ts = await startServer({ handler: (w) => w.write('x') });
    const c = await client();
    c.send(get('/', 'Connection: close\r\n'));
    expect(await c.waitEnd()).toBe(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 1\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nx',
    );
  });

  it('pipelined requests are answered in order', async () => {
    ts = await startServer({ handler: (w, r) => w.write(r.url.path) });
    const c = await client();
    c.send(get('/a') + get('/bb') + get('/ccc'));
    await c.waitFor((t) => t === ok('/a') + ok('/bb') + ok('/ccc'));
  });
});

describe('Server: malformed requests', () => {
  const cases: [string, string, string][] = [
    [
      'SRV-40 missing Host on HTTP/1.1',
      'GET / HTTP/1.1\r\n\r\n',
      'HTTP/1.1 400 Bad Request: missing required Host header\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: missing required Host header',
    ],
    [
      'SRV-41 garbage request line',
      'NONSENSE\r\n\r\n',
      'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request',
    ],
    [
      'SRV-42 HTTP/2.0 request line is 505',
      'GET / HTTP/2.0\r\nHost: x\r\n\r\n',
      'HTTP/1.1 505 HTTP Version Not Supported: unsupported protocol version\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n505 HTTP Version Not Supported: unsupported protocol version',
    ],
    [
      'SRV-43 unknown Transfer-Encoding is 501',
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n',
      'HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nUnsupported transfer encoding',
    ],
  ];
  for (const [title, req, want] of cases) {
    it(title, async () => {
      ts = await startServer({ handler: (w) => w.write('never') });
      const c = await client();
      c.send(req);
      expect(await c.waitEnd()).toBe(want);
    });
  }

  it('SRV-44 a head over maxHeaderBytes+4096 gets 431 and a lingering close', async () => {
    ts = await startServer({ handler: (w) => w.write('never'), maxHeaderBytes: 1024 });
    const c = await client();
    c.send(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(8000)}\r\n\r\n`);
    expect(await c.waitEnd(3000)).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large',
    );
  });
});

describe('Server: handlers', () => {
  it('a throwing handler is logged with the remote address and the conn is closed', async () => {
    ts = await startServer({
      handler: () => {
        throw new Error('boom');
      },
    });
    const c = await client();
    c.send(get('/'));
    expect(await c.waitEnd()).toBe('');
    expect(
      ts.logs.some((l) => l.startsWith('http: panic serving 127.0.0.1:') && l.includes(': boom')),
    ).toBe(true);
  });

  it('throwing ErrAbortHandler closes silently', async () => {
    ts = await startServer({
      handler: () => {
        throw ErrAbortHandler;
      },
    });
    const c = await client();
    c.send(get('/'));
    await c.waitEnd();
    expect(ts.logs).toEqual([]);
  });

  it('a body write on 204 fails with ErrBodyNotAllowed', async () => {
    let err: unknown;
    ts = await startServer({
      handler: async (w) => {
        w.writeHeader(204);
        err = await w.write('x').catch((e: unknown) => e);
      },
    });
    const c = await client();
    c.send(get('/'));
    expect(await c.waitFor((t) => t.endsWith('\r\n\r\n'))).toBe(
      'HTTP/1.1 204 No Content\r\nDate: <date>\r\n\r\n',
    );
    expect(is(err, ErrBodyNotAllowed)).toBe(true);
  });

  it('unawaited writes still reach the wire in order', async () => {
    ts = await startServer({
      handler: (w) => {
        for (let i = 0; i < 5; i++) void w.write(`${i}`.repeat(1000));
      },
    });
    const c = await client();
    c.send(get('/'));
    const t = await c.waitFor((x) => x.endsWith('0\r\n\r\n'));
    const body = dechunk(t.slice(t.indexOf('\r\n\r\n') + 4));
    expect(body).toBe(['0', '1', '2', '3', '4'].map((d) => d.repeat(1000)).join(''));
  });

  it('Expect: 100-continue is answered on the first body read', async () => {
    ts = await startServer({
      handler: async (w, r) => {
        const b = await r.body.text();
        await w.write(`got ${b}`);
      },
    });
    const c = await client();
    c.send('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
    await c.waitFor((t) => t === 'HTTP/1.1 100 Continue\r\n\r\n');
    c.send('hello');
    await c.waitFor((t) => t.endsWith('got hello'));
  });

  it('hijack hands over the conn with bytes already read', async () => {
    ts = await startServer({
      handler: async (w) => {
        const { conn, reader } = await (w as Response).hijack();
        const extra = await reader.peek(reader.buffered());
        await conn.write(
          new TextEncoder().encode(`hijacked, buffered=${Buffer.from(extra).toString()}`),
        );
        await conn.close();
      },
    });
    const c = await client();
    c.send(`${get('/')}EXTRA`);
    expect(await c.waitEnd()).toBe('hijacked, buffered=EXTRA');
  });
});

describe('Server: ConnState, timeouts, shutdown', () => {
  it('ConnState: new → active → idle → active → idle → closed', async () => {
    const states: string[] = [];
    ts = await startServer({
      handler: (w) => w.write('x'),
      connState: (_c, s) => states.push(connStateString(s)),
    });
    const c = await client();
    c.send(get('/'));
    await c.waitFor((t) => t.endsWith('x'));
    c.clear();
    c.send(get('/'));
    await c.waitFor((t) => t.endsWith('x'));
    c.sock.end();
    await c.waitEnd();
    await RawClient.sleep(20);
    expect(states).toEqual(['new', 'active', 'idle', 'active', 'idle', 'closed']);
  });

  it('SRV-09 a conn that sends nothing: new → closed, no bytes', async () => {
    const states: ConnState[] = [];
    ts = await startServer({ handler: () => {}, connState: (_c, s) => states.push(s) });
    const c = await client();
    c.sock.end();
    expect(await c.waitEnd()).toBe('');
    await RawClient.sleep(20);
    expect(states).toEqual([ConnState.StateNew, ConnState.StateClosed]);
  });

  it('idleTimeout closes a keep-alive conn that stays silent', async () => {
    ts = await startServer({ handler: (w) => w.write('x'), idleTimeout: 100 });
    const c = await client();
    c.send(get('/'));
    await c.waitFor((t) => t.endsWith('x'));
    const t0 = Date.now();
    await c.waitEnd(2000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(80);
  });

  it('idleTimeout still closes a keep-alive conn that sends one byte of its next request and stalls', async () => {
    ts = await startServer({ handler: (w) => w.write('x'), idleTimeout: 150 });
    const c = await client();
    c.send(get('/'));
    await c.waitFor((t) => t.endsWith('x'));
    const t0 = Date.now();
    c.send('G'); // wakes the idle wait; the rest of the 4-byte peek never comes
    await c.waitEnd(3000);
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(120);
    expect(waited).toBeLessThan(2500);
  });

  it('a keep-alive conn serves its next request after idling, buffers lent out meanwhile', async () => {
    ts = await startServer({ handler: (w) => w.write('x'), idleTimeout: 1000 });
    const c = await client();
    for (let i = 0; i < 3; i++) {
      c.send(get('/'));
      await c.waitFor((t) => t.split('\r\n\r\nx').length === i + 2);
      await RawClient.sleep(30);
    }
    expect(c.text().split('HTTP/1.1 200 OK').length).toBe(4);
  });

  it('readHeaderTimeout cuts off a head that trickles', async () => {
    ts = await startServer({ handler: (w) => w.write('x'), readHeaderTimeout: 150 });
    const c = await client();
    c.send('GET / HTTP/1.1\r\n');
    expect(await c.waitEnd(2000)).toBe('');
  });

  it('shutdown: in-flight response finishes with Connection: close, idle conns close, serve rejects ErrServerClosed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const srv = new Server({
      handler: async (w) => {
        await gate;
        await w.write('done');
      },
      errorLog: () => {},
    });
    const ln = await listen('tcp', '127.0.0.1:0');
    const port = Number(ln.addr().toString().split(':').pop());
    const serving = srv.serve(ln).catch((e: unknown) => e);
    const busy = await RawClient.connect(port);
    clients.push(busy);
    busy.send(get('/'));
    await RawClient.sleep(50);
    const shut = srv.shutdown();
    expect(is(await serving, ErrServerClosed)).toBe(true);
    release();
    expect(await busy.waitEnd()).toBe(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 4\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\ndone',
    );
    await shut;
    await expect(srv.serve(await listen('tcp', '127.0.0.1:0'))).rejects.toBe(ErrServerClosed);
  });
});

describe('Server: base and connection signals', () => {
  it('NET-16 baseSignal roots every conn: aborting it aborts the in-flight request signal', async () => {
    const base = new AbortController();
    const seen: unknown[] = [];
    let connHookCalls = 0;
    ts = await startServer({
      baseSignal: () => base.signal,
      connSignal: (b, conn) => {
        connHookCalls++;
        expect(b).toBe(base.signal);
        expect(conn.remoteAddr().toString()).toMatch(/^127\.0\.0\.1:\d+$/);
        return b;
      },
      handler: async (w, r) => {
        await new Promise<void>((resolve) => {
          if (r.signal.aborted) resolve();
          r.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        seen.push(r.signal.reason);
        await w.write('aborted');
      },
    });
    const c = await client();
    c.send(get('/'));
    await RawClient.sleep(50);
    base.abort(new Error('base gone'));
    await c.waitFor((t) => t.endsWith('aborted'));
    expect(connHookCalls).toBe(1);
    expect((seen[0] as Error).message).toBe('base gone');
  });

  it('NET-16 a connSignal hook that returns nothing makes serve reject (Go panics)', async () => {
    const srv = new Server({
      handler: () => {},
      errorLog: () => {},
      connSignal: () => undefined as unknown as AbortSignal,
    });
    const ln = await listen('tcp', '127.0.0.1:0');
    const serving = srv.serve(ln).catch((e: unknown) => e);
    const c = await RawClient.connect(Number(ln.addr().toString().split(':').pop()));
    clients.push(c);
    const err = (await serving) as Error;
    expect(err.message).toBe('ConnContext returned nil');
    await srv.close();
  });

  it('NET-17 RemoteAddr is the client ip:port, set for the handler (and tls is null over TCP)', async () => {
    let addr = '';
    let tls: unknown;
    ts = await startServer({
      handler: async (w, r) => {
        addr = r.remoteAddr;
        tls = r.tls;
        await w.write('ok');
      },
    });
    const c = await client();
    c.send(get('/'));
    await c.waitFor((t) => t.endsWith('ok'));
    expect(addr).toBe(`127.0.0.1:${c.sock.localPort}`);
    expect(tls).toBeNull();
  });
});

describe('Server: TLS', () => {
  it('keep-alive works the same inside TLS: two requests, one TLS connection', async () => {
    const { testCert, testKey } = await import('../../../test/testcert.js');
    const tlsMod = await import('node:tls');
    const states: (ConnectionState | null)[] = [];
    const srv = new Server({
      handler: (w, r) => {
        states.push(r.tls);
        return w.write(`tls ${r.url.path}`);
      },
      errorLog: () => {},
    });
    const ln = await listen('tcp', '127.0.0.1:0', { tls: { cert: testCert, key: testKey } });
    const port = Number(ln.addr().toString().split(':').pop());
    const serving = srv.serve(ln).catch((e: unknown) => e);
    const sock = tlsMod.connect({ port, host: '127.0.0.1', ca: testCert, servername: 'localhost' });
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
    await new Promise<void>((resolve, reject) => {
      sock.once('secureConnect', () => resolve());
      sock.once('error', reject);
    });
    sock.write(get('/a'));
    for (let i = 0; i < 100 && !got.endsWith('tls /a'); i++) await RawClient.sleep(10);
    sock.write(get('/b'));
    for (let i = 0; i < 100 && !got.endsWith('tls /b'); i++) await RawClient.sleep(10);
    expect(got.replace(/Date: [^\r]+/g, 'Date: <date>')).toBe(
      `${ok('tls /a').replace('HTTP/1.1 200 OK', 'HTTP/1.1 200 OK')}${ok('tls /b')}`,
    );
    // Go's Request.TLS: the connection's state, the same for each of its requests.
    expect(states.length).toBe(2);
    expect(states[0]).toBe(states[1]);
    expect(states[0]).toMatchObject({
      handshakeComplete: true,
      serverName: 'localhost',
      cipherSuite: sock.getCipher().standardName,
    });
    expect(states[0]!.version).toBeGreaterThanOrEqual(0x0303);
    sock.destroy();
    await srv.close();
    expect(is(await serving, ErrServerClosed)).toBe(true);
  });
});
