// The server's side of MaxBytesReader: Response.requestTooLarge (Go: (*response).
// requestTooLarge) and the close that follows in (*conn).serve. Wire bytes from go1.26.
import {
  MaxBytesError,
  maxBytesReader,
  type Request,
  type RequestTooLargeNotifier,
} from '@ka/http';
import { readAll } from '@ka/io';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResponseWriter } from './handler.js';
import { RawClient, startServer, type TestServer } from './internal/test-support.js';
import { maxBytesHandler } from './mux/helpers.js';
import { ResponseController } from './response-controller.js';
import type { Response } from './response-writer.js';

const post10 = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabcdefghij';
const getNext = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';

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

// What Go's `errors.As(err, &mbe)` answers.
const isMaxBytes = (err: unknown) => err instanceof MaxBytesError;

describe('SRV-69 maxBytesReader on a server response', () => {
  it('SRV-69 past the limit: Connection: close in the header, FIN, the pipelined request is dropped', async () => {
    ts = await startServer({
      handler: async (w, r) => {
        const body = maxBytesReader(w as Response, r.body, 5);
        const err = await readAll(body).then(
          () => null,
          (e: unknown) => e,
        );
        await w.write(`maxbytes=${isMaxBytes(err)}`);
      },
    });
    const c = await client();
    c.send(post10 + getNext);
    expect(await c.waitEnd()).toBe(
      'HTTP/1.1 200 OK\r\nConnection: close\r\nDate: <date>\r\nContent-Length: 13\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nmaxbytes=true',
    );
    expect(ts.logs).toEqual([]);
  });

  it('SRV-69 the header already sent: no Connection header, but the connection still ends', async () => {
    // Go: full duplex keeps the body readable after the header; the limit is hit afterwards.
    ts = await startServer({
      handler: async (w, r) => {
        const rc = new ResponseController(w);
        await rc.enableFullDuplex();
        await w.write('x');
        await rc.flush();
        const err = await readAll(maxBytesReader(w as Response, r.body, 5)).then(
          () => null,
          (e: unknown) => e,
        );
        await w.write(`err=${(err as Error).message}`);
      },
    });
    const c = await client();
    c.send(post10 + getNext);
    expect(await c.waitEnd()).toBe(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n20\r\nerr=http: request body too large\r\n0\r\n\r\n',
    );
  });

  it('SRV-69 a body that fits keeps the connection', async () => {
    ts = await startServer({
      handler: async (w, r) => {
        const b = await readAll(maxBytesReader(w as Response, r.body, 10));
        await w.write(`n=${b.length}`);
      },
    });
    const c = await client();
    c.send(post10 + getNext);
    const head = (n: number) =>
      `HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: ${n}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n`;
    expect(await c.waitFor((t) => t.endsWith('n=0'))).toBe(`${head(4)}n=10${head(3)}n=0`);
    await RawClient.sleep(50);
    expect(c.ended).toBe(false);
  });

  it('the notice is not looked for through wrappers (Go asserts on the writer itself)', async () => {
    // A wrapper without requestTooLarge: the limit error still comes, the conn is kept.
    ts = await startServer({
      handler: async (w, r) => {
        const wrapper: ResponseWriter & { unwrap(): ResponseWriter } = {
          header: () => w.header(),
          writeHeader: (code) => w.writeHeader(code),
          write: (p) => w.write(p),
          unwrap: () => w,
        };
        const err = await readAll(
          maxBytesReader(wrapper as RequestTooLargeNotifier, r.body, 5),
        ).then(
          () => null,
          (e: unknown) => e,
        );
        await w.write(`maxbytes=${isMaxBytes(err)}`);
      },
    });
    const c = await client();
    c.send(post10 + getNext);
    const t = await c.waitFor((s) => (s.match(/HTTP\/1\.1 200/g) ?? []).length === 2);
    expect(t).not.toContain('Connection: close');
    expect(t).toContain('maxbytes=true');
  });
});

describe('SRV-110 maxBytesHandler on a real connection', () => {
  const readAllHandler = async (w: ResponseWriter, r: Request) => {
    let n = 0;
    let err: unknown = null;
    const buf = new Uint8Array(64);
    try {
      for (;;) {
        const m = await r.body.read(buf);
        if (m === null) break;
        n += m;
      }
    } catch (e) {
      err = e;
    }
    await w.write(`n=${n} err=${err === null ? '<nil>' : (err as Error).message}`);
  };

  it('SRV-110 past the limit: the bytes allowed, the error, Connection: close and FIN (Go: TestMaxBytesHandler)', async () => {
    ts = await startServer({ handler: maxBytesHandler({ serveHttp: readAllHandler }, 4) });
    const c = await client();
    c.send(post10 + getNext);
    expect(await c.waitEnd()).toBe(
      'HTTP/1.1 200 OK\r\nConnection: close\r\nDate: <date>\r\nContent-Length: 36\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nn=4 err=http: request body too large',
    );
  });

  it('SRV-110 within the limit the connection is reused', async () => {
    ts = await startServer({ handler: maxBytesHandler({ serveHttp: readAllHandler }, 4) });
    const c = await client();
    c.send(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcdGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(await c.waitEnd()).toBe(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 13\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nn=4 err=<nil>' +
        'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 13\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nn=0 err=<nil>',
    );
  });
});
