// The accounting, in-process: synthetic runs put through `account` and `formatReport`.
import { describe, expect, it } from 'vitest';
import { parseDemoArgs } from './args.js';
import type { ServerEvent, ShutdownSummary } from './demo-server.js';
import { account, formatReport, isRefused, type RequestRecord, type RunData } from './report.js';

const REFUSED = 'dial tcp 127.0.0.1:PORT: connect: connection refused';

function rec(id: string, over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    id,
    client: 'load',
    sleepMs: 0,
    startMs: 100,
    endMs: 110,
    attempts: 1,
    outcome: 'answered',
    status: 200,
    connectionClose: false,
    ...over,
  };
}

function refused(id: string, over: Partial<RequestRecord> = {}): RequestRecord {
  return rec(id, {
    outcome: 'failed',
    status: undefined,
    connectionClose: undefined,
    error: REFUSED,
    refused: true,
    startMs: 1_100,
    endMs: 1_101,
    ...over,
  });
}

function summary(over: Partial<ShutdownSummary['requests']> = {}): ShutdownSummary {
  return {
    outcome: 'complete',
    deadlineMs: 10_000,
    shutdownMs: 600,
    conns: {
      atSignal: { new: 0, active: 2, idle: 1 },
      closed: { new: 0, active: 2, idle: 1 },
      idleClosedWithinMs: 1.5,
    },
    requests: {
      handled: ['a', 'b', 'slow1', 'slow2'],
      inFlightAtSignal: ['slow1', 'slow2'],
      finishedAfterSignal: ['slow1', 'slow2'],
      cutOff: [],
      ...over,
    },
  };
}

/** A good run: 2 fast answers, 2 in-flight answered with Connection: close, 2 refused. */
function data(records: RequestRecord[], s: ShutdownSummary = summary(), exitCode = 0): RunData {
  const events: ServerEvent[] = [
    { event: 'listening', addr: '127.0.0.1:1234', pid: 42 },
    { event: 'done', ...s },
  ];
  return {
    options: parseDemoArgs([]),
    server: { pid: 42, addr: '127.0.0.1:1234', exitCode, exitSignal: null, events },
    records,
    signalAtMs: 1_000,
    serverExitAtMs: 1_700,
    idleClients: { count: 1, poolsEmptyAfterShutdown: 1 },
    silent: { count: 0, closedAtMs: [] },
    timedOut: false,
  };
}

const good = (): RequestRecord[] => [
  rec('a'),
  rec('b'),
  rec('slow1', { sleepMs: 500, startMs: 800, endMs: 1_300, connectionClose: true }),
  rec('slow2', { sleepMs: 700, startMs: 900, endMs: 1_600, connectionClose: true }),
  refused('c'),
  refused('d'),
];

