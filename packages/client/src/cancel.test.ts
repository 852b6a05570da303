// Timeouts, cancellation, dial errors and trace hooks (BEHAVIORS.md CLI-40..CLI-45, CLI-56).

import { newRequest } from '@ka/http';
import { is, isTimeout } from '@ka/io';
import { afterEach, describe, expect, test } from 'vitest';
import { Client } from './client.js';
import { Canceled, DeadlineExceeded } from './context.js';
import { getText, recorder, rejection, waitFor } from './testutil/helpers.js';
import { delay, okResponse, ScriptedServer } from './testutil/scripted-server.js';
import { withClientTrace } from './trace.js';
import { Transport } from './transport.js';

const servers: ScriptedServer[] = [];
const transports: Transport[] = [];

afterEach(async () => {
  for (const t of transports.splice(0)) t.closeIdleConnections();
  for (const s of servers.splice(0)) await s.close();
});

function transport(t = new Transport()): Transport {
  transports.push(t);
  return t;
}

// A peer that reads the request and never answers (until the client goes away).
async function silent(): Promise<ScriptedServer> {
  const s = await ScriptedServer.start(async (c) => {
    const req = await c.readRequest();
    if (req !== null) s.requests.push(req);
    await c.peerClosed;
  });
  servers.push(s);
  return s;
}

// A peer that sends the head and 2 of 10 body bytes, then stalls.
async function stallsMidBody(): Promise<ScriptedServer> {
  const s = await ScriptedServer.start(async (c) => {
    await c.readRequest();
    await c.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab');
    await c.peerClosed;
  });
  servers.push(s);
  return s;
}

