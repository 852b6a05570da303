// SRV: ConnState transitions, observed through the `--conn-state-log` addition (SRV-29..30).

import {
  area,
  BAD_REQUEST,
  closes,
  connStates,
  expect,
  expectRaw,
  get,
  HELLO,
  halfClose,
  send,
} from './helpers.js';

const flags = ['--conn-state-log'];

/** ConnState transitions read from the `--conn-state-log` output (SRV-09, SRV-29..30). */
export const connStateCases = area('ConnState', [
  {
    id: 'SRV-29',
    title: 'keep-alive connection: new, active, idle, active, idle, closed',
    priority: 'core',
    flags,
    steps: [
      send(get('/hello')),
      expect(HELLO),
      send(get('/hello')),
      expect(HELLO),
      halfClose(),
      closes(),
      connStates(['new', 'active', 'idle', 'active', 'idle', 'closed']),
    ],
  },
  {
    id: 'SRV-30',
    title: 'hijacked connection: new, active, hijacked (never closed)',
    priority: 'core',
    flags,
    steps: [
      send(get('/hijack')),
      expectRaw('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhijacked\n'),
      closes(),
      connStates(['new', 'active', 'hijacked']),
    ],
  },
  {
    id: 'SRV-30a',
    title: 'malformed request: new, active, closed',
    priority: 'core',
    flags,
    steps: [
      send('GARBAGE\r\n\r\n'),
      expectRaw(BAD_REQUEST),
      closes(),
      connStates(['new', 'active', 'closed']),
    ],
  },
  {
    id: 'SRV-30b',
    title: 'response that closes the connection: active → closed without idle',
    priority: 'core',
    flags,
    steps: [
      send(get('/hello', 'Connection: close')),
      expect({ status: 'HTTP/1.1 200 OK', has: ['Connection: close'], body: 'hello\n' }),
      closes(),
      connStates(['new', 'active', 'closed']),
    ],
  },
]);
