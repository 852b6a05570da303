import { is } from '@ka/io';
import { describe, expect, test } from 'vitest';
import { OnceCloseListener, serveListener } from './accept-loop.js';
import { type Addr, TCPAddr } from './addr.js';
import type { Conn } from './conn.js';
import { dial } from './dial.js';
import { ErrClosed, OpError, SyscallError } from './errors.js';
import { rejection, sleep } from './internal/test-support.js';
import { type Listener, listen } from './listen.js';
import { pipe } from './pipe.js';

const addr = new TCPAddr('127.0.0.1', 8080);

function acceptErr(code: string): OpError {
  return new OpError({ op: 'accept', net: 'tcp', addr, err: new SyscallError('accept4', code) });
}

// Go's TestAcceptMaxFds shape: a listener that returns scripted results, then ErrClosed.
class ScriptedListener implements Listener {
  closes = 0;
  accepts = 0;
  readonly #script: (Conn | Error)[];
  #closed = false;
  constructor(script: (Conn | Error)[]) {
    this.#script = script;
  }
  accept(): Promise<Conn> {
    this.accepts++;
    const next = this.#script.shift();
    if (next === undefined || this.#closed) {
      return Promise.reject(new OpError({ op: 'accept', net: 'tcp', addr, err: ErrClosed }));
    }
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  }
  close(): Promise<void> {
    this.closes++;
    if (this.#closed)
      return Promise.reject(new OpError({ op: 'close', net: 'tcp', addr, err: ErrClosed }));
    this.#closed = true;
    return Promise.resolve();
  }
  addr(): Addr {
    return addr;
  }
}

function fakeConn(): Conn {
  return pipe()[0];
}

describe('serveListener', () => {
  test('NET-12 NET-13 temporary errors are logged and retried with doubling delays; a success resets them', async () => {
    const c1 = fakeConn();
    const c2 = fakeConn();
    const script: (Conn | Error)[] = [
      acceptErr('EMFILE'),
      acceptErr('ENFILE'),
      acceptErr('ECONNABORTED'),
      acceptErr('EMFILE'),
      acceptErr('EMFILE'),
      acceptErr('EMFILE'),
      acceptErr('EMFILE'),
      acceptErr('EMFILE'),
      acceptErr('EMFILE'),
      acceptErr('EMFILE'),
      c1,
      acceptErr('EMFILE'),
      c2,
    ];
    const l = new ScriptedListener(script);
    const logs: string[] = [];
    const sleeps: number[] = [];
    const served: Conn[] = [];
    const err = await rejection(
      serveListener(l, (c) => served.push(c), {
        log: (m) => logs.push(m),
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      }),
    );
    expect(sleeps).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000, 5]);
    expect(logs[0]).toBe(
      'http: Accept error: accept tcp 127.0.0.1:8080: accept4: too many open files; retrying in 5ms',
    );
    expect(logs[1]).toBe(
      'http: Accept error: accept tcp 127.0.0.1:8080: accept4: too many open files in system; retrying in 10ms',
    );
    expect(logs[2]).toBe(
      'http: Accept error: accept tcp 127.0.0.1:8080: accept4: software caused connection abort; retrying in 20ms',
    );
    expect(logs[8]).toMatch(/retrying in 1s$/);
    expect(logs[10]).toMatch(/retrying in 5ms$/);
    expect(served).toEqual([c1, c2]);
    // The non-temporary error ends the loop, and the listener was closed once.
    expect(is(err, ErrClosed)).toBe(true);
    expect(err.message).toBe('accept tcp 127.0.0.1:8080: use of closed network connection');
    expect(l.closes).toBe(1);
    await c1.close();
    await c2.close();
  });

  test('NET-13 a non-temporary error ends the loop with that error', async () => {
    const boom = acceptErr('EINVAL');
    const l = new ScriptedListener([boom]);
    const logs: string[] = [];
    const err = await rejection(serveListener(l, () => {}, { log: (m) => logs.push(m) }));
    expect(err).toBe(boom);
    expect(logs).toEqual([]);
    expect(l.closes).toBe(1);
  });

  test('NET-13 the default sleep really waits', async () => {
    const l = new ScriptedListener([acceptErr('EMFILE')]);
    const t0 = performance.now();
    await rejection(serveListener(l, () => {}, { log: () => {} }));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(4);
  });