describe('timeouts', () => {
  test('CLI-40 ResponseHeaderTimeout', async () => {
    const srv = await silent();
    const t = transport(new Transport({ responseHeaderTimeout: 100 }));
    const c = new Client({ transport: t });
    const err = await rejection(c.get(`${srv.url}/`));
    expect(err.message).toBe(`Get "${srv.url}/": net/http: timeout awaiting response headers`);
    expect(isTimeout(err)).toBe(true);
    expect(is(err, DeadlineExceeded)).toBe(true);
    await srv.conns[0]!.peerClosed;
  });

  test('CLI-41 Client.timeout before the headers', async () => {
    const srv = await silent();
    const c = new Client({ transport: transport(), timeout: 100 });
    const err = await rejection(c.get(`${srv.url}/`));
    expect(err.message).toBe(
      `Get "${srv.url}/": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    );
    expect(isTimeout(err)).toBe(true);
    expect(is(err, DeadlineExceeded)).toBe(true);
    await srv.conns[0]!.peerClosed;
  });

  test('CLI-41 Client.timeout while reading the body', async () => {
    const srv = await stallsMidBody();
    const c = new Client({ transport: transport(), timeout: 100 });
    const resp = await c.get(`${srv.url}/`);
    const err = await rejection(resp.body.text());
    expect(err.message).toBe(
      'context deadline exceeded (Client.Timeout or context cancellation while reading body)',
    );
    expect(isTimeout(err)).toBe(true);
    await srv.conns[0]!.peerClosed;
    await resp.body.close();
  });

  test('CLI-41 a Client.timeout that does not expire leaves the conn reusable', async () => {
    const srv = await ScriptedServer.serve(() => okResponse('x'));
    servers.push(srv);
    const c = new Client({ transport: transport(), timeout: 5_000 });
    for (let i = 0; i < 2; i++) {
      const resp = await c.get(`${srv.url}/`);
      expect(await resp.body.text()).toBe('x');
      await resp.body.close();
    }
    expect(srv.conns.length).toBe(1);
  });
});

describe('cancellation', () => {
  test('CLI-42 aborting before the headers: context canceled, conn closed', async () => {
    const srv = await silent();
    const c = new Client({ transport: transport() });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await rejection(
      c.do(newRequest('GET', `${srv.url}/`, null, { signal: ac.signal })),
    );
    expect(err.message).toBe(`Get "${srv.url}/": context canceled`);
    expect(is(err, Canceled)).toBe(true);
    await srv.conns[0]!.peerClosed;
  });

  test('CLI-42 aborting mid-body fails the read and never pools the conn', async () => {
    const srv = await stallsMidBody();
    const t = transport();
    const ac = new AbortController();
    const resp = await t.roundTrip(newRequest('GET', `${srv.url}/`, null, { signal: ac.signal }));
    const buf = new Uint8Array(2);
    expect(await resp.body.read(buf)).toBe(2);
    ac.abort();
    const err = await rejection(resp.body.read(new Uint8Array(8)));
    expect(err.message).toBe('context canceled');
    await srv.conns[0]!.peerClosed;
    expect(t.idleConnCount()).toBe(0);
    await resp.body.close();
  });

  test('CLI-42 an abort reason other than the default is the error', async () => {
    const srv = await silent();
    const t = transport();
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('my reason')), 20);
    const err = await rejection(
      t.roundTrip(newRequest('GET', `${srv.url}/`, null, { signal: ac.signal })),
    );
    expect(err.message).toBe('my reason');
  });

  test('CLI-42 an already aborted signal fails before dialing', async () => {
    let dials = 0;
    const t = transport(
      new Transport({
        dial: async () => {
          dials++;
          throw new Error('no');
        },
      }),
    );
    const err = await rejection(
      t.roundTrip(newRequest('GET', 'http://127.0.0.1:9/', null, { signal: AbortSignal.abort() })),
    );
    expect(err).toBe(Canceled);
    await delay(5);
    expect(dials).toBe(0);
  });

  test('CLI-42 cancelling closes the conn carrying the request, never an idle one', async () => {
    const srv = await ScriptedServer.serve(async (req, c) => {
      if (req.target === '/slow') {
        await c.peerClosed;
        return null;
      }
      return okResponse('x');
    });
    servers.push(srv);
    const t = transport();
    const ac = new AbortController();
    const slow = t.roundTrip(newRequest('GET', `${srv.url}/slow`, null, { signal: ac.signal }));
    await getText(t, `${srv.url}/fast`);
    expect(t.idleConnCount()).toBe(1);
    ac.abort();
    await rejection(slow);
    const slowConn = srv.requests.find((r) => r.target === '/slow')!.conn;
    await srv.conns[slowConn - 1]!.peerClosed;
    const fastConn = srv.requests.find((r) => r.target === '/fast')!.conn;
    expect(srv.conns[fastConn - 1]!.sawClientClose).toBe(false);
    expect(t.idleConnCount()).toBe(1);
  });

  test('CLI-42 aborting while waiting for a conn (MaxConnsPerHost)', async () => {
    const srv = await silent();
    const t = transport(new Transport({ maxConnsPerHost: 1 }));
    const ac1 = new AbortController();
    const first = t.roundTrip(newRequest('GET', `${srv.url}/1`, null, { signal: ac1.signal }));
    await waitFor(() => srv.requests.length === 1);
    const ac2 = new AbortController();
    const second = t.roundTrip(newRequest('GET', `${srv.url}/2`, null, { signal: ac2.signal }));
    await delay(10);
    ac2.abort();
    expect((await rejection(second)).message).toBe('context canceled');
    ac1.abort();
    await rejection(first);
  });

  test('CLI-56 legacy cancelRequest: request canceled / while waiting for connection', async () => {
    const srv = await silent();
    const t = transport(new Transport({ maxConnsPerHost: 1 }));
    const r1 = newRequest('GET', `${srv.url}/1`);
    const first = t.roundTrip(r1);
    await waitFor(() => srv.requests.length === 1);
    const r2 = newRequest('GET', `${srv.url}/2`);
    const second = t.roundTrip(r2);
    await delay(10);
    t.cancelRequest(r2);
    expect((await rejection(second)).message).toBe(
      'net/http: request canceled while waiting for connection',
    );
    t.cancelRequest(r1);
    expect((await rejection(first)).message).toBe('net/http: request canceled');
  });

  test('CLI-43 dial errors are returned as is and not retried', async () => {
    let dials = 0;
    const t = transport(
      new Transport({
        dial: async (n, a, o) => {
          dials++;
          const { dial } = await import('@ka/net');
          return dial(n, a, o);
        },
      }),
    );
    const c = new Client({ transport: t });
    const err = await rejection(c.get('http://127.0.0.1:1/'));
    expect(err.message).toBe(
      'Get "http://127.0.0.1:1/": dial tcp 127.0.0.1:1: connect: connection refused',
    );
    expect(dials).toBe(1);
  });
});

describe('trace hooks', () => {
  test('CLI-44 CLI-45 hooks fire in order for a fresh then a reused connection', async () => {
    const srv = await ScriptedServer.serve(() => okResponse('hello'));
    servers.push(srv);
    const t = transport();
    const rec = recorder();
    await getText(t, `${srv.url}/`, rec.trace);
    const addr = `127.0.0.1:${srv.port}`;
    expect(rec.events).toEqual([
      `getConn ${addr}`,
      `connectStart tcp ${addr}`,
      `connectDone tcp ${addr} nil`,
      'gotConn reused=false wasIdle=false',
      'wroteHeaders',
      'wroteRequest nil',
      'gotFirstResponseByte',
      'putIdleConn nil',
    ]);
    rec.events.length = 0;
    await getText(t, `${srv.url}/`, rec.trace);
    expect(rec.events).toEqual([
      `getConn ${addr}`,
      'gotConn reused=true wasIdle=true',
      'wroteHeaders',
      'wroteRequest nil',
      'gotFirstResponseByte',
      'putIdleConn nil',
    ]);
  });

  test('CLI-45 wroteHeaderField reports each header written', async () => {
    const srv = await ScriptedServer.serve(() => okResponse('x'));
    servers.push(srv);
    const t = transport();
    const fields: string[] = [];
    const req = withClientTrace(newRequest('GET', `${srv.url}/`), {
      wroteHeaderField: (k, v) => fields.push(`${k}: ${v.join(',')}`),
    });
    await (await t.roundTrip(req)).body.text();
    expect(fields).toEqual([
      `Host: 127.0.0.1:${srv.port}`,
      'User-Agent: Go-http-client/1.1',
      'Accept-Encoding: gzip',
    ]);
  });

  test('CLI-45 nested withClientTrace runs both hooks', async () => {
    const srv = await ScriptedServer.serve(() => okResponse('x'));
    servers.push(srv);
    const t = transport();
    const seen: string[] = [];
    let req = withClientTrace(newRequest('GET', `${srv.url}/`), {
      gotConn: () => seen.push('outer'),
    });
    req = withClientTrace(req, { gotConn: () => seen.push('inner') });
    await (await t.roundTrip(req)).body.text();
    expect(seen).toEqual(['inner', 'outer']);
  });
});
