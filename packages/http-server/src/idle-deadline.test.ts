// A defect apps/interop's nginx race pointed at; the repro of its fix (@ka/net's
// internal/deadline.ts: expiry waits one poll phase; conn.ts: the idle wait's wake-up by
// bytes lifts the idle deadline for the read that takes them).
//
// Go's poller wakes a reader as soon as bytes arrive, so a keep-alive connection whose next
// request reached the socket before IdleTimeout is served, however busy the process is. In
// Node the timers phase runs before the next poll phase: if the event loop is busy (here: a
// handler on another connection blocks it) while a request arrives and the idle deadline
// passes, the deadline's timer used to fire first, and the server closed a connection with
// an unread request in its socket — a TCP reset for the client, a 502 behind a proxy.
import * as net from 'node:net';
import { listen } from '@ka/net';
import { expect, it } from 'vitest';
import { ServeMux } from './mux/serve-mux.js';
import { isServerClosed, Server } from './server.js';

const idle = 1_000;
const reqA = 'GET /hello HTTP/1.1\r\nHost: a\r\n\r\n';

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1', () => resolve(c));
    c.once('error', reject);
  });
}

/** Reads from `c` until `text` arrived; rejects on end, reset or 5 s. */
function readUntil(c: net.Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const done = (err?: Error) => {
      clearTimeout(t);
      c.off('data', onData);
      c.off('end', onEnd);
      c.off('error', onError);
      if (err) reject(err);
      else resolve(buf);
    };
    const onData = (d: Buffer) => {
      buf += d.toString('latin1');
      if (buf.includes(text)) done();
    };
    const onEnd = () => done(new Error(`EOF after ${JSON.stringify(buf)}`));
    const onError = (e: Error) => done(e);
    const t = setTimeout(() => done(new Error(`timeout after ${JSON.stringify(buf)}`)), 5_000);
    c.on('data', onData);
    c.once('end', onEnd);
    c.once('error', onError);
  });
}

it('idle timeout: a request that reached the socket before the deadline is served even when the loop was busy at the deadline', async () => {
  let a: net.Socket | undefined;
  let b: net.Socket | undefined;
  let busyUntil = 0;
  let wroteAt = 0;
  const mux = new ServeMux();
  mux.handleFunc('GET /hello', (w) => w.write('hello\n'));
  mux.handleFunc('GET /busy', async (w) => {
    // A's next request goes out now (before A's idle deadline), then this handler keeps the
    // event loop busy until after the deadline.
    wroteAt = Date.now();
    a!.write(reqA);
    while (Date.now() < busyUntil) {
      // spin
    }
    await w.write('busy\n');
  });
  const srv = new Server({ handler: mux, idleTimeout: idle, errorLog: () => {} });
  const ln = await listen('tcp', '127.0.0.1:0');
  const served = srv.serve(ln).catch((err: unknown) => {
    if (!isServerClosed(err)) throw err;
  });
  const port = Number(ln.addr().toString().split(':')[1]);
  try {
    a = await connect(port);
    a.write(reqA);
    await readUntil(a, 'hello\n');
    const t0 = Date.now(); // A's idle deadline is at most t0 + idle
    busyUntil = t0 + idle + 50;
    b = await connect(port);
    await new Promise((r) => setTimeout(r, idle - 300));
    b.write('GET /busy HTTP/1.1\r\nHost: b\r\n\r\n');
    const [second] = await Promise.all([readUntil(a, 'hello\n'), readUntil(b, 'busy\n')]);
    // the scenario held: A's request left well before A's idle deadline
    expect(wroteAt).toBeLessThan(t0 + idle - 50);
    expect(second).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello\n$/);
  } finally {
    a?.destroy();
    b?.destroy();
    await srv.close();
    await served;
  }
});
