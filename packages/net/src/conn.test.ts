import { createServer, type Server, Socket } from 'node:net';
import { is, isTimeout } from '@ka/io';
import { describe, expect, test, vi } from 'vitest';
import type { TCPAddr } from './addr.js';
import { isReadableWatcher, keepAliveArgs, readHighWaterMark, type TCPConn } from './conn.js';
import { dial } from './dial.js';
import { ErrClosed, ErrDeadlineExceeded, OpError } from './errors.js';
import { directReadsOf } from './internal/direct-reads.js';
import {
  pattern,
  rejection,
  settled,
  sleep,
  type TCPPair,
  tcpPair,
} from './internal/test-support.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

// Reads exactly n bytes.
async function readN(c: TCPConn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const k = await c.read(out.subarray(got));
    if (k === null) throw new Error(`EOF after ${got} of ${n}`);
    got += k;
  }
  return out;
}

// A raw node:net server whose accepted socket is handed to `onSocket`.
async function rawServer(onSocket: (s: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('read and write', () => {
  test('bytes cross in both directions, intact, across chunk boundaries', async () => {
    const p = await tcpPair();
    const data = pattern(1 << 20, 7);
    const w = p.client.write(data);
    const got = await readN(p.server, data.length);
    expect(await w).toBe(data.length);
    expect(Buffer.compare(got, data)).toBe(0);
    // Small reads out of one chunk.
    await p.server.write(enc.encode('hello world'));
    const b = new Uint8Array(5);
    expect(await p.client.read(b)).toBe(5);
    expect(dec.decode(b)).toBe('hello');
    expect(await p.client.read(b)).toBe(5);
    expect(dec.decode(b)).toBe(' worl');
    expect(await p.client.read(b)).toBe(1);
    expect(dec.decode(b.subarray(0, 1))).toBe('d');
    await p.close();
  });

  test('a zero-length read and write return 0 at once', async () => {
    const p = await tcpPair();
    expect(await p.client.read(new Uint8Array(0))).toBe(0);
    expect(await p.client.write(new Uint8Array(0))).toBe(0);
    await p.close();
  });

  test('peer EOF resolves null, after the queued bytes', async () => {
    const p = await tcpPair();
    await p.server.write(enc.encode('bye'));
    await p.server.close();
    const b = new Uint8Array(16);
    expect(await p.client.read(b)).toBe(3);
    expect(await p.client.read(b)).toBeNull();
    expect(await p.client.read(b)).toBeNull();
    await p.close();
  });

  test('a write resolves only once the bytes left Node: the buffer may be reused', async () => {
    const p = await tcpPair();
    const buf = new Uint8Array(256 * 1024);
    const sent: Uint8Array[] = [];
    const reader = readN(p.server, 4 * buf.length);
    for (let i = 0; i < 4; i++) {
      buf.fill(i + 1);
      sent.push(buf.slice());
      await p.client.write(buf);
    }
    const got = await reader;
    for (let i = 0; i < 4; i++) {
      expect(Buffer.compare(got.subarray(i * buf.length, (i + 1) * buf.length), sent[i]!)).toBe(0);
    }
    await p.close();
  });

  // The accepted side reads through the socket's stream ('data'); the dialed side gets its
  // reads handed over directly (Node's onread option, see internal/direct-reads.ts).
  const readers = [
    ['an accepted conn', (p: TCPPair) => ({ writer: p.client, reader: p.server })],
    ['a dialed conn', (p: TCPPair) => ({ writer: p.server, reader: p.client })],
  ] as const;

  test.each(readers)(
    'a slow reader pushes back: %s buffers a bounded amount and the sender blocks',
    async (_, sides) => {
      const p = await tcpPair();
      const { writer, reader } = sides(p);
      const big = pattern(32 << 20);
      const w = writer.write(big);
      await sleep(50);
      expect(await settled(w)).toBe(false);
      // Our queue holds at most the high-water mark plus Node's own buffer and one chunk.
      expect(reader.bytesRead).toBeLessThan(readHighWaterMark * 8);
      const got = await readN(reader, big.length);
      expect(await w).toBe(big.length);
      expect(Buffer.compare(got, big)).toBe(0);
      expect(reader.bytesRead).toBe(big.length);
      expect(writer.bytesWritten).toBe(big.length);
      await p.close();
    },
  );

  test('a dialed conn takes its reads directly: the socket emits no data events', async () => {
    const p = await tcpPair();
    const socket = (p.client as unknown as { socket: Socket }).socket;
    expect(directReadsOf(socket)).toBeDefined();
    expect(directReadsOf((p.server as unknown as { socket: Socket }).socket)).toBeUndefined();
    let dataEvents = 0;
    socket.on('data', () => dataEvents++);
    await p.server.write(pattern(200_000));
    const got = await readN(p.client, 200_000);
    expect(Buffer.compare(got, pattern(200_000))).toBe(0);
    expect(dataEvents).toBe(0);
    await p.server.closeWrite();
    expect(await p.client.read(new Uint8Array(1))).toBeNull();
    await p.close();
  });

  test('concurrent reads are served in order', async () => {
    const p = await tcpPair();
    const b1 = new Uint8Array(3);
    const b2 = new Uint8Array(3);
    const r1 = p.client.read(b1);
    const r2 = p.client.read(b2);
    await p.server.write(enc.encode('abcdef'));
    expect(await r1).toBe(3);
    expect(await r2).toBe(3);
    expect(dec.decode(b1) + dec.decode(b2)).toBe('abcdef');
    await p.close();
  });

  test('readChunk hands out queued bytes without copying, bounded by max', async () => {
    const p = await tcpPair();
    await p.server.write(enc.encode('0123456789'));
    const first = await p.client.readChunk(4);
    expect(dec.decode(first!)).toBe('0123');
    const rest: string[] = [];
    let got = 4;
    while (got < 10) {
      const c = await p.client.readChunk();
      rest.push(dec.decode(c!));
      got += c!.length;
    }
    expect(rest.join('')).toBe('456789');
    await p.server.closeWrite();
    expect(await p.client.readChunk()).toBeNull();
    await p.close();
  });
});

describe('close', () => {
  test('NET-03 I/O after close fails with ErrClosed; a second close rejects', async () => {
    const p = await tcpPair();
    const c = p.client;
    const l = c.localAddr().toString();
    const r = c.remoteAddr().toString();
    const pending = c.read(new Uint8Array(1));
    await c.close();
    const pe = await rejection(pending);
    expect(pe.message).toBe(`read tcp ${l}->${r}: use of closed network connection`);

    const re = await rejection(c.read(new Uint8Array(1)));
    expect(re).toBeInstanceOf(OpError);
    expect(re.message).toBe(`read tcp ${l}->${r}: use of closed network connection`);
    expect(is(re, ErrClosed)).toBe(true);
    expect(isTimeout(re)).toBe(false);

    const we = await rejection(c.write(new Uint8Array(1)));
    expect(we.message).toBe(`write tcp ${l}->${r}: use of closed network connection`);
    expect(is(we, ErrClosed)).toBe(true);

    const ce = await rejection(c.close());
    expect(ce.message).toBe(`close tcp ${l}->${r}: use of closed network connection`);

    // Setters return (not throw) Go's errors.
    expect(c.setDeadline(0)?.message).toBe(`set tcp ${l}: use of closed network connection`);
    expect(c.setReadDeadline(0)?.message).toBe(`set tcp ${l}: use of closed network connection`);
    expect(c.setNoDelay(true)?.message).toBe(
      `set tcp ${l}->${r}: use of closed network connection`,
    );
    expect((await rejection(c.closeWrite())).message).toBe(
      `close tcp ${l}->${r}: use of closed network connection`,
    );

    // The peer sees EOF.
    expect(await p.server.read(new Uint8Array(1))).toBeNull();
    await p.close();
  });

  test('NET-03 close fails a pending write', async () => {
    const p = await tcpPair();
    const w = p.client.write(pattern(32 << 20));
    await sleep(20);
    await p.client.close();
    const e = await rejection(w);
    expect(is(e, ErrClosed)).toBe(true);
    expect(e.message).toMatch(/^write tcp .*: use of closed network connection$/);
    await p.close();
  });
});

describe('deadlines', () => {
  test('NET-04 read deadline fails with i/o timeout and the conn stays usable', async () => {
    const p = await tcpPair();
    const c = p.client;
    expect(c.setReadDeadline(Date.now() + 30)).toBeNull();
    const b = new Uint8Array(8);
    const e = await rejection(c.read(b));
    expect(e).toBeInstanceOf(OpError);
    expect(e.message).toBe(`read tcp ${c.localAddr()}->${c.remoteAddr()}: i/o timeout`);
    expect((e as OpError).timeout()).toBe(true);
    expect(is(e, ErrDeadlineExceeded)).toBe(true);
    // Still failing while the deadline stays in the past...
    expect((await rejection(c.read(b))).message).toMatch(/i\/o timeout$/);
    // ...and usable again once it is cleared (a Date works too).
    c.setReadDeadline(new Date(0));
    await p.server.write(enc.encode('ok'));
    expect(await c.read(b)).toBe(2);
    c.setReadDeadline(new Date(Date.now() + 60_000));
    await p.server.write(enc.encode('ok'));
    expect(await c.read(b)).toBe(2);
    await p.close();
  });

  test('NET-05 a past read deadline fails reads even with data queued; zero clears it', async () => {
    const p = await tcpPair();
    await p.server.write(enc.encode('data'));
    await sleep(10);
    p.client.setReadDeadline(Date.now() - 1000);
    const b = new Uint8Array(8);
    expect(is(await rejection(p.client.read(b)), ErrDeadlineExceeded)).toBe(true);
    p.client.setReadDeadline(0);
    expect(await p.client.read(b)).toBe(4);
    await p.close();
  });

  test('NET-05 deadlines are absolute instants, not extended by successful I/O', async () => {
    const p = await tcpPair();
    const b = new Uint8Array(8);
    p.client.setDeadline(Date.now() + 150);
    await p.server.write(enc.encode('x'));
    expect(await p.client.read(b)).toBe(1);
    await p.client.write(enc.encode('y'));
    await sleep(200);
    // The earlier successes did not move the deadline: both directions have expired.
    await p.server.write(enc.encode('z'));
    await sleep(10);
    expect(is(await rejection(p.client.read(b)), ErrDeadlineExceeded)).toBe(true);
    expect(is(await rejection(p.client.write(b)), ErrDeadlineExceeded)).toBe(true);
    p.client.setDeadline(0);
    expect(await p.client.read(b)).toBe(1);
    await p.close();
  });

  test('NET-05 write deadline interrupts a write blocked by a peer that does not read', async () => {
    const p = await tcpPair();
    const c = p.client;
    c.setWriteDeadline(Date.now() + 50);
    const e = await rejection(c.write(pattern(32 << 20)));
    expect(e.message).toBe(`write tcp ${c.localAddr()}->${c.remoteAddr()}: i/o timeout`);
    expect((e as OpError).timeout()).toBe(true);
    expect(is(e, ErrDeadlineExceeded)).toBe(true);
    // Later writes fail at once while the deadline is past.
    expect(is(await rejection(c.write(enc.encode('x'))), ErrDeadlineExceeded)).toBe(true);
    // Reading still works on the timed-out conn.
    await p.server.write(enc.encode('still here'));
    expect(await c.read(new Uint8Array(32))).toBe(10);
    await p.close();
  });

  test('NET-05 a past write deadline fails the write at once; zero clears it', async () => {
    const p = await tcpPair();
    p.client.setWriteDeadline(Date.now() - 1);
    expect(is(await rejection(p.client.write(enc.encode('x'))), ErrDeadlineExceeded)).toBe(true);
    p.client.setWriteDeadline(0);
    expect(await p.client.write(enc.encode('x'))).toBe(1);
    expect(await p.server.read(new Uint8Array(4))).toBe(1);
    await p.close();
  });

  test('NET-06 a deadline set in the past from another task interrupts a blocked read', async () => {
    const p = await tcpPair();
    const c = p.client;
    c.setReadDeadline(Date.now() + 60_000);
    const pending = c.read(new Uint8Array(8));
    await sleep(5);
    expect(await settled(pending)).toBe(false);
    c.setReadDeadline(1000); // Go's aLongTimeAgo: time.Unix(1, 0)
    const e = await rejection(pending);
    expect(is(e, ErrDeadlineExceeded)).toBe(true);
    // As the server does after abortPendingRead: clear and read on.
    c.setReadDeadline(0);
    await p.server.write(enc.encode('go'));
    expect(await c.read(new Uint8Array(8))).toBe(2);
    await p.close();
  });

  test('NET-06 moving a deadline earlier or later while a read waits', async () => {
    const p = await tcpPair();
    const c = p.client;
    // Later: the first timer fires, finds the deadline moved and waits again.
    c.setReadDeadline(Date.now() + 20);
    const r1 = c.read(new Uint8Array(8));
    c.setReadDeadline(Date.now() + 60_000);
    await sleep(40);
    expect(await settled(r1)).toBe(false);
    // Earlier: the long timer is replaced.
    c.setReadDeadline(Date.now() + 10);
    expect(is(await rejection(r1), ErrDeadlineExceeded)).toBe(true);
    await p.close();
  });
});

describe('half close and resets', () => {
  test('NET-11 closeWrite sends EOF while the read side stays open', async () => {
    const p = await tcpPair();
    await p.client.write(enc.encode('req'));
    await p.client.closeWrite();
    const b = new Uint8Array(8);
    expect(await p.server.read(b)).toBe(3);
    expect(await p.server.read(b)).toBeNull();
    // The peer can still send, and we still read.
    await p.server.write(enc.encode('resp'));
    expect(await p.client.read(b)).toBe(4);
    expect(dec.decode(b.subarray(0, 4))).toBe('resp');
    await p.server.close();
    expect(await p.client.read(b)).toBeNull();
    // Writing after our FIN is a broken pipe, as in Go.
    const e = await rejection(p.client.write(enc.encode('x')));
    expect(e.message).toBe(
      `write tcp ${p.client.localAddr()}->${p.client.remoteAddr()}: write: broken pipe`,
    );
    await p.close();
  });

  test('closeRead makes later reads return EOF', async () => {
    const p = await tcpPair();
    await p.server.write(enc.encode('ignored'));
    await sleep(10);
    const pending = p.client.read(new Uint8Array(0)); // zero-length: resolves 0 at once
    expect(await pending).toBe(0);
    await p.client.closeRead();
    expect(await p.client.read(new Uint8Array(8))).toBeNull();
    // Writing still works.
    await p.client.write(enc.encode('w'));
    expect(await p.server.read(new Uint8Array(8))).toBe(1);
    await p.close();
  });

  test('a reset by the peer fails reads with Go text, then writes with broken pipe', async () => {
    const { server, port } = await rawServer((s) => {
      s.on('error', () => {});
      setTimeout(() => s.resetAndDestroy(), 5);
    });
    const c = await dial('tcp', `127.0.0.1:${port}`);
    const e = await rejection(c.read(new Uint8Array(8)));
    expect(e.message).toBe(
      `read tcp ${c.localAddr()}->127.0.0.1:${port}: read: connection reset by peer`,
    );
    expect((e as OpError).timeout()).toBe(false);
    const we = await rejection(c.write(enc.encode('x')));
    expect(we.message).toBe(`write tcp ${c.localAddr()}->127.0.0.1:${port}: write: broken pipe`);
    await c.close();
    await closeServer(server);
  });

  test('a peer that closes without reading our bytes makes writes fail, not hang', async () => {
    const { server, port } = await rawServer((s) => {
      s.on('error', () => {});
      s.pause();
      setTimeout(() => s.destroy(), 20);
    });
    const c = await dial('tcp', `127.0.0.1:${port}`);
    let err: Error | undefined;
    const chunk = pattern(256 * 1024);
    for (let i = 0; i < 1000 && err === undefined; i++) {
      try {
        await c.write(chunk);
      } catch (e) {
        err = e as Error;
      }
    }
    expect(err).toBeInstanceOf(OpError);
    expect(err!.message).toMatch(/^write tcp .*: write: (broken pipe|connection reset by peer)$/);
    await c.close();
    await closeServer(server);
  });
});

describe('TCP options', () => {
  test('keep-alive setters record what they applied', async () => {
    const p = await tcpPair({}, { keepAlive: -1 });
    const c = p.client;
    expect(c.keepAliveConfig).toBeNull();
    expect(c.setKeepAlivePeriod(40_000)).toBeNull();
    expect(c.keepAliveConfig).toBeNull();
    expect(c.setKeepAlive(true)).toBeNull();
    expect(c.keepAliveConfig).toEqual({ enable: true, idle: 40_000, interval: 15_000, count: 9 });
    expect(c.setKeepAliveConfig({ enable: true, interval: 5_000 })).toBeNull();
    expect(c.keepAliveConfig).toEqual({ enable: true, idle: 15_000, interval: 5_000, count: 9 });
    expect(c.setKeepAliveConfig({ enable: false })).toBeNull();
    expect(c.keepAliveConfig).toBeNull();
    await p.close();
    expect(c.setKeepAlive(true)?.message).toMatch(/^set tcp .*: use of closed network connection$/);
  });

  test.each([
    [{ enable: true, idle: 15_000, interval: 15_000, count: 9 }, [15, 15, 9]],
    [{ enable: true, idle: 1_500, interval: 200, count: 3 }, [2, 1, 3]],
    [{ enable: true, idle: -1, interval: -1, count: -1 }, [0, undefined, undefined]],
  ])('keep-alive %j goes to Node as %j (seconds rounded up, as Go)', (cfg, want) => {
    expect(keepAliveArgs(cfg)).toEqual(want);
  });

  test("NET-08 a dialed conn asks Node for Go's idle time, interval and count", async () => {
    const spy = vi.spyOn(Socket.prototype, 'setKeepAlive');
    try {
      const p = await tcpPair({}, { keepAliveConfig: { enable: true, idle: 20_000 } });
      expect(spy).toHaveBeenCalledWith(true, 20_000, 15_000, 9);
      await p.close();
    } finally {
      spy.mockRestore();
    }
  });

  test('addresses survive the socket going away', async () => {
    const p = await tcpPair();
    const port = (p.ln.addr() as TCPAddr).port;
    await p.server.close();
    await p.client.close();
    expect(p.client.remoteAddr().toString()).toBe(`127.0.0.1:${port}`);
    expect(p.server.localAddr().toString()).toBe(`127.0.0.1:${port}`);
    await p.close();
  });
});

describe('waitReadable', () => {
  test('settles with data, eof, closed, or canceled, and consumes nothing', async () => {
    const { ln, client: c, server: s } = await tcpPair();
    try {
      const w1 = s.waitReadable();
      await c.write(new TextEncoder().encode('x'));
      expect(await w1.promise).toBe('data');
      const buf = new Uint8Array(4);
      expect(await s.read(buf)).toBe(1); // the byte is still there
      const w2 = s.waitReadable();
      w2.cancel();
      expect(await w2.promise).toBe('canceled');
      const w3 = s.waitReadable();
      await c.closeWrite();
      expect(await w3.promise).toBe('eof');
      await s.close();
      expect(await s.waitReadable().promise).toBe('closed');
      await c.close();
    } finally {
      await ln.close();
    }
  });
});

describe('synchronous fast paths: tryRead, writeEager, watchReadable', () => {
  test('tryRead copies queued bytes at once and does nothing when none are queued', async () => {
    const { ln, client: c, server: s } = await tcpPair();
    try {
      const buf = new Uint8Array(8);
      expect(s.tryRead(buf)).toBeUndefined();
      await c.write(enc.encode('hello'));
      expect(await s.waitReadable().promise).toBe('data');
      expect(s.tryRead(buf)).toBe(5);
      expect(dec.decode(buf.subarray(0, 5))).toBe('hello');
      expect(s.tryRead(buf)).toBeUndefined();
      // A passed read deadline fails reads; tryRead leaves that to read.
      await c.write(enc.encode('x'));
      expect(await s.waitReadable().promise).toBe('data');
      s.setReadDeadline(Date.now() - 1);
      expect(s.tryRead(buf)).toBeUndefined();
      expect(isTimeout(await rejection(s.read(buf)))).toBe(true);
      s.setReadDeadline(0);
      expect(s.tryRead(buf)).toBe(1);
      await s.close();
      expect(s.tryRead(buf)).toBeUndefined();
    } finally {
      await Promise.allSettled([c.close(), ln.close()]);
    }
  });

  test('writeEager returns the count when the kernel took the bytes, and reports failures as write does', async () => {
    const { ln, client: c, server: s } = await tcpPair();
    try {
      expect(s.writeEager(enc.encode('small'))).toBe(5);
      expect(dec.decode(await readN(c, 5))).toBe('small');
      expect(s.writeEager(new Uint8Array(0))).toBe(0);
      await s.close();
      const r = s.writeEager(enc.encode('late'));
      expect(r).toBeInstanceOf(Promise);
      expect(is(await rejection(r as Promise<number>), ErrClosed)).toBe(true);
    } finally {
      await Promise.allSettled([c.close(), ln.close()]);
    }
  });

  test('writeEager of more than the kernel takes at once settles through a Promise', async () => {
    const { ln, client: c, server: s } = await tcpPair();
    try {
      const data = pattern(8 << 20, 3);
      const r = s.writeEager(data);
      expect(r).toBeInstanceOf(Promise); // the peer has not read: the kernel buffers fill
      const got = await readN(c, data.length);
      expect(await r).toBe(data.length);
      expect(Buffer.compare(got, data)).toBe(0);
    } finally {
      await Promise.allSettled([c.close(), s.close(), ln.close()]);
    }
  });

  test('watchReadable calls back at once when bytes are queued, later when they come, never once stopped', async () => {
    const { ln, client: c, server: s } = await tcpPair();
    try {
      const seen: string[] = [];
      const cb1 = (st: string) => seen.push(`1:${st}`);
      const cb2 = (st: string) => seen.push(`2:${st}`);
      s.watchReadable(cb1);
      s.watchReadable(cb2);
      s.unwatchReadable(cb2);
      await c.write(enc.encode('x'));
      expect(await s.waitReadable().promise).toBe('data');
      expect(seen).toEqual(['1:data']);
      s.unwatchReadable(cb1); // after settling: a no-op
      s.watchReadable((st) => seen.push(`3:${st}`));
      expect(seen).toEqual(['1:data', '3:data']); // synchronous: the byte is queued
      // With deadline: true the read deadline ends the wait, as it would end a read.
      expect(s.tryRead(new Uint8Array(4))).toBe(1);
      s.setReadDeadline(Date.now() + 20);
      const timedOut = new Promise((r) => s.watchReadable(r, { deadline: true }));
      expect(await timedOut).toBe('timeout');
      s.setReadDeadline(0);
      // One callback serves wait after wait; unwatching a timed wait leaves the others.
      const states: string[] = [];
      const again = (st: string) => states.push(st);
      s.watchReadable(again, { deadline: true });
      s.watchReadable(cb1);
      s.unwatchReadable(again);
      await c.write(enc.encode('y'));
      expect(await s.waitReadable().promise).toBe('data');
      expect(states).toEqual([]);
      expect(seen).toEqual(['1:data', '3:data', '1:data']);
      expect(s.tryRead(new Uint8Array(4))).toBe(1);
      s.watchReadable(again, { deadline: true });
      await c.write(enc.encode('z'));
      expect(await s.waitReadable().promise).toBe('data');
      expect(states).toEqual(['data']);
    } finally {
      await Promise.allSettled([c.close(), s.close(), ln.close()]);
    }
  });
});

describe('isReadableWatcher', () => {
  test('needs both watchReadable and unwatchReadable', async () => {
    const { ln, client: c, server: s } = await tcpPair();
    try {
      expect(isReadableWatcher(s)).toBe(true);
      expect(isReadableWatcher({ watchReadable: () => {} })).toBe(false);
      expect(isReadableWatcher({ watchReadable: () => {}, unwatchReadable: 1 })).toBe(false);
      expect(isReadableWatcher({})).toBe(false);
    } finally {
      await Promise.allSettled([c.close(), s.close(), ln.close()]);
    }
  });
});

describe('ref / unref', () => {
  test('an unref-ed conn does not keep the process alive; ref brings it back', async () => {
    const { ln, client: c, server: s } = await tcpPair();
    const sockets = () =>
      process.getActiveResourcesInfo().filter((k) => k === 'TCPSocketWrap').length;
    try {
      const before = sockets();
      c.unref();
      expect(sockets()).toBe(before - 1);
      c.ref();
      expect(sockets()).toBe(before);
    } finally {
      await Promise.allSettled([c.close(), s.close(), ln.close()]);
    }
  });
});
