// Retries (BEHAVIORS.md CLI-22..CLI-26): only on reused connections; nothing written →
// any request whose body can be resent; written → idempotent or keyed requests only.

import { Header, newRequest, type Request, toBody } from '@ka/http';
import { EOF, is } from '@ka/io';
import { dial as dialTCP } from '@ka/net';
import { describe, expect, test } from 'vitest';
import type { Conn } from './dial.js';
import {
  errCannotRewind,
  errServerClosedIdle,
  NothingWrittenError,
  TransportReadFromServerError,
} from './errors.js';
import { PersistConn, type PersistConnOwner } from './persist-conn.js';
import { scriptedFixture } from './testutil/fixtures.js';
import { getText, recorder, rejection } from './testutil/helpers.js';
import { okResponse, type ScriptedServer } from './testutil/scripted-server.js';
import { withClientTrace } from './trace.js';
import { rewindBody, setupRewindBody, Transport } from './transport.js';

const { serve, start, transport } = scriptedFixture();

// A peer that answers the first request on each connection and, on the connection's second
// request, reads it fully and hangs up without answering.
async function answerOnceThenDrop(): Promise<ScriptedServer> {
  const srv: ScriptedServer = await start(async (c) => {
    for (;;) {
      const req = await c.readRequest();
      if (req === null) return;
      srv.requests.push(req);
      if (req.n === 2) {
        c.destroy();
        return;
      }
      await c.write(okResponse('ok'));
    }
  });
  return srv;
}

function bodyOf(req: { body: Buffer }): string {
  return req.body.toString('latin1');
}

describe('shouldRetryRequest (table)', () => {
  const owner = {} as PersistConnOwner;
  const cases: [string, boolean, () => Request, unknown, boolean][] = [
    ['fresh conn never', false, () => newRequest('GET', 'http://x/'), errServerClosedIdle, false],
    [
      'nothing written, no body',
      true,
      () => newRequest('POST', 'http://x/'),
      new NothingWrittenError(EOF),
      true,
    ],
    [
      'nothing written, getBody',
      true,
      () => newRequest('POST', 'http://x/', 'b'),
      new NothingWrittenError(EOF),
      true,
    ],
    [
      'nothing written, streaming body',
      true,
      () => newRequest('POST', 'http://x/', toBody({ read: async () => null })),
      new NothingWrittenError(EOF),
      false,
    ],
    [
      'GET, read from server failed',
      true,
      () => newRequest('GET', 'http://x/'),
      new TransportReadFromServerError(EOF),
      true,
    ],
    [
      'HEAD, server closed idle',
      true,
      () => newRequest('HEAD', 'http://x/'),
      errServerClosedIdle,
      true,
    ],
    [
      'POST, read failed',
      true,
      () => newRequest('POST', 'http://x/', 'b'),
      new TransportReadFromServerError(EOF),
      false,
    ],
    [
      'POST with Idempotency-Key',
      true,
      () => {
        const r = newRequest('POST', 'http://x/', 'b');
        r.header.set('Idempotency-Key', 'k1');
        return r;
      },
      new TransportReadFromServerError(EOF),
      true,
    ],
    [
      'POST with X-Idempotency-Key',
      true,
      () => {
        const r = newRequest('POST', 'http://x/', 'b');
        r.header.set('X-Idempotency-Key', 'k1');
        return r;
      },
      errServerClosedIdle,
      true,
    ],
    ['GET, other error', true, () => newRequest('GET', 'http://x/'), new Error('boom'), false],
  ];
  test.each(cases)('CLI-22 CLI-23 CLI-24 %s', (_name, reused, mk, err, want) => {
    const pc = new PersistConn(owner, 'k');
    if (reused) pc.markReused();
    expect(pc.shouldRetryRequest(mk(), err)).toBe(want);
  });
});

