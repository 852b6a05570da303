import { describe, expect, it } from 'vitest';
import {
  bufOf,
  errorOf,
  type JURL,
  jurl,
  oracle,
  readBody,
  readerKinds,
  wire,
} from '../test/helpers.js';
import { NoBody } from './body.js';
import {
  BadStringError,
  isUnsupportedTEError,
  TextprotoProtocolError,
  UnsupportedTEError,
  URLError,
} from './errors.js';
import { validHeaderFieldName, validHeaderFieldValue } from './internal/ascii.js';
import {
  newRequest,
  parseHTTPVersion,
  Request,
  readRequest,
  readRequestKeepHost,
  readRequestKeepHostEager,
} from './request.js';
import { URL } from './url.js';

interface ReqCase {
  Name: string;
  Raw: string;
  Err?: string;
  Req?: {
    method: string;
    url: JURL;
    proto: string;
    protoMajor: number;
    protoMinor: number;
    header: Record<string, string[]>;
    host: string;
    requestURI: string;
    contentLength: number;
    transferEncoding: string[];
    close: boolean;
    trailer: Record<string, string[]> | null;
    noBody: boolean;
  };
  Body: string;
  BodyErr?: string;
  Trailer: Record<string, string[]> | null;
}

const cases = oracle<ReqCase[]>('requests.json');

describe('readRequest matches Go ReadRequest (readrequest_test.go, request_test.go, catalog cases)', () => {
  for (const [kind, mk] of readerKinds) {
    describe(kind, () => {
      for (const c of cases) {
        it(c.Name, async () => {
          const br = bufOf(c.Raw, mk);
          let req: Request;
          try {
            req = await readRequest(br);
          } catch (e) {
            expect((e as Error).message).toBe(c.Err ?? '<no error>');
            return;
          }
          expect(c.Err ?? '').toBe('');
          const want = c.Req!;
          expect({
            method: req.method,
            url: jurl(req.url),
            proto: req.proto,
            protoMajor: req.protoMajor,
            protoMinor: req.protoMinor,
            header: req.header.toJSON(),
            host: req.host,
            requestURI: req.requestURI,
            contentLength: req.contentLength,
            transferEncoding: req.transferEncoding,
            close: req.close,
            trailer: req.trailer?.toJSON() ?? null,
            noBody: req.body === NoBody,
          }).toEqual(want);
          const [body, err] = await readBody(req.body);
          expect(body).toBe(c.Body);
          expect(err).toBe(c.BodyErr ?? '');
          expect(req.trailer?.toJSON() ?? null).toEqual(c.Trailer);
        });
      }
    });
  }
});

describe('readRequest errors tell the server cases apart', () => {
  const read = (s: string) => readRequest(bufOf(s, readerKinds[0]![1]));
  it('SRV-39 malformed request line is a BadStringError', async () => {
    const e = await read('GARBAGE\r\n\r\n').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BadStringError);
    expect((e as BadStringError).what).toBe('malformed HTTP request');
  });
  it('SRV-43 unsupported transfer encoding is an UnsupportedTEError (501)', async () => {
    const e = await read('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n').catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(UnsupportedTEError);
    expect(isUnsupportedTEError(e)).toBe(true);
  });
  it('SRV-39 header syntax errors are TextprotoProtocolErrors', async () => {
    const e = await read('GET / HTTP/1.1\r\nNoColon\r\n\r\n').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TextprotoProtocolError);
  });
  it('SRV-48 a bad target is a URLError wrapping the cause', async () => {
    const e = await read('GET foo HTTP/1.1\r\n\r\n').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(URLError);
    expect((e as URLError).err.message).toBe('invalid URI for request');
  });
  it('SRV-44 EOF before a request is io.EOF, inside it ErrUnexpectedEOF', async () => {
    const e1 = await read('').catch((x: unknown) => x);
    expect((e1 as { code: string }).code).toBe('ERR_EOF');
    const e2 = await read('GET / HTTP/1.1\r\nHost: x').catch((x: unknown) => x);
    expect((e2 as { code: string }).code).toBe('ERR_UNEXPECTED_EOF');
  });
});

