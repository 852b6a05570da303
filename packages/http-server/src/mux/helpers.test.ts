// Helper handler tests: tables from Go's serve_test.go (TestError, TestRedirect*,
// TestStripPrefix*, TestQuerySemicolon) plus cases checked against go1.26.
import { MaxBytesError, newRequest as newClientRequest, type Request } from '@ka/http';
import { describe, expect, test } from 'vitest';

import { handlerFunc, type ResponseWriter } from '../handler.js';
import {
  allowQuerySemicolons,
  error,
  htmlEscape,
  maxBytesHandler,
  notFound,
  notFoundHandler,
  redirect,
  redirectHandler,
  stripPrefix,
} from './helpers.js';
import { newRequest, Recorder, requestWithUrl, serve } from './mux.test.support.js';

describe('SRV-105 SRV-108 error', () => {
  test('resets Content-Length, sets text/plain and nosniff (Go: TestError)', async () => {
    const w = new Recorder();
    w.header().set('Content-Length', '1');
    w.header().set('X-Content-Type-Options', 'scratch and sniff');
    w.header().set('Other', 'foo');
    await error(w, 'oops', 432);
    expect(w.code).toBe(432);
    expect(w.headerLines()).toEqual([
      'Content-Type=text/plain; charset=utf-8',
      'Other=foo',
      'X-Content-Type-Options=nosniff',
    ]);
    expect(w.body).toBe('oops\n');
  });

  test('the body is the message plus a newline (Go: TestErrorContentLength)', async () => {
    const w = new Recorder();
    w.header().set('Content-Length', '1000');
    await error(w, 'an error occurred', 400);
    expect(w.body).toBe('an error occurred\n');
    expect(w.header().has('Content-Length')).toBe(false);
  });

  test('keeps Content-Encoding', async () => {
    const w = new Recorder();
    w.header().set('Content-Encoding', 'gzip');
    await error(w, 'x', 500);
    expect(w.header().get('Content-Encoding')).toBe('gzip');
  });

  test('ignores a failing write, as Go ignores Fprintln errors', async () => {
    const w: ResponseWriter = {
      header: () => new Recorder().header(),
      writeHeader: () => {},
      write: () => Promise.reject(new Error('broken pipe')),
    };
    await expect(error(w, 'x', 500)).resolves.toBeUndefined();
  });

  test('notFound and notFoundHandler answer 404 page not found', async () => {
    const w = new Recorder();
    await notFound(w, newRequest('GET', '/x'));
    expect({ code: w.code, body: w.body, headers: w.headerLines() }).toEqual({
      code: 404,
      body: '404 page not found\n',
      headers: ['Content-Type=text/plain; charset=utf-8', 'X-Content-Type-Options=nosniff'],
    });
    const w2 = await serve(notFoundHandler(), newRequest('POST', '/y'));
    expect(w2.body).toBe('404 page not found\n');
  });
});