  test('NET-14 the listener is closed once, however many paths close it', async () => {
    const inner = new ScriptedListener([]);
    const once = new OnceCloseListener(inner);
    await Promise.all([once.close(), once.close()]);
    await once.close();
    expect(inner.closes).toBe(1);
    // serveListener reuses a OnceCloseListener it is given.
    await rejection(serveListener(once, () => {}));
    expect(inner.closes).toBe(1);
    expect(once.addr()).toBe(addr);
  });

  test('NET-14 after serveListener ends, the port refuses new dials', async () => {
    const ln = await listen('tcp', '127.0.0.1:0');
    const port = (ln.addr() as TCPAddr).port;
    const ac = new AbortController();
    const serving = serveListener(ln, (c) => void c.close(), { signal: ac.signal });
    const c = await dial('tcp', `127.0.0.1:${port}`);
    expect(await c.read(new Uint8Array(1))).toBeNull(); // served: closed by onConn
    await c.close();
    const reason = new Error('stop serving');
    ac.abort(reason);
    expect(await rejection(serving)).toBe(reason);
    const refused = await rejection(dial('tcp', `127.0.0.1:${port}`));
    expect(refused.message).toBe(`dial tcp 127.0.0.1:${port}: connect: connection refused`);
  });

  test('NET-15 shutting down before serving: rejects with closedError at once and closes the listener', async () => {
    const l = new ScriptedListener([fakeConn()]);
    const serverClosed = new Error('http: Server closed');
    const err = await rejection(
      serveListener(l, () => {}, { shuttingDown: () => true, closedError: serverClosed }),
    );
    expect(err).toBe(serverClosed);
    expect(l.accepts).toBe(0);
    expect(l.closes).toBe(1);
  });

  test('NET-15 an accept error during shutdown ends with closedError, not the accept error', async () => {
    const ln = await listen('tcp', '127.0.0.1:0');
    let shutting = false;
    const serverClosed = new Error('http: Server closed');
    let tracked: Listener | undefined;
    const serving = serveListener(ln, () => {}, {
      shuttingDown: () => shutting,
      closedError: serverClosed,
      onListener: (l) => {
        tracked = l;
      },
    });
    await sleep(5);
    shutting = true;
    await tracked!.close(); // what Shutdown does
    expect(await rejection(serving)).toBe(serverClosed);
    // The once-wrapper absorbed the loop's own close.
    expect((await rejection(ln.close())).message).toMatch(
      /^close tcp .*: use of closed network connection$/,
    );
  });

  test('NET-16 onConn runs synchronously for each conn, before the next accept', async () => {
    const cs = [fakeConn(), fakeConn(), fakeConn()];
    const l = new ScriptedListener([...cs]);
    const acceptsAtCall: number[] = [];
    await rejection(serveListener(l, () => acceptsAtCall.push(l.accepts)));
    // Go calls ConnContext in the loop: conn i is handed over before accept i+1 starts.
    expect(acceptsAtCall).toEqual([1, 2, 3]);
    for (const c of cs) await c.close();
  });

  test('NET-17 the remote address is read in the per-conn task, not in the accept loop', async () => {
    const ln = await listen('tcp', '127.0.0.1:0');
    const seen: string[] = [];
    const conns: Conn[] = [];
    const ac = new AbortController();
    const serving = serveListener(
      ln,
      (c) => {
        conns.push(c);
        // The per-conn task computes the address string (Go: c.remoteAddr in (*conn).serve).
        queueMicrotask(() => seen.push(c.remoteAddr().toString()));
      },
      { signal: ac.signal },
    );
    const d1 = await dial('tcp', ln.addr().toString());
    const d2 = await dial('tcp', ln.addr().toString());
    while (conns.length < 2) await sleep(2);
    expect(seen.sort()).toEqual([d1.localAddr().toString(), d2.localAddr().toString()].sort());
    ac.abort();
    await rejection(serving);
    for (const c of [...conns, d1, d2]) await c.close();
  });

  test('an onConn that throws ends the loop and closes the listener', async () => {
    const c = fakeConn();
    const l = new ScriptedListener([c]);
    const bug = new Error('bug');
    const err = await rejection(
      serveListener(l, () => {
        throw bug;
      }),
    );
    expect(err).toBe(bug);
    expect(l.closes).toBe(1);
    await c.close();
  });
});
