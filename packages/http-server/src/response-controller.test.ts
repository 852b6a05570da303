// ResponseController tests, ported from Go's responsecontroller_test.go (HTTP/1 mode) and
// checked against go1.26 on the wire.
import { Header, ErrNotSupported as HttpErrNotSupported } from '@ka/http';
import { is, readAll } from '@ka/io';
import { ErrDeadlineExceeded } from '@ka/net';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrNotSupported } from './errors.js';
import type { ResponseWriter } from './handler.js';
import { dechunk, RawClient, startServer, type TestServer } from './internal/test-support.js';
import { ResponseController } from './response-controller.js';

let ts: TestServer | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await ts?.close();
  ts = undefined;
});
async function client(): Promise<RawClient> {
  const c = await RawClient.connect(ts!.port);
  clients.push(c);
  return c;
}

const get = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
const chunkedHead =
  'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n';

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

// Go: wrapWriter — embeds the writer and unwraps to it, nothing else.
function wrap(w: ResponseWriter): ResponseWriter & { unwrap(): ResponseWriter } {
  return {
    header: () => w.header(),
    writeHeader: (code) => w.writeHeader(code),
    write: (p) => w.write(p),
    unwrap: () => w,
  };
}

// A writer with none of the optional methods.
function bare(): ResponseWriter {
  const h = new Header();
  return { header: () => h, writeHeader: () => {}, write: async (p) => p.length };
}

