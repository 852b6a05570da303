// SRV: the Host header (SRV-49..52).

import {
  area,
  BAD_REQUEST,
  badRequest,
  closes,
  expect,
  expectRaw,
  get10,
  HELLO,
  send,
  stays,
  text,
} from './helpers.js';

/** Host header rules and header validation (SRV-49..52). */
export const hostCases = area('Host header', [
  {
    id: 'SRV-49',
    title: 'two Host lines → plain 400',
    priority: 'core',
    steps: [
      send('GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'),
      expectRaw(BAD_REQUEST),
      closes(),
    ],
  },
  {
    id: 'SRV-49a',
    title: 'HTTP/1.0 may omit Host',
    priority: 'core',
    steps: [
      send(get10('/method')),
      expect(text('GET /method HTTP/1.0\n', { version: 'HTTP/1.0' })),
      closes(),
    ],
  },
  {
    id: 'SRV-50',
    title: 'a Host value with a space → 400 "malformed Host header"',
    priority: 'important',
    steps: [
      send('GET /hello HTTP/1.1\r\nHost: a b\r\n\r\n'),
      expectRaw(badRequest('malformed Host header')),
      closes(),
    ],
  },
  {
    id: 'SRV-50a',
    title: 'an empty Host value is allowed on HTTP/1.1',
    priority: 'important',
    steps: [send('GET /hello HTTP/1.1\r\nHost:\r\n\r\n'), expect(HELLO), stays()],
  },
  {
    id: 'SRV-51',
    title: 'the Host header is removed from the header map handlers see',
    priority: 'important',
    steps: [
      send('GET /headers HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\n'),
      expect(text('X-A: 1\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-51a',
    title: 'absolute-form request target reaches the handler as sent',
    priority: 'important',
    steps: [
      send('GET http://abs.example/method HTTP/1.1\r\nHost: other\r\n\r\n'),
      expect(text('GET http://abs.example/method HTTP/1.1\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-52',
    title: 'a header name that is not a token → 400 "invalid header name"',
    priority: 'important',
    note: 'A name with a space gets past the MIME reader (which tolerates "Name : v") and is rejected by the server with the detailed 400.',
    steps: [
      send('GET /hello HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n'),
      expectRaw(badRequest('invalid header name')),
      closes(),
    ],
  },
  {
    id: 'SRV-52b',
    title: 'a header name with a separator byte → plain 400 (rejected by the MIME reader)',
    priority: 'important',
    steps: [
      send('GET /hello HTTP/1.1\r\nHost: x\r\nBad{Name: v\r\n\r\n'),
      expectRaw(BAD_REQUEST),
      closes(),
    ],
  },
  {
    id: 'SRV-52a',
    title: 'a control byte in a header value → plain 400',
    priority: 'important',
    steps: [
      send('GET /hello HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n'),
      expectRaw(BAD_REQUEST),
      closes(),
    ],
  },
]);
