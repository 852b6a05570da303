// SRV: protocol version and the Connection header (SRV-10..19).

import {
  area,
  closes,
  DATE,
  expect,
  get,
  get10,
  H,
  hello,
  repeat,
  send,
  stays,
  TEXT,
  text,
} from './helpers.js';

const keepAlive10 = 'Connection: keep-alive';

/** Protocol versions and the Connection header (SRV-10..19). */
export const versionCases = area('Protocol version and Connection header', [
  {
    id: 'SRV-10',
    title:
      'HTTP/1.0 without keep-alive: HTTP/1.0 status line, Content-Length, no Connection header, close',
    priority: 'core',
    steps: [send(get10('/hello')), expect(text('hello\n', { version: 'HTTP/1.0' })), closes()],
  },
  {
    id: 'SRV-10a',
    title: 'HTTP/1.0 with Connection: close: still no Connection header in the response',
    priority: 'core',
    steps: [
      send(get10('/hello', 'Connection: close')),
      expect(text('hello\n', { version: 'HTTP/1.0' })),
      closes(),
    ],
  },
  {
    id: 'SRV-11',
    title: 'HTTP/1.0 with Connection: keep-alive and a known length stays open',
    priority: 'core',
    steps: [
      send(get10('/hello', keepAlive10)),
      expect(text('hello\n', { version: 'HTTP/1.0', extra: [keepAlive10] })),
      send(get10('/hello', keepAlive10)),
      expect(text('hello\n', { version: 'HTTP/1.0', extra: [keepAlive10] })),
      stays(),
    ],
  },
  {
    id: 'SRV-12',
    title: 'HTTP/1.0 keep-alive with a body over 2048 bytes: close-delimited, no Connection header',
    priority: 'core',
    steps: [
      send(get10('/bytes/3000', keepAlive10)),
      expect({ status: 'HTTP/1.0 200 OK', headers: [DATE, TEXT], body: repeat('a', 3000) }),
      closes(),
    ],
  },
  {
    id: 'SRV-12a',
    title: 'HTTP/1.0 keep-alive with a flushed body: close-delimited, no chunking',
    priority: 'core',
    steps: [
      send(get10('/stream/2', keepAlive10)),
      expect({ status: 'HTTP/1.0 200 OK', headers: [DATE, TEXT], body: 'chunk 0\nchunk 1\n' }),
      closes(),
    ],
  },
  {
    id: 'SRV-13',
    title: 'HTTP/1.0 keep-alive answered 204 gets Connection: keep-alive and stays open',
    priority: 'important',
    steps: [
      send(get10('/status/204', keepAlive10)),
      expect({ status: 'HTTP/1.0 204 No Content', headers: [DATE, keepAlive10], body: '' }),
      stays(),
    ],
  },
  {
    id: 'SRV-13a',
    title: 'HTTP/1.0 keep-alive answered 304 gets Connection: keep-alive and stays open',
    priority: 'important',
    steps: [
      send(get10('/status/304', keepAlive10)),
      expect({ status: 'HTTP/1.0 304 Not Modified', headers: [DATE, keepAlive10], body: '' }),
      stays(),
    ],
  },
  {
    id: 'SRV-14',
    title: 'client Connection: close on HTTP/1.1 is echoed and the connection closes',
    priority: 'core',
    steps: [send(get('/hello', 'Connection: close')), expect(hello('Connection: close')), closes()],
  },
  {
    id: 'SRV-14a',
    title: 'the close token is found case-insensitively in a comma list',
    priority: 'core',
    steps: [
      send(get('/hello', 'Connection: keep-alive, CLOSE')),
      expect(hello('Connection: close')),
      closes(),
    ],
  },
  {
    id: 'SRV-14b',
    title: 'pipelined requests after a client Connection: close are not answered',
    priority: 'core',
    steps: [
      send(get('/hello', 'Connection: close') + get('/hello')),
      expect(hello('Connection: close')),
      closes(),
    ],
  },
  {
    id: 'SRV-15',
    title: 'handler-set Connection: close is sent in the handler block and honored',
    priority: 'core',
    steps: [
      send(get('/close')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Connection: close', DATE, 'Content-Length: 4', TEXT],
        ordered: true,
        body: 'bye\n',
      }),
      closes(),
    ],
  },
  {
    id: 'SRV-15a',
    title: 'handler-set Connection: close on an HTTP/1.0 keep-alive request closes too',
    priority: 'core',
    steps: [
      send(get10('/close', keepAlive10)),
      expect({
        status: 'HTTP/1.0 200 OK',
        headers: ['Connection: close', DATE, 'Content-Length: 4', TEXT],
        body: 'bye\n',
      }),
      closes(),
    ],
  },
  {
    id: 'SRV-16',
    title: 'a handler-set Connection: keep-alive is sent as is and the connection stays open',
    priority: 'important',
    steps: [
      send(get('/x/conn-keep-alive')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Connection: keep-alive', DATE, 'Content-Length: 2', TEXT],
        ordered: true,
        body: 'ok',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-16a',
    title: "a handler-set Connection: keep-alive does not override the client's close",
    priority: 'important',
    steps: [
      send(get('/x/conn-keep-alive', 'Connection: close')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: [DATE, 'Content-Length: 2', TEXT, 'Connection: close'],
        ordered: true,
        body: 'ok',
      }),
      closes(),
    ],
  },
  {
    id: 'SRV-17',
    title: 'HTTP/1.2 is served as 1.x: HTTP/1.1 status line, Proto kept, keep-alive',
    priority: 'important',
    steps: [
      send(`GET /method HTTP/1.2\r\n${H}\r\n`),
      expect(text('GET /method HTTP/1.2\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-18',
    title: 'an unknown status code gets the reason "status code N"',
    priority: 'important',
    steps: [
      send(get('/status/599')),
      expect({
        status: 'HTTP/1.1 599 status code 599',
        headers: [DATE, 'Content-Length: 0'],
        body: '',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-18a',
    title: 'standard reason phrases for known codes',
    priority: 'important',
    steps: [
      send(get('/status/418') + get('/status/503')),
      expect({
        status: "HTTP/1.1 418 I'm a teapot",
        headers: [DATE, 'Content-Length: 0'],
        body: '',
      }),
      expect({
        status: 'HTTP/1.1 503 Service Unavailable',
        headers: [DATE, 'Content-Length: 0'],
        body: '',
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-19',
    title: 'a second WriteHeader is ignored: the first status goes out',
    priority: 'important',
    steps: [
      send(get('/x/write-header-twice')),
      expect(text('first\n', { status: '202 Accepted' })),
      stays(),
    ],
  },
  {
    id: 'SRV-19a',
    title: 'WriteHeader with a code outside 100..999 aborts the handler: EOF with zero bytes',
    priority: 'important',
    steps: [send(get('/x/write-header-invalid') + get('/hello')), closes()],
  },
]);
