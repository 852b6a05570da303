// SRV: the keep-alives switch and Shutdown (SRV-20..25). Shutdown cases signal the server,
// so each gets a process of its own.

import {
  area,
  closes,
  expect,
  get,
  get10,
  hello,
  lingers,
  postHead,
  send,
  silence,
  text,
  wait,
} from './helpers.js';

/** Keep-alives switch and SIGTERM → Shutdown (SRV-20..25). */
export const shutdownCases = area('Keep-alives switch, shutdown and close', [
  {
    id: 'SRV-20',
    title: 'keep-alives disabled: every HTTP/1.1 response says Connection: close and closes',
    priority: 'core',
    flags: ['--disable-keep-alives'],
    steps: [send(get('/hello')), expect(hello('Connection: close')), closes()],
  },
  {
    id: 'SRV-21',
    title: 'keep-alives disabled + HTTP/1.0 keep-alive request: says keep-alive, then closes',
    priority: 'extended',
    flags: ['--disable-keep-alives'],
    steps: [
      send(get10('/hello', 'Connection: keep-alive')),
      expect(text('hello\n', { version: 'HTTP/1.0', extra: ['Connection: keep-alive'] })),
      closes(),
    ],
  },
  {
    id: 'SRV-22',
    title: 'lingering close: FIN right after the response, socket kept readable for a while',
    priority: 'core',
    steps: [
      send(postHead('/ignore-body', 300_000)),
      expect(text('ok\n', { extra: ['Connection: close'] })),
      lingers({ within: 300, hold: 250 }),
    ],
  },
  {
    id: 'SRV-23',
    title: 'SIGTERM → Shutdown: the idle connection is closed at once, the active one finishes',
    priority: 'core',
    steps: [
      send(get('/hello')),
      expect(hello()),
      { connect: 'b' },
      send(get('/sleep/400'), 'b'),
      wait(100),
      { signal: 'SIGTERM' },
      closes({ within: 250 }),
      expect({ ...text('slept\n', { extra: ['Connection: close'] }), within: 2000 }, 'b'),
      { fate: 'close', conn: 'b' },
      { exit: 0, within: 3000 },
    ],
  },
  {
    id: 'SRV-24',
    title: 'a response whose head is written during shutdown carries Connection: close',
    priority: 'core',
    steps: [
      send(get('/sleep/300')),
      wait(50),
      { signal: 'SIGTERM' },
      expect(text('slept\n', { extra: ['Connection: close'] })),
      closes(),
      { exit: 0, within: 3000 },
    ],
  },
  {
    id: 'SRV-25',
    title: 'Shutdown treats a silent new connection as busy: it is not closed right away',
    priority: 'important',
    note: 'Shutdown waits for the silent StateNew connection until the 5 s deadline of the reference app, so this case takes ~5 s.',
    timeout: 12_000,
    steps: [
      wait(100),
      { signal: 'SIGTERM' },
      silence(1000),
      closes({ within: 6000 }),
      { exit: 0, within: 2000 },
    ],
  },
]);
