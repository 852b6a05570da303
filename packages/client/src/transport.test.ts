// Pool keys, reuse, limits and server-driven close (BEHAVIORS.md CLI-01..CLI-21), asserted
// on the wire against scripted node:net peers.
import { newRequest, type Response } from '@ka/http';
import { dial as dialTCP } from '@ka/net';
import { afterEach, describe, expect, test } from 'vitest';
import type { Conn } from './dial.js';
import { getText, recorder, rejection, waitFor } from './testutil/helpers.js';
import {
  delay,
  okResponse,
  type ScriptedConn,
  ScriptedServer,
} from './testutil/scripted-server.js';
import { withClientTrace } from './trace.js';
import { Transport } from './transport.js';

const servers: ScriptedServer[] = [];
const transports: Transport[] = [];
const bodies: Response[] = [];

async function serve(...args: Parameters<typeof ScriptedServer.serve>): Promise<ScriptedServer> {
  const s = await ScriptedServer.serve(...args);
  servers.push(s);
  return s;
}

function transport(t = new Transport()): Transport {
  transports.push(t);
  return t;
}

afterEach(async () => {
  for (const r of bodies.splice(0)) await r.body.close().catch(() => {});
  for (const t of transports.splice(0)) t.closeIdleConnections();
  for (const s of servers.splice(0)) await s.close();
});

