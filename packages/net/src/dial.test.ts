import { Socket } from 'node:net';
import { is } from '@ka/io';
import { afterEach, describe, expect, test } from 'vitest';
import { TCPAddr } from './addr.js';
import { TCPConn } from './conn.js';
import { Dialer, dial } from './dial.js';
import { ErrDeadlineExceeded, OpError } from './errors.js';
import { testHooks } from './internal/hooks.js';
import { rejection, sleep, tcpPair } from './internal/test-support.js';
import { listen } from './listen.js';

// A port nobody listens on: listen, note the port, close.
async function closedPort(): Promise<number> {
  const ln = await listen('tcp', '127.0.0.1:0');
  const port = (ln.addr() as TCPAddr).port;
  await ln.close();
  return port;
}

// A connect that never completes (what a black-holed address does), for timeout tests that
// must stay on loopback.
function hangingConnects(): Socket[] {
  const made: Socket[] = [];
  testHooks.connect = () => {
    const s = new Socket();
    made.push(s);
    return s;
  };
  return made;
}

afterEach(() => {
  testHooks.connect = undefined;
});

describe('dial', () => {
  test('NET-10 a refused connection reads like Go', async () => {
    const port = await closedPort();
    const e = await rejection(dial('tcp', `127.0.0.1:${port}`));
    expect(e).toBeInstanceOf(OpError);
    expect(e.message).toBe(`dial tcp 127.0.0.1:${port}: connect: connection refused`);
    expect((e as OpError).op).toBe('dial');
    expect((e as OpError).timeout()).toBe(false);
    const e1 = await rejection(dial('tcp', '127.0.0.1:1'));
    expect(e1.message).toBe('dial tcp 127.0.0.1:1: connect: connection refused');
    const e6 = await rejection(dial('tcp', `[::1]:${port}`));
    expect(e6.message).toBe(`dial tcp [::1]:${port}: connect: connection refused`);
  });

  test('NET-10 a refused dial from a local address names both ends', async () => {
    const port = await closedPort();
    const d = new Dialer({ localAddr: new TCPAddr('127.0.0.1', 0) });
    const e = await rejection(d.dial('tcp', `127.0.0.1:${port}`));
    expect(e.message).toBe(`dial tcp 127.0.0.1:0->127.0.0.1:${port}: connect: connection refused`);
  });

  test('NET-10 an already aborted signal: operation was canceled, reason kept', async () => {
    const ln = await listen('tcp', '127.0.0.1:0');
    const ac = new AbortController();
    const reason = new Error('no thanks');
    ac.abort(reason);
    const e = await rejection(dial('tcp', ln.addr().toString(), { signal: ac.signal }));
    expect(e.message).toBe(`dial tcp ${ln.addr()}: operation was canceled`);
    expect(is(e, reason)).toBe(true);
    expect((e as OpError).timeout()).toBe(false);
    await ln.close();
  });

  test('NET-10 an aborted signal during a name lookup reads like Go', async () => {
    const e = await rejection(dial('tcp', 'localhost:1', { signal: AbortSignal.abort() }));
    expect(e.message).toBe('dial tcp: lookup localhost: operation was canceled');
    const empty = await rejection(dial('tcp', `:${await closedPort()}`));
    expect(empty.message).toMatch(/^dial tcp :\d+: connect: connection refused$/);
  });

  test('NET-10 aborting a dial in progress cancels it and releases the socket', async () => {
    const made = hangingConnects();
    const ac = new AbortController();
    const p = dial('tcp', '127.0.0.1:9', { signal: ac.signal });
    await sleep(10);
    ac.abort();
    const e = await rejection(p);
    expect(e.message).toBe('dial tcp 127.0.0.1:9: operation was canceled');
    expect(made[0]!.destroyed).toBe(true);
  });

  test('NET-10 the dial timeout gives i/o timeout with timeout() true', async () => {
    const made = hangingConnects();
    const e = await rejection(new Dialer({ timeout: 30 }).dial('tcp', '127.0.0.1:9'));
    expect(e.message).toBe('dial tcp 127.0.0.1:9: i/o timeout');
    expect((e as OpError).timeout()).toBe(true);
    // Go keeps dial timeouts apart from os.ErrDeadlineExceeded.
    expect(is(e, ErrDeadlineExceeded)).toBe(false);
    expect(made[0]!.destroyed).toBe(true);
  });

  test('NET-10 a signal aborted with a TimeoutError reason is an i/o timeout', async () => {
    hangingConnects();
    const e = await rejection(dial('tcp', '127.0.0.1:9', { signal: AbortSignal.timeout(20) }));
    expect(e.message).toBe('dial tcp 127.0.0.1:9: i/o timeout');
    expect((e as OpError).timeout()).toBe(true);
  });

  test('NET-10 a deadline already past fails at once', async () => {
    const ln = await listen('tcp', '127.0.0.1:0');
    const e = await rejection(dial('tcp', ln.addr().toString(), { deadline: Date.now() - 1 }));
    expect(e.message).toBe(`dial tcp ${ln.addr()}: i/o timeout`);
    expect((e as OpError).timeout()).toBe(true);
    await ln.close();
  });

  test('a finished dial leaves no listener on the signal and no timer behind', async () => {
    const ln = await listen('tcp', '127.0.0.1:0');
    const ac = new AbortController();
    const c = await dial('tcp', ln.addr().toString(), { signal: ac.signal, timeout: 60_000 });
    const s = await ln.accept();
    ac.abort(); // must not affect the established conn
    await c.write(new Uint8Array([1]));
    expect(await s.read(new Uint8Array(1))).toBe(1);
    await c.close();
    await s.close();
    await ln.close();
  });

  test('NET-08 dialed conns get keep-alive 15 s by default; a positive value replaces idle; negative turns it off', async () => {
    const cases: [number | undefined, unknown][] = [
      [undefined, { enable: true, idle: 15_000, interval: 15_000, count: 9 }],
      [0, { enable: true, idle: 15_000, interval: 15_000, count: 9 }],
      [30_000, { enable: true, idle: 30_000, interval: 15_000, count: 9 }],
      [-1, null],
    ];
    for (const [keepAlive, want] of cases) {
      const p = await tcpPair({}, keepAlive === undefined ? {} : { keepAlive });
      expect(p.client.keepAliveConfig).toEqual(want);
      await p.close();
    }
    const p = await tcpPair(
      {},
      { keepAliveConfig: { enable: true, idle: 1_000, interval: 2_000, count: 4 } },
    );
    expect(p.client.keepAliveConfig).toEqual({
      enable: true,
      idle: 1_000,
      interval: 2_000,
      count: 4,
    });
    await p.close();
  });

  test('NET-09 dialed conns have TCP_NODELAY on', async () => {
    const p = await tcpPair();
    expect(p.client).toBeInstanceOf(TCPConn);
    expect(p.client.noDelay).toBe(true);
    await p.close();
  });

  test('dial by name and over IPv6', async () => {
    const ln = await listen('tcp', '127.0.0.1:0');
    const port = (ln.addr() as TCPAddr).port;
    const c = await dial('tcp4', `localhost:${port}`);
    const s = await ln.accept();
    expect(c.remoteAddr().toString()).toBe(`127.0.0.1:${port}`);
    await c.close();
    await s.close();
    await ln.close();
    const ln6 = await listen('tcp6', '[::1]:0');
    const c6 = await dial('tcp6', ln6.addr().toString());
    const s6 = await ln6.accept();
    expect(c6.remoteAddr().toString()).toBe(ln6.addr().toString());
    expect(c6.localAddr().toString()).toMatch(/^\[::1\]:\d+$/);
    await c6.close();
    await s6.close();
    await ln6.close();
  });

  test('address errors read like Go', async () => {
    const cases: [string, string, string][] = [
      ['tcp', '127.0.0.1', 'dial tcp: address 127.0.0.1: missing port in address'],
      ['tcp', '127.0.0.1:abc', 'dial tcp: lookup tcp/abc: unknown port'],
      ['tcp', '127.0.0.1:99999', 'dial tcp: address 99999: invalid port'],
      ['tcp', '127.0.0.1:-1', 'dial tcp: address -1: invalid port'],
      ['tcp4', '[::1]:80', 'dial tcp4: address ::1: no suitable address found'],
      ['tcp6', '127.0.0.1:80', 'dial tcp6: address 127.0.0.1: no suitable address found'],
      ['foo', '127.0.0.1:80', 'dial foo: unknown network foo'],
    ];
    for (const [network, address, text] of cases) {
      expect((await rejection(dial(network, address))).message).toBe(text);
    }
  });
});