describe('SRV-109 redirect', () => {
  test('resolves and cleans relative targets, escapes non-ASCII (Go: TestRedirect)', async () => {
    const cases: [string, string][] = [
      ['http://foobar.com/baz', 'http://foobar.com/baz'], // normal http
      ['https://foobar.com/baz', 'https://foobar.com/baz'], // normal https
      ['test://foobar.com/baz', 'test://foobar.com/baz'], // custom scheme
      ['//foobar.com/baz', '//foobar.com/baz'], // schemeless
      ['/foobar.com/baz', '/foobar.com/baz'], // relative to the root
      ['foobar.com/baz', '/qux/foobar.com/baz'], // relative to the current path
      ['../quux/foobar.com/baz', '/quux/foobar.com/baz'], // ... going upwards
      ['///foobar.com/baz', '/foobar.com/baz'], // incorrect number of slashes
      // no cleaning of the wrong parts
      ['/foo?next=http://bar.com/', '/foo?next=http://bar.com/'],
      [
        'http://localhost:8080/_ah/login?continue=http://localhost:8080/',
        'http://localhost:8080/_ah/login?continue=http://localhost:8080/',
      ],
      ['/фубар', '/%d1%84%d1%83%d0%b1%d0%b0%d1%80'],
      ['http://foo.com/фубар', 'http://foo.com/%d1%84%d1%83%d0%b1%d0%b0%d1%80'],
    ];
    const r = newRequest('GET', 'http://example.com/qux/');
    for (const [input, want] of cases) {
      const w = new Recorder();
      await redirect(w, r, input, 302);
      expect({ input, code: w.code, loc: w.header().get('Location') }).toEqual({
        input,
        code: 302,
        loc: want,
      });
    }
  });

  test('a bogus request path does not crash (Go: TestRedirectBadPath)', async () => {
    const r = requestWithUrl('GET', '', { path: 'not-empty-but-no-leading-slash' });
    const w = new Recorder();
    await redirect(w, r, '', 304);
    expect(w.code).toBe(304);
  });

  test('keeps the escaping of the request path (Go: TestRedirectEscapedPath)', async () => {
    const w = new Recorder();
    await redirect(w, newRequest('GET', 'http://example.com/foo%2Fbar/'), 'qux%2Fbaz', 301);
    expect(w.header().get('Location')).toBe('/foo%2Fbar/qux%2Fbaz');
  });

  describe('Content-Type and body (Go: TestRedirectContentTypeAndBody)', () => {
    const cases: [string, string[] | null, string, string][] = [
      ['GET', null, 'text/html; charset=utf-8', '<a href="/foo">Found</a>.\n\n'],
      ['HEAD', null, 'text/html; charset=utf-8', ''],
      ['POST', null, '', ''],
      ['DELETE', null, '', ''],
      ['foo', null, '', ''],
      ['GET', ['application/test'], 'application/test', ''],
      ['GET', [], '', ''], // present but empty still counts as set
    ];
    test.each(cases)('%s %j', async (method, ct, wantCT, wantBody) => {
      const w = new Recorder();
      if (ct !== null) w.header().rawSet('Content-Type', ct);
      await redirect(w, newRequest(method, 'http://example.com/qux/'), '/foo', 302);
      expect({ code: w.code, ct: w.header().get('Content-Type'), body: w.body }).toEqual({
        code: 302,
        ct: wantCT,
        body: wantBody,
      });
    });
  });

  // Redirect(w, GET http://example.com/qux/quux, url, 301) as go1.26 answers it; the third
  // column is the href in the body when it differs from Location.
  const goCases: [string, string, string?][] = [
    ['', '/qux/'],
    ['x', '/qux/x'],
    ['../y/', '/y/'],
    ['%zz', '%zz'], // url.Parse fails: used as is
    ['a:b', 'a:b'], // scheme "a"
    [':foo', ':foo'], // missing protocol scheme
    ['http://[::1', 'http://[::1'], // missing ']'
    ['//', '/'], // empty authority: relative
    ['///a/b/../c', '/a/c'],
    ['?q=1', '/qux/?q=1'],
    ['/a/./b?c=/../', '/a/b?c=/../'],
    ['ftp:x', 'ftp:x'], // opaque
    ['/фубар', '/%d1%84%d1%83%d0%b1%d0%b0%d1%80', '/фубар'],
    ['<x>"\'&', '/qux/<x>"\'&', '/qux/&lt;x&gt;&#34;&#39;&amp;'],
    ['#frag', '/qux/#frag'],
    ['a%2Fb', '/qux/a%2Fb'],
    ['//h:99999/x', '//h:99999/x'],
    ['//h:x/x', '//h:x/x'], // invalid port: parse error
    ['http://user:p@ss@h/', 'http://user:p@ss@h/'],
    ['//@/x/../y', '/@/y'], // empty userinfo and host: relative
    ['// @/x/../y', '// @/x/../y'], // invalid userinfo: parse error
    ['//%zz@/a/../b', '//%zz@/a/../b'], // bad escape in userinfo
    ['//%41/a/../b', '//%41/a/../b'], // escaped ASCII in host
    ['//[1.2.3.4]/x/../y', '//[1.2.3.4]/x/../y'], // IPv4 literal in brackets
    ['//[::1%25]/x/../y', '//[::1%25]/x/../y'], // empty zone
    ['/x/../y#%zz', '/x/../y#%zz'], // bad escape in fragment
    ['/x/../y#ok', '/y#ok'],
    ['x/y#a#b', '/qux/x/y#a#b'],
    ['*', '/qux/*'],
    ['//é/x/../y', '//%c3%a9/x/../y', '//é/x/../y'],
  ];
  test.each(goCases)('Redirect(%j) → Location %j (go1.26)', async (input, loc, href) => {
    const w = new Recorder();
    await redirect(w, newRequest('GET', 'http://example.com/qux/quux'), input, 301);
    expect({ code: w.code, headers: w.headerLines(), body: w.body }).toEqual({
      code: 301,
      headers: ['Content-Type=text/html; charset=utf-8', `Location=${loc}`],
      body: `<a href="${href ?? htmlEscape(loc)}">Moved Permanently</a>.\n\n`,
    });
  });

  test('control characters make the URL unparsable, so it is used as is', async () => {
    const w = new Recorder();
    await redirect(w, newRequest('GET', 'http://example.com/qux/quux'), 'foo\x01', 301);
    expect(w.header().get('Location')).toBe('foo\x01');
  });

  test('redirectHandler redirects every request', async () => {
    const h = redirectHandler('/new', 308);
    const w = await serve(h, newRequest('POST', '/old'));
    expect({ code: w.code, headers: w.headerLines(), body: w.body }).toEqual({
      code: 308,
      headers: ['Location=/new'],
      body: '',
    });
  });
});