describe('pool keys and reuse', () => {
  test('CLI-01 idle pool keyed by scheme and host:port; 127.0.0.1 and localhost differ', async () => {
    const srv = await serve(() => okResponse('hello'));
    const t = transport();
    await getText(t, `${srv.url}/a`);
    await getText(t, `${srv.url}/a`);
    expect(srv.conns.length).toBe(1);
    await getText(t, `http://localhost:${srv.port}/a`);
    expect(srv.conns.length).toBe(2);
    expect(t.idleConnKeys()).toEqual([
      `|http|127.0.0.1:${srv.port}`,
      `|http|localhost:${srv.port}`,
    ]);
  });

  test('CLI-02 sequential requests reuse one connection; gotConn reports reuse', async () => {
    const srv = await serve(() => okResponse('hello'));
    const t = transport();
    const rec = recorder();
    expect((await getText(t, `${srv.url}/`, rec.trace)).text).toBe('hello');
    await delay(5);
    expect((await getText(t, `${srv.url}/`, rec.trace)).text).toBe('hello');
    expect(srv.transcript()).toEqual(['c1#1 GET /', 'c1#2 GET /']);
    expect(rec.gotConn.map((g) => [g.reused, g.wasIdle])).toEqual([
      [false, false],
      [true, true],
    ]);
    expect(rec.gotConn[1]!.idleTime).toBeGreaterThan(0);
    expect(rec.putIdle).toEqual([undefined, undefined]);
  });

  test('CLI-03 closing an unread body kills the conn; reading to EOF without close reuses it', async () => {
    const srv = await serve(() => okResponse('hello'));
    const t = transport();
    const r1 = await t.roundTrip(newRequest('GET', `${srv.url}/1`));
    await r1.body.close();
    const r2 = await t.roundTrip(newRequest('GET', `${srv.url}/2`));
    // read to EOF, never closed
    expect(new TextDecoder().decode(await r2.body.bytes())).toBe('hello');
    const r3 = await t.roundTrip(newRequest('GET', `${srv.url}/3`));
    bodies.push(r3);
    expect(srv.transcript()).toEqual(['c1#1 GET /1', 'c2#1 GET /2', 'c2#2 GET /3']);
    await srv.conns[0]!.peerClosed;
  });

  test('CLI-03 reading exactly Content-Length bytes returns the conn (EOF comes with the data)', async () => {
    const srv = await serve(() => okResponse('hello'));
    const t = transport();
    const r1 = await t.roundTrip(newRequest('GET', `${srv.url}/1`));
    const buf = new Uint8Array(5);
    expect(await r1.body.read(buf)).toBe(5);
    await r1.body.close();
    await getText(t, `${srv.url}/2`);
    expect(srv.conns.length).toBe(1);
  });

  test('CLI-04 a body neither read nor closed pins its connection', async () => {
    const srv = await serve(() => okResponse('hello'));
    const t = transport();
    const r1 = await t.roundTrip(newRequest('GET', `${srv.url}/1`));
    bodies.push(r1);
    await getText(t, `${srv.url}/2`);
    expect(srv.transcript()).toEqual(['c1#1 GET /1', 'c2#1 GET /2']);
  });

  test.each([
    ['204 No Content', 'GET', 'HTTP/1.1 204 No Content\r\n\r\n'],
    ['Content-Length 0', 'GET', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'],
    ['304 Not Modified', 'GET', 'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n'],
    ['HEAD response', 'HEAD', 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n'],
  ])(
    'CLI-05 %s returns the conn before the caller sees the response',
    async (_n, method, answer) => {
      const srv = await serve(() => answer);
      const t = transport();
      const r1 = await t.roundTrip(newRequest(method, `${srv.url}/`));
      const r2 = await t.roundTrip(newRequest(method, `${srv.url}/`));
      expect(srv.conns.length).toBe(1);
      if (method === 'HEAD') expect(r1.contentLength).toBe(10);
      await r1.body.close();
      await r2.body.close();
    },
  );

  test('CLI-06 a body ended by the peer closing is not pooled', async () => {
    const srv = await ScriptedServer.start(async (c) => {
      const req = await c.readRequest();
      if (req === null) return;
      srv.requests.push(req);
      await c.write('HTTP/1.1 200 OK\r\n\r\nuntil-close');
      c.end();
    });
    servers.push(srv);
    const t = transport();
    const rec = recorder();
    const { resp, text } = await getText(t, `${srv.url}/`, rec.trace);
    expect(text).toBe('until-close');
    expect(resp.contentLength).toBe(-1);
    expect(resp.close).toBe(true);
    await getText(t, `${srv.url}/`);
    expect(srv.conns.length).toBe(2);
    expect(t.idleConnCount()).toBe(0);
  });

  test('CLI-07 a request still being written when the response is read is not reused', async () => {
    const srv = await ScriptedServer.start(async (c) => {
      for (;;) {
        // answer right after the head, without reading the body
        const head = await c.peekBytes(1);
        if (head.length === 0) return;
        await waitFor(() => c.pending.indexOf('\r\n\r\n') >= 0);
        srv.requests.push({ conn: c.id } as never);
        await c.write(okResponse('ok'));
        if (c.id === 2) {
          await c.readRequest();
          return;
        }
        return;
      }
    });
    servers.push(srv);
    const t = transport();
    // a body that keeps producing for a while (10 × 20 ms)
    let chunks = 0;
    const slow = {
      async read(p: Uint8Array): Promise<number | null> {
        if (chunks++ >= 10) return null;
        await delay(20);
        p.fill(0x61, 0, 100);
        return 100;
      },
    };
    const req = newRequest('POST', `${srv.url}/upload`, slow);
    const r1 = await t.roundTrip(req);
    expect(await r1.body.text()).toBe('ok');
    await getText(t, `${srv.url}/next`);
    expect(srv.conns.length).toBe(2);
  });

  test('CLI-08 the most recently idled connection is reused first', async () => {
    const srv = await serve(async (req) => {
      if (req.target === '/slow') await delay(30);
      return okResponse(`c${req.conn}`);
    });
    const t = transport();
    // two connections busy at once
    const [a, b] = await Promise.all([
      t.roundTrip(newRequest('GET', `${srv.url}/slow`)),
      t.roundTrip(newRequest('GET', `${srv.url}/slow`)),
    ]);
    // idle order: a first, then b
    const ta = await a!.body.text();
    const tb = await b!.body.text();
    const { text } = await getText(t, `${srv.url}/next`);
    expect(text).toBe(tb);
    expect(text).not.toBe(ta);
  });
});

describe('pool limits', () => {
  test('CLI-09 MaxIdleConnsPerHost defaults to 2; extras are closed', async () => {
    const srv = await serve(async () => {
      await delay(30);
      return okResponse('x');
    });
    const t = transport();
    const rec = recorder();
    const batch = () =>
      Promise.all(
        Array.from({ length: 4 }, () =>
          t.roundTrip(withClientTrace(newRequest('GET', `${srv.url}/`), rec.trace)),
        ),
      );
    for (const r of await batch()) await r.body.text();
    expect(srv.conns.length).toBe(4);
    expect(t.idleConnCount()).toBe(2);
    expect(rec.putIdle.filter((e) => e !== undefined).map((e) => (e as Error).message)).toEqual([
      'http: putIdleConn: too many idle connections for host',
      'http: putIdleConn: too many idle connections for host',
    ]);
    for (const r of await batch()) await r.body.text();
    expect(srv.conns.length).toBe(6);
  });

  test('CLI-09 negative MaxIdleConnsPerHost disables pooling', async () => {
    const srv = await serve(() => okResponse('x'));
    const t = transport(new Transport({ maxIdleConnsPerHost: -1 }));
    await getText(t, `${srv.url}/`);
    await getText(t, `${srv.url}/`);
    expect(srv.conns.length).toBe(2);
  });

  test('CLI-10 MaxIdleConns evicts the least recently idled conn across hosts', async () => {
    const a = await serve(() => okResponse('a'));
    const b = await serve(() => okResponse('b'));
    const t = transport(new Transport({ maxIdleConns: 1 }));
    await getText(t, `${a.url}/`);
    await getText(t, `${b.url}/`);
    await a.conns[0]!.peerClosed;
    expect(t.idleConnKeys()).toEqual([`|http|127.0.0.1:${b.port}`]);
  });

  test('CLI-11 MaxConnsPerHost queues requests and hands the conn over', async () => {
    const srv = await serve(async () => {
      await delay(10);
      return okResponse('x');
    });
    const t = transport(new Transport({ maxConnsPerHost: 1 }));
    const rec = recorder();
    const results = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const r = await t.roundTrip(withClientTrace(newRequest('GET', `${srv.url}/`), rec.trace));
        return r.body.text();
      }),
    );
    expect(results).toEqual(['x', 'x', 'x']);
    expect(srv.conns.length).toBe(1);
    expect(rec.gotConn.map((g) => [g.reused, g.wasIdle])).toEqual([
      [false, false],
      [true, false],
      [true, false],
    ]);
  });

  test('CLI-11 a failed dial frees its MaxConnsPerHost slot', async () => {
    let n = 0;
    const srv = await serve(() => okResponse('x'));
    const t = transport(
      new Transport({
        maxConnsPerHost: 1,
        dial: async (network, addr, opts) => {
          if (n++ === 0) throw new Error('first dial fails');
          return dialTCP(network, addr, opts);
        },
      }),
    );
    await expect(t.roundTrip(newRequest('GET', `${srv.url}/`))).rejects.toThrow('first dial fails');
    expect((await getText(t, `${srv.url}/`)).text).toBe('x');
  });

  test('CLI-12 a waiting request takes a freed idle conn; the late dial joins the pool', async () => {
    const srv = await serve(async (req) => {
      if (req.target === '/first') await delay(40);
      return okResponse(req.target);
    });
    let dials = 0;
    let dialsDone = 0;
    const t = transport(
      new Transport({
        dial: async (network, addr, opts) => {
          if (dials++ === 1) await delay(200); // the second dial is slow
          const c = await dialTCP(network, addr, opts);
          dialsDone++;
          return c;
        },
      }),
    );
    const rec = recorder();
    const first = t.roundTrip(newRequest('GET', `${srv.url}/first`));
    await delay(10);
    const second = t.roundTrip(withClientTrace(newRequest('GET', `${srv.url}/second`), rec.trace));
    const r1 = await first;
    expect(await r1.body.text()).toBe('/first');
    const r2 = await second;
    expect(await r2.body.text()).toBe('/second');
    expect(srv.transcript()).toEqual(['c1#1 GET /first', 'c1#2 GET /second']);
    expect(rec.gotConn.map((g) => [g.reused, g.wasIdle])).toEqual([[true, false]]);
    await waitFor(() => dialsDone === 2 && t.idleConnCount() === 2, 2000, 'late dial pooled');
    expect(srv.conns.length).toBe(2);
  });

  test('CLI-12 a dial outlives its canceled request and joins the pool', async () => {
    const srv = await serve(() => okResponse('x'));
    let dialed = 0;
    const t = transport(
      new Transport({
        dial: async (network, addr, opts) => {
          await delay(60);
          const c = await dialTCP(network, addr, opts);
          dialed++;
          return c;
        },
      }),
    );
    const ac = new AbortController();
    const p = t.roundTrip(newRequest('GET', `${srv.url}/`, null, { signal: ac.signal }));
    await delay(10);
    ac.abort();
    expect((await rejection(p)).message).toBe('context canceled');
    await waitFor(() => dialed === 1 && t.idleConnCount() === 1, 2000, 'dial pooled');
    await getText(t, `${srv.url}/`);
    expect(srv.conns.length).toBe(1);
  });

  test('CLI-16 CloseIdleConnections cancels dials no request waits for', async () => {
    let aborted = false;
    let done = false;
    const t = transport(
      new Transport({
        dial: (_n, _a, opts) =>
          new Promise((_resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('slow dial gave up')), 1000);
            opts.signal.addEventListener('abort', () => {
              clearTimeout(timer);
              aborted = true;
              reject(new Error('dial aborted'));
            });
          }).finally(() => {
            done = true;
          }) as never,
      }),
    );
    const ac = new AbortController();
    const p = t.roundTrip(newRequest('GET', 'http://127.0.0.1:9/', null, { signal: ac.signal }));
    await delay(10);
    t.closeIdleConnections(); // the request still waits: its dial goes on
    await delay(10);
    expect(aborted).toBe(false);
    ac.abort();
    await p.catch(() => {});
    t.closeIdleConnections();
    await waitFor(() => done, 2000, 'dial ended');
    expect(aborted).toBe(true);
  });

  test('CLI-13 IdleConnTimeout closes idle conns', async () => {
    const srv = await serve(() => okResponse('x'));
    const t = transport(new Transport({ idleConnTimeout: 100 }));
    const started = Date.now();
    await getText(t, `${srv.url}/`);
    await srv.conns[0]!.peerClosed;
    const idle = Date.now() - started;
    expect(idle).toBeGreaterThanOrEqual(90);
    await getText(t, `${srv.url}/`);
    expect(srv.conns.length).toBe(2);
  });

  test('CLI-13 IdleConnTimeout counts from the last idle period, not the first', async () => {
    const srv = await serve(() => okResponse('x'));
    const t = transport(new Transport({ idleConnTimeout: 300 }));
    let closedAt = 0;
    await getText(t, `${srv.url}/`);
    void srv.conns[0]!.peerClosed.then(() => {
      closedAt = Date.now();
    });
    await delay(200);
    await getText(t, `${srv.url}/`); // reused: idle again from here
    const secondIdle = Date.now();
    expect(srv.conns.length).toBe(1);
    await delay(200); // past 300 ms from the first idle period, 200 ms into the second
    expect(closedAt).toBe(0);
    await srv.conns[0]!.peerClosed;
    expect(closedAt - secondIdle).toBeGreaterThanOrEqual(280);
  });

  test('CLI-14 DisableKeepAlives sends Connection: close and never pools', async () => {
    const srv = await serve(() => okResponse('x'));
    const t = transport(new Transport({ disableKeepAlives: true }));
    const rec = recorder();
    await getText(t, `${srv.url}/p`, rec.trace);
    await getText(t, `${srv.url}/p`, rec.trace);
    expect(srv.conns.length).toBe(2);
    expect(srv.requests[0]!.head).toBe(
      `GET /p HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nUser-Agent: Go-http-client/1.1\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n`,
    );
    // Go: PutIdleConn is not called for the keep-alives-disabled case.
    expect(rec.putIdle).toEqual([]);
  });

  test('CLI-15 Request.close writes Connection: close and drops the conn', async () => {
    const srv = await serve(() => okResponse('x'));
    const t = transport();
    const req = newRequest('GET', `${srv.url}/`);
    req.close = true;
    const r = await t.roundTrip(req);
    await r.body.text();
    expect(srv.requests[0]!.get('Connection')).toBe('close');
    await getText(t, `${srv.url}/`);
    expect(srv.conns.length).toBe(2);
  });

  test('CLI-16 CloseIdleConnections closes idle conns; the next request dials', async () => {
    const srv = await serve(() => okResponse('x'));
    const t = transport();
    await getText(t, `${srv.url}/`);
    t.closeIdleConnections();
    await srv.conns[0]!.peerClosed;
    await getText(t, `${srv.url}/`);
    expect(srv.conns.length).toBe(2);
  });

  test('CLI-16 a conn going idle right after CloseIdleConnections is closed', async () => {
    const srv = await serve(() => okResponse('x'));
    const t = transport();
    const rec = recorder();
    const r = await t.roundTrip(withClientTrace(newRequest('GET', `${srv.url}/`), rec.trace));
    t.closeIdleConnections();
    await r.body.text();
    expect(rec.putIdle.map((e) => (e as Error).message)).toEqual([
      'http: putIdleConn: CloseIdleConnections was called',
    ]);
    await srv.conns[0]!.peerClosed;
  });
});

