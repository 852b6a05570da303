// newRequest tests: Go's httptest/httptest_test.go (TestNewRequest,
// TestNewRequestWithContext) plus error texts and targets checked against go1.26.
import { NoBody, type Request, URL } from '@ka/http';
import { BytesReader, type Reader } from '@ka/io';
import type { ConnectionState } from '@ka/net';
import { describe, expect, test } from 'vitest';
import { newRequest, type TestRequestBody } from './request.js';

// The fields Go's tests compare with reflect.DeepEqual (Body and context aside).
function fields(r: Request) {
  return {
    method: r.method,
    host: r.host,
    url: r.url.toString(),
    header: r.header.toJSON(),
    proto: r.proto,
    protoMajor: r.protoMajor,
    protoMinor: r.protoMinor,
    contentLength: r.contentLength,
    close: r.close,
    remoteAddr: r.remoteAddr,
    tls: r.tls,
    requestURI: r.requestURI,
    trailer: r.trailer,
    transferEncoding: r.transferEncoding,
  };
}

const base = {
  method: 'GET',
  host: 'example.com',
  url: '/',
  header: {},
  proto: 'HTTP/1.1',
  protoMajor: 1,
  protoMinor: 1,
  contentLength: 0,
  close: false,
  remoteAddr: '192.0.2.1:1234',
  tls: null as ConnectionState | null,
  requestURI: '/',
  trailer: null,
  transferEncoding: [],
};

// Go: struct{ io.Reader }{strings.NewReader("foo")} — a reader of unknown length.
function opaqueReader(s: string): Reader {
  const r = new BytesReader(new TextEncoder().encode(s));
  return { read: (p) => r.read(p) };
}

describe('newRequest', () => {
  test('defaults: example.com, TEST-NET remote address, HTTP/1.1 (Go: TestNewRequest)', () => {
    const got = newRequest('GET', '/');
    expect(fields(got)).toEqual(base);
    expect(got.url).toEqual(new URL({ path: '/' }));
    expect(got.body).toBe(NoBody);
    expect(got.signal.aborted).toBe(false);
  });

  const table: {
    name: string;
    method: string;
    uri: string;
    body?: TestRequestBody;
    want: Partial<typeof base>;
    wantUrl: URL;
    wantBody?: string;
  }[] = [
    {
      name: 'Empty method means GET',
      method: '',
      uri: '/',
      want: {},
      wantUrl: new URL({ path: '/' }),
    },
    {
      name: 'GET with full URL',
      method: 'GET',
      uri: 'http://foo.com/path/%2f/bar/',
      want: {
        host: 'foo.com',
        url: 'http://foo.com/path/%2f/bar/',
        requestURI: 'http://foo.com/path/%2f/bar/',
      },
      wantUrl: new URL({
        scheme: 'http',
        path: '/path///bar/',
        rawPath: '/path/%2f/bar/',
        host: 'foo.com',
      }),
    },
    {
      name: 'GET with full https URL',
      method: 'GET',
      uri: 'https://foo.com/path/',
      want: {
        host: 'foo.com',
        url: 'https://foo.com/path/',
        requestURI: 'https://foo.com/path/',
        // Go's stand-in: TLS 1.2, handshake complete, the host as server name
        tls: {
          version: 0x0303,
          handshakeComplete: true,
          didResume: false,
          cipherSuite: '',
          serverName: 'foo.com',
          negotiatedProtocol: '',
          peerCertificates: [],
        },
      },
      wantUrl: new URL({ scheme: 'https', path: '/path/', host: 'foo.com' }),
    },
    {
      name: 'Post with known length',
      method: 'POST',
      uri: '/',
      body: new BytesReader(new TextEncoder().encode('foo')),
      want: { method: 'POST', contentLength: 3 },
      wantUrl: new URL({ path: '/' }),
      wantBody: 'foo',
    },
    {
      name: 'Post with a string',
      method: 'POST',
      uri: '/',
      body: 'foo',
      want: { method: 'POST', contentLength: 3 },
      wantUrl: new URL({ path: '/' }),
      wantBody: 'foo',
    },
    {
      name: 'Post with unknown length',
      method: 'POST',
      uri: '/',
      body: opaqueReader('foo'),
      want: { method: 'POST', contentLength: -1 },
      wantUrl: new URL({ path: '/' }),
      wantBody: 'foo',
    },
    {
      name: 'Post with NoBody',
      method: 'POST',
      uri: '/',
      body: NoBody,
      want: { method: 'POST' },
      wantUrl: new URL({ path: '/' }),
    },
    {
      name: 'OPTIONS *',
      method: 'OPTIONS',
      uri: '*',
      want: { method: 'OPTIONS', url: '*', requestURI: '*' },
      wantUrl: new URL({ path: '*' }),
    },
    {
      name: 'CONNECT authority',
      method: 'CONNECT',
      uri: 'foo.com:443',
      want: {
        method: 'CONNECT',
        host: 'foo.com:443',
        url: '//foo.com:443',
        requestURI: 'foo.com:443',
      },
      wantUrl: new URL({ host: 'foo.com:443' }),
    },
    {
      name: 'query kept raw, fragment part of it (a request-target has none)',
      method: 'GET',
      uri: '/a?x=1#frag',
      want: { url: '/a?x=1#frag', requestURI: '/a?x=1#frag' },
      wantUrl: new URL({ path: '/a', rawQuery: 'x=1#frag' }),
    },
  ];

  for (const tt of table) {
    test(`${tt.name} (Go: TestNewRequestWithContext)`, async () => {
      const got = newRequest(tt.method, tt.uri, tt.body);
      expect(await got.body.text()).toBe(tt.wantBody ?? '');
      expect(got.url).toEqual(tt.wantUrl);
      expect(fields(got)).toEqual({ ...base, ...tt.want });
    });
  }

  test('the signal option is the request signal (Go: NewRequestWithContext)', () => {
    const ac = new AbortController();
    expect(newRequest('GET', '/', null, { signal: ac.signal }).signal).toBe(ac.signal);
  });

  test('a reader with close() keeps it; NoBody stays NoBody', async () => {
    let closed = 0;
    const r = opaqueReader('x');
    const got = newRequest('POST', '/', {
      read: (p: Uint8Array) => r.read(p),
      close: async () => void closed++,
    });
    await got.body.close();
    expect(closed).toBe(1);
    expect(newRequest('POST', '/', NoBody).body).toBe(NoBody);
  });

  test('bad arguments throw readRequest errors, prefixed as Go panics', () => {
    const cases: [string, string, string][] = [
      ['GET', '/a b', 'invalid NewRequest arguments; malformed HTTP version "b HTTP/1.0"'],
      ['GET', '/a\nb', 'invalid NewRequest arguments; malformed HTTP request "GET /a"'],
      ['GET', '', 'invalid NewRequest arguments; parse "": empty url'],
      ['GET', 'x', 'invalid NewRequest arguments; parse "x": invalid URI for request'],
      ['BAD METHOD', '/', 'invalid NewRequest arguments; malformed HTTP version "/ HTTP/1.0"'],
      ['G(T', '/', 'invalid NewRequest arguments; invalid method "G(T"'],
    ];
    for (const [method, target, msg] of cases) {
      expect(() => newRequest(method, target), `${method} ${JSON.stringify(target)}`).toThrow(msg);
    }
  });

  test('a target that would smuggle header lines is refused', () => {
    expect(() => newRequest('GET', '/ HTTP/1.0\r\nX-Injected: 1')).toThrow(
      'invalid NewRequest arguments; net/http: request target contains CR or LF',
    );
  });
});
