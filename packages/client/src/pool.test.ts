// Unit tests of the pool's building blocks: connLRU, wantConn / wantConnQueue, the request
// scope (context), bodyEOFSignal and the 408 check.

import { BytesBody } from '@ka/http/internal';
import { EOF } from '@ka/io';
import { describe, expect, test } from 'vitest';
import { BodyEOFSignal } from './body.js';
import { ConnLRU } from './conn-lru.js';
import { ConnectMethod } from './connect-method.js';
import { Canceled, CancelScope, contextError, DeadlineExceeded } from './context.js';
import { is408Message } from './persist-conn.js';
import { WantConn, WantConnQueue } from './want-conn.js';

const cm = new ConnectMethod({ targetScheme: 'http', targetAddr: 'x:80' });
function want(): WantConn<string> {
  return new WantConn<string>(cm, cm.key());
}

describe('connLRU', () => {
  test('removeOldest returns connections in the order they became idle', () => {
    const l = new ConnLRU<string>();
    l.add('a');
    l.add('b');
    l.add('c');
    l.remove('b');
    expect(l.length).toBe(2);
    expect(l.removeOldest()).toBe('a');
    expect(l.removeOldest()).toBe('c');
    expect(l.removeOldest()).toBeUndefined();
  });
  test('adding a connection twice is a bug', () => {
    const l = new ConnLRU<string>();
    l.add('a');
    expect(() => l.add('a')).toThrow('persistConn was already in LRU');
  });
});

describe('wantConn', () => {
  test('the first delivery wins', async () => {
    const w = want();
    expect(w.waiting()).toBe(true);
    expect(w.tryDeliver('pc1', undefined, 0)).toBe(true);
    expect(w.tryDeliver('pc2', undefined, 0)).toBe(false);
    expect(w.waiting()).toBe(false);
    expect(w.getCtxForDial()).toBeUndefined();
    expect(w.take()?.pc).toBe('pc1');
  });
  test('cancel after an untaken delivery gives the conn back', () => {
    const w = want();
    w.tryDeliver('pc1', undefined, 0);
    const back: string[] = [];
    w.cancel({ putOrCloseIdleConn: (pc) => back.push(pc) });
    expect(back).toEqual(['pc1']);
  });
  test('cancel before delivery refuses later deliveries', () => {
    const w = want();
    const back: string[] = [];
    w.cancel({ putOrCloseIdleConn: (pc) => back.push(pc) });
    expect(w.tryDeliver('pc1', undefined, 0)).toBe(false);
    expect(back).toEqual([]);
  });
  test('misuse of tryDeliver throws', () => {
    expect(() => want().tryDeliver(undefined, undefined, 0)).toThrow('misuse of tryDeliver');
  });
  test('queue: FIFO, cleanFrontNotWaiting, cleanFrontCanceled', () => {
    const q = new WantConnQueue<string>();
    const ws = Array.from({ length: 40 }, want);
    for (const w of ws) q.pushBack(w);
    expect(q.length).toBe(40);
    ws[0]!.tryDeliver('x', undefined, 0);
    ws[1]!.tryDeliver('y', undefined, 0);
    expect(q.cleanFrontNotWaiting()).toBe(true);
    expect(q.peekFront()).toBe(ws[2]);
    ws[2]!.cancelCtx = undefined;
    q.cleanFrontCanceled();
    expect(q.popFront()).toBe(ws[3]);
    expect([...q.all()].length).toBe(36);
    for (let i = 0; i < 36; i++) q.popFront();
    expect(q.popFront()).toBeUndefined();
    expect(q.length).toBe(0);
  });
});

describe('context', () => {
  test('abort reasons map to Go context errors', () => {
    const ac = new AbortController();
    ac.abort();
    expect(contextError(ac.signal.reason)).toBe(Canceled);
    expect(contextError(new DOMException('x', 'TimeoutError'))).toBe(DeadlineExceeded);
    const e = new Error('mine');
    expect(contextError(e)).toBe(e);
    expect(Canceled.message).toBe('context canceled');
    expect(DeadlineExceeded.message).toBe('context deadline exceeded');
    expect(DeadlineExceeded.timeout()).toBe(true);
  });
  test('a scope follows its parent and detaches when done', () => {
    const ac = new AbortController();
    const s = new CancelScope(ac.signal);
    const s2 = new CancelScope(ac.signal);
    s2.cancel('done');
    ac.abort();
    expect(s.cause).toBe(Canceled);
    expect(s2.cause).toBe('done');
    expect(s.signal.aborted).toBe(true);
  });
});

describe('bodyEOFSignal', () => {
  test('fn runs once at EOF; reads after close fail', async () => {
    const seen: unknown[] = [];
    const b = new BodyEOFSignal(new BytesBody(Buffer.from('abc')), {
      fn: async (err) => {
        seen.push(err);
        return err;
      },
    });
    expect(await b.text()).toBe('abc');
    expect(await b.read(new Uint8Array(1))).toBeNull();
    expect(seen).toEqual([EOF]);
    await b.close();
    await expect(b.read(new Uint8Array(1))).rejects.toThrow('http: read on closed response body');
  });
  test('closing before EOF runs earlyCloseFn instead', async () => {
    const seen: string[] = [];
    const b = new BodyEOFSignal(new BytesBody(Buffer.from('abc')), {
      fn: async (err) => {
        seen.push('fn');
        return err;
      },
      earlyCloseFn: async () => {
        seen.push('early');
      },
    });
    await b.read(new Uint8Array(1));
    await b.close();
    await b.close();
    expect(seen).toEqual(['early']);
  });
});

test('is408Message (Go: TestIs408)', () => {
  const cases: [string, boolean][] = [
    ['', false],
    ['HTTP/1.1 408', true],
    ['HTTP/1.8 408', true],
    ['HTTP/2.0 408', false],
    ['HTTP/1.1 408 ', true],
    ['HTTP/1.1 40', false],
    ['http/1.0 408', false],
    ['HTTP/1-1 408', false],
  ];
  for (const [s, want] of cases) expect(is408Message(Buffer.from(s)), s).toBe(want);
});
