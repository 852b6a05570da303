// SRV: hijack, panics and request-context cancellation (SRV-91..97).

import { area, closes, expect, expectRaw, get, halfClose, send, stays, text } from './helpers.js';

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
    id: 'SRV-93',
    title:
      'ResponseController finds Flush through an Unwrap chain; a bare writer gives ErrNotSupported',
    priority: 'important',
    note: "The handler wraps its writer in one that only unwraps, flushes through the controller (so the body is chunked), and reports a bare writer's error.",
    steps: [
      send(get('/x/rc-unwrap')),
      expectRaw(
        'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n6\r\npart1\n\r\n27\r\nflush err=<nil>\nbare notsupported=true\n\r\n0\r\n\r\n',
      ),
      stays(),
    ],
  },
  {
    id: 'SRV-38',
    title: 'TimeoutHandler: a handler past the limit gets 503 with the default page; conn stays',
    priority: 'extended',
    steps: [
      send(get('/x/timeout-handler/300')),
      expectRaw(
        'HTTP/1.1 503 Service Unavailable\r\nDate: <date>\r\nContent-Length: 77\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>',
      ),
      stays(),
    ],
  },
  {
    id: 'SRV-38a',
    title: 'TimeoutHandler: a handler within the limit answers normally',
    priority: 'extended',
    steps: [
      send(get('/x/timeout-handler/10')),
      expectRaw(
        'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 6\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nslept\n',
      ),
      stays(),
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
