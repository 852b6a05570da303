// The reference app of shared/conformance/REFERENCE_APP.md on @ka/http-server: the same
// routes as packages/conformance/go-reference, so the same request bytes can be sent to both.
import type { Response } from '@ka/http-server';
import {
  ErrAbortHandler,
  error as httpError,
  type ResponseWriter,
  redirect,
  ServeMux,
} from '@ka/http-server';
import { countBody, pathInt, sleep } from './extras.js';

// Bounds on numeric path values, as in the Go reference.
const maxBytes = 64 << 20;
const maxStream = 10_000;
const maxSleepMs = 60_000;
const maxRedirects = 100;
const writeChunk = 1024;
const invalidParam = 'invalid parameter';

// gzip of "hello gzip\n" exactly as Go's compress/gzip writes it (zlib's bytes differ), so
// both reference servers send the same body.
const gzHelloGzip = Uint8Array.from([
  31, 139, 8, 0, 0, 0, 0, 0, 0, 255, 202, 72, 205, 201, 201, 87, 72, 175, 202, 44, 224, 2, 4, 0, 0,
  255, 255, 57, 124, 99, 86, 11, 0, 0, 0,
]);
const aaaa = new Uint8Array(writeChunk).fill(0x61);

async function writeAs(w: ResponseWriter, n: number): Promise<void> {
  try {
    while (n > 0) {
      const k = Math.min(n, writeChunk);
      await w.write(k === writeChunk ? aaaa : aaaa.subarray(0, k));
      n -= k;
    }
  } catch {
    // a gone client or an exceeded Content-Length: stop, as the Go reference does
  }
}

/** Builds the reference app's mux. */
export function newMux(): ServeMux {
  const mux = new ServeMux();

  mux.handleFunc('GET /hello', async (w) => {
    await w.write('hello\n');
  });

  mux.handleFunc('/echo', async (w, r) => {
    w.header().set('Content-Type', 'application/octet-stream');
    // io.Copy(w, r.Body) in Go goes through ResponseWriter's ReadFrom: so does this.
    await (w as Response).readFrom(r.body).catch(() => 0);
  });

  mux.handleFunc('GET /bytes/{n}', async (w, r) => {
    const n = pathInt(r, 'n', 0, maxBytes);
    if (n === null) return httpError(w, invalidParam, 400);
    await writeAs(w, n);
  });

  mux.handleFunc('GET /sized/{n}', async (w, r) => {
    const n = pathInt(r, 'n', 0, maxBytes);
    if (n === null) return httpError(w, invalidParam, 400);
    w.header().set('Content-Length', String(n));
    await writeAs(w, n);
  });

  mux.handleFunc('GET /stream/{n}', async (w, r) => {
    const n = pathInt(r, 'n', 0, maxStream);
    if (n === null) return httpError(w, invalidParam, 400);
    for (let i = 0; i < n; i++) {
      await w.write(`chunk ${i}\n`).catch(() => 0);
      await (w as Response).flush().catch(() => {});
    }
  });

  mux.handleFunc('GET /status/{code}', (w, r) => {
    const code = pathInt(r, 'code', 100, 999);
    if (code === null) return httpError(w, invalidParam, 400);
    w.writeHeader(code);
  });

  mux.handleFunc('POST /ignore-body', async (w) => {
    await w.write('ok\n');
  });

  mux.handleFunc('GET /close', async (w) => {
    w.header().set('Connection', 'close');
    await w.write('bye\n');
  });

  mux.handleFunc('GET /sleep/{ms}', async (w, r) => {
    const ms = pathInt(r, 'ms', 0, maxSleepMs);
    if (ms === null) return httpError(w, invalidParam, 400);
    await sleep(ms, r.signal);
    await w.write('slept\n').catch(() => 0);
  });

  mux.handleFunc('GET /panic', () => {
    throw new Error('reference-server: deliberate panic');
  });

  mux.handleFunc('GET /abort', () => {
    throw ErrAbortHandler;
  });

  mux.handleFunc('GET /headers', async (w, r) => {
    let out = '';
    for (const k of [...r.header.keys()].sort()) {
      for (const v of r.header.values(k)) out += `${k}: ${v}\n`;
    }
    // Header values are byte strings (one char per byte): send the bytes, as Go does.
    await w.write(Buffer.from(out, 'latin1'));
  });

  mux.handleFunc('GET /conn', async (w, r) => {
    await w.write(`${r.remoteAddr}\n`);
  });

  mux.handleFunc('GET /trailers', async (w) => {
    w.header().set('Trailer', 'X-Checksum');
    await w.write('body\n');
    w.header().set('X-Checksum', 'abc');
  });

  mux.handleFunc('GET /hijack', async (w) => {
    const { conn } = await (w as Response).hijack();
    try {
      await conn.write(
        new TextEncoder().encode('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhijacked\n'),
      );
    } finally {
      await conn.close().catch(() => {});
    }
  });

  // io.Copy(io.Discard, r.Body) reports what it copied before an error: so does countBody.
  mux.handleFunc('/expect', countBody);

  mux.handleFunc('GET /flush-empty', async (w) => {
    w.writeHeader(200);
    await (w as Response).flush().catch(() => {});
  });

  mux.handleFunc('/method', async (w, r) => {
    await w.write(`${r.method} ${r.requestURI} ${r.proto}\n`);
  });

  mux.handleFunc('GET /redirect/{n}', async (w, r) => {
    const n = pathInt(r, 'n', 0, maxRedirects);
    if (n === null) return httpError(w, invalidParam, 400);
    if (n === 0) {
      await w.write('done\n');
      return;
    }
    redirect(w, r, `/redirect/${n - 1}`, 302);
  });

  mux.handleFunc('GET /gzip', async (w) => {
    w.header().set('Content-Encoding', 'gzip');
    await w.write(gzHelloGzip);
  });

  return mux;
}
