// SRV: request smuggling defenses and request framing (SRV-53..57).

import {
  area,
  BAD_REQUEST,
  closes,
  expect,
  expectRaw,
  get,
  H,
  HELLO,
  send,
  stays,
  text,
} from './helpers.js';

/** A POST to /expect (which answers the body length) with raw extra header lines and body. */
function postRaw(headers: string, body = ''): string {
  return `POST /expect HTTP/1.1\r\n${H}${headers}\r\n${body}`;
}

/** Request framing and smuggling defenses: Content-Length vs Transfer-Encoding (SRV-53..57). */
export const framingCases = area('Request smuggling defenses and framing', [
  {
    id: 'SRV-53',
    title: 'Transfer-Encoding: chunked wins over Content-Length; the connection stays usable',
    priority: 'core',
    steps: [
      send(
        postRaw('Content-Length: 100\r\nTransfer-Encoding: chunked\r\n', '3\r\nabc\r\n0\r\n\r\n') +
          get('/hello'),
      ),
      expect(text('3\n')),
      expect(HELLO),
      stays(),
    ],
  },
  {
    id: 'SRV-54',
    title: 'two different Content-Length values → plain 400',
    priority: 'core',
    steps: [
      send(postRaw('Content-Length: 3\r\nContent-Length: 4\r\n', 'abcd')),
      expectRaw(BAD_REQUEST),
      closes(),
    ],
  },
  {
    id: 'SRV-54a',
    title: 'identical duplicate Content-Length values collapse into one',
    priority: 'core',
    steps: [
      send(postRaw('Content-Length: 3\r\nContent-Length: 3\r\n', 'abc')),
      expect(text('3\n')),
      stays(),
    ],
  },
  {
    id: 'SRV-55',
    title: 'Content-Length with a sign → plain 400',
    priority: 'core',
    steps: [send(postRaw('Content-Length: +3\r\n', 'abc')), expectRaw(BAD_REQUEST), closes()],
  },
  {
    id: 'SRV-55a',
    title: 'empty Content-Length → plain 400',
    priority: 'core',
    steps: [send(postRaw('Content-Length: \r\n')), expectRaw(BAD_REQUEST), closes()],
  },
  {
    id: 'SRV-55b',
    title: 'Content-Length as a comma list → plain 400',
    priority: 'core',
    steps: [send(postRaw('Content-Length: 3, 3\r\n', 'abc')), expectRaw(BAD_REQUEST), closes()],
  },
  {
    id: 'SRV-55c',
    title: 'Content-Length that is not decimal → plain 400',
    priority: 'core',
    steps: [send(postRaw('Content-Length: 0x3\r\n', 'abc')), expectRaw(BAD_REQUEST), closes()],
  },
  {
    id: 'SRV-56',
    title: 'Transfer-Encoding is ignored on HTTP/1.0 requests',
    priority: 'important',
    steps: [
      send('POST /expect HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'),
      expect(text('0\n', { version: 'HTTP/1.0' })),
      closes(),
    ],
  },
  {
    id: 'SRV-57',
    title: 'a request without a length has no body; what follows is the next request',
    priority: 'important',
    steps: [
      send(`POST /expect HTTP/1.1\r\n${H}\r\n${get('/hello')}`),
      expect(text('0\n')),
      expect(HELLO),
      stays(),
    ],
  },
]);
