// Request writing, response reading, compression and Expect: 100-continue
// (BEHAVIORS.md CLI-27..CLI-39), as exact bytes on the wire.
import { gzipSync } from 'node:zlib';
import { type Body, newRequest, toBody } from '@ka/http';
import { describe, expect, test } from 'vitest';
import { ReadWriteCloserBody } from './body.js';
import { scriptedFixture } from './testutil/fixtures.js';
import { recorder, rejection, waitFor } from './testutil/helpers.js';
import { delay, okResponse, type RawRequest } from './testutil/scripted-server.js';
import { withClientTrace } from './trace.js';
import { Transport } from './transport.js';

const { serve, start, transport } = scriptedFixture();

// A streaming body (not replayable, unknown length) yielding `parts`, then EOF.
function streamBody(parts: string[], onClose?: () => void): Body {
  const q = parts.map((p) => Buffer.from(p, 'latin1'));
  return toBody(
    {
      async read(p: Uint8Array) {
        const b = q[0];
        if (b === undefined) return null;
        const n = Math.min(b.length, p.length);
        p.set(b.subarray(0, n));
        if (n === b.length) q.shift();
        else q[0] = b.subarray(n);
        return n;
      },
    },
    onClose,
  );
}

describe('request writing', () => {
  test('CLI-27 request line, Host, User-Agent, sorted headers, then Accept-Encoding', async () => {
    const srv = await serve(() => okResponse('x'));
    const t = transport();
    const req = newRequest('GET', `${srv.url}/a?q=1`);
    req.header.set('X-Zed', 'z');
    req.header.set('Accept', '*/*');
    req.header.add('X-Multi', '1');
    req.header.add('X-Multi', '2');
    await (await t.roundTrip(req)).body.text();
    expect(srv.requests[0]!.head).toBe(
      `GET /a?q=1 HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nUser-Agent: Go-http-client/1.1\r\n` +
        'Accept: */*\r\nX-Multi: 1\r\nX-Multi: 2\r\nX-Zed: z\r\nAccept-Encoding: gzip\r\n\r\n',
    );
  });

  test('CLI-27 an explicitly empty User-Agent suppresses the header; a set one is used', async () => {
    const srv = await serve(() => okResponse('x'));
    const t = transport();
    const r1 = newRequest('GET', `${srv.url}/`);
    r1.header.set('User-Agent', '');
    await (await t.roundTrip(r1)).body.text();
    const r2 = newRequest('GET', `${srv.url}/`);
    r2.header.set('User-Agent', 'ka-test/1');
    await (await t.roundTrip(r2)).body.text();
    expect(srv.requests[0]!.get('User-Agent')).toBeUndefined();
    expect(srv.requests[1]!.get('User-Agent')).toBe('ka-test/1');
  });

  const framing: [
    string,
    () => ReturnType<typeof newRequest>,
    Record<string, string | undefined>,
    string,
  ][] = [
    ['known length', () => newRequest('POST', 'U', 'hello'), { cl: '5', te: undefined }, 'hello'],
    ['POST without body', () => newRequest('POST', 'U'), { cl: '0', te: undefined }, ''],
    ['PUT without body', () => newRequest('PUT', 'U'), { cl: '0', te: undefined }, ''],
    ['GET without body', () => newRequest('GET', 'U'), { cl: undefined, te: undefined }, ''],
    [
      'POST streaming body',
      () => newRequest('POST', 'U', streamBody(['ab', 'cd'])),
      { cl: undefined, te: 'chunked' },
      'abcd',
    ],
    [
      'GET empty streaming body (probed)',
      () => newRequest('GET', 'U', streamBody([])),
      { cl: undefined, te: undefined },
      '',
    ],
    [
      'GET streaming body with data (probed)',
      () => newRequest('GET', 'U', streamBody(['xy'])),
      { cl: undefined, te: 'chunked' },
      'xy',
    ],
  ];
  test.each(framing)('CLI-28 body framing: %s', async (_n, mk, want, body) => {
    const srv = await serve(() => okResponse('x'));
    const t = transport();
    const req = mk();
    const u = newRequest('GET', `${srv.url}/`);
    req.url = u.url;
    req.host = u.host;
    await (await t.roundTrip(req)).body.text();
    const got = srv.requests[0]!;
    expect({ cl: got.get('Content-Length'), te: got.get('Transfer-Encoding') }).toEqual(want);
    expect(got.body.toString('latin1')).toBe(body);
  });

  const invalid: [string, (u: string) => ReturnType<typeof newRequest>, string][] = [
    [
      'header value',
      (u) => {
        const r = newRequest('GET', u);
        r.header.set('X', 'a\nb');
        return r;
      },
      'net/http: invalid header field value for "X"',
    ],
    [
      'header name',
      (u) => {
        const r = newRequest('GET', u);
        r.header.rawSet('Bad Name', ['x']);
        return r;
      },
      'net/http: invalid header field name "Bad Name"',
    ],
    [
      'method',
      (u) => {
        const r = newRequest('GET', u);
        r.method = 'BAD METHOD';
        return r;
      },
      'net/http: invalid method "BAD METHOD"',
    ],
    [
      'scheme',
      (u) => newRequest('GET', u.replace('http:', 'ftp:')),
      'unsupported protocol scheme "ftp"',
    ],
    ['missing host', () => newRequest('GET', 'http:///x'), 'http: no Host in request URL'],
    [
      'trailer',
      (u) => {
        const r = newRequest('POST', u, 'x');
        r.trailer = new (r.header.constructor as new () => typeof r.header)();
        r.trailer.rawSet('X', ['a\r\nb']);
        return r;
      },
      'net/http: invalid trailer field value for "X"',
    ],
  ];
  test.each(invalid)(
    'CLI-29 CLI-30 invalid %s: rejected before dialing, body closed once',
    async (_n, mk, msg) => {
      let dials = 0;
      const t = transport(
        new Transport({
          dial: async () => {
            dials++;
            throw new Error('must not dial');
          },
        }),
      );
      let closes = 0;
      const req = mk('http://127.0.0.1:9/');
      req.body = streamBody(['x'], () => {
        closes++;
      });
      const err = await rejection(t.roundTrip(req));
      expect(err.message).toBe(msg);
      expect(dials).toBe(0);
      expect(closes).toBe(1);
    },
  );

  test('CLI-30 the request body is closed exactly once on success and on failure', async () => {
    const ok = await serve(() => okResponse('x'));
    const bad = await start(async (c) => {
      await c.readRequest();
      c.destroy();
    });
    const t = transport();
    for (const url of [ok.url, bad.url]) {
      let closes = 0;
      const req = newRequest(
        'POST',
        `${url}/`,
        streamBody(['abc'], () => closes++),
      );
      try {
        await (await t.roundTrip(req)).body.text();
      } catch {
        // the failing peer
      }
      await waitFor(() => closes > 0);
      await delay(10);
      expect(closes).toBe(1);
    }
  });

  test('CLI-31 the head is flushed before a body that blocks; chunks are flushed as produced', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let sent = false;
    const body = toBody({
      async read(p: Uint8Array) {
        if (sent) return null;
        await gate;
        sent = true;
        p.set(Buffer.from('late'));
        return 4;
      },
    });
    let headSeen = false;
    const srv = await start(async (c) => {
      await c.peekBytes(1);
      await waitFor(() => c.pending.indexOf('\r\n\r\n') >= 0);
      headSeen = true;
      release();
      const req = await c.readRequest();
      srv.requests.push(req!);
      await c.write(okResponse('x'));
    });
    const t = transport();
    const resp = await t.roundTrip(newRequest('POST', `${srv.url}/`, body));
    await resp.body.text();
    expect(headSeen).toBe(true);
    expect(srv.requests[0]!.body.toString()).toBe('late');
  });
});

