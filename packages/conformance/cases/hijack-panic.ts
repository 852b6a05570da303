// SRV: hijack, panics and request-context cancellation (SRV-91..97).

import { area, closes, expect, expectRaw, get, halfClose, send, text } from './helpers.js';

const HIJACKED = 'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhijacked\n';

/** Hijack, handler panics and request-context cancellation (SRV-91..96). */
export const hijackPanicCases = area('Hijack, ResponseController, panics', [
  {
    id: 'SRV-91',
    title: 'hijack hands over the raw connection: only the handler bytes, then its close',
    priority: 'core',
    steps: [send(get('/hijack')), expectRaw(HIJACKED), closes()],
  },
  {
    id: 'SRV-91a',
    title: 'hijack with pipelined bytes behind the request: the server answers nothing else',
    priority: 'core',
    steps: [send(`${get('/hijack')}EXTRA`), expectRaw(HIJACKED), closes()],
  },
  {
    id: 'SRV-92',
    title:
      'after Hijack, Write and a second Hijack fail with ErrHijacked; WriteHeader sends nothing',
    priority: 'important',
    note: 'The handler reports the two errors on the hijacked connection itself.',
    steps: [
      send(get('/x/hijack-misuse')),
      expectRaw(
        'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nwrite: http: connection has been hijacked\nhijack: http: connection has been hijacked\n',
      ),
      closes(),
    ],
  },
  {
    id: 'SRV-94',
    title: 'a handler panic before any write: EOF with zero bytes',
    priority: 'core',
    steps: [send(get('/panic')), closes()],
  },
  {
    id: 'SRV-94a',
    title: 'after a panic, pipelined requests are not answered',
    priority: 'core',
    steps: [send(get('/panic') + get('/hello')), closes()],
  },
  {
    id: 'SRV-95',
    title: 'ErrAbortHandler: EOF with zero bytes',
    priority: 'important',
    steps: [send(get('/abort')), closes()],
  },
  {
    id: 'SRV-96',
    title: 'client EOF cancels the request context: a 5 s sleep ends at once',
    priority: 'important',
    steps: [
      send(get('/sleep/5000')),
      { wait: 100 },
      halfClose(),
      expect({ ...text('slept\n'), within: 1500 }),
      closes(),
    ],
  },
]);