describe('readRequestKeepHost', () => {
  it('SRV-49 keeps the Host lines for the server to validate', async () => {
    const req = await readRequestKeepHost(
      bufOf('GET / HTTP/1.1\r\nHost: a b\r\n\r\n', readerKinds[0]![1]),
    );
    expect(req.header.rawGet('Host')).toEqual(['a b']);
    expect(req.host).toBe('a b');
  });
  it('SRV-47 "Host : x" is not the Host header', async () => {
    const req = await readRequestKeepHost(
      bufOf('GET / HTTP/1.1\r\nHost : x\r\n\r\n', readerKinds[0]![1]),
    );
    expect(req.header.rawHas('Host')).toBe(false);
    expect(req.header.rawGet('Host ')).toEqual(['x']);
  });
});

describe("readRequestKeepHostEager gives readRequestKeepHost's results, synchronously when it can", () => {
  // What a server sees of a parsed request (or the error text).
  const view = (r: Request) => ({
    method: r.method,
    url: jurl(r.url),
    proto: `${r.proto} ${r.protoMajor}.${r.protoMinor}`,
    header: r.header.toJSON(),
    host: r.host,
    requestURI: r.requestURI,
    contentLength: r.contentLength,
    transferEncoding: r.transferEncoding,
    close: r.close,
  });
  const outcome = async (f: () => Request | Promise<Request>) => {
    try {
      return view(await f());
    } catch (e) {
      return (e as Error).message;
    }
  };
  let sync = 0;
  for (const c of cases) {
    it(c.Name, async () => {
      const want = await outcome(() => readRequestKeepHost(bufOf(c.Raw, readerKinds[0]![1])));
      // The whole head already in the buffer: the case the server's fast path meets.
      const br = bufOf(c.Raw, readerKinds[0]![1]);
      await br.peek(1);
      const got = await outcome(() => {
        const r = readRequestKeepHostEager(br);
        if (r instanceof Request) {
          sync++;
          if (r.headerWireChecked) {
            for (const [k, vv] of r.header.entries()) {
              expect(validHeaderFieldName(k)).toBe(true);
              for (const v of vv) expect(validHeaderFieldValue(v)).toBe(true);
            }
          }
        }
        return r;
      });
      expect(got).toEqual(want);
      // And through a reader that hands out one byte at a time (nothing buffered ahead).
      const slow = await outcome(() => readRequestKeepHostEager(bufOf(c.Raw, readerKinds[1]![1])));
      expect(slow).toEqual(want);
    });
  }
  it("most of Go's cases took the synchronous path", () => {
    expect(sync).toBeGreaterThan(cases.length / 2);
  });
  it('a header with a continuation line or a bad name is not marked checked', async () => {
    for (const raw of [
      'GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  2\r\n\r\n',
      'GET / HTTP/1.1\r\nHost : x\r\n\r\n',
    ]) {
      const br = bufOf(raw, readerKinds[0]![1]);
      await br.peek(1);
      const r = await readRequestKeepHostEager(br);
      expect(r.headerWireChecked).toBe(false);
    }
    const br = bufOf('GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\n', readerKinds[0]![1]);
    await br.peek(1);
    const r = readRequestKeepHostEager(br);
    expect(r).toBeInstanceOf(Request);
    expect((r as Request).headerWireChecked).toBe(true);
  });
});

describe('pipelined requests', () => {
  it('SRV-65 a second request after a body is read from the same buffer', async () => {
    for (const [, mk] of readerKinds) {
      const br = bufOf(
        'POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabcdefGET /b HTTP/1.1\r\nHost: x\r\n\r\n',
        mk,
      );
      const r1 = await readRequest(br);
      expect(await r1.body.text()).toBe('abcdef');
      const r2 = await readRequest(br);
      expect(r2.url.path).toBe('/b');
      expect(await errorOf(readRequest(br))).toBe('EOF');
    }
  });
  it('SRV-64 closing an unread body drains it so the next request parses', async () => {
    const br = bufOf(
      'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n',
      readerKinds[1]![1],
    );
    const r1 = await readRequest(br);
    await r1.body.close();
    const r2 = await readRequest(br);
    expect(r2.url.path).toBe('/b');
  });
});

describe('parseHTTPVersion matches Go ParseHTTPVersion (request_test.go)', () => {
  const data = oracle<{
    parseHTTPVersion: { In: string; Major: number; Minor: number; Ok: boolean }[];
  }>('misc-external.json');
  for (const t of data.parseHTTPVersion) {
    it(JSON.stringify(t.In), () => {
      const v = parseHTTPVersion(t.In);
      expect(v === undefined ? [0, 0, false] : [...v, true]).toEqual([t.Major, t.Minor, t.Ok]);
    });
  }
});

