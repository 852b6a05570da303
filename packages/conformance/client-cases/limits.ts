// CLI-09 … CLI-16: pool limits, idle timeout, keep-alives off, Request.Close,
// CloseIdleConnections.

import type { ClientScenario } from '../src/client-scenario.js';
import {
  area,
  checkpoint,
  closeIdle,
  delayed,
  get,
  ok,
  parallel,
  req,
  resp,
  scripted,
  server,
  wait,
} from './helpers.js';

const slow = { '/s': delayed(ok('slow'), 100), '*': ok('hello') };
const four = (prefix: string) => [1, 2, 3, 4].map((i) => req(`${prefix}${i}`, '/s'));

export const limitScenarios: ClientScenario[] = area('Pool limits', [
  {
    id: 'CLI-09',
    title: 'MaxIdleConnsPerHost defaults to 2: extra connections are closed, not pooled',
    priority: 'core',
    peers: [server(slow)],
    compare: { conns: 'count' },
    plan: [
      parallel(...four('first')),
      wait(50),
      checkpoint('after-first-batch'),
      parallel(...four('second')),
    ],
    expect: { connections: 6 },
  },
  {
    id: 'CLI-09a',
    title: 'MaxIdleConnsPerHost 1: one of two finished connections is kept',
    priority: 'core',
    peers: [server(slow)],
    transport: { maxIdleConnsPerHost: 1 },
    compare: { conns: 'count' },
    plan: [
      parallel(req('p1', '/s'), req('p2', '/s')),
      wait(50),
      checkpoint('after'),
      get('next', '/a'),
    ],
    expect: { connections: 2, requests: { next: { conns: '*:idle' } } },
  },
  {
    id: 'CLI-09b',
    title: 'negative MaxIdleConnsPerHost: no pooling at all',
    priority: 'core',
    peers: [server({ '*': ok('hello') })],
    transport: { maxIdleConnsPerHost: -1 },
    plan: [get('r1', '/a'), wait(80), checkpoint('after-r1'), get('r2', '/b')],
    expect: {
      connections: 2,
      requests: { r2: { conns: 'B:new' } },
      checkpoints: { 'after-r1': { A: 'closed-by-client' } },
    },
  },
  {
    id: 'CLI-10',
    title: 'MaxIdleConns 1: pooling host B evicts host A’s idle connection',
    priority: 'core',
    peers: [server({ '*': ok('from a') }, 'a'), server({ '*': ok('from b') }, 'b')],
    transport: { maxIdleConns: 1 },
    plan: [
      get('a1', '{{a}}/x'),
      get('b1', '{{b}}/x'),
      wait(80),
      checkpoint('after-b'),
      get('a2', '{{a}}/x'),
    ],
    expect: {
      connections: 3,
      requests: { a2: { conns: 'C:new' } },
      checkpoints: { 'after-b': { A: 'closed-by-client', B: 'open' } },
    },
  },
  {
    id: 'CLI-11',
    title: 'MaxConnsPerHost 1: three concurrent requests share one connection, in turn',
    priority: 'core',
    peers: [server({ '/s': delayed(ok('slow'), 50) })],
    transport: { maxConnsPerHost: 1 },
    compare: { conns: 'count' },
    plan: [parallel(req('p1', '/s'), req('p2', '/s'), req('p3', '/s'))],
    expect: { connections: 1 },
  },
  {
    id: 'CLI-11a',
    title: 'MaxConnsPerHost 2: four concurrent requests on two connections',
    priority: 'core',
    peers: [server({ '/s': delayed(ok('slow'), 50) })],
    transport: { maxConnsPerHost: 2 },
    compare: { conns: 'count' },
    plan: [parallel(...four('p'))],
    expect: { connections: 2 },
  },
  {
    id: 'CLI-12',
    title:
      'a request waiting for a slow dial takes a connection freed meanwhile; the dial is pooled',
    priority: 'core',
    note: 'The late dial goes to the idle pool and is taken next (LIFO). Go marks a connection reused when it enters the pool, so GotConn says reused=true, wasIdle=true although it never carried a request. The second dial is delayed by the drivers (harness `dialDelays`).',
    peers: [server({ '/slow': delayed(ok('slow'), 100), '*': ok('hello') })],
    transport: { dialDelays: [0, 300] },
    plan: [
      parallel(req('first', '/slow'), req('second', '/b', { startAfter: 20 })),
      wait(400),
      checkpoint('dial-done'),
      get('third', '/c'),
    ],
    expect: {
      connections: 2,
      requests: {
        first: { conns: 'A:new' },
        second: { conns: 'A:handoff' },
        third: { conns: 'B:idle' },
      },
      checkpoints: { 'dial-done': { A: 'open', B: 'open' } },
    },
  },
  {
    id: 'CLI-13',
    title: 'IdleConnTimeout closes an idle connection; the next request dials',
    priority: 'core',
    peers: [server({ '*': ok('hello') })],
    transport: { idleConnTimeout: 100 },
    plan: [get('r1', '/a'), wait(250), checkpoint('after-timeout'), get('r2', '/b')],
    expect: {
      connections: 2,
      requests: { r2: { conns: 'B:new' } },
      checkpoints: { 'after-timeout': { A: 'closed-by-client' } },
    },
  },
  {
    id: 'CLI-13a',
    title: 'IdleConnTimeout does not close a connection reused in time',
    priority: 'core',
    peers: [server({ '*': ok('hello') })],
    transport: { idleConnTimeout: 300 },
    plan: [get('r1', '/a'), wait(50), get('r2', '/b'), wait(50), get('r3', '/c')],
    expect: { connections: 1, requests: { r3: { conns: 'A:idle' } } },
  },
  {
    id: 'CLI-14',
    title: 'DisableKeepAlives: every request says Connection: close and gets its own connection',
    priority: 'core',
    peers: [server({ '*': ok('hello') })],
    transport: { disableKeepAlives: true },
    compare: { heads: true },
    plan: [get('r1', '/p'), wait(80), checkpoint('after-r1'), get('r2', '/p')],
    expect: {
      connections: 2,
      requests: { r2: { conns: 'B:new' } },
      checkpoints: { 'after-r1': { A: 'closed-by-client' } },
    },
  },
  {
    id: 'CLI-14a',
    title: 'DisableKeepAlives does not add Connection: close to a protocol upgrade',
    priority: 'core',
    peers: [
      scripted([
        [
          { read: 'request' },
          {
            reply: [
              resp('101 Switching Protocols', ['Connection: Upgrade', 'Upgrade: demo']),
              'raw',
            ],
          },
          { close: 'fin' },
        ],
      ]),
    ],
    transport: { disableKeepAlives: true },
    compare: { heads: true },
    plan: [
      get('upgrade', '/up', {
        headers: [
          ['Connection', 'Upgrade'],
          ['Upgrade', 'demo'],
        ],
      }),
    ],
    expect: { requests: { upgrade: { status: 101, body: 'raw' } } },
  },
  {
    id: 'CLI-15',
    title: 'Request.Close sends Connection: close; the connection is not pooled',
    priority: 'core',
    peers: [server({ '*': ok('hello') })],
    compare: { heads: true },
    plan: [get('r1', '/a', { close: true }), wait(80), checkpoint('after-r1'), get('r2', '/b')],
    expect: {
      connections: 2,
      requests: { r2: { conns: 'B:new' } },
      checkpoints: { 'after-r1': { A: 'closed-by-client' } },
    },
  },
  {
    id: 'CLI-15a',
    title: 'a caller-set Connection: close header is sent, but only Request.Close stops pooling',
    priority: 'core',
    note: 'Not in the catalog, found with Go 1.26: the transport looks at Request.Close and at the response, not at the request header; a server that keeps the connection open gets it reused.',
    peers: [server({ '*': ok('hello') })],
    compare: { heads: true },
    plan: [get('r1', '/a', { headers: [['Connection', 'close']] }), get('r2', '/b')],
    expect: { connections: 1, requests: { r2: { conns: 'A:idle' } } },
  },
  {
    id: 'CLI-16',
    title: 'CloseIdleConnections closes idle connections; the next request dials',
    priority: 'core',
    peers: [server({ '*': ok('hello') })],
    plan: [get('r1', '/a'), closeIdle, wait(80), checkpoint('after-close'), get('r2', '/b')],
    expect: {
      connections: 2,
      requests: { r2: { conns: 'B:new' } },
      checkpoints: { 'after-close': { A: 'closed-by-client' } },
    },
  },
  {
    id: 'CLI-16a',
    title: 'CloseIdleConnections during a request: that connection is closed when it turns idle',
    priority: 'core',
    peers: [server({ '/slow': delayed(ok('slow'), 150), '*': ok('hello') })],
    plan: [
      get('r1', '/slow', { closeIdleAfter: 50 }),
      wait(80),
      checkpoint('after-r1'),
      get('r2', '/b'),
      get('r3', '/c'),
    ],
    expect: {
      connections: 2,
      requests: { r1: { status: 200 }, r2: { conns: 'B:new' }, r3: { conns: 'B:idle' } },
      checkpoints: { 'after-r1': { A: 'closed-by-client' } },
    },
  },
]);