describe('response reading', () => {
  test('CLI-32 response head larger than MaxResponseHeaderBytes fails', async () => {
    const srv = await start(async (c) => {
      await c.readRequest();
      await c.write('HTTP/1.1 200 OK\r\nX: ');
      for (let i = 0; i < 20 && !c.socket.destroyed; i++) await c.write('a'.repeat(1024));
      c.destroy();
    });
    const t = transport(new Transport({ maxResponseHeaderBytes: 10000 }));
    const err = await rejection(t.roundTrip(newRequest('GET', `${srv.url}/`)));
    expect(err.message).toBe(
      'net/http: HTTP/1.x transport connection broken: net/http: server response headers exceeded 10000 bytes; aborted',
    );
  });

  test('CLI-33 interim 1xx responses are skipped and traced; 101 is final', async () => {
    const srv = await serve(
      () =>
        'HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n' +
        okResponse('final'),
    );
    const t = transport();
    const rec = recorder();
    const resp = await t.roundTrip(withClientTrace(newRequest('GET', `${srv.url}/`), rec.trace));
    expect(resp.statusCode).toBe(200);
    expect(await resp.body.text()).toBe('final');
    expect(rec.events.filter((e) => e.startsWith('got1xx'))).toEqual([
      'got1xxResponse 103',
      'got1xxResponse 102',
    ]);
  });

  test('CLI-33 a got1xxResponse error aborts the request', async () => {
    const srv = await serve(() => `HTTP/1.1 103 Early Hints\r\n\r\n${okResponse('final')}`);
    const t = transport();
    const req = withClientTrace(newRequest('GET', `${srv.url}/`), {
      got1xxResponse: () => {
        throw new Error('no hints please');
      },
    });
    const err = await rejection(t.roundTrip(req));
    expect(err.message).toContain('no hints please');
  });

  test('CLI-33 101 Switching Protocols hands over the raw connection', async () => {
    const srv = await start(async (c) => {
      await c.readRequest();
      await c.write(
        'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nhi',
      );
      const b = await c.peekBytes(4);
      await c.write(b.subarray(0, 4));
      await c.peerClosed;
    });
    const t = transport();
    const req = newRequest('GET', `${srv.url}/`);
    req.header.set('Connection', 'Upgrade');
    req.header.set('Upgrade', 'echo');
    const resp = await t.roundTrip(req);
    expect(resp.statusCode).toBe(101);
    const body = resp.body as ReadWriteCloserBody;
    expect(body).toBeInstanceOf(ReadWriteCloserBody);
    const buf = new Uint8Array(16);
    const n1 = await body.read(buf);
    expect(Buffer.from(buf.subarray(0, n1!)).toString()).toBe('hi');
    await body.write(Buffer.from('ping'));
    let got = '';
    while (got.length < 4) {
      const n = await body.read(buf);
      if (n === null) break;
      got += Buffer.from(buf.subarray(0, n)).toString();
    }
    expect(got).toBe('ping');
    expect(t.idleConnCount()).toBe(0);
    await body.close();
  });

  test('CLI-34 a chunked 304 has no body; the next response on the conn parses', async () => {
    let n = 0;
    const srv = await serve(() =>
      n++ === 0
        ? 'HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n'
        : okResponse('next'),
    );
    const t = transport();
    const r1 = await t.roundTrip(newRequest('GET', `${srv.url}/`));
    expect(r1.statusCode).toBe(304);
    expect(await r1.body.text()).toBe('');
    const r2 = await t.roundTrip(newRequest('GET', `${srv.url}/`));
    expect(await r2.body.text()).toBe('next');
    expect(srv.conns.length).toBe(1);
  });

  test('CLI-34 chunked responses drop Content-Length; HEAD keeps the advertised length', async () => {
    const srv = await serve((req) =>
      req.method === 'HEAD'
        ? 'HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n'
        : 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    );
    const t = transport();
    const r1 = await t.roundTrip(newRequest('GET', `${srv.url}/`));
    expect(r1.contentLength).toBe(-1);
    expect(r1.header.has('Content-Length')).toBe(false);
    expect(await r1.body.text()).toBe('abc');
    const r2 = await t.roundTrip(newRequest('HEAD', `${srv.url}/`));
    expect(r2.contentLength).toBe(42);
    expect(await r2.body.text()).toBe('');
    expect(srv.conns.length).toBe(1);
  });

  test.each([
    ['HTTP/1.1 2x0 OK\r\n\r\n', 'malformed HTTP status code "2x0"'],
    ['HTTP/1.1\r\n\r\n', 'malformed HTTP response "HTTP/1.1"'],
    ['HTTPS/1.1 200 OK\r\n\r\n', 'malformed HTTP version "HTTPS/1.1"'],
    [
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      'http: message cannot contain multiple Content-Length headers; got ["1" "2"]',
    ],
  ])('CLI-34 malformed response %j', async (answer, msg) => {
    const srv = await start(async (c) => {
      await c.readRequest();
      await c.write(answer);
      c.destroy();
    });
    const t = transport();
    const err = await rejection(t.roundTrip(newRequest('GET', `${srv.url}/`)));
    expect(err.message).toBe(`net/http: HTTP/1.x transport connection broken: ${msg}`);
  });

  test('CLI-35 reading a closed response body fails; read errors are sticky', async () => {
    const srv = await start(async (c) => {
      await c.readRequest();
      await c.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
      c.destroy();
    });
    const t = transport();
    const resp = await t.roundTrip(newRequest('GET', `${srv.url}/`));
    const e1 = await rejection(resp.body.bytes());
    expect(e1.message).toBe('unexpected EOF');
    const e2 = await rejection(resp.body.read(new Uint8Array(4)));
    expect(e2).toBe(e1);
    await resp.body.close();
    const e3 = await rejection(resp.body.read(new Uint8Array(4)));
    expect(e3.message).toBe('http: read on closed response body');
  });

  test('CLI-36 trailers: declared names before EOF, values after', async () => {
    const srv = await serve(
      () =>
        'HTTP/1.1 200 OK\r\nTrailer: X-T\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: v\r\n\r\n',
    );
    const t = transport();
    const resp = await t.roundTrip(newRequest('GET', `${srv.url}/`));
    expect([...resp.trailer!.keys()]).toEqual(['X-T']);
    expect(resp.trailer!.values('X-T')).toEqual([]);
    expect(await resp.body.text()).toBe('hello');
    expect(resp.trailer!.values('X-T')).toEqual(['v']);
  });
});

