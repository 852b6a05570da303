// SRV: connection loop and keep-alive (SRV-01..09).

import {
  area,
  closes,
  connStates,
  DATE,
  empty,
  expect,
  expectRaw,
  get,
  H,
  HELLO,
  halfClose,
  head,
  send,
  silence,
  stays,
  TEXT,
  text,
  wait,
} from './helpers.js';

/** The connection loop: persistence, one request at a time, idle waiting, EOF (SRV-01..09, SRV-97). */
export const connectionCases = area('Connection loop and keep-alive', [
  {
    id: 'SRV-01',
    title: 'HTTP/1.1 connections are persistent by default',
    priority: 'core',
    steps: [
      send(get('/hello')),
      expect(HELLO),
      wait(50),
      send(get('/hello')),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-01a',
    title:
      'Connection: keep-alive on HTTP/1.1 changes nothing: no Connection header in the response',
    priority: 'core',
    steps: [send(get('/hello', 'Connection: keep-alive')), expect(HELLO), stays()],
  },
  {
    id: 'SRV-01b',
    title: 'twenty requests in sequence on one connection',
    priority: 'core',
    steps: [
      ...Array.from({ length: 20 }, () => [send(get('/hello')), expect(HELLO)]).flat(),
      stays(),
    ],
  },
  {
    id: 'SRV-02',
    title: 'one request at a time: a pipelined request waits for the slow one before it',
    priority: 'core',
    steps: [
      send(get('/sleep/200') + get('/hello')),
      expect({ ...text('slept\n'), notBefore: 150 }),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-97',
    title: 'background read: a request arriving while the handler runs is kept and served next',
    priority: 'important',
    steps: [
      send(get('/sleep/200')),
      wait(50),
      send(get('/hello')),
      expect(text('slept\n')),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-03',
    title: 'a handler that writes nothing gets an implicit 200 with Content-Length: 0',
    priority: 'core',
    steps: [send(get('/status/200')), expect(empty()), stays()],
  },
  {
    id: 'SRV-05',
    title: 'a handler that declares Content-Length: 10 and writes 5 bytes: short body, then close',
    priority: 'core',
    steps: [
      send(get('/x/short-cl')),
      expectRaw(
        'HTTP/1.1 200 OK\r\nContent-Length: 10\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n12345',
      ),
      closes(),
    ],
  },
  {
    id: 'SRV-05a',
    title: 'the same handler answering HEAD: no body is sent, so the connection stays open',
    priority: 'core',
    steps: [
      send(head('/x/short-cl')),
      expect({
        status: 'HTTP/1.1 200 OK',
        headers: ['Content-Length: 10', DATE, TEXT],
        head: true,
      }),
      stays(),
    ],
  },
  {
    id: 'SRV-06',
    title: 'writing more than the declared Content-Length: the write is refused, then close',
    priority: 'important',
    steps: [
      send(get('/x/long-cl')),
      expectRaw('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nDate: <date>\r\n\r\n'),
      closes(),
    ],
  },
  {
    id: 'SRV-07',
    title: 'ReadHeaderTimeout does not run while the connection is idle between requests',
    priority: 'core',
    flags: ['--read-header-timeout', '300ms'],
    steps: [
      send(get('/hello')),
      expect(HELLO),
      silence(600),
      send(get('/hello')),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-07a',
    title: 'ReadHeaderTimeout counts from the first byte of the next request',
    priority: 'core',
    flags: ['--read-header-timeout', '300ms'],
    steps: [
      send(get('/hello')),
      expect(HELLO),
      silence(400),
      send(`GET /hello HTTP/1.1\r\n${H}`),
      closes({ notBefore: 200, within: 1500 }),
    ],
  },
  {
    id: 'SRV-08',
    title: 'client EOF between requests closes the connection without a byte',
    priority: 'core',
    steps: [send(get('/hello')), expect(HELLO), halfClose(), closes({ within: 500 })],
  },
  {
    id: 'SRV-09',
    title: 'a connection that sends nothing sees only new → closed and no bytes',
    priority: 'important',
    flags: ['--conn-state-log'],
    steps: [wait(50), halfClose(), closes({ within: 500 }), connStates(['new', 'closed'])],
  },
]);
