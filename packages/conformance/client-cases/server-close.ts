// CLI-17 … CLI-26: server-driven close, HTTP/1.0, idle connections the server drops, and
// retries.

import type { ClientScenario } from '../src/client-scenario.js';
import {
  area,
  checkpoint,
  get,
  ok,
  okHead,
  post,
  resp,
  scripted,
  server,
  thenClose,
  wait,
} from './helpers.js';

/** A first connection that answers one request, then reads the next and closes unanswered. */
const answerThenDrop = scripted(
  [[{ serve: true, max: 1 }, { read: 'request' }, { close: 'fin' }]],
  { '*': ok('hello') },
);

export const serverCloseScenarios: ClientScenario[] = [
  ...area('Server-driven close and HTTP/1.0', [
    {
      id: 'CLI-17',
      title: 'a Connection: close response closes the connection after the body',
      priority: 'core',
      note: 'The header is removed from Response.Header and Response.Close is true.',
      peers: [server({ '/close': ok('hello', ['Connection: close']), '*': ok('next') })],
      plan: [get('r1', '/close'), wait(80), checkpoint('after-r1'), get('r2', '/b')],
      expect: {
        connections: 2,
        requests: { r2: { conns: 'B:new' } },
        checkpoints: { 'after-r1': { A: 'closed-by-client' } },
      },
    },
    {
      id: 'CLI-18',
      title: 'HTTP/1.0 with Connection: keep-alive and a length is reused',
      priority: 'core',
      peers: [
        server({
          '*': resp('HTTP/1.0 200 OK', ['Connection: keep-alive', 'Content-Length: 5'], 'hello'),
        }),
      ],
      plan: [get('r1', '/a'), get('r2', '/b')],
      expect: { connections: 1, requests: { r2: { conns: 'A:idle' } } },
    },
    {
      id: 'CLI-18a',
      title: 'HTTP/1.0 without keep-alive is treated as closing',
      priority: 'core',
      peers: [server({ '*': resp('HTTP/1.0 200 OK', ['Content-Length: 5'], 'hello') })],
      plan: [get('r1', '/a'), wait(80), checkpoint('after-r1'), get('r2', '/b')],
      expect: {
        connections: 2,
        requests: { r2: { conns: 'B:new' } },
        checkpoints: { 'after-r1': { A: 'closed-by-client' } },
      },
    },
    {
      id: 'CLI-19',
      title: 'a close-delimited HTTP/1.0 body: read to EOF, ContentLength -1, Close',
      priority: 'core',
      peers: [
        server({ '/until': thenClose(resp('HTTP/1.0 200 OK', [], 'until-close')), '*': ok() }),
      ],
      plan: [get('r1', '/until'), get('r2', '/b')],
      expect: { connections: 2, requests: { r1: { body: 'until-close' }, r2: { conns: 'B:new' } } },
    },
    {
      id: 'CLI-19a',
      title: 'a close-delimited HTTP/1.1 body (no length, not chunked)',
      priority: 'core',
      peers: [
        server({
          '/until': thenClose(resp('200 OK', ['Content-Type: text/plain'], 'until-close')),
          '*': ok(),
        }),
      ],
      plan: [get('r1', '/until'), get('r2', '/b')],
      expect: { connections: 2, requests: { r1: { body: 'until-close' } } },
    },
    {
      id: 'CLI-20',
      title: 'the server closes an idle pooled connection: the next request dials, no error',
      priority: 'core',
      peers: [
        scripted([[{ read: 'request' }, { reply: ok() }, { wait: 20 }, { close: 'fin' }]], {
          '*': ok('fresh'),
        }),
      ],
      plan: [get('r1', '/a'), wait(100), get('r2', '/b')],
      expect: {
        connections: 2,
        requests: { r2: { conns: 'B:new', body: 'fresh', err: 'none' } },
      },
    },
    {
      id: 'CLI-20a',
      title: 'the server resets an idle pooled connection: the next request dials, no error',
      priority: 'core',
      peers: [
        scripted([[{ read: 'request' }, { reply: ok() }, { wait: 20 }, { close: 'reset' }]], {
          '*': ok('fresh'),
        }),
      ],
      plan: [get('r1', '/a'), wait(100), get('r2', '/b')],
      expect: { connections: 2, requests: { r2: { conns: 'B:new', err: 'none' } } },
    },
    {
      id: 'CLI-21',
      title: 'a 408 on an idle connection is swallowed (no log), the connection dropped',
      priority: 'important',
      peers: [
        scripted(
          [
            [
              { read: 'request' },
              { reply: ok() },
              { wait: 20 },
              { reply: resp('408 Request Timeout', ['Connection: close', 'Content-Length: 0']) },
              { close: 'fin' },
            ],
          ],
          { '*': ok('fresh') },
        ),
      ],
      plan: [get('r1', '/a'), wait(100), get('r2', '/b')],
      expect: { connections: 2, requests: { r2: { conns: 'B:new', err: 'none' } } },
    },
    {
      id: 'CLI-21a',
      title:
        'other bytes on an idle connection are logged as unsolicited; the connection is closed',
      priority: 'important',
      peers: [
        scripted([[{ read: 'request' }, { reply: ok() }, { wait: 20 }, { reply: 'garbage!' }]], {
          '*': ok('fresh'),
        }),
      ],
      plan: [get('r1', '/a'), wait(100), checkpoint('after-garbage'), get('r2', '/b')],
      expect: {
        connections: 2,
        requests: { r2: { conns: 'B:new', err: 'none' } },
        checkpoints: { 'after-garbage': { A: 'closed-by-client' } },
        logs: ['Unsolicited response received on idle HTTP channel starting with "garbage!"'],
      },
    },
    {
      id: 'CLI-21b',
      title: 'a lying Content-Length: bytes beyond it are unsolicited, the connection dropped',
      priority: 'important',
      peers: [
        server({ '/short': resp('200 OK', ['Content-Length: 3'], 'hello'), '*': ok('fresh') }),
      ],
      plan: [get('r1', '/short'), wait(50), get('r2', '/b')],
      expect: { connections: 2, requests: { r1: { body: 'hel' }, r2: { conns: 'B:new' } } },
    },
  ]),
  ...area('Retries', [
    {
      id: 'CLI-22',
      title: 'a fresh connection closed after the request: no retry, error EOF',
      priority: 'core',
      peers: [scripted([[{ read: 'request' }, { close: 'fin' }]], { '*': ok() })],
      plan: [get('r1', '/a')],
      expect: { connections: 1, requests: { r1: { err: 'eof', conns: 'A:new' } } },
    },
    {
      id: 'CLI-22a',
      title: 'a fresh connection reset after the request: no retry, connection reset error',
      priority: 'core',
      peers: [scripted([[{ read: 'request' }, { close: 'reset' }]], { '*': ok() })],
      plan: [get('r1', '/a')],
      expect: { connections: 1, requests: { r1: { err: 'conn-reset' } } },
    },
    {
      id: 'CLI-23',
      title:
        'a reused connection the peer closed right after its response: the next GET still succeeds',
      priority: 'core',
      note: 'Whether the client sees the FIN before reusing the connection (no write) or writes and then retries is a race in Go too: only the outcome and the final connection are compared.',
      peers: [server({ '/a': thenClose(ok('first')), '*': ok('second') })],
      compare: { ignore: ['conns', 'putIdle'], peer: false },
      plan: [get('r1', '/a'), get('r2', '/b')],
      expect: { requests: { r2: { status: 200, body: 'second', err: 'none' } } },
    },
    {
      id: 'CLI-24',
      title: 'a GET on a reused connection lost before the response is retried on a new one',
      priority: 'core',
      peers: [answerThenDrop],
      plan: [get('r1', '/a'), get('r2', '/b')],
      expect: {
        connections: 2,
        requests: { r2: { conns: 'A:idle B:new', err: 'none', body: 'hello' } },
      },
    },
    {
      id: 'CLI-24a',
      title: 'a POST (replayable body, no idempotency key) is not retried: error EOF',
      priority: 'core',
      peers: [answerThenDrop],
      plan: [get('r1', '/a'), post('r2', '/b', 'BODY')],
      expect: { connections: 1, requests: { r2: { conns: 'A:idle', err: 'eof' } } },
    },
    {
      id: 'CLI-24b',
      title: 'a POST with Idempotency-Key is retried',
      priority: 'core',
      peers: [answerThenDrop],
      plan: [get('r1', '/a'), post('r2', '/b', 'BODY', { headers: [['Idempotency-Key', 'k1']] })],
      expect: { connections: 2, requests: { r2: { conns: 'A:idle B:new', err: 'none' } } },
    },
    {
      id: 'CLI-24c',
      title: 'a DELETE with X-Idempotency-Key is retried',
      priority: 'core',
      peers: [answerThenDrop],
      plan: [
        get('r1', '/a'),
        get('r2', '/b', { method: 'DELETE', headers: [['X-Idempotency-Key', 'k2']] }),
      ],
      expect: { connections: 2, requests: { r2: { conns: 'A:idle B:new', err: 'none' } } },
    },
    {
      id: 'CLI-24d',
      title: 'a HEAD and an OPTIONS on a lost reused connection are retried',
      priority: 'core',
      peers: [
        scripted(
          [
            [{ serve: true, max: 1 }, { read: 'request' }, { close: 'fin' }],
            [{ serve: true, max: 1 }, { read: 'request' }, { close: 'fin' }],
          ],
          { 'HEAD /h': okHead(), '*': ok() },
        ),
      ],
      plan: [
        get('r1', '/a'),
        get('head', '/h', { method: 'HEAD' }),
        get('options', '/o', { method: 'OPTIONS' }),
      ],
      expect: {
        connections: 3,
        requests: { head: { conns: 'A:idle B:new' }, options: { conns: 'B:idle C:new' } },
      },
    },
    {
      id: 'CLI-25',
      title: 'a retried request body is produced again by GetBody: the peer sees it twice',
      priority: 'core',
      peers: [answerThenDrop],
      plan: [
        get('r1', '/a'),
        post('r2', '/b', 'the body', { headers: [['Idempotency-Key', 'k1']] }),
      ],
      expect: {
        transcripts: {
          A: ['GET /a HTTP/1.1 [none]', 'POST /b HTTP/1.1 [length 8] body 8 "the body"'],
          B: ['POST /b HTTP/1.1 [length 8] body 8 "the body"'],
        },
        connections: 2,
        requests: { r2: { err: 'none' } },
      },
    },
    {
      id: 'CLI-25a',
      title: 'a body without GetBody is not replayable, even with an idempotency key',
      priority: 'core',
      peers: [answerThenDrop],
      plan: [
        get('r1', '/a'),
        get('r2', '/b', {
          method: 'POST',
          body: { kind: 'bytes-no-getbody', data: 'BODY' },
          headers: [['Idempotency-Key', 'k1']],
        }),
      ],
      expect: { connections: 1, requests: { r2: { err: 'eof' } } },
    },
    {
      id: 'CLI-26',
      title: 'errors of a failed round trip are unwrapped: the caller sees EOF',
      priority: 'important',
      peers: [scripted([[{ read: 'request' }, { close: 'fin' }]], { '*': ok() })],
      plan: [post('r1', '/a', 'BODY')],
      expect: { requests: { r1: { err: 'eof' } } },
    },
    {
      id: 'CLI-26a',
      title: 'the peer resets while a streamed body is being written',
      priority: 'important',
      note: 'Go 1.26 reports the failed body write (`write tcp …: use of closed network connection`), not the reset the read loop saw: its doBodyCopy files any io.Copy error, write errors included, as the body read error, which mapRoundTripError prefers.',
      peers: [scripted([[{ read: 'head' }, { close: 'reset' }]], { '*': ok() })],
      plan: [
        get('r1', '/up', {
          method: 'POST',
          body: { kind: 'stream', chunks: ['one', 'two', 'three'], firstDelay: 50, delay: 50 },
        }),
      ],
      expect: { connections: 1 },
    },
    {
      id: 'CLI-26b',
      title: 'Transport.RoundTrip returns the bare error (no url.Error around it)',
      priority: 'important',
      peers: [scripted([[{ read: 'request' }, { close: 'fin' }]], { '*': ok() })],
      plan: [get('r1', '/a', { via: 'transport' })],
      expect: { requests: { r1: { err: 'eof: EOF' } } },
    },
  ]),
];
