// The /x/ routes: additions to the reference app (documented in packages/conformance/README.md)
// for catalog entries no route of the contract can show — a misdeclared length, handler-set
// framing headers, deadlines, body limits, an upgrade, more mux patterns. Same handlers as
// addExtras in packages/conformance/go-reference/main.go.
import { Header, MaxBytesError, maxBytesReader, type Request } from '@ka/http';
import {
  allowQuerySemicolons,
  ErrNotSupported,
  error as httpError,
  maxBytesHandler,
  type Response,
  ResponseController,
  type ResponseWriter,
  type ServeMux,
  stripPrefix,
  TrailerPrefix,
  timeoutHandler,
} from '@ka/http-server';
import { is, isTimeout } from '@ka/io';
import type { Conn } from '@ka/net';

const invalidParam = 'invalid parameter';
const maxBytes = 64 << 20;
const maxSleepMs = 60_000;
const encoder = new TextEncoder();

// Go: strconv.Atoi plus a range check.
export function pathInt(r: Request, name: string, lo: number, hi: number): number | null {
  const s = r.pathValue(name);
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const n = Number(s);
  return n >= lo && n <= hi ? n : null;
}

function errorText(err: unknown): string {
  if (err === undefined) return '<nil>';
  return err instanceof Error ? err.message : String(err);
}

// Reads `body` to the end (or to its first error), like io.Copy(io.Discard, body).
async function drain(body: {
  read(p: Uint8Array): Promise<number | null>;
}): Promise<{ n: number; err: unknown }> {
  const buf = new Uint8Array(32 * 1024);
  let n = 0;
  try {
    for (let k = await body.read(buf); k !== null; k = await body.read(buf)) n += k;
  } catch (err) {
    return { n, err };
  }
  return { n, err: undefined };
}

/** Writes the number of body bytes read (the contract's `/expect` handler). */
export async function countBody(w: ResponseWriter, r: Request): Promise<void> {
  const { n } = await drain(r.body);
  await w.write(`${n}\n`);
}

/**
 * The connections `/x/upgrade` hijacked. Shutdown and Close leave them alone, so the app
 * tells them about a shutdown itself (a registerOnShutdown hook) and waits a moment for them
 * to end before exiting.
 */
export class UpgradedConns {
  readonly #conns = new Set<Conn>();
  #idle: (() => void)[] = [];

  add(c: Conn): void {
    this.#conns.add(c);
  }