describe('compression', () => {
  const gz = gzipSync(Buffer.from('decompressed!'));

  function gzipAnswer(req: RawRequest, chunked = false, enc = 'gzip'): Uint8Array {
    if (chunked) {
      return Buffer.concat([
        Buffer.from(
          `HTTP/1.1 200 OK\r\nContent-Encoding: ${enc}\r\nTransfer-Encoding: chunked\r\n\r\n`,
        ),
        Buffer.from(`${gz.length.toString(16)}\r\n`),
        gz,
        Buffer.from('\r\n0\r\n\r\n'),
      ]);
    }
    void req;
    return Buffer.concat([
      Buffer.from(
        `HTTP/1.1 200 OK\r\nContent-Encoding: ${enc}\r\nContent-Length: ${gz.length}\r\n\r\n`,
      ),
      gz,
    ]);
  }

  test('CLI-37 transparent gzip: Accept-Encoding added, body decoded, headers dropped', async () => {
    const srv = await serve((req) => gzipAnswer(req));
    const t = transport();
    const resp = await t.roundTrip(newRequest('GET', `${srv.url}/`));
    expect(srv.requests[0]!.get('Accept-Encoding')).toBe('gzip');
    expect(resp.uncompressed).toBe(true);
    expect(resp.contentLength).toBe(-1);
    expect(resp.header.has('Content-Encoding')).toBe(false);
    expect(resp.header.has('Content-Length')).toBe(false);
    expect(await resp.body.text()).toBe('decompressed!');
  });

  test('CLI-37 Content-Encoding is matched case-insensitively', async () => {
    const srv = await serve((req) => gzipAnswer(req, false, 'GZIP'));
    const t = transport();
    const resp = await t.roundTrip(newRequest('GET', `${srv.url}/`));
    expect(await resp.body.text()).toBe('decompressed!');
  });

  test.each([
    ['Range request', 'GET', { Range: 'bytes=0-1' }],
    ['HEAD request', 'HEAD', {}],
    ['caller-set Accept-Encoding', 'GET', { 'Accept-Encoding': 'gzip' }],
  ])('CLI-37 no automatic gzip for a %s', async (_n, method, headers) => {
    const srv = await serve((req) => (req.method === 'HEAD' ? okResponse('') : gzipAnswer(req)));
    const t = transport();
    const req = newRequest(method, `${srv.url}/`);
    for (const [k, v] of Object.entries(headers)) req.header.set(k, v);
    const resp = await t.roundTrip(req);
    const body = await resp.body.bytes();
    expect(resp.uncompressed).toBe(false);
    if (method === 'HEAD' || 'Range' in headers) {
      expect(srv.requests[0]!.get('Accept-Encoding')).toBeUndefined();
    } else {
      expect(Buffer.from(body)).toEqual(gz);
      expect(resp.header.get('Content-Encoding')).toBe('gzip');
    }
  });

  test('CLI-37 DisableCompression sends no Accept-Encoding', async () => {
    const srv = await serve(() => okResponse('x'));
    const t = transport(new Transport({ disableCompression: true }));
    await (await t.roundTrip(newRequest('GET', `${srv.url}/`))).body.text();
    expect(srv.requests[0]!.get('Accept-Encoding')).toBeUndefined();
  });

  test('CLI-37 a gzip body that is not gzip fails like Go', async () => {
    const srv = await serve(
      () => 'HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello',
    );
    const t = transport();
    const resp = await t.roundTrip(newRequest('GET', `${srv.url}/`));
    expect((await rejection(resp.body.text())).message).toBe('unexpected EOF');
    await resp.body.close();
    const srv2 = await serve(
      () => 'HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 12\r\n\r\nhello, world',
    );
    const resp2 = await t.roundTrip(newRequest('GET', `${srv2.url}/`));
    expect((await rejection(resp2.body.text())).message).toBe('gzip: invalid header');
    await resp2.body.close();
  });

  test.each([
    ['Content-Length', false],
    ['chunked', true],
  ])('CLI-38 decoded gzip bodies (%s) return the conn at EOF', async (_n, chunked) => {
    const srv = await serve((req) => gzipAnswer(req, chunked));
    const t = transport();
    for (let i = 0; i < 3; i++) {
      const resp = await t.roundTrip(newRequest('GET', `${srv.url}/`));
      expect(await resp.body.text()).toBe('decompressed!');
    }
    expect(srv.conns.length).toBe(1);
  });
});

