// SRV: ServeMux behavior and helper handlers, through the reference and /x/ routes
// (SRV-100..113).

import {
  area,
  closes,
  DATE,
  expect,
  expectRaw,
  get,
  H,
  halfClose,
  head,
  lingers,
  NOT_FOUND,
  post,
  send,
  stays,
  TEXT,
  text,
  UPGRADED,
} from './helpers.js';

/** ServeMux behavior seen through the reference routes (SRV-100..113). */
export const muxCases = area('ServeMux (Go 1.22+ patterns) and helper handlers', [
  {
    id: 'SRV-100',
    title: 'a GET pattern also matches HEAD; wildcards bind path values',
    priority: 'important',
    steps: [
      send(head('/hello') + get('/sized/3')),
      expect({ status: 'HTTP/1.1 200 OK', headers: [DATE, 'Content-Length: 6', TEXT], head: true }),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Content-Length: 3', DATE, TEXT],
        body: 'aaa',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-101',
    title: 'the most specific pattern wins: /x/items/new beats /x/items/{id}',
    priority: 'important',
    steps: [
      send(get('/x/items/new') + get('/x/items/7')),
      expect(text('new item\n')),
      expect(text('item 7\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-101a',
    title: 'a host pattern beats a host-less one; other hosts get the host-less pattern',
    priority: 'important',
    steps: [
      send(
        'GET /x/host HTTP/1.1\r\nHost: example.com\r\n\r\nGET /x/host HTTP/1.1\r\nHost: other.example\r\n\r\n',
      ),
      expect(text('example.com\n')),
      expect(text('any host\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-102',
    title: 'only the method is wrong: 405 with a sorted Allow list',
    priority: 'important',
    steps: [
      send(get('/ignore-body')),
      expect({
        status: 'HTTP/1.1 405 Method Not Allowed',
        headers: [
          'Allow: POST',
          TEXT,
          'X-Content-Type-Options: nosniff',
          DATE,
          'Content-Length: 19',
        ],
        body: 'Method Not Allowed\n',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-102a',
    title: 'lowercase "get" does not match a GET pattern: 405',
    priority: 'important',
    steps: [
      send(`get /hello HTTP/1.1\r\n${H}\r\n`),
      expect({
        status: 'HTTP/1.1 405 Method Not Allowed',
        headers: [
          'Allow: GET, HEAD',
          TEXT,
          'X-Content-Type-Options: nosniff',
          DATE,
          'Content-Length: 19',
        ],
        body: 'Method Not Allowed\n',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-103',
    title: 'a subtree pattern /x/tree/ redirects /x/tree to /x/tree/, query kept',
    priority: 'important',
    note: "Go 1.26 redirects with 307 Temporary Redirect, not the catalog's 301 (as for SRV-104).",
    steps: [
      send(get('/x/tree?q=1') + get('/x/tree/a/b')),
      expect({
        status: 'HTTP/1.1 307 Temporary Redirect',
        headers: [
          'Content-Type: text/html; charset=utf-8',
          'Location: /x/tree/?q=1',
          DATE,
          'Content-Length: 48',
        ],
        ordered: true,
        body: '<a href="/x/tree/?q=1">Temporary Redirect</a>.\n\n',
      }),
      expect(text('tree /x/tree/a/b\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-104',
    title: 'a path with .. is redirected (307) to its cleaned form',
    priority: 'important',
    note: 'Catalog (Go 1.23) says 301 Moved Permanently; Go 1.26 redirects cleaned paths with 307 Temporary Redirect.',
    steps: [
      send(get('/x/../hello')),
      expect({
        status: 'HTTP/1.1 307 Temporary Redirect',
        headers: [
          'Content-Type: text/html; charset=utf-8',
          'Location: /hello',
          DATE,
          'Content-Length: 42',
        ],
        body: '<a href="/hello">Temporary Redirect</a>.\n\n',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-104a',
    title: 'repeated slashes are redirected (307) to the cleaned path',
    priority: 'important',
    note: 'Catalog (Go 1.23) says 301 Moved Permanently; Go 1.26 redirects cleaned paths with 307 Temporary Redirect.',
    steps: [
      send(get('//hello')),
      expect({
        status: 'HTTP/1.1 307 Temporary Redirect',
        headers: [
          'Content-Type: text/html; charset=utf-8',
          'Location: /hello',
          DATE,
          'Content-Length: 42',
        ],
        body: '<a href="/hello">Temporary Redirect</a>.\n\n',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-105',
    title: 'no match: the mux 404 with nosniff',
    priority: 'important',
    steps: [send(get('/nope')), expect(NOT_FOUND), stays()],
  },
  {
    id: 'SRV-106',
    title: 'host patterns ignore the port of the Host header',
    priority: 'important',
    steps: [
      send('GET /x/host HTTP/1.1\r\nHost: example.com:8080\r\n\r\n'),
      expect(text('example.com\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-107',
    title: 'OPTIONS * is answered by the server with 200 and Content-Length: 0',
    priority: 'important',
    steps: [
      send(`OPTIONS * HTTP/1.1\r\n${H}\r\n`),
      expect({ status: 'HTTP/1.1 200 OK', headers: ['Content-Length: 0', DATE], body: '' }),
      stays(),
    ],
  },
  {
    id: 'SRV-107a',
    title: 'GET * reaching the mux: 400 with Connection: close',
    priority: 'important',
    steps: [
      send(`GET * HTTP/1.1\r\n${H}\r\n`),
      expect({
        status: 'HTTP/1.1 400 Bad Request',
        headers: ['Connection: close', DATE, 'Content-Length: 0'],
        body: '',
      }),
      { fate: 'close' },
    ],
  },
  {
    id: 'SRV-108',
    title: 'Error helper: text/plain, nosniff, message and newline',
    priority: 'extended',
    note: 'Uses the reference app addition: a path value that is not a valid number answers http.Error(w, "invalid parameter", 400).',
    steps: [
      send(get('/bytes/x')),
      expect({
        status: 'HTTP/1.1 400 Bad Request',
        headers: [TEXT, 'X-Content-Type-Options: nosniff', DATE, 'Content-Length: 18'],
        body: 'invalid parameter\n',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-109',
    title: 'Redirect helper: 302 with Location and an HTML body for GET',
    priority: 'extended',
    steps: [
      send(get('/redirect/2')),
      expect({
        status: 'HTTP/1.1 302 Found',
        headers: [
          'Content-Type: text/html; charset=utf-8',
          'Location: /redirect/1',
          DATE,
          'Content-Length: 34',
        ],
        body: '<a href="/redirect/1">Found</a>.\n\n',
      }),
      send(get('/redirect/0')),
      expect(text('done\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-110',
    title: 'StripPrefix removes the prefix from Path and RawPath',
    priority: 'extended',
    steps: [
      send(get('/x/strip/a%2Fb') + get('/x/strip/c/d')),
      expect(text('path=/a/b rawpath=/a%2Fb\n')),
      expect(text('path=/c/d rawpath=\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-110a',
    title: 'StripPrefix with a prefix the path lacks: 404',
    priority: 'extended',
    steps: [send(get('/x/strip-other/a')), expect(NOT_FOUND), stays()],
  },
  {
    id: 'SRV-110b',
    title: 'MaxBytesHandler limits every body: 5 of 10 bytes read, Connection: close',
    priority: 'extended',
    steps: [
      send(post('/x/max-bytes-handler', 'abcdefghij')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Connection: close', DATE, 'Content-Length: 2', TEXT],
        ordered: true,
        body: '5\n',
      }),
      lingers(),
    ],
  },
  {
    id: 'SRV-111',
    title: 'a query with ";" is not split on it: the pair holding it is dropped',
    priority: 'extended',
    note: 'Go drops the whole `a=1;b=2` pair (ParseQuery\'s "invalid semicolon separator"), so neither a nor b is set.',
    steps: [send(get('/x/form?a=1;b=2&c=3')), expect(text('keys=1\nc=[3]\n')), stays()],
  },
  {
    id: 'SRV-111a',
    title: 'AllowQuerySemicolons turns ";" into "&" before the query is parsed',
    priority: 'extended',
    steps: [
      send(get('/x/form-semicolons?a=1;b=2&c=3')),
      expect(text('keys=3\na=[1]\nb=[2]\nc=[3]\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-112',
    title: 'CONNECT with an authority target needs no Host header and reaches the mux',
    priority: 'extended',
    steps: [send('CONNECT example.com:443 HTTP/1.1\r\n\r\n'), expect(NOT_FOUND), stays()],
  },
  {
    id: 'SRV-113',
    title: "101 Switching Protocols keeps the handler's Connection: Upgrade with keep-alives off",
    priority: 'extended',
    flags: ['--disable-keep-alives'],
    steps: [
      send(get('/x/upgrade')),
      expect(UPGRADED),
      send('ping\n'),
      expectRaw('ping\n'),
      halfClose(),
      closes(),
    ],
  },
]);
