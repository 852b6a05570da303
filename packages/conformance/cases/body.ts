// SRV: request bodies, chunked decoding and the post-handler drain (SRV-58..70).

import {
  area,
  BAD_REQUEST,
  clientClose,
  closes,
  DATE,
  expect,
  expectRaw,
  get,
  HELLO,
  halfClose,
  lingers,
  post,
  postChunkedHead,
  postHead,
  repeat,
  send,
  silence,
  stays,
  TEXT,
  text,
} from './helpers.js';

/** Go's maxPostHandlerReadBytes. */
const MAX_DRAIN = 256 << 10;

/** Request bodies: chunked decoding and its errors, trailers, the post-handler drain (SRV-58..70). */
export const bodyCases = area('Request body', [
  {
    id: 'SRV-58',
    title: 'chunked request body: extensions ignored, the 0 chunk ends it',
    priority: 'core',
    steps: [
      send(`${postChunkedHead('/expect')}5;ext=1\r\nhello\r\n0\r\n\r\n`),
      expect(text('5\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-58a',
    title: 'chunked request body: upper- and lower-case hex sizes, several chunks',
    priority: 'core',
    steps: [
      send(`${postChunkedHead('/echo')}A\r\n0123456789\r\nb\r\nabcdefghijk\r\n0\r\n\r\n`),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Content-Type: application/octet-stream', 'Date: <date>', 'Content-Length: 21'],
        body: '0123456789abcdefghijk',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-59',
    title: 'malformed chunk size: the handler sees an error, the response closes the connection',
    priority: 'core',
    steps: [
      send(`${postChunkedHead('/expect')}zz\r\nhello\r\n0\r\n\r\n`),
      expect(text('0\n', { extra: ['Connection: close'] })),
      closes(),
    ],
  },
  {
    id: 'SRV-59a',
    title: 'malformed chunked body the handler never read: the drain fails, Connection: close',
    priority: 'core',
    steps: [
      send(`${postChunkedHead('/ignore-body')}zz\r\nhello\r\n0\r\n\r\n`),
      expect(text('ok\n', { extra: ['Connection: close'] })),
      closes(),
    ],
  },
  {
    id: 'SRV-59b',
    title: 'chunk data not followed by CRLF → error, Connection: close',
    priority: 'core',
    steps: [
      send(`${postChunkedHead('/expect')}5\r\nhelloXX0\r\n\r\n`),
      expect(text('5\n', { extra: ['Connection: close'] })),
      closes(),
    ],
  },
  {
    id: 'SRV-59c',
    title: 'chunk size with more than 16 hex digits → error, Connection: close',
    priority: 'core',
    steps: [
      send(`${postChunkedHead('/expect')}00000000000000001\r\na\r\n0\r\n\r\n`),
      expect(text('0\n', { extra: ['Connection: close'] })),
      closes(),
    ],
  },
  {
    id: 'SRV-59d',
    title: 'chunk-size line of 4096 bytes or more → error, Connection: close',
    priority: 'core',
    steps: [
      send([postChunkedHead('/expect'), '1;', repeat('x', 5000), '\r\na\r\n0\r\n\r\n']),
      expect(text('0\n', { extra: ['Connection: close'] })),
      closes(),
    ],
  },
  {
    id: 'SRV-59e',
    title:
      'chunk extensions adding up to more than 16 KiB of non-data → error after the data so far',
    priority: 'core',
    steps: [
      send([
        postChunkedHead('/expect'),
        ...Array.from({ length: 5 }, () => ['1;', repeat('x', 4000), '\r\na\r\n']),
        '0\r\n\r\n',
      ]),
      expect(text('4\n', { extra: ['Connection: close'] })),
      closes(),
    ],
  },
  {
    id: 'SRV-58b',
    title: 'bare LF in chunked framing is rejected: error, Connection: close',
    priority: 'core',
    note: 'Not in the catalog: Go ≥ 1.24.2 (and 1.23.8) rejects a chunk line ended by a bare LF, so the body read fails at once.',
    steps: [
      send(`${postChunkedHead('/expect')}5\nhello\n0\n\n`),
      expect(text('0\n', { extra: ['Connection: close'] })),
      closes(),
    ],
  },
  {
    id: 'SRV-58c',
    title: 'chunk data followed by a bare LF is rejected after the data',
    priority: 'core',
    steps: [
      send(`${postChunkedHead('/expect')}5\r\nhello\n0\r\n\r\n`),
      expect(text('5\n', { extra: ['Connection: close'] })),
      closes(),
    ],
  },
  {
    id: 'SRV-60',
    title: 'declared request trailers are read after the last chunk',
    priority: 'core',
    steps: [
      send(
        `${postChunkedHead('/expect', 'Trailer: X-T')}5\r\nhello\r\n0\r\nX-T: tv\r\n\r\n${get('/hello')}`,
      ),
      expect(text('5\n')),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-60a',
    title: 'declaring Content-Length as a trailer → plain 400',
    priority: 'core',
    steps: [
      send(`${postChunkedHead('/expect', 'Trailer: Content-Length')}0\r\n\r\n`),
      expectRaw(BAD_REQUEST),
      closes(),
    ],
  },
  {
    id: 'SRV-61',
    title: 'an unread body just under 256 KiB is drained; the next request is served',
    priority: 'core',
    steps: [
      send([postHead('/ignore-body', MAX_DRAIN - 1), repeat('b', MAX_DRAIN - 1), get('/hello')]),
      expect(text('ok\n')),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-62',
    title: 'an unread body of 256 KiB → Connection: close and a lingering close',
    priority: 'core',
    steps: [
      send([postHead('/ignore-body', MAX_DRAIN), repeat('b', MAX_DRAIN)]),
      expect(text('ok\n', { extra: ['Connection: close'] })),
      lingers(),
    ],
  },
  {
    id: 'SRV-62a',
    title: 'a declared 300000-byte body not sent at all → Connection: close, lingering close',
    priority: 'core',
    steps: [
      send(postHead('/ignore-body', 300_000)),
      expect(text('ok\n', { extra: ['Connection: close'] })),
      lingers(),
    ],
  },
  {
    id: 'SRV-62b',
    title: 'an unread chunked body over 256 KiB → Connection: close, lingering close',
    priority: 'core',
    steps: [
      send([postChunkedHead('/ignore-body'), '50000\r\n', repeat('c', 0x50000), '\r\n0\r\n\r\n']),
      expect(text('ok\n', { extra: ['Connection: close'] })),
      lingers(),
    ],
  },
  {
    id: 'SRV-63',
    title: 'the response waits while the server drains a small body the client withholds',
    priority: 'important',
    steps: [
      send(`${postHead('/ignore-body', 100)}0123456789`),
      silence(600),
      send(repeat('z', 90)),
      expect(text('ok\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-64',
    title: 'a handler that reads 1 of 5 body bytes: the rest is drained, the next request served',
    priority: 'core',
    steps: [
      send(post('/x/read-one', 'abcde') + get('/hello')),
      expect(text('n=1\n')),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-65',
    title: 'a request pipelined right after an unread small body is served in order',
    priority: 'core',
    steps: [
      send(post('/ignore-body', 'abcdef') + get('/hello')),
      expect(text('ok\n')),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-66',
    title: 'full duplex: the response goes out without waiting for the unread body',
    priority: 'important',
    note: 'What follows the body is not checked: Go 1.26 (like 1.23.5) closes the connection after such a response (its final drain restarts the background read, and the next read panics "invalid concurrent Body.Read call"); the catalog accepts a reusable connection too.',
    steps: [
      send(postHead('/x/full-duplex', 5)),
      expect({ ...text('fd'), within: 300 }),
      send('abcde'),
      clientClose(),
    ],
  },
  {
    id: 'SRV-66a',
    title: 'full duplex without a request body: the connection is reused',
    priority: 'important',
    steps: [send(post('/x/full-duplex', '')), expect(text('fd')), stays()],
  },
  {
    id: 'SRV-68',
    title: 'a handler closing a small body early: drained, the next request is served',
    priority: 'important',
    steps: [
      send(post('/x/close-body', 'abcde') + get('/hello')),
      expect(text('closed')),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-68a',
    title: 'a handler closing a 300000-byte body early: Connection: close and a lingering close',
    priority: 'important',
    steps: [
      send(postHead('/x/close-body', 300_000)),
      expect(text('closed', { extra: ['Connection: close'] })),
      lingers(),
    ],
  },
  {
    id: 'SRV-69',
    title:
      'MaxBytesReader: reading past the limit → Connection: close, lingering close, pipelined request dropped',
    priority: 'important',
    steps: [
      send(post('/x/max-bytes/5', 'abcdefghij') + get('/hello')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Connection: close', DATE, 'Content-Length: 18', TEXT],
        ordered: true,
        body: 'n=5 maxbytes=true\n',
      }),
      lingers(),
    ],
  },
  {
    id: 'SRV-69a',
    title: 'MaxBytesReader: a body within the limit reads to EOF, the connection stays open',
    priority: 'important',
    steps: [send(post('/x/max-bytes/5', 'abcde')), expect(text('n=5 maxbytes=false\n')), stays()],
  },
  {
    id: 'SRV-70',
    title: 'a body cut short by EOF: the handler sees what arrived, the connection closes',
    priority: 'core',
    note: 'Go 1.26 sends no Connection: close here (the handler consumed the body up to the error, so the pre-header drain has nothing to report); the connection closes because the next read sees EOF.',
    steps: [send(`${postHead('/expect', 10)}abc`), halfClose(), expect(text('3\n')), closes()],
  },
  {
    id: 'SRV-70a',
    title: 'an unread body cut short by EOF: the drain fails, Connection: close',
    priority: 'core',
    steps: [
      send(`${postHead('/ignore-body', 10)}abc`),
      halfClose(),
      expect(text('ok\n', { extra: ['Connection: close'] })),
      closes(),
    ],
  },
  {
    id: 'SRV-67',
    title:
      'once the response head is written the rest of the body is drained: /echo returns 512 bytes',
    priority: 'important',
    note: "The reference /echo uses io.Copy, so net/http's ReadFrom copies the first 512 bytes (sniffLen), flushes the head — which drains the unread request body — and then finds the body at EOF. Requests pipelined behind the body are still served.",
    steps: [
      send([postHead('/echo', 1000), repeat('e', 1000), get('/hello')]),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: [
          'Content-Type: application/octet-stream',
          'Date: <date>',
          'Transfer-Encoding: chunked',
        ],
        rawBody: ['200\r\n', repeat('e', 512), '\r\n0\r\n\r\n'],
      }),
      expect(HELLO),
      stays(),
    ],
  },
]);