describe('SRV-93 ResponseController', () => {
  it('SRV-93 flush sends what was written so far (Go: TestResponseControllerFlush)', async () => {
    const cont = gate();
    let flushErr: unknown = 'unset';
    ts = await startServer({
      handler: async (w) => {
        const ctl = new ResponseController(w);
        await w.write('one');
        flushErr = await ctl.flush().then(
          () => null,
          (e: unknown) => e,
        );
        await cont.promise;
        await w.write('two');
      },
    });
    const c = await client();
    c.send(get);
    expect(await c.waitFor((t) => t.endsWith('one\r\n'))).toBe(`${chunkedHead}3\r\none\r\n`);
    expect(flushErr).toBeNull();
    cont.open();
    const t = await c.waitFor((s) => s.endsWith('0\r\n\r\n'));
    expect(dechunk(t.slice(chunkedHead.length))).toBe('onetwo');
  });

  it('SRV-91 SRV-93 hijack hands over the connection (Go: TestResponseControllerHijack)', async () => {
    ts = await startServer({
      handler: async (w) => {
        const { conn } = await new ResponseController(w).hijack();
        await conn.write(
          new TextEncoder().encode('HTTP/1.0 200 OK\r\nX-Header: set\r\nContent-Length: 0\r\n\r\n'),
        );
        await conn.close();
      },
    });
    const c = await client();
    c.send(get);
    expect(await c.waitEnd()).toBe('HTTP/1.0 200 OK\r\nX-Header: set\r\nContent-Length: 0\r\n\r\n');
  });

  it('SRV-37 a past write deadline fails the next flush, and stays failed (Go: TestResponseControllerSetPastWriteDeadline)', async () => {
    const errs: unknown[] = [];
    const done = gate();
    ts = await startServer({
      handler: async (w) => {
        try {
          const ctl = new ResponseController(w);
          const attempt = (p: Promise<unknown>) =>
            p.then(
              () => null,
              (e: unknown) => e,
            );
          await w.write('one');
          errs.push(await attempt(ctl.flush()));
          errs.push(await attempt(ctl.setWriteDeadline(Date.now() - 10_000)));
          void w.write('two');
          errs.push(await attempt(ctl.flush()));
          // The connection's write error is sticky: a later deadline does not revive it.
          errs.push(await attempt(ctl.setWriteDeadline(Date.now() + 3_600_000)));
          void w.write('three');
          errs.push(await attempt(ctl.flush()));
        } finally {
          done.open();
        }
      },
    });
    const c = await client();
    c.send(get);
    const t = await c.waitEnd();
    await done.promise;
    expect(t).toBe(`${chunkedHead}3\r\none\r\n`);
    expect(errs[0]).toBeNull();
    expect(errs[1]).toBeNull();
    expect(errs[2]).not.toBeNull();
    expect(errs[3]).toBeNull();
    expect(errs[4]).not.toBeNull();
  });

  it('SRV-37 a future write deadline ends an endless body with a timeout (Go: TestResponseControllerSetFutureWriteDeadline)', async () => {
    const started = gate();
    const result = gate();
    let copyErr: unknown;
    ts = await startServer({
      handler: async (w) => {
        try {
          const ctl = new ResponseController(w);
          w.writeHeader(200);
          await ctl.flush();
          await started.promise; // the client has the response header
          await ctl.setWriteDeadline(Date.now() + 1);
          const chunk = new Uint8Array(32 * 1024).fill(0x61); // Go: neverEnding('a')
          for (;;) await w.write(chunk);
        } catch (e) {
          copyErr = e;
        } finally {
          result.open();
        }
      },
    });
    const c = await client();
    c.send(get);
    await c.waitFor((t) => t.includes('\r\n\r\n'));
    started.open();
    await result.promise;
    expect(is(copyErr, ErrDeadlineExceeded)).toBe(true);
    // The client sees a body cut short: no terminating chunk.
    const t = await c.waitEnd();
    expect(t.endsWith('0\r\n\r\n')).toBe(false);
  });

  it('SRV-37 a past read deadline fails body reads, and stays failed (Go: TestResponseControllerSetPastReadDeadline)', async () => {
    const readc = gate();
    const done = gate();
    const got: { first?: string; second?: unknown; third?: unknown } = {};
    ts = await startServer({
      handler: async (w, r) => {
        try {
          const ctl = new ResponseController(w);
          const b = new Uint8Array(3);
          let n = 0;
          while (n < 3) {
            const m = await r.body.read(b.subarray(n));
            if (m === null) break;
            n += m;
          }
          got.first = new TextDecoder().decode(b.subarray(0, n));
          await ctl.setReadDeadline(Date.now());
          got.second = await readAll(r.body).then(
            (x) => x.length,
            (e: unknown) => e,
          );
          readc.open();
          await ctl.setReadDeadline(0);
          got.third = await readAll(r.body).then(
            (x) => x.length,
            (e: unknown) => e,
          );
        } finally {
          done.open();
        }
      },
    });
    const c = await client();
    c.send('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\none\r\n');
    await readc.promise;
    c.send('3\r\ntwo\r\n0\r\n\r\n');
    await done.promise;
    expect(got.first).toBe('one');
    expect(got.second).toBeInstanceOf(Error);
    expect(got.third).toBeInstanceOf(Error);
  });

  it('SRV-37 a future read deadline ends a stalled body read with a timeout (Go: TestResponseControllerSetFutureReadDeadline)', async () => {
    let readErr: unknown;
    ts = await startServer({
      handler: async (w, r) => {
        await new ResponseController(w).setReadDeadline(Date.now() + 1);
        readErr = await readAll(r.body).then(
          () => null,
          (e: unknown) => e,
        );
        await w.write('response body');
      },
    });
    const c = await client();
    c.send('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    const t = await c.waitFor((s) => s.endsWith('response body'));
    expect(t).toContain('Content-Length: 13\r\n');
    expect(is(readErr, ErrDeadlineExceeded)).toBe(true);
  });

  it('SRV-93 methods are found through unwrap() (Go: TestWrappedResponseController)', async () => {
    const errs: unknown[] = [];
    ts = await startServer({
      handler: async (w) => {
        const ctl = new ResponseController(wrap(w));
        for (const op of [
          () => ctl.flush(),
          () => ctl.setReadDeadline(0),
          () => ctl.setWriteDeadline(0),
          () => ctl.enableFullDuplex(),
        ]) {
          errs.push(
            await op().then(
              () => null,
              (e: unknown) => e,
            ),
          );
        }
      },
    });
    const c = await client();
    c.send(get);
    await c.waitFor((t) => t.endsWith('0\r\n\r\n'));
    expect(errs).toEqual([null, null, null, null]);
  });

  it('SRV-66 SRV-93 full duplex: echo each body byte as it arrives (Go: TestResponseControllerEnableFullDuplex)', async () => {
    ts = await startServer({
      handler: async (w, r) => {
        const ctl = new ResponseController(w);
        await ctl.enableFullDuplex();
        w.writeHeader(200);
        await ctl.flush();
        const buf = new Uint8Array(1);
        for (;;) {
          const n = await r.body.read(buf).catch(() => null);
          if (n !== 1) break;
          await w.write(buf.slice());
          await ctl.flush();
        }
      },
    });
    const c = await client();
    c.send('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    const head = 'HTTP/1.1 200 OK\r\nDate: <date>\r\nTransfer-Encoding: chunked\r\n\r\n';
    await c.waitFor((t) => t === head);
    let want = head;
    for (let i = 0; i < 10; i++) {
      const ch = String.fromCharCode(0x30 + i);
      c.send(`1\r\n${ch}\r\n`);
      want += `1\r\n${ch}\r\n`;
      await c.waitFor((t) => t === want);
    }
    c.send('0\r\n\r\n');
    expect(await c.waitFor((t) => t.endsWith('0\r\n\r\n'))).toBe(`${want}0\r\n\r\n`);
  });

  it('SRV-93 a writer without the method: feature not supported, matching ErrNotSupported', async () => {
    const ctl = new ResponseController(wrap(wrap(bare())));
    const ops: [string, () => Promise<unknown>][] = [
      ['flush', () => ctl.flush()],
      ['hijack', () => ctl.hijack()],
      ['setReadDeadline', () => ctl.setReadDeadline(0)],
      ['setWriteDeadline', () => ctl.setWriteDeadline(new Date(0))],
      ['enableFullDuplex', () => ctl.enableFullDuplex()],
    ];
    for (const [name, op] of ops) {
      const err = await op().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, name).toBeInstanceOf(Error);
      expect((err as Error).message, name).toBe('feature not supported');
      expect(is(err, ErrNotSupported), name).toBe(true);
      expect(is(err, HttpErrNotSupported), name).toBe(true); // the same Go sentinel, in @ka/http
      expect(err, name).not.toBe(ErrNotSupported); // Go: fmt.Errorf("%w", ...), not == the sentinel
    }
  });

  it('SRV-93 a wrapper that has the method answers itself, before unwrap (Go: the type switch order)', async () => {
    const calls: string[] = [];
    const inner = Object.assign(bare(), { flush: () => calls.push('inner') });
    const outer = Object.assign(wrap(inner), {
      flush: async () => {
        calls.push('outer');
      },
    });
    await new ResponseController(outer).flush();
    expect(calls).toEqual(['outer']);
    await new ResponseController(wrap(inner)).flush();
    expect(calls).toEqual(['outer', 'inner']);
  });

  it("SRV-93 the writer's error comes back: thrown, rejected or returned", async () => {
    const boom = new Error('boom');
    const mk = (f: () => unknown) => new ResponseController(Object.assign(bare(), { flush: f }));
    const attempt = (ctl: ResponseController) =>
      ctl.flush().then(
        () => null,
        (e: unknown) => e,
      );
    expect(
      await attempt(
        mk(() => {
          throw boom;
        }),
      ),
    ).toBe(boom);
    expect(await attempt(mk(() => Promise.reject(boom)))).toBe(boom);
    // @ka/net's deadline setters return their error (Go's `error` result)
    const ctl = new ResponseController(Object.assign(bare(), { setReadDeadline: () => boom }));
    expect(
      await ctl.setReadDeadline(0).then(
        () => null,
        (e: unknown) => e,
      ),
    ).toBe(boom);
  });

  it('SRV-93 unwrap() returning nothing ends the search', async () => {
    const w = Object.assign(bare(), { unwrap: () => undefined as unknown as ResponseWriter });
    const err = await new ResponseController(w).flush().then(
      () => null,
      (e: unknown) => e,
    );
    expect(is(err, ErrNotSupported)).toBe(true);
  });
});
