// Memory bounds, in-process: a ka Server behind a listener that counts the bytes each
// connection's reader pulled from the socket. What the server has read is the most it can
// hold, so the count is the bound: a request head may make the server read at most
// maxHeaderBytes + 4096 (Go's initial read limit) plus one buffer before it answers 431/400;
// a chunked body made of overhead (extensions, tiny chunks) fails after Go's allowance of
// non-data instead of being read to the end.
import { WireConn } from '@ka/conformance';
import { Server } from '@ka/http-server';
import { type Conn, type Listener, listen } from '@ka/net';
import fc from 'fast-check';

/** Per-connection counts. */
export interface ConnCount {
  /** Bytes the server read from the connection. */
  read: number;
  /** Bytes read when the server first wrote (its answer), -1 before. */
  readAtFirstWrite: number;
}

/** A Listener whose connections count what is read through them. */
class CountingListener implements Listener {
  readonly counts: ConnCount[] = [];
  constructor(private readonly inner: Listener) {}
  async accept(): Promise<Conn> {
    const c = await this.inner.accept();
    const count: ConnCount = { read: 0, readAtFirstWrite: -1 };
    this.counts.push(count);
    const read = c.read.bind(c);
    const write = c.write.bind(c);
    c.read = async (p) => {
      const n = await read(p);
      if (n !== null) count.read += n;
      return n;
    };
    c.write = (p) => {
      if (count.readAtFirstWrite < 0) count.readAtFirstWrite = count.read;
      return write(p);
    };
    return c;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  addr() {
    return this.inner.addr();
  }
}

/** The running in-process server. */
export interface CountingServer {
  readonly host: string;
  readonly port: number;
  /** One entry per accepted connection, in accept order. */
  readonly counts: readonly ConnCount[];
  /** What the handler saw of each request body: bytes read and the error text ('' if none). */
  readonly bodies: { n: number; err: string }[];
  readonly maxHeaderBytes: number;
  close(): Promise<void>;
}

/**
 * Starts a ka Server on 127.0.0.1 whose handler reads the whole request body (counting, not
 * keeping it) and answers `n=<bytes>`.
 */
export async function startCountingServer(maxHeaderBytes: number): Promise<CountingServer> {
  const bodies: { n: number; err: string }[] = [];
  const srv = new Server({
    maxHeaderBytes,
    readHeaderTimeout: 2_000,
    readTimeout: 5_000,
    idleTimeout: 1_000,
    errorLog: () => {},
    handler: async (w, r) => {
      const seen = { n: 0, err: '' };
      bodies.push(seen);
      try {
        for await (const chunk of r.body) seen.n += chunk.length;
      } catch (err) {
        seen.err = (err as Error).message;
      }
      await w.write(`n=${seen.n}\n`);
    },
  });
  const ln = new CountingListener(await listen('tcp', '127.0.0.1:0'));
  const serving = srv.serve(ln).catch(() => {});
  const [host, port] = ln.addr().toString().split(':');
  return {
    host: host!,
    port: Number(port),
    counts: ln.counts,
    bodies,
    maxHeaderBytes,
    async close() {
      await srv.close();
      await serving;
    },
  };
}

/** The server's maxHeaderBytes in the memory runs. */
export const MaxHeaderBytes = 4096;
/** Go's initial read limit: maxHeaderBytes + 4096. */
export const HeadLimit = MaxHeaderBytes + 4096;
/** One BufReader's worth of bytes the reader may pull beyond what it parses. */
const Slop = 4096;

/** Heads longer than `n` bytes (n > HeadLimit) that never end, by shape. */
export const headShapes = {
  'request line without end': (n: number) => `GET /${'a'.repeat(n)}`,
  'one long header value': (n: number) => `GET / HTTP/1.1\r\nHost: x\r\nX: ${'a'.repeat(n)}`,
  'many header lines': (n: number) => `GET / HTTP/1.1\r\nHost: x\r\n${'X-A: b\r\n'.repeat(n / 8)}`,
  'endless obs-fold': (n: number) =>
    `GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n${' b\r\n'.repeat(n / 4)}`,
  'bare CRs in a value': (n: number) => `GET / HTTP/1.1\r\nHost: x\r\nX: ${'\r'.repeat(n)}`,
  'many header names': (n: number) =>
    `GET / HTTP/1.1\r\nHost: x\r\n${Array.from({ length: Math.ceil(n / 13) + 1 }, (_, i) => `X-${i.toString(36).padStart(6, '0')}: b\r\n`).join('')}`,
} as const;

async function send(s: CountingServer, bytes: string): Promise<WireConn> {
  const c = await WireConn.open(s.host, s.port);
  try {
    c.write(Buffer.from(bytes, 'latin1'));
    await c.waitFor(() => c.ending !== null, 8_000);
  } finally {
    c.destroy();
  }
  return c;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}

/**
 * A request head over maxHeaderBytes gets 431 (or 400 when it turns malformed first) after the
 * server read at most maxHeaderBytes + 4096 plus one buffer; then the connection is closed.
 */
export function headFloodProperty(s: CountingServer) {
  return fc.asyncProperty(
    fc.constantFrom(...(Object.keys(headShapes) as (keyof typeof headShapes)[])),
    fc.integer({ min: HeadLimit + 1, max: 40 * HeadLimit }),
    async (shape, n) => {
      const before = s.counts.length;
      const c = await send(s, headShapes[shape](n));
      check(c.ending !== null, 'the server did not close the connection within 8 s');
      const status = c.transcript().toString('latin1').split('\r\n')[0]!;
      check(/^HTTP\/1\.1 (431|400) /.test(status), `answer ${JSON.stringify(status)}`);
      const read = s.counts[before]!.readAtFirstWrite;
      check(read > 0 && read <= HeadLimit + Slop, `read ${read} bytes before answering`);
    },
  );
}

/**
 * A chunked body of overhead (1-byte chunks with long extensions, 1 MiB in all) fails with
 * Go's "too much non-data" error within Go's allowance: each chunk line adds its length + 2
 * and takes 16 + 2 × size off a 16 KiB allowance.
 */
export function chunkOverheadProperty(s: CountingServer) {
  return fc.asyncProperty(fc.integer({ min: 30, max: 4000 }), async (extLen) => {
    const chunk = `1;${'e'.repeat(extLen)}\r\nx\r\n`;
    const body = chunk.repeat(Math.ceil((1 << 20) / chunk.length));
    const before = s.counts.length;
    const bodiesBefore = s.bodies.length;
    const c = await send(
      s,
      `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body}`,
    );
    check(c.ending !== null, 'the server did not close the connection within 8 s');
    const seen = s.bodies[bodiesBefore];
    check(
      seen?.err === 'chunked encoding contains too much non-data',
      `body read: ${JSON.stringify(seen)}`,
    );
    const chunksToFail = Math.floor((16 * 1024) / (extLen + 4 - 18)) + 1;
    const bound = chunksToFail * chunk.length + 2 * Slop + 100;
    const read = s.counts[before]!.readAtFirstWrite;
    check(read <= bound, `read ${read} bytes before failing (bound ${bound})`);
    check(seen!.n <= chunksToFail, `${seen!.n} data bytes before failing`);
  });
}