  remove(c: Conn): void {
    this.#conns.delete(c);
    if (this.#conns.size === 0) for (const f of this.#idle.splice(0)) f();
  }

  /** The registerOnShutdown hook: `shutdown\n` to every upgraded connection (left open). */
  notifyShutdown(): void {
    for (const c of this.#conns) void c.write(encoder.encode('shutdown\n')).catch(() => {});
  }

  /** Resolves once no upgraded connection is left, or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.#conns.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#idle.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

/** Registers the /x/ routes on `mux`. */
// SRV-93: a wrapper that hides the writer's optional methods; only unwrap() reaches them.
class UnwrapWriter implements ResponseWriter {
  constructor(private readonly inner: ResponseWriter) {}
  header() {
    return this.inner.header();
  }
  writeHeader(code: number) {
    this.inner.writeHeader(code);
  }
  write(p: Uint8Array | string) {
    return this.inner.write(p);
  }
  unwrap(): ResponseWriter {
    return this.inner;
  }
}

// A writer with no optional methods and nothing to unwrap.
const bareWriter: ResponseWriter = {
  header: () => new Header(),
  writeHeader: () => {},
  write: async (p) => p.length,
};

export function addExtras(mux: ServeMux, upgraded: UpgradedConns): void {
  // SRV-93: ResponseController finds flush through unwrap(); a bare writer has none.
  mux.handleFunc('GET /x/rc-unwrap', async (w) => {
    const ww = new UnwrapWriter(w);
    await ww.write('part1\n');
    const err = await new ResponseController(ww).flush().then(
      () => null,
      (e: unknown) => e,
    );
    await ww.write(`flush err=${err === null ? '<nil>' : String(err)}\n`);
    const bare = await new ResponseController(bareWriter).flush().then(
      () => null,
      (e: unknown) => e,
    );
    await ww.write(`bare notsupported=${is(bare, ErrNotSupported)}\n`);
  });

  // SRV-38: timeoutHandler (100 ms, default message) around a sleep of {ms}.
  mux.handle(
    'GET /x/timeout-handler/{ms}',
    timeoutHandler(
      async (w, r) => {
        const ms = pathInt(r, 'ms', 0, 60_000);
        if (ms === null) return httpError(w, invalidParam, 400);
        await sleep(ms, r.signal);
        await w.write('slept\n').catch(() => 0);
      },
      100,
      '',
    ),
  );

  // SRV-05: declares 10 bytes, writes 5.
  mux.handleFunc('GET /x/short-cl', async (w) => {
    w.header().set('Content-Length', '10');
    await w.write('12345');
  });

  // SRV-06: declares 3 bytes, then writes 5 in one call (refused with ErrContentLength).
  mux.handleFunc('GET /x/long-cl', async (w) => {
    w.header().set('Content-Length', '3');
    await w.write('12345').catch(() => 0);
  });

  // SRV-16: the handler says keep-alive itself.
  mux.handleFunc('GET /x/conn-keep-alive', async (w) => {
    w.header().set('Connection', 'keep-alive');
    await w.write('ok');
  });

  // SRV-19: a second writeHeader is ignored; a code outside 100..999 throws.
  mux.handleFunc('GET /x/write-header-twice', async (w) => {
    w.writeHeader(202);
    w.writeHeader(500);
    await w.write('first\n');
  });
  mux.handleFunc('GET /x/write-header-invalid', (w) => {
    w.writeHeader(1000);
  });

  // SRV-80: a handler-set Transfer-Encoding (identity, chunked or gzip), then "stream".
  mux.handleFunc('GET /x/te/{te}', async (w, r) => {
    const te = r.pathValue('te');
    if (te !== 'identity' && te !== 'chunked' && te !== 'gzip') {
      return httpError(w, invalidParam, 400);
    }
    w.header().set('Transfer-Encoding', te);
    await w.write('stream');
  });
  // SRV-80: Transfer-Encoding chunked and a Content-Length: the length is dropped.
  mux.handleFunc('GET /x/te-cl', async (w) => {
    w.header().set('Transfer-Encoding', 'chunked');
    w.header().set('Content-Length', '6');
    await w.write('stream');
  });

  // SRV-88: "Trailer:"-prefixed keys set before the first write (early), after it (late), or
  // after a flush (flush).
  mux.handleFunc('GET /x/trailer-prefix/{mode}', async (w, r) => {
    switch (r.pathValue('mode')) {
      case 'early':
        w.header().set(`${TrailerPrefix}X-Early`, 'e');
        await w.write('body');
        return;
      case 'late':
        await w.write('body');
        w.header().set(`${TrailerPrefix}X-Late`, 'l');
        return;
      case 'flush':
        await w.write('body');
        await (w as Response).flush();
        w.header().set(`${TrailerPrefix}X-Late`, 'l');
        return;
      default:
        return httpError(w, invalidParam, 400);
    }
  });

  // SRV-89: only headers present at writeHeader are sent.
  mux.handleFunc('GET /x/header-snapshot', async (w) => {
    w.header().set('X-Early', '1');
    w.writeHeader(200);
    w.header().set('X-Late', '1');
    await w.write('ok\n');
  });
  mux.handleFunc('GET /x/header-late', async (w) => {
    w.writeHeader(200);
    w.header().set('X-Late', '1');
    await w.write('ok\n');
  });

  // SRV-37: a write deadline in the past, then a write and a flush.
  mux.handleFunc('GET /x/write-deadline-past', async (w) => {
    const res = w as Response;
    res.setWriteDeadline(Date.now() - 1000);
    await w.write('hello\n').catch(() => 0);
    await res.flush().catch(() => {});
  });
  // SRV-37: the read deadline set to now + {ms}, then the whole body read.
  mux.handleFunc('POST /x/read-deadline/{ms}', async (w, r) => {
    const ms = pathInt(r, 'ms', 0, maxSleepMs);
    if (ms === null) return httpError(w, invalidParam, 400);
    (w as Response).setReadDeadline(Date.now() + ms);
    const { n, err } = await drain(r.body);
    await w.write(`n=${n} timeout=${err !== undefined && isTimeout(err)}\n`);
  });

  // SRV-64: reads one byte of the body and leaves the rest.
  mux.handleFunc('POST /x/read-one', async (w, r) => {
    const one = new Uint8Array(1);
    let n = 0;
    try {
      while (n < 1) {
        const k = await r.body.read(one);
        if (k === null) break;
        n += k;
      }
    } catch {
      // io.ReadFull reports what it read
    }
    await w.write(`n=${n}\n`);
  });

  // SRV-66: full duplex, answers without reading the body.
  mux.handleFunc('POST /x/full-duplex', async (w) => {
    (w as Response).enableFullDuplex();
    await w.write('fd');
  });

  // SRV-68: closes the request body before answering.
  mux.handleFunc('POST /x/close-body', async (w, r) => {
    await r.body.close().catch(() => {});
    await w.write('closed');
  });

  // SRV-69: reads the body through maxBytesReader(w, r.body, {n}).
  mux.handleFunc('POST /x/max-bytes/{n}', async (w, r) => {
    const n = pathInt(r, 'n', 0, maxBytes);
    if (n === null) return httpError(w, invalidParam, 400);
    const { n: got, err } = await drain(maxBytesReader(w as Response, r.body, n));
    await w.write(`n=${got} maxbytes=${err instanceof MaxBytesError}\n`);
  });

  // SRV-110: stripPrefix and maxBytesHandler.
  const showPath = {
    serveHttp: async (w: ResponseWriter, r: Request) => {
      await w.write(`path=${r.url.path} rawpath=${r.url.rawPath}\n`);
    },
  };
  mux.handle('/x/strip/', stripPrefix('/x/strip', showPath));
  mux.handle('/x/strip-other/', stripPrefix('/x/other', showPath));
  mux.handle('POST /x/max-bytes-handler', maxBytesHandler({ serveHttp: countBody }, 5));

  // SRV-111: the query as the form sees it, with and without allowQuerySemicolons.
  const form = {
    serveHttp: async (w: ResponseWriter, r: Request) => {
      const q = r.url.query();
      const keys = [...q.keys()].sort();
      let out = `keys=${keys.length}\n`;
      for (const k of keys) out += `${k}=[${q.values(k).join(' ')}]\n`;
      await w.write(out);
    },
  };
  mux.handle('GET /x/form', form);
  mux.handle('GET /x/form-semicolons', allowQuerySemicolons(form));

  // SRV-113 (and SRV-26, SRV-27, SRV-31): 101 Switching Protocols with Connection: Upgrade,
  // then the hijacked connection echoes lines until the client closes it.
  mux.handleFunc('GET /x/upgrade', async (w) => {
    w.header().set('Connection', 'Upgrade');
    w.header().set('Upgrade', 'ka-echo');
    w.writeHeader(101);
    const { conn, reader } = await (w as Response).hijack();
    upgraded.add(conn);
    try {
      for (;;) {
        const line = await reader.readBytes(0x0a);
        if (line === null) break;
        await conn.write(line);
        if (line[line.length - 1] !== 0x0a) break; // the rest before EOF
      }
    } catch {
      // read or write failed: the client is gone
    } finally {
      await conn.close().catch(() => {});
      upgraded.remove(conn);
    }
  });

  // SRV-92: after hijack, write and a second hijack fail with ErrHijacked, writeHeader does
  // nothing; the handler reports both errors on the raw connection.
  mux.handleFunc('GET /x/hijack-misuse', async (w) => {
    const res = w as Response;
    const { conn } = await res.hijack();
    let werr: unknown;
    await w.write('x').catch((e: unknown) => {
      werr = e;
    });
    w.writeHeader(500);
    let herr: unknown;
    await res.hijack().catch((e: unknown) => {
      herr = e;
    });
    try {
      await conn.write(
        encoder.encode(
          `HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nwrite: ${errorText(werr)}\nhijack: ${errorText(herr)}\n`,
        ),
      );
    } finally {
      await conn.close().catch(() => {});
    }
  });

  // SRV-101: a literal segment beats a wildcard.
  mux.handleFunc('GET /x/items/{id}', async (w, r) => {
    await w.write(`item ${r.pathValue('id')}\n`);
  });
  mux.handleFunc('GET /x/items/new', async (w) => {
    await w.write('new item\n');
  });
  // SRV-103: a subtree; /x/tree is redirected to /x/tree/.
  mux.handleFunc('/x/tree/', async (w, r) => {
    await w.write(`tree ${r.url.path}\n`);
  });
  // SRV-101, SRV-106: a host pattern beats a host-less one; the port is ignored.
  mux.handleFunc('/x/host', async (w) => {
    await w.write('any host\n');
  });
  mux.handleFunc('example.com/x/host', async (w) => {
    await w.write('example.com\n');
  });
}

/** Waits `ms`, or less if `signal` aborts first (Go's select on a timer and ctx.Done()). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