describe('server-driven close and HTTP/1.0', () => {
  test('CLI-17 response Connection: close closes after the body and is removed from the header', async () => {
    const srv = await serve(() => okResponse('hello', 'Connection: close\r\n'));
    const t = transport();
    const { resp, text } = await getText(t, `${srv.url}/`);
    expect(text).toBe('hello');
    expect(resp.close).toBe(true);
    expect(resp.header.has('Connection')).toBe(false);
    await getText(t, `${srv.url}/`);
    expect(srv.conns.length).toBe(2);
  });

  test.each([
    [
      'keep-alive with Content-Length',
      'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nhello',
      1,
    ],
    ['no keep-alive', 'HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello', 2],
  ])('CLI-18 HTTP/1.0 response %s', async (_n, answer, conns) => {
    const srv = await serve(() => answer);
    const t = transport();
    expect((await getText(t, `${srv.url}/`)).text).toBe('hello');
    expect((await getText(t, `${srv.url}/`)).text).toBe('hello');
    expect(srv.conns.length).toBe(conns);
  });

  test('CLI-19 close-delimited body: ContentLength -1, close true', async () => {
    const srv = await ScriptedServer.start(async (c) => {
      await c.readRequest();
      await c.write('HTTP/1.0 200 OK\r\n\r\nuntil-close');
      c.end();
    });
    servers.push(srv);
    const t = transport();
    const { resp, text } = await getText(t, `${srv.url}/`);
    expect(text).toBe('until-close');
    expect(resp.contentLength).toBe(-1);
    expect(resp.close).toBe(true);
  });

  test('CLI-20 the peer closing an idle conn removes it; the next request dials', async () => {
    const srv = await ScriptedServer.start(async (c) => {
      const req = await c.readRequest();
      if (req === null) return;
      srv.requests.push(req);
      await c.write(okResponse('hi'));
      await delay(5);
      c.destroy();
    });
    servers.push(srv);
    const t = transport();
    const logs: string[] = [];
    t.errorLog = (m) => logs.push(m);
    await getText(t, `${srv.url}/`);
    await waitFor(() => t.idleConnCount() === 0, 2000, 'idle conn removed');
    expect((await getText(t, `${srv.url}/`)).text).toBe('hi');
    expect(srv.conns.length).toBe(2);
    expect(logs).toEqual([]);
  });

  test('CLI-21 a 408 on an idle conn is swallowed', async () => {
    const srv = await ScriptedServer.start(async (c) => {
      const req = await c.readRequest();
      if (req === null) return;
      await c.write(okResponse('hi'));
      await delay(10);
      await c.write(
        'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
      );
      c.destroy();
    });
    servers.push(srv);
    const t = transport();
    const logs: string[] = [];
    t.errorLog = (m) => logs.push(m);
    await getText(t, `${srv.url}/`);
    await waitFor(() => t.idleConnCount() === 0, 2000, 'idle conn removed');
    expect((await getText(t, `${srv.url}/`)).text).toBe('hi');
    expect(logs).toEqual([]);
  });

  test('CLI-21 other unsolicited bytes on an idle conn are logged and the conn closed', async () => {
    const conns: ScriptedConn[] = [];
    const srv = await ScriptedServer.start(async (c) => {
      conns.push(c);
      const req = await c.readRequest();
      if (req === null) return;
      await c.write(okResponse('hi'));
      await delay(10);
      await c.write('HTTP/1.1 200 OK\r\n\r\n');
      await c.peerClosed;
    });
    servers.push(srv);
    const t = transport();
    const logs: string[] = [];
    t.errorLog = (m) => logs.push(m);
    await getText(t, `${srv.url}/`);
    await conns[0]!.peerClosed;
    expect(t.idleConnCount()).toBe(0);
    expect(logs).toEqual([
      'Unsolicited response received on idle HTTP channel starting with "HTTP/1.1 200 OK\\r\\n\\r\\n"; err=<nil>',
    ]);
  });
});

test('custom dial hook connections are pooled like any other', async () => {
  const srv = await serve(() => okResponse('x'));
  let dials = 0;
  const t = transport(
    new Transport({
      dial: (n, a, o): Promise<Conn> => {
        dials++;
        return dialTCP(n, a, o);
      },
    }),
  );
  await getText(t, `${srv.url}/`);
  await getText(t, `${srv.url}/`);
  expect(dials).toBe(1);
});
