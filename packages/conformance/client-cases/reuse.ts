// CLI-01 … CLI-08: pool keys and connection reuse.

import type { ClientScenario } from '../src/client-scenario.js';
import {
  area,
  checkpoint,
  delayed,
  get,
  ok,
  parallel,
  req,
  resp,
  server,
  thenClose,
  wait,
} from './helpers.js';

export const reuseScenarios: ClientScenario[] = area('Pool keys and reuse', [
  {
    id: 'CLI-01',
    title: 'same host:port reuses one connection; 127.0.0.1 and localhost are different keys',
    priority: 'core',
    peers: [server({ '*': ok('hello') })],
    plan: [
      get('ip1', '/k'),
      get('ip2', '/k'),
      get('name1', '{{a:localhost}}/k'),
      get('name2', '{{a:localhost}}/k'),
    ],
    expect: {
      connections: 2,
      requests: {
        ip1: { conns: 'A:new' },
        ip2: { conns: 'A:idle' },
        name1: { conns: 'B:new' },
        name2: { conns: 'B:idle' },
      },
    },
  },
  {
    id: 'CLI-02',
    title:
      'sequential requests reuse one connection once the body is read (GotConn reused, wasIdle)',
    priority: 'core',
    peers: [server({ '*': ok('hello') })],
    plan: [get('r1', '/a'), get('r2', '/b'), get('r3', '/c')],
    expect: {
      connections: 1,
      requests: {
        r1: { conns: 'A:new', body: 'hello' },
        r2: { conns: 'A:idle' },
        r3: { conns: 'A:idle' },
      },
    },
  },
  {
    id: 'CLI-03',
    title: 'closing an unread body closes the connection; the next request dials',
    priority: 'core',
    peers: [server({ '/big': ok('x'.repeat(3000)), '*': ok('hello') })],
    plan: [
      get('r1', '/big', { read: 'close' }),
      wait(80),
      checkpoint('after-close'),
      get('r2', '/a'),
    ],
    expect: {
      connections: 2,
      requests: { r1: { conns: 'A:new' }, r2: { conns: 'B:new' } },
      checkpoints: { 'after-close': { A: 'closed-by-client' } },
    },
  },
  {
    id: 'CLI-03a',
    title: 'closing a fully buffered but unread body still closes the connection',
    priority: 'core',
    peers: [server({ '*': ok('hello') })],
    plan: [get('r1', '/a', { read: 'close' }), get('r2', '/b')],
    expect: { connections: 2, requests: { r2: { conns: 'B:new' } } },
  },
  {
    id: 'CLI-03b',
    title: 'reading to EOF without Close returns the connection',
    priority: 'core',
    peers: [server({ '*': ok('hello') })],
    plan: [get('r1', '/a', { read: 'eof-no-close' }), get('r2', '/b')],
    expect: { connections: 1, requests: { r2: { conns: 'A:idle' } } },
  },
  {
    id: 'CLI-03c',
    title: 'reading part of the body then closing closes the connection',
    priority: 'core',
    peers: [server({ '*': ok('0123456789') })],
    plan: [get('r1', '/a', { read: 'partial', readBytes: 4 }), get('r2', '/b')],
    expect: { connections: 2, requests: { r1: { body: '0123' }, r2: { conns: 'B:new' } } },
  },
  {
    id: 'CLI-03d',
    title: 'reading exactly Content-Length bytes (no extra read for EOF) returns the connection',
    priority: 'core',
    peers: [server({ '*': ok('0123456789') })],
    plan: [get('r1', '/a', { read: 'partial', readBytes: 10 }), get('r2', '/b')],
    expect: { connections: 1, requests: { r2: { conns: 'A:idle' } } },
  },
  {
    id: 'CLI-04',
    title: 'a body neither read nor closed keeps its connection busy',
    priority: 'core',
    peers: [server({ '*': ok('hello') })],
    plan: [get('r1', '/a', { read: 'none' }), get('r2', '/b'), get('r3', '/c')],
    expect: {
      connections: 2,
      requests: { r1: { conns: 'A:new' }, r2: { conns: 'B:new' }, r3: { conns: 'B:idle' } },
    },
  },
  {
    id: 'CLI-05',
    title: '204 responses return the connection before the caller touches the body',
    priority: 'core',
    peers: [server({ '*': resp('204 No Content') })],
    plan: [get('r1', '/a', { read: 'none' }), get('r2', '/b', { read: 'none' })],
    expect: { connections: 1, requests: { r2: { conns: 'A:idle', status: 204 } } },
  },
  {
    id: 'CLI-05a',
    title: 'HEAD responses (Content-Length kept, no body) and Content-Length: 0 reuse at once',
    priority: 'core',
    peers: [
      server({
        'HEAD /h': resp('200 OK', ['Content-Length: 1234']),
        '/zero': resp('200 OK', ['Content-Length: 0']),
        '/nm': resp('304 Not Modified', ['Content-Length: 99']),
      }),
    ],
    plan: [
      get('head', '/h', { method: 'HEAD', read: 'none' }),
      get('zero', '/zero', { read: 'none' }),
      get('notmod', '/nm', { read: 'none' }),
      get('after', '/zero'),
    ],
    expect: {
      connections: 1,
      requests: { head: { status: 200 }, after: { conns: 'A:idle' } },
    },
  },
  {
    id: 'CLI-06',
    title: 'a close-delimited body ends at EOF; the connection is not reused',
    priority: 'core',
    peers: [
      server({
        '/until-close': thenClose(resp('200 OK', [], 'until-close')),
        '*': ok('hello'),
      }),
    ],
    plan: [get('r1', '/until-close'), get('r2', '/b')],
    expect: {
      connections: 2,
      requests: { r1: { body: 'until-close' }, r2: { conns: 'B:new' } },
    },
  },
  {
    id: 'CLI-06a',
    title: 'peer closing right after a Content-Length response: the connection is dropped',
    priority: 'core',
    note: 'The FIN arrives with the response; reading to EOF does not put a connection that saw EOF back into the pool.',
    peers: [server({ '/a': thenClose(ok('hello')), '*': ok('again') })],
    plan: [get('r1', '/a'), wait(50), get('r2', '/b')],
    expect: { connections: 2, requests: { r2: { conns: 'B:new', body: 'again' } } },
  },
  {
    id: 'CLI-07',
    title: 'a response that arrives while the body is still being written: no reuse',
    priority: 'core',
    peers: [
      {
        name: 'a',
        conns: [[{ read: 'head' }, { reply: ok('early') }, { read: 'body' }, { serve: true }]],
        routes: { '*': ok('hello') },
      },
    ],
    plan: [
      get('upload', '/up', {
        method: 'POST',
        body: { kind: 'stream', chunks: ['part1', 'part2'], firstDelay: 0, delay: 300 },
      }),
      wait(400),
      get('next', '/b'),
    ],
    expect: {
      connections: 2,
      requests: { upload: { body: 'early', conns: 'A:new' }, next: { conns: 'B:new' } },
    },
  },
  {
    id: 'CLI-08',
    title: 'idle connections are reused most recently used first (LIFO)',
    priority: 'core',
    peers: [
      server({
        '/fast': delayed(ok('fast'), 20),
        '/slow': delayed(ok('slow'), 200),
        '*': ok('hello'),
      }),
    ],
    plan: [
      parallel(req('fast', '/fast'), req('slow', '/slow')),
      get('next', '/n'),
      get('next2', '/n'),
    ],
    expect: {
      connections: 2,
      requests: {
        fast: { conns: 'A:new' },
        slow: { conns: 'B:new' },
        next: { conns: 'B:idle' },
        next2: { conns: 'B:idle' },
      },
    },
  },
]);
