// Go: transport.go bodyEOFSignal, gzipReader, readWriteCloserBody — the bodies the transport
// hands out, which report back to the connection's read loop.
import * as zlib from 'node:zlib';
import { type Body, BodyBase } from '@ka/http';
import { isMessageBody } from '@ka/http/internal';
import { type BufReader, EOF, ErrUnexpectedEOF, GoError } from '@ka/io';
import type { Conn } from './dial.js';
import { errReadOnClosedResBody } from './errors.js';

// The sticky "read error" of a body that reached its end.
const sawEOF = Symbol('eof');
const resolvedNull: Promise<null> = Promise.resolve(null);

/** Hooks of a {@link BodyEOFSignal}. */
export interface BodyEOFSignalHooks {
  /**
   * Called at most once, before the final read (EOF, passed as `EOF`, or an error) or close
   * (passed undefined) returns; its result (or what its Promise resolves to) replaces the
   * error (`EOF` meaning a clean end).
   */
  fn?: ((err: unknown) => unknown) | undefined;
  /** Called instead of `fn` when the body is closed before its end. */
  earlyCloseFn?: (() => Promise<void>) | undefined;
}

/**
 * Go's `bodyEOFSignal`: wraps a response body so the connection's read loop learns when the
 * body was read to its end (the connection may be reused) or closed early (it may not).
 *
 * A read that returns the last bytes of a framed body already counts as reaching the end, as
 * in Go where the final Read returns data and `io.EOF` together. Reads after `close()` fail
 * with `http: read on closed response body`; a read error is sticky.
 */
export class BodyEOFSignal extends BodyBase {
  readonly #body: Body;
  #closed = false;
  #rerr: unknown = undefined;
  #fn: BodyEOFSignalHooks['fn'];
  readonly #earlyCloseFn: BodyEOFSignalHooks['earlyCloseFn'];

  constructor(body: Body, hooks: BodyEOFSignalHooks = {}) {
    super();
    this.#body = body;
    this.#fn = hooks.fn;
    this.#earlyCloseFn = hooks.earlyCloseFn;
  }

  override bodySizeHint(): number {
    return this.#body instanceof BodyBase ? this.#body.bodySizeHint() : -1;
  }

  // Go: (*bodyEOFSignal).Read.
  read(p: Uint8Array): Promise<number | null> {
    if (this.#closed) return Promise.reject(errReadOnClosedResBody);
    if (this.#rerr === sawEOF) return resolvedNull;
    const body = this.#body;
    if (this.#rerr === undefined && isMessageBody(body)) {
      // Bytes already buffered: no Promise chain through the framed body.
      const n = body.tryRead(p);
      if (n !== undefined) {
        if (n > 0 && body.sawEOF) return this.#lastRead(n);
        return Promise.resolve(n);
      }
    }
    return this.#read(p);
  }

  /** Reads until EOF; a body already buffered in full is returned without a read loop. */
  override bytes(): Promise<Uint8Array> {
    const body = this.#body;
    if (!this.#closed && this.#rerr === undefined && isMessageBody(body)) {
      const all = body.tryReadAll();
      if (all !== undefined) {
        // As the read that returns the last bytes: report the end, then a final read
        // finds EOF (or the error the report gave).
        this.#rerr = sawEOF;
        const err = this.#condfn(EOF);
        if (err instanceof Promise) {
          return err.then((e) => {
            if (e !== EOF) {
              this.#rerr = e;
              throw e;
            }
            return all;
          });
        }
        if (err !== EOF) {
          this.#rerr = err;
          return Promise.reject(err);
        }
        return Promise.resolve(all);
      }
    }
    return super.bytes();
  }

  async #read(p: Uint8Array): Promise<number | null> {
    if (this.#rerr !== undefined) throw this.#rerr;
    let n: number | null;
    try {
      n = await this.#body.read(p);
    } catch (e) {
      this.#rerr ??= e;
      throw await this.#condfn(e);
    }
    if (n === null) {
      this.#rerr ??= sawEOF;
      const err = await this.#condfn(EOF);
      if (err === EOF) return null;
      throw err;
    }
    // The framed body knows it just handed out its last bytes: report the end now, so the
    // connection goes back to the pool without waiting for one more read.
    if (n > 0 && isMessageBody(this.#body) && this.#body.sawEOF) return this.#lastRead(n);
    return n;
  }

  // The read that returned the body's last bytes: report the end, then return them.
  #lastRead(n: number): Promise<number> {
    this.#rerr ??= sawEOF;
    const err = this.#condfn(EOF);
    if (err instanceof Promise) {
      return err.then((e) => {
        if (e !== EOF) this.#rerr = e;
        return n;
      });
    }
    if (err !== EOF) this.#rerr = err;
    return Promise.resolve(n);
  }

  // Go: (*bodyEOFSignal).Close.
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#earlyCloseFn !== undefined && this.#rerr !== sawEOF) {
      await this.#earlyCloseFn();
      return;
    }
    let err: unknown;
    try {
      await this.#body.close();
    } catch (e) {
      err = e;
    }
    err = await this.#condfn(err);
    if (err !== undefined) throw err;
  }

  // Go: (*bodyEOFSignal).condfn — run fn once. Returns what fn returns: a Promise when it
  // has to wait, else the error itself.
  #condfn(err: unknown): unknown {
    const fn = this.#fn;
    if (fn === undefined) return err;
    this.#fn = undefined;
    return fn(err);
  }
}