describe('account', () => {
  it('puts every request in one bucket: answered, in flight with Connection: close, refused', () => {
    const r = account(data(good()));
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    const q = r.requests;
    expect(q.sent).toBe(6);
    expect(q.sentAfterSignal).toBe(2);
    expect(q.answered).toBe(4);
    expect(q.answeredWithClose).toBe(2);
    expect(q.inFlightAtSignal).toEqual({
      count: 2,
      answered: 2,
      withConnectionClose: 2,
      lastAnsweredAfterMs: 600,
    });
    expect(q.refusedAfterShutdown).toBe(2);
    expect(q.unreadClosed).toBe(0);
    expect(q.lost).toBe(0);
    expect(q.errors).toEqual([{ text: REFUSED, count: 2 }]);
    expect(r.server.handled).toBe(4);
  });

  it('a refused request the server had handled is LOST (the retry hid the cut-off answer)', () => {
    // The deadline passed: slow2's connection was closed mid-handler; the transport retried
    // the GET on a new connection and that was refused.
    const records = good();
    records[3] = refused('slow2', { attempts: 2, startMs: 900 });
    const r = account(
      data(
        records,
        { ...summary({ finishedAfterSignal: ['slow1'], cutOff: ['slow2'] }), outcome: 'deadline' },
        1,
      ),
    );
    expect(r.ok).toBe(false);
    expect(r.requests.lost).toBe(1);
    expect(r.requests.lostIds).toEqual(['slow2']);
    expect(r.requests.refusedAfterShutdown).toBe(2);
    expect(r.requests.retried).toBe(1);
    expect(r.requests.inFlightAtSignal.answered).toBe(1);
    expect(r.problems).toEqual([
      'the server exited with code 1',
      'the shutdown deadline passed with 1 handler(s) running',
      '1 request(s) LOST: handled by the server, never answered',
      '1 of 2 in-flight request(s) not answered',
    ]);
  });

  it('an in-flight answer without Connection: close is a problem', () => {
    const records = good();
    records[2] = rec('slow1', { sleepMs: 500, startMs: 800, endMs: 1_300 });
    const r = account(data(records));
    expect(r.problems).toEqual(['1 in-flight answer(s) without Connection: close']);
  });

  it('a handled id no client recorded is LOST too', () => {
    const r = account(data(good(), summary({ handled: ['a', 'b', 'slow1', 'slow2', 'ghost'] })));
    expect(r.requests.lostIds).toEqual(['ghost']);
  });

  it('a failure that is not a refusal and was never handled is counted apart, not lost', () => {
    const records = good();
    records.push(refused('e', { error: 'EOF', refused: false }), rec('f', { attempts: 2 }));
    const r = account(data(records, summary({ handled: ['a', 'b', 'slow1', 'slow2', 'f', 'f'] })));
    expect(r.requests.unreadClosed).toBe(1);
    expect(r.requests.lost).toBe(0);
    expect(r.requests.retried).toBe(1);
    expect(r.requests.handledTwice).toBe(1);
    expect(r.ok).toBe(true);
  });

  it('failures before the SIGTERM, non-200 answers and a missing summary are problems', () => {
    const records = good();
    records.push(refused('early', { startMs: 10, endMs: 20 }), rec('teapot', { status: 418 }));
    const d = data(records);
    d.server.events = d.server.events.filter((e) => e.event !== 'done');
    const r = account(d);
    expect(r.server.outcome).toBeNull();
    expect(r.problems).toContain('the server never reported its shutdown');
    expect(r.problems).toContain('1 request(s) failed before the SIGTERM');
    expect(r.problems).toContain('1 answer(s) with a status other than 200');
  });
});

describe('isRefused', () => {
  it('finds ECONNREFUSED or the refused text anywhere along the cause chain', () => {
    const errno = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    expect(isRefused(new Error('outer', { cause: new Error('mid', { cause: errno }) }))).toBe(true);
    expect(isRefused(new Error(REFUSED))).toBe(true);
    expect(isRefused(new Error('EOF'))).toBe(false);
    expect(isRefused(undefined)).toBe(false);
  });
});

describe('formatReport', () => {
  it('prints the buckets, LOST 0 and OK for a good run', () => {
    const text = formatReport(account(data(good())));
    expect(text).toMatch(/in flight at the SIGTERM +2 {2}answered 2, with Connection: close 2/);
    expect(text).toMatch(/refused after shutdown +2 /);
    expect(text).toMatch(/LOST +0 /);
    expect(text).toMatch(/idle +1 of 1 closed at once \(all within 1\.5 ms\)/);
    expect(text.trimEnd().endsWith('result: OK, nothing lost')).toBe(true);
  });

  it('prints FAILED with each problem for a bad run', () => {
    const records = good();
    records[3] = refused('slow2', { attempts: 2 });
    const text = formatReport(account(data(records)));
    expect(text).toMatch(/LOST +1 {2}handled by the server, never answered: slow2/);
    expect(text).toContain('result: FAILED\n  - 1 request(s) LOST');
  });
});