test('htmlEscape escapes the five HTML specials like Go', () => {
  expect(htmlEscape(`a&b<c>d"e'f`)).toBe('a&amp;b&lt;c&gt;d&#34;e&#39;f');
  expect(htmlEscape('plain')).toBe('plain');
});

describe('SRV-110 stripPrefix', () => {
  const h = stripPrefix(
    '/foo/bar',
    handlerFunc((w, r) => {
      w.header().set('X-Path', r.url.path);
      w.header().set('X-RawPath', r.url.rawPath);
    }),
  );
  // [request path, stripped Path ("" for a 404), stripped RawPath] (Go: TestStripPrefix)
  const cases: [string, string, string][] = [
    ['/foo/bar/qux', '/qux', ''],
    ['/foo/bar%2Fqux', '/qux', '%2Fqux'],
    ['/foo%2Fbar/qux', '', ''], // an escaped prefix does not match
    ['/bar', '', ''], // no prefix
  ];
  test.each(cases)('%s', async (reqPath, path, rawPath) => {
    const w = await serve(h, newRequest('GET', reqPath));
    if (path === '') {
      expect({ code: w.code, body: w.body }).toEqual({ code: 404, body: '404 page not found\n' });
      return;
    }
    expect({
      code: w.code,
      path: w.header().get('X-Path'),
      rawPath: w.header().get('X-RawPath'),
    }).toEqual({ code: 200, path, rawPath });
  });

  test('does not modify the caller’s request (Go: TestStripPrefixNotModifyRequest)', async () => {
    const r = newRequest('GET', '/foo/bar');
    let seen: Request | null = null;
    await serve(
      stripPrefix(
        '/foo',
        handlerFunc((_w, r2) => {
          seen = r2;
        }),
      ),
      r,
    );
    expect(r.url.path).toBe('/foo/bar');
    expect(seen!.url.path).toBe('/bar');
    expect(seen!.method).toBe('GET');
    expect(seen).not.toBe(r);
  });

  test('an empty prefix returns the handler itself', () => {
    const inner = notFoundHandler();
    expect(stripPrefix('', inner)).toBe(inner);
  });
});

describe('SRV-111 allowQuerySemicolons', () => {
  test('turns ; into & on a copy of the request', async () => {
    const r = newRequest('GET', '/?a=1;x=bad&x=good');
    let got = '';
    await serve(
      allowQuerySemicolons(
        handlerFunc((_w, r2) => {
          got = r2.url.rawQuery;
        }),
      ),
      r,
    );
    expect(got).toBe('a=1&x=bad&x=good');
    expect(r.url.rawQuery).toBe('a=1;x=bad&x=good');
  });

  test('passes the same request through when there is no semicolon', async () => {
    const r = newRequest('GET', '/?a=1%3Bx=bad&x=good%3B');
    let seen: Request | null = null;
    await serve(
      allowQuerySemicolons(
        handlerFunc((_w, r2) => {
          seen = r2;
        }),
      ),
      r,
    );
    expect(seen).toBe(r);
  });
});

describe('SRV-110 maxBytesHandler', () => {
  // [limit, body size] (Go: TestMaxBytesHandler's sizes, scaled down)
  const cases: [number, number][] = [
    [100, 100],
    [100, 1000],
    [1000, 100],
    [1000, 1000],
    [1000, 100_000],
  ];
  test.each(cases)('limit %d, body %d', async (limit, size) => {
    const r = newClientRequest('POST', 'http://example.com/', 'a'.repeat(size));
    let n = -1;
    let err: unknown;
    const w = Object.assign(new Recorder(), {
      tooLarge: 0,
      requestTooLarge() {
        this.tooLarge++;
      },
    });
    await maxBytesHandler(
      handlerFunc(async (_w, r2) => {
        try {
          n = (await r2.body.bytes()).length;
        } catch (e) {
          err = e;
        }
      }),
      limit,
    ).serveHttp(w, r);
    if (size <= limit) {
      expect({ n, err, tooLarge: w.tooLarge }).toEqual({ n: size, err: undefined, tooLarge: 0 });
    } else {
      expect(err).toBeInstanceOf(MaxBytesError);
      expect((err as Error).message).toBe('http: request body too large');
      expect(w.tooLarge).toBe(1);
    }
  });

  test('the caller’s request keeps its own body', async () => {
    const r = newClientRequest('POST', 'http://example.com/', 'hello');
    const body = r.body;
    await maxBytesHandler(
      handlerFunc(() => {}),
      1,
    ).serveHttp(new Recorder(), r);
    expect(r.body).toBe(body);
  });
});