// Go's gzip/flate error texts for what zlib reports.
/** Go's `gzip.ErrHeader`. */
export const ErrGzipHeader = Object.freeze(new GoError('ERR_GZIP_HEADER', 'gzip: invalid header'));
/** Go's `gzip.ErrChecksum`. */
export const ErrGzipChecksum = Object.freeze(
  new GoError('ERR_GZIP_CHECKSUM', 'gzip: invalid checksum'),
);

function gzipError(e: unknown, consumed: number): unknown {
  const msg = e instanceof Error ? e.message : String(e);
  if (msg.includes('incorrect header check') || msg.includes('unknown compression method')) {
    return ErrGzipHeader;
  }
  if (msg.includes('unexpected end of file')) return ErrUnexpectedEOF;
  if (msg.includes('incorrect data check') || msg.includes('incorrect length check')) {
    return ErrGzipChecksum;
  }
  return new GoError('ERR_FLATE_CORRUPT', `flate: corrupt input before offset ${consumed}`, {
    cause: e,
  });
}

/**
 * Go's `gzipReader`: transparently decompresses a `Content-Encoding: gzip` response the
 * transport asked for. Decompression starts at the first read and is demand-driven: one
 * chunk of the compressed body is read per chunk of output needed. The underlying body is
 * read to its end, so the connection is reused as for any other body.
 */
export class GzipReader extends BodyBase {
  readonly #body: Body;
  #z: zlib.Gunzip | undefined;
  #out: Buffer[] = [];
  #ended = false;
  #zerr: unknown = undefined;
  #srcDone = false;
  #fed = 0;
  #closed = false;
  #reading = false;
  #wake: (() => void) | undefined;

  constructor(body: Body) {
    super();
    this.#body = body;
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  #init(): zlib.Gunzip {
    const z = zlib.createGunzip();
    z.on('data', (b: Buffer) => {
      this.#out.push(b);
      this.#notify();
    });
    z.on('end', () => {
      this.#ended = true;
      this.#notify();
    });
    z.on('error', (e) => {
      this.#zerr ??= gzipError(e, this.#fed);
      this.#notify();
    });
    return z;
  }

