// CLI-40 … CLI-45: timeouts, cancellation, dial errors, httptrace.

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
  scripted,
  server,
  wait,
} from './helpers.js';

/** A head and the first part of a body, then nothing (the connection stays open). */
const stallMidBody = scripted(
  [
    [
      { read: 'request' },
      { reply: resp('200 OK', ['Content-Length: 10'], 'part') },
      { wait: 2000 },
    ],
  ],
  { '*': ok('next') },
);

export const timeoutScenarios: ClientScenario[] = [
  ...area('Timeouts and cancellation', [
    {
      id: 'CLI-40',
      title: 'ResponseHeaderTimeout: no head in time fails the request and closes the connection',
      priority: 'core',
      peers: [server({ '/slow': delayed(ok('late'), 400), '*': ok('next') })],
      transport: { responseHeaderTimeout: 100 },
      plan: [get('r1', '/slow'), wait(80), checkpoint('after-timeout'), get('r2', '/b')],
      expect: {
        connections: 2,
        requests: {
          r1: { err: 'net/http: timeout awaiting response headers' },
          r2: { conns: 'B:new' },
        },
        checkpoints: { 'after-timeout': { A: 'closed-by-client' } },
      },
    },
    {
      id: 'CLI-41',
      title: 'Client.Timeout before the head: "Client.Timeout exceeded while awaiting headers"',
      priority: 'core',
      peers: [server({ '/slow': delayed(ok('late'), 500), '*': ok('next') })],
      client: { timeout: 150 },
      plan: [get('r1', '/slow'), wait(80), checkpoint('after-timeout'), get('r2', '/b')],
      expect: {
        connections: 2,
        requests: { r1: { err: 'Client.Timeout exceeded while awaiting headers' } },
        checkpoints: { 'after-timeout': { A: 'closed-by-client' } },
      },
    },
    {
      id: 'CLI-41a',
      title: 'Client.Timeout while reading the body fails the read and closes the connection',
      priority: 'core',
      peers: [stallMidBody],
      client: { timeout: 200 },
      plan: [get('r1', '/a'), wait(80), checkpoint('after-timeout')],
      expect: {
        requests: {
          r1: { status: 200, bodyErr: 'Client.Timeout or context cancellation while reading body' },
        },
        checkpoints: { 'after-timeout': { A: 'closed-by-client' } },
      },
    },
    {
      id: 'CLI-42',
      title: 'canceling the context while waiting for the head: "context canceled"',
      priority: 'core',
      peers: [server({ '/slow': delayed(ok('late'), 400), '*': ok('next') })],
      plan: [
        get('r1', '/slow', { cancelAfter: 50 }),
        wait(80),
        checkpoint('after-cancel'),
        get('r2', '/b'),
      ],
      expect: {
        connections: 2,
        requests: { r1: { err: 'canceled' }, r2: { conns: 'B:new' } },
        checkpoints: { 'after-cancel': { A: 'closed-by-client' } },
      },
    },
    {
      id: 'CLI-42a',
      title: 'canceling the context mid-body fails the read; the connection is not pooled',
      priority: 'core',
      peers: [stallMidBody],
      plan: [
        get('r1', '/a', { cancelAfter: 100 }),
        wait(80),
        checkpoint('after-cancel'),
        get('r2', '/b'),
      ],
      expect: {
        connections: 2,
        requests: { r1: { status: 200, bodyErr: 'canceled' }, r2: { conns: 'B:new' } },
        checkpoints: { 'after-cancel': { A: 'closed-by-client' } },
      },
    },
    {
      id: 'CLI-42b',
      title: 'canceling a request that waits for a connection (MaxConnsPerHost)',
      priority: 'core',
      peers: [server({ '/slow': delayed(ok('slow'), 200), '*': ok('next') })],
      transport: { maxConnsPerHost: 1 },
      plan: [
        parallel(req('busy', '/slow'), req('waiting', '/b', { startAfter: 20, cancelAfter: 50 })),
      ],
      expect: { connections: 1, requests: { busy: { status: 200 }, waiting: { err: 'canceled' } } },
    },
    {
      id: 'CLI-42c',
      title: 'canceling after the body was read changes nothing; the connection is reused',
      priority: 'core',
      peers: [server({ '*': ok('hello') })],
      plan: [get('r1', '/a', { cancelAfter: 100 }), wait(150), get('r2', '/b')],
      expect: { connections: 1, requests: { r2: { conns: 'A:idle' } } },
    },
    {
      id: 'CLI-43',
      title: 'dialing a closed port: connection refused, not retried',
      priority: 'extended',
      peers: [{ name: 'a', closed: true }],
      plan: [
        get('r1', '/a'),
        get('post', '/b', { method: 'POST', body: { kind: 'bytes', data: 'x' } }),
      ],
      expect: { connections: 0, requests: { r1: { err: 'refused' } } },
    },
  ]),
  ...area('httptrace', [
    {
      id: 'CLI-44',
      title: 'GotConn once per attempt: new, idle, then idle + new for a retried request',
      priority: 'important',
      peers: [
        scripted([[{ serve: true, max: 2 }, { read: 'request' }, { close: 'fin' }]], { '*': ok() }),
      ],
      plan: [get('r1', '/a'), get('r2', '/b'), get('r3', '/c')],
      expect: {
        connections: 2,
        requests: {
          r1: { conns: 'A:new' },
          r2: { conns: 'A:idle' },
          r3: { conns: 'A:idle B:new' },
        },
      },
    },
    {
      id: 'CLI-45',
      title: 'the order of the trace hooks for a GET, a POST and an Expect: 100-continue POST',
      priority: 'extended',
      note: 'Go reports Wait100Continue from its write loop and Got100Continue from its read loop: the peer waits 50 ms before its 100 Continue so that the order is not a race.',
      peers: [
        scripted(
          [
            [
              { serve: true, max: 2 },
              { read: 'head' },
              { wait: 50 },
              { reply: resp('100 Continue') },
              { read: 'body' },
              { reply: ok() },
            ],
          ],
          { '*': ok() },
        ),
      ],
      transport: { expectContinueTimeout: 1000 },
      plan: [
        get('get', '/a', { traceEvents: true }),
        get('post', '/b', {
          method: 'POST',
          body: { kind: 'bytes', data: 'x' },
          traceEvents: true,
        }),
        get('expect', '/c', {
          method: 'POST',
          body: { kind: 'bytes', data: 'y' },
          headers: [['Expect', '100-continue']],
          traceEvents: true,
        }),
      ],
      expect: { connections: 1 },
    },
  ]),
];
