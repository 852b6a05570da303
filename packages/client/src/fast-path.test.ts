// The synchronous fast paths of the transport (a response head parsed from bytes already at
// hand, a body read without a Promise chain, a write the kernel takes at once, requests of
// busy connections flushed in one batch) against the ordinary paths they short-cut: same
// answers, same pooling.
import { newRequest } from '@ka/http';
import { BytesBody, MessageBody } from '@ka/http/internal';
import { BufReader, BytesReader, EOF, LimitedReader } from '@ka/io';
import { dial } from '@ka/net';
import { describe, expect, test } from 'vitest';
import { BodyEOFSignal } from './body.js';
import type { Conn, DialFunc } from './dial.js';
import { scriptedFixture } from './testutil/fixtures.js';
import { recorder } from './testutil/helpers.js';
import { delay, okResponse } from './testutil/scripted-server.js';
import { withClientTrace } from './trace.js';
import { Transport } from './transport.js';

const { serve, start, transport } = scriptedFixture();

// A conn offering only Go's Conn contract (read, write, close): no tryRead, no writeEager,
// no watchReadable, so every fast path must fall back.
function plainConn(c: Conn): Conn {
  return {
    read: (p) => c.read(p),
    write: (p) => c.write(p),
    close: () => c.close(),
    unref: () => c.unref?.(),
    ref: () => c.ref?.(),
  };
}

// A TCP conn whose writes always complete asynchronously (writeEager returns a Promise) but
// which reads synchronously when it can.
function asyncWriteConn(c: Awaited<ReturnType<typeof dial>>): Conn {
  return {
    read: (p) => c.read(p),
    tryRead: (p: Uint8Array) => c.tryRead(p),
    watchReadable: (cb: Parameters<typeof c.watchReadable>[0]) => c.watchReadable(cb),
    unwatchReadable: (cb: Parameters<typeof c.unwatchReadable>[0]) => c.unwatchReadable(cb),
    write: (p) => c.write(p),
    writeEager: (p: Uint8Array) => delay(1).then(() => c.write(p)),
    close: () => c.close(),
    unref: () => c.unref(),
    ref: () => c.ref(),
  } as Conn;
}

const tcpDial: DialFunc = (network, address, opts) => dial(network, address, opts);

describe('response fast path', () => {
  test('a response already buffered in full: parsed at once, body read, conn pooled before bytes() resolves', async () => {
    const srv = await serve(() => okResponse('hello\n', 'X-A: 1\r\n'));
    const t = transport();
    for (let i = 0; i < 3; i++) {
      const resp = await t.roundTrip(newRequest('GET', `${srv.url}/${i}`));
      expect(resp.statusCode).toBe(200);
      expect(resp.status).toBe('200 OK');
      expect(resp.proto).toBe('HTTP/1.1');
      expect(resp.header.get('X-A')).toBe('1');
      expect(Buffer.from(await resp.body.bytes()).toString()).toBe('hello\n');
      // The end of the body put the connection back before bytes() returned.
      expect(t.idleConnCount()).toBe(1);
      expect(await resp.body.read(new Uint8Array(1))).toBeNull();
    }
    expect(srv.transcript()).toEqual(['c1#1 GET /0', 'c1#2 GET /1', 'c1#3 GET /2']);
  });

  test('a head arriving in pieces and a body arriving later take the waiting paths', async () => {
    const srv = await start(async (c) => {
      for (;;) {
        const req = await c.readRequest();
        if (req === null) return;
        srv.requests.push(req);
        await c.write('HTTP/1.1 200 OK\r\nContent-Le');
        await delay(5);
        await c.write('ngth: 5\r\n\r\n');
        await delay(5);
        await c.write('ab');
        await delay(5);
        await c.write('cde');
      }
    });
    const t = transport();
    for (let i = 0; i < 2; i++) {
      const resp = await t.roundTrip(newRequest('GET', `${srv.url}/`));
      expect(resp.contentLength).toBe(5);
      expect(await resp.body.text()).toBe('abcde');
    }
    expect(srv.transcript()).toEqual(['c1#1 GET /', 'c1#2 GET /']);
  });

  test('small reads: the read returning the last bytes reports the end (pooled), the next gets EOF', async () => {
    const srv = await serve(() => okResponse('abcdef'));
    const t = transport();
    const resp = await t.roundTrip(newRequest('GET', `${srv.url}/`));
    const p = new Uint8Array(4);
    expect(await resp.body.read(p)).toBe(4);
    expect(t.idleConnCount()).toBe(0);
    expect(await resp.body.read(p)).toBe(2);
    expect(Buffer.from(p.subarray(0, 2)).toString()).toBe('ef');
    expect(t.idleConnCount()).toBe(1);
    expect(await resp.body.read(p)).toBeNull();
  });

  test('interim 1xx, a status line off the common form, and HTTP/1.0 parse as by the general path', async () => {
    const answers = [
      'HTTP/1.1 103 Early Hints\r\nLink: </s>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx',
      'HTTP/1.1 299\r\nContent-Length: 1\r\n\r\ny',
      'HTTP/1.0 200 Fine\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nz',
    ];
    let i = 0;
    const srv = await serve(() => answers[i++]!);
    const t = transport();
    const r1 = await t.roundTrip(newRequest('GET', `${srv.url}/`));
    expect([r1.statusCode, await r1.body.text()]).toEqual([200, 'x']);
    const r2 = await t.roundTrip(newRequest('GET', `${srv.url}/`));
    expect([r2.statusCode, r2.status, await r2.body.text()]).toEqual([299, '299', 'y']);
    const r3 = await t.roundTrip(newRequest('GET', `${srv.url}/`));
    expect([r3.proto, r3.protoMinor, r3.status, await r3.body.text()]).toEqual([
      'HTTP/1.0',
      0,
      '200 Fine',
      'z',
    ]);
    expect(srv.transcript()).toEqual(['c1#1 GET /', 'c1#2 GET /', 'c1#3 GET /']);
  });

  test('with a trace the hooks still run in order', async () => {
    const srv = await serve(() => okResponse('ok'));
    const t = transport();
    const rec = recorder();
    const resp = await t.roundTrip(withClientTrace(newRequest('GET', `${srv.url}/`), rec.trace));
    expect(await resp.body.text()).toBe('ok');
    expect(rec.events.filter((e) => !e.startsWith('connect'))).toEqual([
      `getConn 127.0.0.1:${srv.port}`,
      'gotConn reused=false wasIdle=false',
      'wroteHeaders',
      'wroteRequest nil',
      'gotFirstResponseByte',
      'putIdleConn nil',
    ]);
  });
});

