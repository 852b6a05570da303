// timeoutHandler tests: Go's serve_test.go TimeoutHandler tests (HTTP/1 mode) and wire bytes
// recorded from go1.26 (a small program driving http.TimeoutHandler over a raw TCP peer).
import type { Request } from '@ka/http';
import { is } from '@ka/io';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrContextCanceled, ErrHandlerTimeout, ErrNotSupported } from './errors.js';
import type { HandlerLike, ResponseWriter } from './handler.js';
import { ResponseRecorder } from './httptest/recorder.js';
import { newRequest } from './httptest/request.js';
import { RawClient, startServer, type TestServer } from './internal/test-support.js';
import { ResponseController } from './response-controller.js';
import { ErrContextDeadlineExceeded, timeoutHandler } from './timeout-handler.js';

let ts: TestServer | undefined;
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await ts?.close();
  ts = undefined;
});
async function serve(handler: HandlerLike): Promise<void> {
  ts = await startServer({ handler });
}
async function client(): Promise<RawClient> {
  const c = await RawClient.connect(ts!.port);
  clients.push(c);
  return c;
}
/** Sends one request on a fresh connection and waits for `pred` (default: a complete head + Content-Length body). */
async function roundTrip(
  pred: (t: string) => boolean,
  req = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
): Promise<string> {
  const c = await client();
  c.send(req);
  return c.waitFor(pred);
}
const hasBody = (t: string) => {
  const i = t.indexOf('\r\n\r\n');
  if (i < 0) return false;
  const m = /Content-Length: (\d+)\r\n/.exec(t.slice(0, i + 2));
  return m !== null && t.length - i - 4 >= Number(m[1]);
};

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const settle = <T>(p: Promise<T>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

const defaultBody = '<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>';
const timeout503 = `HTTP/1.1 503 Service Unavailable\r\nDate: <date>\r\nContent-Length: 77\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${defaultBody}`;

describe('SRV-38 timeoutHandler', () => {
  it('SRV-38 in time: 200 and the body; late: 503 and later writes fail (Go: TestTimeoutHandler)', async () => {
    let send = gate();
    let writeErr = gate();
    let werr: unknown = 'unset';
    await serve(
      timeoutHandler(async (w) => {
        await send.promise;
        werr = await settle(w.write('hi'));
        writeErr.open();
      }, 100),
    );

    // Succeed without timing out
    send.open();
    expect(await roundTrip(hasBody)).toBe(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi',
    );
    await writeErr.promise;
    expect(werr).toBeNull();

    // Times out
    send = gate();
    writeErr = gate();
    expect(await roundTrip(hasBody)).toBe(timeout503);
    // The timed-out handler speaks again: its write fails with ErrHandlerTimeout itself.
    send.open();
    await writeErr.promise;
    expect(werr).toBe(ErrHandlerTimeout);
  });

  it("SRV-38 the handler's headers are not sent with the 503 (Go: TestTimeoutHandlerRaceHeaderTimeout)", async () => {
    const send = gate();
    const done = gate();
    let werr: unknown;
    await serve(
      timeoutHandler(async (w) => {
        w.header().set('Content-Type', 'text/plain');
        await send.promise;
        werr = await settle(w.write('hi'));
        done.open();
      }, 20),
    );
    expect(await roundTrip(hasBody)).toBe(timeout503);
    send.open();
    await done.promise;
    expect(werr).toBe(ErrHandlerTimeout);
  });

  it('SRV-38 a custom message is the 503 body, sniffed as any body', async () => {
    await serve(timeoutHandler(() => sleep(60), 20, 'too slow'));
    expect(await roundTrip(hasBody)).toBe(
      'HTTP/1.1 503 Service Unavailable\r\nDate: <date>\r\nContent-Length: 8\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ntoo slow',
    );
  });

  it('SRV-38 the request signal aborts at the deadline with context deadline exceeded', async () => {
    const seen = gate();
    let reason: unknown;
    let werr: unknown;
    await serve(
      timeoutHandler(async (w, r) => {
        w.header().set('X-Foo', '1');
        await new Promise((resolve) => r.signal.addEventListener('abort', resolve, { once: true }));
        reason = r.signal.reason;
        werr = await settle(w.write('late'));
        seen.open();
      }, 20),
    );
    expect(await roundTrip(hasBody)).toBe(timeout503);
    await seen.promise;
    expect(reason).toBe(ErrContextDeadlineExceeded);
    expect((reason as Error).message).toBe('context deadline exceeded');
    expect((reason as { timeout(): boolean }).timeout()).toBe(true);
    expect(werr).toBe(ErrHandlerTimeout);
  });

  it('SRV-38 after a handler in time returns, its signal is canceled', async () => {
    let sig: AbortSignal | undefined;
    await serve(
      timeoutHandler((_w, r) => {
        sig = r.signal;
      }, 1_000),
    );
    await roundTrip(hasBody);
    expect(sig?.aborted).toBe(true);
    expect(sig?.reason).toBe(ErrContextCanceled);
  });

  it('SRV-38 the handler header map is copied over at the end, changes after the write included', async () => {
    await serve(
      timeoutHandler(async (w) => {
        w.header().set('X-Foo', '1');
        await w.write('hi');
        w.header().set('X-After', '2');
      }, 1_000),
    );
    expect(await roundTrip(hasBody)).toBe(
      'HTTP/1.1 200 OK\r\nX-After: 2\r\nX-Foo: 1\r\nDate: <date>\r\nContent-Length: 2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi',
    );
  });

  it('SRV-38 the copy replaces keys the outer writer had and keeps the others (Go: maps.Copy)', async () => {
    const rec = new ResponseRecorder();
    rec.header().set('X-A', 'outer');
    rec.header().set('X-B', 'outer');
    await timeoutHandler((w) => {
      w.header().add('X-A', 'inner');
      w.header().add('X-A', 'inner2');
    }, 1_000).serveHttp(rec, newRequest('GET', '/'));
    expect(rec.result().header.values('X-A')).toEqual(['inner', 'inner2']);
    expect(rec.result().header.get('X-B')).toBe('outer');
    expect(rec.code).toBe(200);
  });

  it('SRV-38 trailers: declared ones go out as header and trailer, prefixed ones as trailers', async () => {
    await serve(
      timeoutHandler(async (w) => {
        w.header().set('Trailer', 'X-T');
        await w.write('body');
        w.header().set('X-T', 'tv');
        w.header().set('Trailer:X-P', 'pv');
      }, 1_000),
    );
    expect(await roundTrip((t) => t.endsWith('\r\n0\r\nX-P: pv\r\nX-T: tv\r\n\r\n'))).toBe(
      'HTTP/1.1 200 OK\r\nTrailer: X-T\r\nX-T: tv\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\nX-P: pv\r\nX-T: tv\r\n\r\n',
    );
  });

  it('SRV-38 a 1xx is recorded as the status and replayed, then the write sends 200 (as Go)', async () => {
    await serve(
      timeoutHandler(async (w) => {
        w.header().set('Link', '</a>');
        w.writeHeader(103);
        w.writeHeader(201);
        await w.write('x');
      }, 1_000),
    );
    expect(await roundTrip((t) => t.endsWith('\r\n\r\nx'))).toBe(
      'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nLink: </a>\r\nDate: <date>\r\nContent-Length: 1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nx',
    );
    expect(ts!.logs).toEqual(['http: superfluous response.WriteHeader call']);
  });

  it("SRV-38 a 204's buffered body is dropped by the real writer", async () => {
    let werr: unknown = 'unset';
    await serve(
      timeoutHandler(async (w) => {
        w.writeHeader(204);
        werr = await settle(w.write('x'));
      }, 1_000),
    );
    expect(await roundTrip((t) => t.endsWith('\r\n\r\n'))).toBe(
      'HTTP/1.1 204 No Content\r\nDate: <date>\r\n\r\n',
    );
    expect(werr).toBeNull(); // the buffering writer does not check
  });

  it('SRV-38 a short declared Content-Length still ends the connection', async () => {
    await serve(
      timeoutHandler(async (w) => {
        w.header().set('Content-Length', '10');
        await w.write('short');
      }, 1_000),
    );
    const c = await client();
    c.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await c.waitEnd()).toBe(
      'HTTP/1.1 200 OK\r\nContent-Length: 10\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nshort',
    );
  });

  it('SRV-38 HEAD gets the length of what the handler wrote', async () => {
    await serve(timeoutHandler((w) => w.write('hello'), 1_000));
    expect(
      await roundTrip((t) => t.endsWith('\r\n\r\n'), 'HEAD / HTTP/1.1\r\nHost: x\r\n\r\n'),
    ).toBe(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 5\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n',
    );
  });

  it('SRV-38 a body over 2048 bytes goes out in one chunk', async () => {
    await serve(timeoutHandler((w) => w.write('a'.repeat(3000)), 1_000));
    expect(await roundTrip((t) => t.endsWith('0\r\n\r\n'))).toBe(
      `HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\nbb8\r\n${'a'.repeat(3000)}\r\n0\r\n\r\n`,
    );
  });

  it('SRV-38 no time at all (0 ms) answers 503 at once', async () => {
    await serve(timeoutHandler((w) => w.write('x'), 0));
    expect(await roundTrip(hasBody)).toBe(timeout503);
  });

  it('SRV-38 nested: the outer deadline wins and the inner handler sees it as a deadline', async () => {
    await serve(
      timeoutHandler(
        (w, r) =>
          timeoutHandler(
            (_w2, r2) =>
              new Promise((resolve) =>
                r2.signal.addEventListener('abort', resolve, { once: true }),
              ),
            1_000,
            'inner',
          ).serveHttp(w, r),
        20,
        'outer',
      ),
    );
    expect(await roundTrip(hasBody)).toBe(
      'HTTP/1.1 503 Service Unavailable\r\nDate: <date>\r\nContent-Length: 5\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nouter',
    );
  });

  it('SRV-38 the timer starts with the request, not with timeoutHandler (Go: TestTimeoutHandlerStartTimerWhenServing)', async () => {
    const h = timeoutHandler((w) => w.writeHeader(204), 100);
    await sleep(200);
    await serve(h);
    expect(await roundTrip((t) => t.endsWith('\r\n\r\n'))).toBe(
      'HTTP/1.1 204 No Content\r\nDate: <date>\r\n\r\n',
    );
  });

  it('SRV-38 a canceled request: bare 503, later writes fail with context canceled (Go: TestTimeoutHandlerContextCanceled)', async () => {
    const done = gate();
    let werr: unknown;
    const th = timeoutHandler(async (w) => {
      w.header().set('Content-Type', 'text/plain');
      for (let i = 0; i < 100; i++) {
        werr = await settle(w.write('a'));
        if (werr !== null) break;
        await sleep(1);
      }
      done.open();
    }, 1_000);
    await serve((w: ResponseWriter, r: Request) =>
      th.serveHttp(w, r.withSignal(AbortSignal.abort())),
    );
    expect(await roundTrip(hasBody)).toBe(
      'HTTP/1.1 503 Service Unavailable\r\nDate: <date>\r\nContent-Length: 0\r\n\r\n',
    );
    await done.promise;
    expect(werr).toBe(ErrContextCanceled);
  });

  it('SRV-38 an empty response is a 200 (Go: TestTimeoutHandlerEmptyResponse)', async () => {
    await serve(timeoutHandler(() => {}, 300));
    expect(await roundTrip(hasBody)).toBe(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 0\r\n\r\n',
    );
  });

  it('SRV-38 SRV-94 a throw before the deadline is rethrown: logged, nothing sent, closed (Go: TestTimeoutHandlerPanicRecovery)', async () => {
    await serve(
      timeoutHandler(async (w) => {
        await w.write('partial');
        throw new Error('intentional death for testing');
      }, 1_000),
    );
    const c = await client();
    c.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await c.waitEnd()).toBe('');
    expect(ts!.logs).toHaveLength(1);
    expect(ts!.logs[0]).toMatch(
      /^http: panic serving 127\.0\.0\.1:\d+: intentional death for testing\n/,
    );
  });

  it('SRV-38 a synchronous throw is rethrown too', async () => {
    await serve(
      timeoutHandler(() => {
        throw new Error('sync death');
      }, 1_000),
    );
    const c = await client();
    c.send('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await c.waitEnd()).toBe('');
    expect(ts!.logs[0]).toMatch(/: sync death\n/);
  });

  it('SRV-38 a throw after the deadline is dropped, as Go drops a late panic', async () => {
    const thrown = gate();
    await serve(
      timeoutHandler(async () => {
        await sleep(50);
        thrown.open();
        throw new Error('late boom');
      }, 10),
    );
    expect(await roundTrip(hasBody)).toBe(timeout503);
    await thrown.promise;
    await sleep(10);
    expect(ts!.logs).toEqual([]);
  });

  describe('superfluous writeHeader calls are logged (Go: TestTimeoutHandlerSuperfluousLogs)', () => {
    const timeoutMsg = 'timed out here!';
    const tests = [
      {
        name: 'return before timeout',
        mustTimeout: false,
        wantResp: 'HTTP/1.1 404 Not Found\r\nDate: <date>\r\nContent-Length: 0\r\n\r\n',
      },
      {
        name: 'return after timeout',
        mustTimeout: true,
        wantResp: `HTTP/1.1 503 Service Unavailable\r\nDate: <date>\r\nContent-Length: ${timeoutMsg.length}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${timeoutMsg}`,
      },
    ];
    for (const tt of tests) {
      it(tt.name, async () => {
        const exit = gate();
        if (!tt.mustTimeout) exit.open();
        await serve(
          timeoutHandler(
            async (w) => {
              w.writeHeader(404);
              w.writeHeader(404);
              w.writeHeader(404);
              w.writeHeader(404);
              await exit.promise;
            },
            tt.mustTimeout ? 20 : 10_000,
            timeoutMsg,
          ),
        );
        expect(await roundTrip(hasBody)).toBe(tt.wantResp);
        exit.open();
        expect(ts!.logs).toEqual(Array(3).fill('http: superfluous response.WriteHeader call'));
      });
    }
  });

  it('SRV-38 SRV-93 the buffering writer supports no ResponseController method', async () => {
    const errs: unknown[] = [];
    await serve(
      timeoutHandler(async (w) => {
        const rc = new ResponseController(w);
        errs.push(await settle(rc.flush()));
        errs.push(await settle(rc.hijack()));
        errs.push(await settle(rc.setWriteDeadline(0)));
      }, 1_000),
    );
    expect(await roundTrip(hasBody)).toBe(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 0\r\n\r\n',
    );
    for (const e of errs) {
      expect((e as Error).message).toBe('feature not supported');
      expect(is(e, ErrNotSupported)).toBe(true);
    }
  });

  it('SRV-38 an invalid status code throws in the handler (Go: checkWriteHeaderCode panics)', async () => {
    const rec = new ResponseRecorder();
    let thrown: unknown;
    await timeoutHandler((w) => {
      try {
        w.writeHeader(99);
      } catch (e) {
        thrown = e;
      }
    }, 1_000).serveHttp(rec, newRequest('GET', '/'));
    expect((thrown as Error).message).toBe('invalid WriteHeader code 99');
    expect(rec.code).toBe(200);
  });

  it('SRV-38 concurrent requests racing the deadline all get a whole answer (Go: TestTimeoutHandlerRace)', async () => {
    await serve(
      timeoutHandler(async (w, r) => {
        let ms = Number(r.url.path.slice(1)) || 1;
        for (; ms > 0; ms--) {
          if ((await settle(w.write('hi'))) !== null) return;
          await sleep(1);
        }
      }, 20),
    );
    const results = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const c = await client();
        c.send(`GET /${(i * 7) % 50} HTTP/1.1\r\nHost: x\r\n\r\n`);
        return c.waitFor(hasBody);
      }),
    );
    for (const t of results) {
      expect(t.startsWith('HTTP/1.1 200 OK\r\n') || t === timeout503, t).toBe(true);
    }
  });
});
