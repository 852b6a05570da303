// The demo server in-process: a real ka server on 127.0.0.1, @ka/client on the other end.
import { Transport } from '@ka/client';
import { newRequest, type Response } from '@ka/http';
import { afterEach, describe, expect, it } from 'vitest';
import { DemoServer, formatServerEvent, type ServerEvent } from './demo-server.js';
import { isRefused } from './report.js';

let server: DemoServer | undefined;
let transports: Transport[] = [];

afterEach(async () => {
  for (const t of transports) t.closeIdleConnections();
  transports = [];
  // A server a test did not shut down (a failed assertion) is closed here.
  if (server !== undefined) await server.srv.close().catch(() => {});
  server = undefined;
});

function transport(): Transport {
  const t = new Transport();
  transports.push(t);
  return t;
}

async function get(
  t: Transport,
  addr: string,
  id: string,
  sleepMs: number,
): Promise<Response & { text: string }> {
  const resp = await t.roundTrip(
    newRequest('GET', `http://${addr}/work?id=${id}&sleep=${sleepMs}`),
  );
  return Object.assign(resp, { text: await resp.body.text() });
}

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('DemoServer.shutdown', () => {
  it('finishes the in-flight request with Connection: close and closes the idle connection at once', async () => {
    const events: ServerEvent[] = [];
    server = new DemoServer((e) => events.push(e));
    const addr = await server.start('127.0.0.1:0');

    const idle = transport();
    const first = await get(idle, addr, 'idle-0', 0);
    expect(first.statusCode).toBe(200);
    expect(first.close).toBe(false);
    expect(idle.idleConnCount()).toBe(1);

    const busy = transport();
    const slow = get(busy, addr, 'slow', 400);
    await until(() => server!.inHandler.includes('slow'), 'the slow handler');

    const summary = await server.shutdown(10_000);
    const resp = await slow;
    expect(resp.statusCode).toBe(200);
    expect(resp.text).toBe('done slow after 400 ms\n');
    expect(resp.close).toBe(true); // Connection: close: the server will not take another

    expect(summary.outcome).toBe('complete');
    expect(summary.conns.atSignal).toEqual({ new: 0, active: 1, idle: 1 });
    expect(summary.conns.closed).toEqual({ new: 0, active: 1, idle: 1 });
    // "At once": the first poll, 1 ms in; generous for a loaded machine.
    expect(summary.conns.idleClosedWithinMs).toBeGreaterThanOrEqual(0);
    expect(summary.conns.idleClosedWithinMs).toBeLessThan(1_000);
    expect(summary.requests).toEqual({
      handled: ['idle-0', 'slow'],
      inFlightAtSignal: ['slow'],
      finishedAfterSignal: ['slow'],
      cutOff: [],
    });
    expect(events.map((e) => e.event)).toEqual([
      'listening',
      'signal',
      'conn-closed', // the idle one, first
      'request-finished',
      'conn-closed',
      'done',
    ]);
    expect(events[2]).toMatchObject({ event: 'conn-closed', was: 'idle' });

    // The idle client's pool saw the close; a new request is refused: nothing listens.
    await until(() => idle.idleConnCount() === 0, 'the idle pool to drop its connection');
    const err = await get(idle, addr, 'idle-1', 0).catch((e: unknown) => e);
    expect(isRefused(err), String(err)).toBe(true);
  });

  it('past its deadline closes the connection and reports the running handler as cut off', async () => {
    server = new DemoServer();
    const addr = await server.start('127.0.0.1:0');
    const t = transport();
    const slow = get(t, addr, 'stuck', 30_000).catch((e: unknown) => e);
    await until(() => server!.inHandler.includes('stuck'), 'the handler');

    const summary = await server.shutdown(100);
    expect(summary.outcome).toBe('deadline');
    expect(summary.requests.cutOff).toEqual(['stuck']);
    expect(summary.requests.finishedAfterSignal).toEqual([]);
    expect(summary.conns.closed.active).toBe(1);
    // The client never gets an answer: the request was handled and lost.
    expect(await slow).toBeInstanceOf(Error);
  });

  it('with nothing open returns at once', async () => {
    server = new DemoServer();
    await server.start('127.0.0.1:0');
    const summary = await server.shutdown(10_000);
    expect(summary.outcome).toBe('complete');
    expect(summary.conns.atSignal).toEqual({ new: 0, active: 0, idle: 0 });
    expect(summary.conns.idleClosedWithinMs).toBe(-1);
    expect(summary.shutdownMs).toBeLessThan(1_000);
  });
});

describe('formatServerEvent', () => {
  it('one line per event, in words', () => {
    expect(formatServerEvent({ event: 'listening', addr: '127.0.0.1:8080', pid: 7 })).toMatch(
      /^listening on 127\.0\.0\.1:8080\n/,
    );
    expect(
      formatServerEvent({
        event: 'signal',
        signal: 'SIGTERM',
        deadlineMs: 10_000,
        conns: { new: 0, active: 1, idle: 2 },
        inHandler: ['r1'],
      }),
    ).toBe(
      'SIGTERM: shutting down, deadline 10000 ms: listener closed; 3 connections open (1 active, 2 idle, 0 new); 1 request in a handler (r1)\n',
    );
    expect(formatServerEvent({ event: 'conn-closed', conn: 3, was: 'idle', afterMs: 1.2 })).toBe(
      '      +1.2 ms  connection 3 (idle at the signal) closed\n',
    );
  });
});
