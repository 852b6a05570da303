// SRV: ConnState transitions, observed through the `--conn-state-log` addition (SRV-29..31).

import {
  area,
  BAD_REQUEST,
  clientClose,
  closes,
  connStates,
  expect,
  expectRaw,
  get,
  HELLO,
  halfClose,
  send,
  silence,
  UPGRADED,
  wait,
} from './helpers.js';

const flags = ['--conn-state-log'];

/** ConnState transitions read from the `--conn-state-log` output (SRV-09, SRV-29..31). */
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
  {
    id: 'SRV-31',
    title: 'a hijacked connection is no longer tracked: Close leaves it alone and runs no hooks',
    priority: 'important',
    note: 'SIGUSR2 makes the reference app call Close; its RegisterOnShutdown hook (see SRV-26) would write `shutdown\\n`, and Close must not run it. The app exits once the upgraded connection is closed.',
    steps: [
      send(get('/x/upgrade')),
      expect(UPGRADED),
      // The 101 reaches us when Hijack flushes it, just before the app records the conn as
      // upgraded; give it that moment so Close does not find nothing to wait for.
      wait(50),
      { signal: 'SIGUSR2' },
      silence(300),
      send('still\n'),
      expectRaw('still\n'),
      clientClose(),
      { exit: 0, within: 1000 },
    ],
  },
]);