describe('conns without the synchronous methods', () => {
  const cases: { what: string; body: string; dial: DialFunc }[] = [
    {
      what: 'a plain Conn (read/write/close only)',
      body: 'plain',
      dial: async (n, a, o) => plainConn(await tcpDial(n, a, o)),
    },
    {
      what: 'a conn whose writes complete asynchronously',
      body: 'later',
      dial: async (n, a, o) => asyncWriteConn(await dial(n, a, o)),
    },
  ];
  test.each(cases)('$what serves and is reused', async ({ body, dial: connect }) => {
    const srv = await serve(() => okResponse(body));
    const t = transport(new Transport({ dial: connect }));
    for (let i = 0; i < 3; i++) {
      const resp = await t.roundTrip(newRequest('GET', `${srv.url}/`));
      expect(await resp.body.text()).toBe(body);
    }
    expect(srv.transcript()).toEqual(['c1#1 GET /', 'c1#2 GET /', 'c1#3 GET /']);
  });

  test('a server closing the idle conn is noticed by the watching readLoop', async () => {
    const srv = await start(async (c) => {
      const req = await c.readRequest();
      if (req === null) return;
      srv.requests.push(req);
      await c.write(okResponse('bye'));
      await delay(10);
      c.end();
    });
    const t = transport();
    const resp = await t.roundTrip(newRequest('GET', `${srv.url}/`));
    expect(await resp.body.text()).toBe('bye');
    expect(t.idleConnCount()).toBe(1);
    const end = Date.now() + 2000;
    while (t.idleConnCount() !== 0 && Date.now() < end) await delay(5);
    expect(t.idleConnCount()).toBe(0);
  });
});

describe('batched writes', () => {
  test('concurrent requests on separate conns all go out and are answered; a lone one after too', async () => {
    const srv = await serve((req) => okResponse(req.target));
    const t = transport(new Transport({ maxIdleConnsPerHost: 8 }));
    const paths = Array.from({ length: 8 }, (_, i) => `/${i}`);
    const texts = await Promise.all(
      paths.map(async (p) => (await t.roundTrip(newRequest('GET', `${srv.url}${p}`))).body.text()),
    );
    expect(texts).toEqual(paths);
    expect(new Set(srv.requests.map((r) => r.conn)).size).toBe(8);
    const last = await t.roundTrip(newRequest('GET', `${srv.url}/last`));
    expect(await last.body.text()).toBe('/last');
  });
});

describe('bodyEOFSignal fast paths', () => {
  // A Content-Length body of `s` whose bytes are already buffered.
  async function bufferedBody(s: string, n = s.length): Promise<MessageBody> {
    const br = new BufReader(new BytesReader(Buffer.from(s)));
    await br.peek(s.length);
    return new MessageBody({ src: new LimitedReader(br, n), closing: false });
  }

  test('bytes() of a fully buffered body reports EOF once and returns exactly the body', async () => {
    const seen: unknown[] = [];
    const b = new BodyEOFSignal(await bufferedBody('abcdefXYZ', 6), {
      fn: (err) => {
        seen.push(err);
        return err;
      },
    });
    expect(Buffer.from(await b.bytes()).toString()).toBe('abcdef');
    expect(seen).toEqual([EOF]);
    expect(await b.read(new Uint8Array(1))).toBeNull();
  });

  test('the error the end report gives is what bytes() rejects with, and it sticks', async () => {
    const boom = new Error('boom');
    const b = new BodyEOFSignal(await bufferedBody('abc'), { fn: async () => boom });
    await expect(b.bytes()).rejects.toBe(boom);
    await expect(b.read(new Uint8Array(1))).rejects.toBe(boom);
  });

  test('a sync read with a late report: the last bytes come after the report settles', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const b = new BodyEOFSignal(await bufferedBody('ab'), { fn: (err) => gate.then(() => err) });
    let done = false;
    const p = b.read(new Uint8Array(8)).then((n) => {
      done = true;
      return n;
    });
    await delay(1);
    expect(done).toBe(false);
    release();
    expect(await p).toBe(2);
    expect(await b.read(new Uint8Array(8))).toBeNull();
  });

  test('a body that is not a framed message body reads as before', async () => {
    const b = new BodyEOFSignal(new BytesBody(Buffer.from('xyz')), { fn: (err) => err });
    expect(await b.text()).toBe('xyz');
  });
});