describe('retries on the wire', () => {
  test('CLI-22 a fresh connection that fails is not retried: EOF', async () => {
    const srv = await start(async (c) => {
      await c.readRequest();
      c.destroy();
    });
    const t = transport();
    const err = await rejection(t.roundTrip(newRequest('GET', `${srv.url}/`)));
    expect(err.message).toBe('EOF');
    expect(is(err, EOF)).toBe(true);
    expect(srv.conns.length).toBe(1);
  });

  test('CLI-24 GET on a reused conn lost before the response is retried on a new conn', async () => {
    const srv = await answerOnceThenDrop();
    const t = transport();
    const rec = recorder();
    await getText(t, `${srv.url}/a`);
    const { text } = await getText(t, `${srv.url}/b`, rec.trace);
    expect(text).toBe('ok');
    expect(srv.transcript()).toEqual(['c1#1 GET /a', 'c1#2 GET /b', 'c2#1 GET /b']);
    // CLI-44: a retried request reports gotConn again (reused, then fresh).
    expect(rec.gotConn.map((g) => g.reused)).toEqual([true, false]);
  });

  test('CLI-24 POST without an idempotency key is not retried: EOF', async () => {
    const srv = await answerOnceThenDrop();
    const t = transport();
    await getText(t, `${srv.url}/a`);
    const err = await rejection(t.roundTrip(newRequest('POST', `${srv.url}/p`, 'BODY')));
    expect(err.message).toBe('EOF');
    expect(srv.transcript()).toEqual(['c1#1 GET /a', 'c1#2 POST /p']);
  });

  test('CLI-24 CLI-25 POST with Idempotency-Key is retried and its body rewound', async () => {
    const srv = await answerOnceThenDrop();
    const t = transport();
    await getText(t, `${srv.url}/a`);
    const req = newRequest('POST', `${srv.url}/p`, 'BODY');
    req.header.set('Idempotency-Key', 'k1');
    const resp = await t.roundTrip(req);
    expect(await resp.body.text()).toBe('ok');
    expect(srv.transcript()).toEqual(['c1#1 GET /a', 'c1#2 POST /p', 'c2#1 POST /p']);
    expect(srv.requests.slice(1).map(bodyOf)).toEqual(['BODY', 'BODY']);
  });

  test('CLI-23 nothing written on a reused conn: retried even for POST with getBody', async () => {
    const broken = new Set<Conn>();
    const conns: Conn[] = [];
    const t = transport(
      new Transport({
        dial: async (n, a, o) => {
          const c = await dialTCP(n, a, o);
          conns.push(c);
          return {
            read: (p) => c.read(p),
            write: (p) => {
              if (broken.has(c)) {
                return Promise.reject(new Error('write tcp: write: broken pipe'));
              }
              return c.write(p);
            },
            close: () => c.close(),
          };
        },
      }),
    );
    const srv = await serve(() => okResponse('ok'));
    await getText(t, `${srv.url}/a`);
    broken.add(conns[0]!);
    const resp = await t.roundTrip(newRequest('POST', `${srv.url}/p`, 'BODY'));
    expect(await resp.body.text()).toBe('ok');
    expect(srv.transcript()).toEqual(['c1#1 GET /a', 'c2#1 POST /p']);
    expect(bodyOf(srv.requests[1]!)).toBe('BODY');

    // A streaming body cannot be resent: the write error comes back.
    await getText(t, `${srv.url}/a`);
    broken.add(conns[1]!);
    const err = await rejection(
      t.roundTrip(newRequest('POST', `${srv.url}/p`, toBody({ read: async () => null }))),
    );
    expect(err.message).toBe('write tcp: write: broken pipe');
  });

  test('CLI-26 a partly written request on a broken conn reports "transport connection broken"', async () => {
    const srv = await start(async (c) => {
      await c.readRequest();
      await c.write('HTTP/1.1 2x0 OK\r\n\r\n');
      c.destroy();
    });
    const t = transport();
    const err = await rejection(t.roundTrip(newRequest('GET', `${srv.url}/`)));
    expect(err.message).toBe(
      'net/http: HTTP/1.x transport connection broken: malformed HTTP status code "2x0"',
    );
  });
});

describe('rewindBody', () => {
  test('CLI-25 an untouched body needs no rewind', async () => {
    const req = setupRewindBody(
      newRequest('POST', 'http://x/', toBody({ read: async () => null })),
    );
    expect(await rewindBody(req)).toBe(req);
  });

  test('CLI-25 a read body without getBody cannot be rewound', async () => {
    const req = setupRewindBody(
      newRequest('POST', 'http://x/', toBody({ read: async () => null })),
    );
    await req.body.read(new Uint8Array(1));
    const err = await rejection(rewindBody(req));
    expect(err).toBe(errCannotRewind);
    expect(err.message).toBe('net/http: cannot rewind body after connection loss');
  });

  test('CLI-25 a read body with getBody is replaced by a fresh copy', async () => {
    const req = setupRewindBody(newRequest('POST', 'http://x/', 'abc'));
    await req.body.read(new Uint8Array(1));
    const r2 = await rewindBody(req);
    expect(r2).not.toBe(req);
    expect(await r2.body.text()).toBe('abc');
  });
});

test('CLI-24 header table: requests without body and GET-like methods are replayable', () => {
  const h = new Header();
  h.set('Idempotency-Key', 'x');
  expect(newRequest('DELETE', 'http://x/').isReplayable()).toBe(false);
  expect(withClientTrace(newRequest('OPTIONS', 'http://x/'), {}).isReplayable()).toBe(true);
});
