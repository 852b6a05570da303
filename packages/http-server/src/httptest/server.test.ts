// httptest.Server tests: Go's httptest/server_test.go (the plain-HTTP ones; TLS and the
// built-in client have no counterpart here), plus close() waiting for a busy request.
import net from 'node:net';
import type { Conn, Listener } from '@ka/net';
import { afterEach, describe, expect, test } from 'vitest';
import { ConnState } from '../conn-state.js';
import { RawClient } from '../internal/test-support.js';
import { ResponseController } from '../response-controller.js';
import { Server as HttpServer } from '../server.js';
import { newServer, newUnstartedServer, Server } from './server.js';

const open: Server[] = [];
const clients: RawClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const s of open.splice(0)) await s.close();
});

async function start(...args: Parameters<typeof newServer>): Promise<Server> {
  const ts = await newServer(...args);
  open.push(ts);
  return ts;
}
function portOf(ts: Server): number {
  return Number(new globalThis.URL(ts.url).port);
}
async function client(ts: Server): Promise<RawClient> {
  const c = await RawClient.connect(portOf(ts));
  clients.push(c);
  return c;
}
function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

const get = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
const hello =
  'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 5\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello';

describe('httptest Server', () => {
  test('serves on http://127.0.0.1:PORT (Go: testServer)', async () => {
    const ts = await start((w) => w.write('hello'));
    expect(ts.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ts.url).toBe(`http://${ts.listener.addr().toString()}`);
    const c = await client(ts);
    c.send(get);
    expect(await c.waitFor((t) => t.endsWith('hello'))).toBe(hello);
  });

  test('a server built by hand from its fields works the same (Go: NewServerManual)', async () => {
    const { listen } = await import('@ka/net');
    const ts = new Server({
      listener: await listen('tcp', '127.0.0.1:0'),
      config: new HttpServer({ handler: (w) => w.write('hello') }),
    });
    open.push(ts);
    ts.start();
    const c = await client(ts);
    c.send(get);
    expect(await c.waitFor((t) => t.endsWith('hello'))).toBe(hello);
  });

  test('nothing answers after close (Go: testGetAfterClose)', async () => {
    const ts = await start((w) => w.write('hello'));
    const c = await client(ts);
    c.send(get);
    await c.waitFor((t) => t.endsWith('hello'));
    await ts.close();
    // the idle connection was closed by close()
    await c.waitEnd();
    const err = await new Promise<unknown>((resolve) => {
      const s = net.connect({ port: portOf(ts), host: '127.0.0.1' });
      s.on('connect', () => {
        s.destroy();
        resolve(null);
      });
      s.on('error', resolve);
    });
    expect((err as NodeJS.ErrnoException | null)?.code).toBe('ECONNREFUSED');
  });

  test('close does not wait for new or idle connections (Go: testServerCloseBlocking)', async () => {
    const ts = await start((w) => w.write('hello'));
    // one connection in StateNew (connected, sends nothing)
    const cnew = await client(ts);
    // one in StateIdle (after a request)
    const cidle = await client(ts);
    cidle.send('HEAD / HTTP/1.1\r\nHost: foo\r\n\r\n');
    await cidle.waitFor((t) => t.endsWith('\r\n\r\n'));
    await ts.close(); // must not hang
    await cnew.waitEnd();
    await cidle.waitEnd();
  });

  test('closeClientConnections drops even the busy connection (Go: testServerCloseClientConnections)', async () => {
    let ts: Server | undefined;
    ts = await start(async () => {
      await ts!.closeClientConnections();
    });
    const c = await client(ts);
    c.send(get);
    expect(await c.waitEnd()).toBe('');
  });

  test('close of a server never started returns (Go: TestServerZeroValueClose)', async () => {
    // Go: onlyCloseListener — Close succeeds, nothing else is used.
    const onlyClose: Listener = {
      accept: () => Promise.reject(new Error('unused')),
      close: async () => {},
      addr: () => {
        throw new Error('unused');
      },
    };
    const ts = new Server({ listener: onlyClose, config: new HttpServer({ handler: () => {} }) });
    await ts.close();
  });

  test('a hijacked connection closed while the server closes (Go: TestCloseHijackedConnection)', async () => {
    let hijacked!: (c: Conn) => void;
    const conn = new Promise<Conn>((r) => {
      hijacked = r;
    });
    const ts = await start(async (w) => {
      const { conn } = await new ResponseController(w).hijack();
      hijacked(conn);
    });
    const c = await client(ts);
    c.send(get);
    const hc = await conn;
    await Promise.all([
      (async () => {
        // close it and tell the server we did
        await hc.close();
        ts.config.connState?.(hc, ConnState.StateClosed);
      })(),
      ts.close(),
    ]);
    await c.waitEnd();
  });

  test('close waits for the request in progress, which ends its connection', async () => {
    const release = gate();
    const entered = gate();
    const ts = await start(async (w) => {
      entered.open();
      await release.promise;
      await w.write('done');
    });
    const c = await client(ts);
    c.send(get);
    await entered.promise;
    let closed = false;
    const closing = ts.close().then(() => {
      closed = true;
    });
    await RawClient.sleep(50);
    expect(closed).toBe(false);
    release.open();
    await closing;
    expect(await c.waitEnd()).toBe(
      'HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 4\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\ndone',
    );
  });

  test('newUnstartedServer: config set before start applies, and a connState hook keeps working', async () => {
    const ts = await newUnstartedServer((w) => w.write('hello'));
    open.push(ts);
    expect(ts.url).toBe('');
    const states: ConnState[] = [];
    const logs: string[] = [];
    ts.config.connState = (_c, s) => states.push(s);
    ts.config.errorLog = (m) => logs.push(m);
    ts.start();
    expect(() => ts.start()).toThrow('Server already started');
    const c = await client(ts);
    c.send(get);
    await c.waitFor((t) => t.endsWith('hello'));
    c.close();
    await ts.close();
    expect(states).toEqual([
      ConnState.StateNew,
      ConnState.StateActive,
      ConnState.StateIdle,
      ConnState.StateClosed,
    ]);
    expect(logs).toEqual([]);
  });

  test('close can be called twice', async () => {
    const ts = await start(() => {});
    await ts.close();
    await ts.close();
  });
});