describe('Expect: 100-continue', () => {
  function expectReq(url: string) {
    const req = newRequest('POST', url, 'BODY');
    req.header.set('Expect', '100-continue');
    return req;
  }

  test('CLI-39 without 100 Continue the body goes after ExpectContinueTimeout', async () => {
    let headAt = 0;
    let bodyAt = 0;
    const srv = await start(async (c) => {
      await c.peekBytes(1);
      await waitFor(() => c.pending.indexOf('\r\n\r\n') >= 0);
      headAt = Date.now();
      const req = await c.readRequest();
      bodyAt = Date.now();
      srv.requests.push(req!);
      await c.write(okResponse('x'));
    });
    const t = transport(new Transport({ expectContinueTimeout: 150 }));
    const rec = recorder();
    const resp = await t.roundTrip(withClientTrace(expectReq(`${srv.url}/`), rec.trace));
    await resp.body.text();
    expect(bodyAt - headAt).toBeGreaterThanOrEqual(120);
    expect(srv.requests[0]!.body.toString()).toBe('BODY');
    expect(rec.events).toContain('wait100Continue');
  });

  test('CLI-39 100 Continue releases the body at once', async () => {
    const srv = await start(async (c) => {
      await c.peekBytes(1);
      await waitFor(() => c.pending.indexOf('\r\n\r\n') >= 0);
      await c.write('HTTP/1.1 100 Continue\r\n\r\n');
      const req = await c.readRequest();
      srv.requests.push(req!);
      await c.write(okResponse('x'));
    });
    const t = transport(new Transport({ expectContinueTimeout: 5000 }));
    const rec = recorder();
    const started = Date.now();
    const resp = await t.roundTrip(withClientTrace(expectReq(`${srv.url}/`), rec.trace));
    await resp.body.text();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(srv.requests[0]!.body.toString()).toBe('BODY');
    expect(rec.events).toContain('got100Continue');
  });

  test.each([
    ['without close: body still sent, conn reused', '', true],
    ['with Connection: close: body not sent', 'Connection: close\r\n', false],
  ])('CLI-39 a final response before 100 Continue, %s', async (_n, extra, bodySent) => {
    const srv = await start(async (c) => {
      for (;;) {
        await c.peekBytes(1);
        if (c.pending.length === 0) return;
        await waitFor(() => c.pending.indexOf('\r\n\r\n') >= 0);
        await c.write(`HTTP/1.1 500 Internal Server Error\r\n${extra}Content-Length: 0\r\n\r\n`);
        if (extra !== '') {
          await c.peerClosed;
          srv.requests.push({ body: c.pending } as never);
          return;
        }
        const req = await c.readRequest();
        if (req === null) return;
        srv.requests.push(req);
      }
    });
    const t = transport(new Transport({ expectContinueTimeout: 5000 }));
    const started = Date.now();
    const resp = await t.roundTrip(expectReq(`${srv.url}/`));
    expect(resp.statusCode).toBe(500);
    await resp.body.text();
    await waitFor(() => srv.requests.length === 1);
    expect(Date.now() - started).toBeLessThan(2000);
    const got = srv.requests[0]!.body.toString();
    if (bodySent) {
      expect(got).toBe('BODY');
      await waitFor(() => t.idleConnCount() === 1);
    } else {
      expect(got.endsWith('BODY')).toBe(false);
    }
  });
});
