// The synchronous fast path of the connection loop: a request whose head is already buffered
// is parsed where it lies, a handler that finishes synchronously is not awaited, and a small
// response leaves in one synchronous socket write. Same bytes as the general path.
import { type Listener, listen, type TCPConn } from '@ka/net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Handler } from './handler.js';
import { RawClient } from './internal/test-support.js';
import { Server } from './server.js';

const H = 'Host: x\r\n';
const ok = (body: string) =>
  `HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: ${body.length}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`;

// A listener whose accepted conns count their writes by kind.
async function countingListener(): Promise<{
  ln: Listener;
  writes: { eager: number; plain: number };
}> {
  const inner = await listen('tcp', '127.0.0.1:0');
  const writes = { eager: 0, plain: 0 };
  const ln: Listener = {
    addr: () => inner.addr(),
    close: () => inner.close(),
    accept: async () => {
      const c = (await inner.accept()) as TCPConn;
      const eager = c.writeEager.bind(c);
      const plain = c.write.bind(c);
      c.writeEager = (p) => {
        writes.eager++;
        return eager(p);
      };
      c.write = (p) => {
        writes.plain++;
        return plain(p);
      };
      return c;
    },
  };
  return { ln, writes };
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function serve(handler: Handler['serveHttp']) {
  const { ln, writes } = await countingListener();
  const srv = new Server({ handler, errorLog: () => {} });
  const serving = srv.serve(ln).catch(() => {});
  const port = Number(ln.addr().toString().split(':').pop());
  const c = await RawClient.connect(port);
  stop = async () => {
    c.close();
    await srv.close();
    await serving;
  };
  return { c, writes };
}

describe('fast path', () => {
  const handlers: [string, Handler['serveHttp']][] = [
    ['a synchronous handler', (w) => void w.write('hi')],
    ['an async handler', async (w) => void (await w.write('hi'))],
    [
      'a handler returning a thenable',
      (w) => ({
        // biome-ignore lint/suspicious/noThenProperty: the point is a non-Promise thenable
        then(resolve: (v: unknown) => void) {
          void w.write('hi').then(resolve);
        },
      }),
    ],
  ];
  for (const [name, handler] of handlers) {
    it(`${name}: each small response is one synchronous socket write, on one connection`, async () => {
      const { c, writes } = await serve(handler);
      let want = '';
      for (let i = 0; i < 5; i++) {
        c.send(`GET /${i} HTTP/1.1\r\n${H}\r\n`);
        want += ok('hi');
        await c.waitFor((t) => t === want);
      }
      expect(writes).toEqual({ eager: 5, plain: 0 });
      expect(c.ended).toBe(false);
    });
  }

  it('pipelined requests in one packet are answered in order, one write each', async () => {
    const { c, writes } = await serve((w, r) => void w.write(r.url.path.slice(1)));
    c.send(`GET /a HTTP/1.1\r\n${H}\r\nGET /bb HTTP/1.1\r\n${H}\r\nGET /ccc HTTP/1.1\r\n${H}\r\n`);
    await c.waitFor((t) => t === ok('a') + ok('bb') + ok('ccc'));
    expect(writes.eager).toBe(3);
  });

  it('a head that arrives in pieces takes the general path and gets the same answer', async () => {
    const { c } = await serve((w) => void w.write('hi'));
    c.send('GET / HT');
    await RawClient.sleep(20);
    c.send(`TP/1.1\r\nHo`);
    await RawClient.sleep(20);
    c.send('st: x\r\nX-A: 1\r\n  continued\r\n\r\n');
    await c.waitFor((t) => t === ok('hi'));
  });

  it('an invalid header name found only by the server check is still a 400', async () => {
    // A continuation line makes the parser take its general path; the server then checks the
    // header itself.
    const { c } = await serve((w) => void w.write('hi'));
    c.send(`GET / HTTP/1.1\r\n${H}X-A: 1\r\n  2\r\nBad Name: v\r\n\r\n`);
    const t = await c.waitEnd();
    // Go 1.26's bytes for the same request.
    expect(t).toBe(
      'HTTP/1.1 400 Bad Request: invalid header name\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: invalid header name',
    );
  });
});