describe('newRequest', () => {
  it('sets length and replayable getBody for in-memory bodies', async () => {
    const r = newRequest('POST', 'http://example.com:/x', 'hello');
    expect(r.contentLength).toBe(5);
    expect(r.host).toBe('example.com');
    expect(await r.body.text()).toBe('hello');
    const again = await r.getBody!();
    expect(await again.text()).toBe('hello');
    expect(r.outgoingLength()).toBe(5);
  });
  it('uses NoBody for an empty in-memory body', () => {
    const r = newRequest('POST', 'http://h/', new Uint8Array(0));
    expect(r.body).toBe(NoBody);
    expect(r.contentLength).toBe(0);
    expect(r.outgoingLength()).toBe(0);
    expect(r.isReplayable()).toBe(false);
  });
  it('leaves the length unknown for other readers', () => {
    const r = newRequest('PUT', 'http://h/', { read: async () => null });
    expect(r.contentLength).toBe(0);
    expect(r.outgoingLength()).toBe(-1);
  });
  it('defaults the method and rejects invalid ones with Go text', () => {
    expect(newRequest('', 'http://h/').method).toBe('GET');
    expect(() => newRequest('BAD METHOD', 'http://h/')).toThrow(
      'net/http: invalid method "BAD METHOD"',
    );
    expect(() => newRequest('GET', 'http://h:x/')).toThrow(
      'parse "http://h:x/": invalid port ":x" after host',
    );
  });
});

describe('Request helpers', () => {
  it('isReplayable follows Go (method, GetBody, Idempotency-Key)', () => {
    expect(newRequest('GET', 'http://h/').isReplayable()).toBe(true);
    expect(newRequest('POST', 'http://h/').isReplayable()).toBe(false);
    const p = newRequest('POST', 'http://h/', 'x');
    expect(p.isReplayable()).toBe(false);
    p.header.set('Idempotency-Key', '1');
    expect(p.isReplayable()).toBe(true);
    const g = newRequest('GET', 'http://h/', { read: async () => null });
    expect(g.isReplayable()).toBe(false);
  });
  it('wantsClose, expectsContinue, wantsHttp10KeepAlive, protoAtLeast, userAgent', async () => {
    const r = await readRequest(
      bufOf(
        'GET / HTTP/1.0\r\nConnection: Keep-Alive\r\nExpect: 100-Continue\r\nUser-Agent: ua\r\n\r\n',
        readerKinds[0]![1],
      ),
    );
    expect(r.wantsHttp10KeepAlive()).toBe(true);
    expect(r.wantsClose()).toBe(false);
    expect(r.close).toBe(false);
    expect(r.expectsContinue()).toBe(true);
    expect(r.protoAtLeast(1, 0)).toBe(true);
    expect(r.protoAtLeast(1, 1)).toBe(false);
    expect(r.userAgent()).toBe('ua');
  });
  it('withSignal is a shallow copy; clone is deep', () => {
    const r = newRequest('GET', 'http://h/a');
    r.setPathValue('id', '7');
    const ac = new AbortController();
    const r2 = r.withSignal(ac.signal);
    expect(r2.signal).toBe(ac.signal);
    expect(r2.header).toBe(r.header);
    expect(r2.pathValue('id')).toBe('7');
    const r3 = r.clone();
    expect(r3.header).not.toBe(r.header);
    expect(r3.url).not.toBe(r.url);
    expect(r3.url.toString()).toBe('http://h/a');
    r3.setPathValue('id', '8');
    expect(r.pathValue('id')).toBe('7');
    expect(r.pathValue('missing')).toBe('');
  });
  it('basicAuth round-trips', () => {
    const r = new Request({ url: new URL() });
    r.setBasicAuth('Aladdin', 'open sesame');
    expect(r.header.get('Authorization')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    expect(r.basicAuth()).toEqual({ username: 'Aladdin', password: 'open sesame' });
    r.header.set('Authorization', 'Basic !!');
    expect(r.basicAuth()).toBeUndefined();
  });
  it('parses lines from bytes without a Promise per header (large head)', async () => {
    const head = `GET / HTTP/1.1\r\n${Array.from({ length: 50 }, (_, i) => `X-H${i}: v${i}\r\n`).join('')}\r\n`;
    const req = await readRequest(bufOf(wire(head), readerKinds[0]![1], 8192));
    expect(req.header.size).toBe(50);
  });
});
