// SRV: Expect: 100-continue (SRV-71..74).

import {
  area,
  closes,
  DATE,
  expect,
  expectRaw,
  get,
  HELLO,
  postHead,
  send,
  silence,
  stays,
  text,
  wait,
} from './helpers.js';

const ec = 'Expect: 100-continue';

/** Expect: 100-continue handling (SRV-71..74). */
export const expectContinueCases = area('Expect: 100-continue', [
  {
    id: 'SRV-71',
    title: '100 Continue is sent when the handler first reads the body',
    priority: 'core',
    steps: [
      send(postHead('/expect', 5, ec)),
      expectRaw('HTTP/1.1 100 Continue\r\n\r\n'),
      wait(100),
      send(`hello${get('/hello')}`),
      expect(text('5\n')),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-71a',
    title: '100 Continue for a chunked expect-continue body',
    priority: 'core',
    steps: [
      send(`POST /expect HTTP/1.1\r\nHost: x\r\n${ec}\r\nTransfer-Encoding: chunked\r\n\r\n`),
      expectRaw('HTTP/1.1 100 Continue\r\n\r\n'),
      send('3\r\nabc\r\n0\r\n\r\n'),
      expect(text('3\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-72',
    title: 'handler answers without reading an expect-continue body: no 100, Connection: close',
    priority: 'core',
    note: 'Catalog says CLOSE right after the response. Go 1.26 sends the response with Connection: close, then finishing the request drains the small declared body, so the FIN only comes once the client sends those bytes (or closes).',
    steps: [
      send(postHead('/ignore-body', 5, ec)),
      expect(text('ok\n', { extra: ['Connection: close'] })),
      silence(300),
      send('hello'),
      closes(),
    ],
  },
  {
    id: 'SRV-73',
    title: 'HTTP/1.0 with Expect: 100-continue is served without a 100',
    priority: 'important',
    steps: [
      send(`POST /expect HTTP/1.0\r\n${ec}\r\nContent-Length: 5\r\n\r\nhello`),
      expect(text('5\n', { version: 'HTTP/1.0' })),
      closes(),
    ],
  },
  {
    id: 'SRV-73a',
    title: 'Expect: 100-continue with Content-Length: 0 gets no 100',
    priority: 'important',
    steps: [send(postHead('/expect', 0, ec)), expect(text('0\n')), stays()],
  },
  {
    id: 'SRV-74',
    title: 'an unknown expectation → 417 with Connection: close, handler not called',
    priority: 'important',
    note: 'Catalog says CLOSE right after the 417. Go 1.26 drains the small declared body before closing, so the FIN comes once the client sends it (or closes).',
    steps: [
      send(postHead('/expect', 5, 'Expect: foo')),
      expect({
        status: 'HTTP/1.1 417 Expectation Failed',
        headers: ['Connection: close', DATE, 'Content-Length: 0'],
        body: '',
      }),
      silence(300),
      send('hello'),
      closes(),
    ],
  },
]);
