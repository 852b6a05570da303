// SRV: response writing — automatic length, chunking, flush, HEAD, no-body statuses,
// 1xx, trailers, header order (SRV-76..90).

import {
  area,
  closes,
  DATE,
  empty,
  expect,
  get,
  head,
  post,
  repeat,
  send,
  stays,
  TEXT,
  text,
} from './helpers.js';

const TE = 'Transfer-Encoding: chunked';

/** Response framing: automatic length, chunking, Flush, HEAD, no-body statuses, 1xx, trailers, header order (SRV-75..90). */
export const responseCases = area('Response writing: framing, buffering, headers', [
  {
    id: 'SRV-75',
    title: 'the 2048-byte response buffer shapes the chunks: 5000 bytes → 800, 800, 388',
    priority: 'core',
    steps: [
      send(get('/bytes/5000')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: [DATE, TEXT, TE],
        rawBody: [
          '800\r\n',
          repeat('a', 2048),
          '\r\n800\r\n',
          repeat('a', 2048),
          '\r\n388\r\n',
          repeat('a', 904),
          '\r\n0\r\n\r\n',
        ],
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-76',
    title: 'a complete 2048-byte response gets an automatic Content-Length',
    priority: 'core',
    steps: [send(get('/bytes/2048')), expect(text('a'.repeat(2048))), stays()],
  },
  {
    id: 'SRV-76a',
    title: '2049 bytes overflow the buffer: chunked',
    priority: 'core',
    steps: [
      send(get('/bytes/2049')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: [DATE, TEXT, TE],
        rawBody: ['800\r\n', repeat('a', 2048), '\r\n1\r\na\r\n0\r\n\r\n'],
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-77',
    title: 'unknown length on HTTP/1.1: chunked, lowercase hex sizes, 0 chunk at the end',
    priority: 'core',
    steps: [
      send(get('/bytes/3000')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: [DATE, TEXT, TE],
        rawBody: ['800\r\n', repeat('a', 2048), '\r\n3b8\r\n', repeat('a', 952), '\r\n0\r\n\r\n'],
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-78',
    title: 'each Flush sends the buffered bytes as one chunk',
    priority: 'core',
    steps: [
      send(get('/stream/3')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: [DATE, TEXT, TE],
        rawBody: '8\r\nchunk 0\n\r\n8\r\nchunk 1\n\r\n8\r\nchunk 2\n\r\n0\r\n\r\n',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-78a',
    title: 'Flush with no body before the handler returns: chunked with only the 0 chunk',
    priority: 'core',
    steps: [
      send(get('/flush-empty')),
      expect({ status: 'HTTP/1.1 200 OK', headers: [DATE, TE], rawBody: '0\r\n\r\n' }),
      stays(),
    ],
  },
  {
    id: 'SRV-79',
    title: 'an explicit Content-Length disables chunking for a large body',
    priority: 'core',
    steps: [
      send(get('/sized/5000')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Content-Length: 5000', DATE, TEXT],
        body: repeat('a', 5000),
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-79a',
    title: 'an explicit Content-Length: 0',
    priority: 'core',
    steps: [
      send(get('/sized/0')),
      expect({ status: 'HTTP/1.1 200 OK', headers: ['Content-Length: 0', DATE], body: '' }),
      stays(),
    ],
  },
  {
    id: 'SRV-80',
    title:
      'handler-set Transfer-Encoding: identity → no length, no chunking, Connection: close, body until close',
    priority: 'important',
    steps: [
      send(get('/x/te/identity')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: [DATE, 'Connection: close'],
        ordered: true,
        body: 'stream',
      }),
      closes(),
    ],
  },
  {
    id: 'SRV-80a',
    title:
      "handler-set Transfer-Encoding: chunked is replaced by the server's own (one line, no sniffing)",
    priority: 'important',
    steps: [
      send(get('/x/te/chunked')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: [DATE, TE],
        rawBody: '6\r\nstream\r\n0\r\n\r\n',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-80b',
    title:
      'handler-set Transfer-Encoding: gzip stays in the handler block and the server still chunks',
    priority: 'important',
    steps: [
      send(get('/x/te/gzip')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Transfer-Encoding: gzip', DATE, TE],
        ordered: true,
        rawBody: '6\r\nstream\r\n0\r\n\r\n',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-80c',
    title:
      'Transfer-Encoding: chunked plus a Content-Length from the handler: the length is dropped',
    priority: 'important',
    steps: [
      send(get('/x/te-cl')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: [DATE, TE],
        rawBody: '6\r\nstream\r\n0\r\n\r\n',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-81',
    title: 'header order: handler headers sorted first, then Date, Content-Length, Content-Type',
    priority: 'important',
    steps: [
      send(`DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n`),
      expect({
        status: 'HTTP/1.1 405 Method Not Allowed',
        headers: [
          'Allow: GET, HEAD',
          TEXT,
          'X-Content-Type-Options: nosniff',
          DATE,
          'Content-Length: 19',
        ],
        ordered: true,
        body: 'Method Not Allowed\n',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-81a',
    title: 'header order of a chunked response with a declared trailer',
    priority: 'important',
    steps: [
      send(get('/trailers')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Trailer: X-Checksum', DATE, TEXT, TE],
        ordered: true,
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-82',
    title: 'every normal response carries one Date in RFC 1123 GMT form',
    priority: 'core',
    steps: [
      send(get('/hello') + get('/status/204') + get('/nope')),
      expect({ status: 'HTTP/1.1 200 OK', has: [DATE] }),
      expect({ status: 'HTTP/1.1 204 No Content', has: [DATE] }),
      expect({ status: 'HTTP/1.1 404 Not Found', has: [DATE] }),
      stays(),
    ],
  },
  {
    id: 'SRV-83',
    title: 'a handler-set Content-Type is kept and not sniffed',
    priority: 'core',
    steps: [
      send(post('/echo', '<html><body>hi')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Content-Type: application/octet-stream', DATE, 'Content-Length: 14'],
        body: '<html><body>hi',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-83a',
    title: 'Content-Encoding set by the handler: no Content-Type sniffing',
    priority: 'core',
    steps: [
      send(get('/gzip')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Content-Encoding: gzip', DATE, 'Content-Length: <any>'],
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-84',
    title: 'HEAD with a small body: Content-Length of what would have been sent, no body',
    priority: 'core',
    steps: [
      send(head('/bytes/10')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: [DATE, 'Content-Length: 10', TEXT],
        head: true,
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-84a',
    title: 'HEAD with a body over 2048 bytes: neither Content-Length nor Transfer-Encoding',
    priority: 'core',
    steps: [
      send(head('/bytes/3000')),
      expect({ status: 'HTTP/1.1 200 OK', headers: [DATE, TEXT], head: true }),
      stays(),
    ],
  },
  {
    id: 'SRV-84b',
    title: 'HEAD when the handler writes nothing: no Content-Length at all',
    priority: 'core',
    steps: [
      send(head('/status/200')),
      expect({ status: 'HTTP/1.1 200 OK', headers: [DATE], head: true }),
      stays(),
    ],
  },
  {
    id: 'SRV-84c',
    title: 'HEAD keeps an explicit Content-Length',
    priority: 'core',
    steps: [
      send(head('/sized/5000')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Content-Length: 5000', DATE, TEXT],
        head: true,
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-84d',
    title: 'HEAD of a flushed response: no chunked framing, no body',
    priority: 'core',
    steps: [
      send(head('/stream/2')),
      expect({ status: 'HTTP/1.1 200 OK', headers: [DATE, TEXT], head: true }),
      stays(),
    ],
  },
  {
    id: 'SRV-85',
    title: '204 has no body, Content-Length or Transfer-Encoding',
    priority: 'core',
    steps: [
      send(get('/status/204')),
      expect({ status: 'HTTP/1.1 204 No Content', headers: [DATE] }),
      stays(),
    ],
  },
  {
    id: 'SRV-85a',
    title: '304 has no body, Content-Length or Transfer-Encoding',
    priority: 'core',
    steps: [
      send(get('/status/304')),
      expect({ status: 'HTTP/1.1 304 Not Modified', headers: [DATE] }),
      stays(),
    ],
  },
  {
    id: 'SRV-86',
    title: 'WriteHeader(103) sends an interim response, then the final one',
    priority: 'important',
    steps: [
      send(get('/status/103')),
      expect({ status: 'HTTP/1.1 103 Early Hints', headers: [] }),
      expect(empty()),
      stays(),
    ],
  },
  {
    id: 'SRV-86a',
    title: 'WriteHeader(100) from a handler is an interim response too',
    priority: 'important',
    steps: [
      send(get('/status/100')),
      expect({ status: 'HTTP/1.1 100 Continue', headers: [] }),
      expect(empty()),
      stays(),
    ],
  },
  {
    id: 'SRV-87',
    title: 'declared response trailers force chunking and follow the 0 chunk',
    priority: 'important',
    steps: [
      send(get('/trailers')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Trailer: X-Checksum', DATE, TEXT, TE],
        rawBody: '5\r\nbody\n\r\n0\r\nX-Checksum: abc\r\n\r\n',
        trailers: ['X-Checksum: abc'],
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-88',
    title:
      'a Trailer:-prefixed key set after a small write is lost: automatic Content-Length, no trailer',
    priority: 'important',
    steps: [send(get('/x/trailer-prefix/late')), expect(text('body')), stays()],
  },
  {
    id: 'SRV-88a',
    title: 'a Trailer:-prefixed key set after a Flush is sent as a trailer',
    priority: 'important',
    steps: [
      send(get('/x/trailer-prefix/flush')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: [DATE, TEXT, TE],
        rawBody: '4\r\nbody\r\n0\r\nX-Late: l\r\n\r\n',
        trailers: ['X-Late: l'],
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-88b',
    title:
      'a Trailer:-prefixed key set before the first write forces chunking and is never a header',
    priority: 'important',
    steps: [
      send(get('/x/trailer-prefix/early')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: [DATE, TEXT, TE],
        rawBody: '4\r\nbody\r\n0\r\nX-Early: e\r\n\r\n',
        trailers: ['X-Early: e'],
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-89',
    title: 'the header is a snapshot at WriteHeader: a key set afterwards is not sent',
    priority: 'important',
    steps: [
      send(get('/x/header-snapshot')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['X-Early: 1', DATE, 'Content-Length: 3', TEXT],
        ordered: true,
        body: 'ok\n',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-89a',
    title: 'Header() first called after WriteHeader: a key set then is not sent',
    priority: 'important',
    steps: [send(get('/x/header-late')), expect(text('ok\n')), stays()],
  },
  {
    id: 'SRV-90',
    title: 'ReadFrom sends the first 512 bytes through the normal path, then the head: chunked',
    priority: 'important',
    note: 'The 10 000-byte request body is not echoed: after the first 512 bytes (sniffLen) the head is flushed, which drains the rest of the unread request body (see SRV-67).',
    steps: [
      send(post('/echo', 'e'.repeat(10_000))),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Content-Type: application/octet-stream', DATE, TE],
        rawBody: ['200\r\n', repeat('e', 512), '\r\n0\r\n\r\n'],
      }),
      stays(),
    ],
  },
]);
