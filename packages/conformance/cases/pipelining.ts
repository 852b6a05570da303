// SRV: pipelining (SRV-98..99).

import {
  area,
  closes,
  DATE,
  expect,
  get,
  HELLO,
  head,
  send,
  stays,
  TEXT,
  text,
} from './helpers.js';

/** Pipelined requests (SRV-98..99). */
export const pipeliningCases = area('Pipelining', [
  {
    id: 'SRV-98',
    title: 'three requests in one write are answered in order',
    priority: 'core',
    steps: [
      send(get('/hello') + get('/hello') + get('/hello')),
      expect(HELLO),
      expect(HELLO),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-98a',
    title: 'mixed pipelined requests: HEAD, chunked, body, no-body status',
    priority: 'core',
    steps: [
      send(
        head('/hello') +
          get('/stream/1') +
          `POST /expect HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc` +
          get('/status/204') +
          get('/hello'),
      ),
      expect({ status: 'HTTP/1.1 200 OK', headers: [DATE, 'Content-Length: 6', TEXT], head: true }),
      expect({ status: 'HTTP/1.1 200 OK', body: 'chunk 0\n' }),
      expect(text('3\n')),
      expect({ status: 'HTTP/1.1 204 No Content', headers: [DATE] }),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-98c',
    title: 'twenty requests in one write are answered in order',
    priority: 'core',
    steps: [
      send(get('/hello').repeat(20)),
      ...Array.from({ length: 20 }, () => expect(HELLO)),
      stays(),
    ],
  },
  {
    id: 'SRV-98b',
    title: 'a request split across many small writes is served',
    priority: 'core',
    steps: [
      send('GE'),
      { wait: 20 },
      send('T /hel'),
      { wait: 20 },
      send('lo HTTP/1.1\r\nHo'),
      { wait: 20 },
      send('st: x\r\n\r'),
      { wait: 20 },
      send('\n'),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-99',
    title: 'requests pipelined after a handler-set Connection: close are dropped',
    priority: 'important',
    steps: [
      send(get('/close') + get('/hello')),
      expect({ status: 'HTTP/1.1 200 OK', body: 'bye\n' }),
      closes(),
    ],
  },
]);