  async read(p: Uint8Array): Promise<number | null> {
    if (this.#closed) throw errReadOnClosedResBody;
    if (this.#reading)
      throw new GoError('ERR_HTTP_CONCURRENT_READ', 'http: concurrent read on response body');
    this.#reading = true;
    try {
      return await this.#read(p);
    } finally {
      this.#reading = false;
    }
  }

  // Go: gzip.Reader's header check — the first 10 bytes must be there and start with the
  // gzip magic and the deflate method, else `unexpected EOF` / `gzip: invalid header`. Go reads
  // them through a 4 KiB bufio.Reader, so a small body is read to its end right here (and its
  // connection goes back to the pool even when the header turns out to be bad): so do we.
  async #readHeader(z: zlib.Gunzip, chunk: Uint8Array): Promise<boolean> {
    const buf = chunk.subarray(0, 4096);
    let have = 0;
    while (have < 10) {
      const n = await this.#body.read(buf.subarray(have));
      if (n === null) {
        if (have === 0) return false; // an empty body is a clean EOF
        throw ErrUnexpectedEOF;
      }
      have += n;
    }
    if (buf[0] !== 0x1f || buf[1] !== 0x8b || buf[2] !== 8) throw ErrGzipHeader;
    this.#fed = have;
    await this.#feed(z, buf.subarray(0, have));
    return true;
  }

  // Hands `b` to zlib and waits until it was consumed (its output is queued by then) or
  // zlib failed.
  #feed(z: zlib.Gunzip, b: Uint8Array): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
      z.write(Buffer.from(b), () => resolve());
    });
  }

  async #read(p: Uint8Array): Promise<number | null> {
    const chunk = new Uint8Array(32 * 1024);
    let z = this.#z;
    if (z === undefined) {
      z = this.#z = this.#init();
      try {
        if (!(await this.#readHeader(z, chunk))) {
          this.#ended = true;
          return null;
        }
      } catch (e) {
        this.#zerr = e;
        throw e;
      }
    }
    for (;;) {
      if (this.#closed) throw errReadOnClosedResBody;
      if (this.#out.length > 0) {
        let n = 0;
        while (n < p.length && this.#out.length > 0) {
          const b = this.#out[0]!;
          const k = Math.min(b.length, p.length - n);
          p.set(k === b.length ? b : b.subarray(0, k), n);
          n += k;
          if (k === b.length) this.#out.shift();
          else this.#out[0] = b.subarray(k);
        }
        return n;
      }
      if (this.#zerr !== undefined) throw this.#zerr;
      if (this.#ended) return null;
      if (this.#srcDone) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      const n = await this.#body.read(chunk);
      if (n === null) {
        this.#srcDone = true;
        z.end();
        continue;
      }
      if (n === 0) continue;
      this.#fed += n;
      await this.#feed(z, chunk.subarray(0, n));
    }
  }

  // Go: (*gzipReader).Close — release the decompressor, close the body.
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#z?.destroy();
    this.#out = [];
    this.#notify();
    await this.#body.close();
  }
}

/**
 * Go's `readWriteCloserBody`: the body of a `101 Switching Protocols` response — the raw
 * connection, readable (bytes already buffered first) and writable.
 */
export class ReadWriteCloserBody extends BodyBase {
  #br: BufReader | undefined;
  readonly #conn: Conn;

  constructor(br: BufReader, conn: Conn) {
    super();
    this.#br = br.buffered() !== 0 ? br : undefined;
    this.#conn = conn;
  }

  async read(p: Uint8Array): Promise<number | null> {
    const br = this.#br;
    if (br !== undefined) {
      const n = Math.min(p.length, br.buffered());
      p.set(br.bufferedBytes().subarray(0, n));
      br.skip(n);
      if (br.buffered() === 0) this.#br = undefined;
      return n;
    }
    return this.#conn.read(p);
  }

  /** Writes to the connection. */
  write(p: Uint8Array): Promise<number> {
    return this.#conn.write(p);
  }

  /** Half-closes the connection's write side. */
  async closeWrite(): Promise<void> {
    if (this.#conn.closeWrite === undefined) {
      throw new GoError('ERR_NOT_SUPPORTED', 'CloseWrite: feature not supported');
    }
    await this.#conn.closeWrite();
  }

  async close(): Promise<void> {
    await this.#conn.close();
  }
}
