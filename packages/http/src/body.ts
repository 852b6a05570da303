// Go: transfer.go `body`, http.NoBody — message bodies. Go's reader inside (exact byte
// accounting, EOF reported with the last bytes), idiomatic helpers outside.
import {
  BufReader,
  BytesReader,
  EOF,
  ErrUnexpectedEOF,
  GoError,
  LimitedReader,
  type ReadCloser,
  type Reader,
} from '@ka/io';
import { ChunkedReader } from './chunked.js';
import { ErrBodyReadAfterClose } from './errors.js';
import type { Header } from './header.js';
import { readMIMEHeader } from './textproto.js';

/**
 * A message body: Go's `io.ReadCloser` (`read(p)` → bytes or `null` at EOF; `close()`), also
 * an `AsyncIterable` of chunks, with `bytes()`, `text()`, `json()` and `stream()` helpers
 * that read to the end.
 */
export interface Body extends ReadCloser, AsyncIterable<Uint8Array> {
  /** Reads into `p`; resolves the count, or `null` at the end of the body. */
  read(p: Uint8Array): Promise<number | null>;
  /** Releases the body (see the server and client docs for what closing early does). */
  close(): Promise<void>;
  /** Reads the rest of the body. */
  bytes(): Promise<Uint8Array>;
  /** Reads the rest of the body as UTF-8 text. */
  text(): Promise<string>;
  /** Reads the rest of the body and parses it as JSON. */
  json(): Promise<unknown>;
  /** The rest of the body as a Web `ReadableStream`; cancelling it closes the body. */
  stream(): ReadableStream<Uint8Array>;
}

const noop = (): void => {};

/** Size of the chunks handed out by a body's async iterator. */
const iterChunkSize = 16 * 1024;
const decoder = new TextDecoder();

/**
 * Shared implementation of the {@link Body} helpers on top of `read` and `close`. Extend it
 * to make any reader a {@link Body}.
 */
export abstract class BodyBase implements Body {
  abstract read(p: Uint8Array): Promise<number | null>;
  abstract close(): Promise<void>;

  /**
   * @internal How many bytes are left to read, when the framing says (a Content-Length
   * body); -1 when unknown. Only a hint for sizing buffers: never trusted for limits.
   */
  bodySizeHint(): number {
    return -1;
  }

  /** Reads until EOF and resolves everything read. */
  async bytes(): Promise<Uint8Array> {
    // A body of known small size gets one buffer with a byte to spare (the read that finds
    // the end); otherwise fill one buffer before starting the next, twice as big up to
    // 1 MiB, and copy out the exact size at the end.
    const hint = this.bodySizeHint();
    const sized = hint >= 0 && hint < 1 << 20;
    const parts: Uint8Array[] = [];
    let total = 0;
    let buf = new Uint8Array(sized ? hint + 1 : 4096);
    let off = 0;
    for (;;) {
      if (off === buf.length) {
        parts.push(buf);
        total += off;
        buf = new Uint8Array(Math.min(buf.length * 2, 1 << 20));
        off = 0;
      }
      const n = await this.read(off === 0 ? buf : buf.subarray(off));
      if (n === null) break;
      off += n;
    }
    if (parts.length === 0) return sized && off === hint ? buf.subarray(0, off) : buf.slice(0, off);
    parts.push(buf.subarray(0, off));
    const out = new Uint8Array(total + off);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** Reads until EOF and decodes UTF-8. */
  async text(): Promise<string> {
    return decoder.decode(await this.bytes());
  }

  /** Reads until EOF and parses JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /** Yields the body in chunks (fresh arrays); leaving the loop early closes the body. */
  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    let done = false;
    try {
      for (;;) {
        const buf = new Uint8Array(iterChunkSize);
        const n = await this.read(buf);
        if (n === null) {
          done = true;
          return;
        }
        if (n > 0) yield buf.subarray(0, n);
      }
    } finally {
      if (!done) await this.close();
    }
  }

  /** A Web `ReadableStream` over the body. */
  stream(): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        const buf = new Uint8Array(iterChunkSize);
        const n = await this.read(buf);
        if (n === null) controller.close();
        else if (n > 0) controller.enqueue(buf.subarray(0, n));
      },
      cancel: () => this.close(),
    });
  }
}

class NoBodyImpl extends BodyBase {
  async read(): Promise<number | null> {
    return null;
  }
  async close(): Promise<void> {}
  override async bytes(): Promise<Uint8Array> {
    return new Uint8Array(0);
  }
}

/**
 * Go's `http.NoBody`: the body of messages without one (EOF at once; closing does nothing).
 * Compare with `===`.
 */
export const NoBody: Body = Object.freeze(new NoBodyImpl());

/**
 * Wraps any reader (and optional close) as a {@link Body}. `close` defaults to a no-op, as
 * Go's `io.NopCloser`.
 */
export function toBody(r: Reader, close?: () => void | Promise<void>): Body {
  return new ReaderBody(r, close);
}

class ReaderBody extends BodyBase {
  readonly #r: Reader;
  readonly #close: (() => void | Promise<void>) | undefined;
  constructor(r: Reader, close?: () => void | Promise<void>) {
    super();
    this.#r = r;
    this.#close = close;
  }
  read(p: Uint8Array): Promise<number | null> {
    return this.#r.read(p);
  }
  async close(): Promise<void> {
    await this.#close?.();
  }
  /** The wrapped reader (Go's `unwrapNopCloser`). */
  get reader(): Reader {
    return this.#r;
  }
}

/** A body over bytes in memory: its length is known and reading never blocks. */
export class BytesBody extends BodyBase {
  readonly #b: Uint8Array;
  #off = 0;
  constructor(b: Uint8Array) {
    super();
    this.#b = b;
  }
  /** Bytes not yet read. */
  get length(): number {
    return this.#b.length - this.#off;
  }
  async read(p: Uint8Array): Promise<number | null> {
    if (this.#off >= this.#b.length) return p.length === 0 ? 0 : null;
    const n = Math.min(p.length, this.#b.length - this.#off);
    p.set(this.#b.subarray(this.#off, this.#off + n));
    this.#off += n;
    return n;
  }
  async close(): Promise<void> {}
}

/**
 * Go's `isKnownInMemoryReader`: reading never blocks, so a writer need not flush the head
 * before the body.
 */
export function isKnownInMemoryBody(b: unknown): boolean {
  if (b instanceof BytesBody || b instanceof BytesReader) return true;
  if (b instanceof ReaderBody) return isKnownInMemoryBody(b.reader);
  return false;
}

/** Unwraps a body made by {@link toBody}; undefined for other bodies. */
export function unwrapBody(b: Body): Reader | undefined {
  return b instanceof ReaderBody ? b.reader : undefined;
}

/** Go's `maxPostHandlerReadBytes`: how much an early close drains before giving up. */
export const maxPostHandlerReadBytes = 256 << 10;

/** What a chunked body copies its trailer into: a Request or a Response. */
export interface TrailerHolder {
  trailer: Header | null;
}

/** Go's `errTrailerEOF`. */
export const ErrTrailerEOF = Object.freeze(
  new GoError('ERR_TRAILER_EOF', 'http: unexpected EOF reading trailer'),
);
/** Go's trailer size guard: no blank line within the read buffer. */
export const ErrSuspiciousTrailer = Object.freeze(
  new GoError('ERR_SUSPICIOUS_TRAILER', 'http: suspiciously long trailer after chunked body'),
);

/** Options of a {@link MessageBody}. */
export interface MessageBodyInit {
  /** The framed source: a `LimitedReader` (Content-Length), a `ChunkedReader`, or the raw reader. */
  src: Reader;
  /** For chunked bodies: where trailers go, read from `r` after the last chunk. */
  hdr?: TrailerHolder | null;
  /** The wire reader trailers are read from. */
  r?: BufReader | null;
  /** Whether the connection closes after this message. */
  closing: boolean;
}

/**
 * Go's unexported `body` type: a framed message body read straight off the connection.
 *
 * Not public API (exported through `@ka/http/internal`). Byte accounting is exact: a
 * Content-Length or chunked body reports EOF (`sawEOF`, the `onHitEOF` hook, trailers) as
 * soon as the read that returns its last bytes, and a connection-close body when the peer
 * closes. A short Content-Length body fails with `unexpected EOF`.
 */
export class MessageBody extends BodyBase {
  readonly src: Reader;
  #hdr: TrailerHolder | null;
  readonly #r: BufReader | null;
  /** Whether the connection is closed after this message (no point draining then). */
  readonly closing: boolean;
  /**
   * Go's `doEarlyClose`: when set (the server sets it on request bodies), `close()` with
   * unread data reads at most {@link maxPostHandlerReadBytes} looking for the end, and marks
   * an early close instead of draining more.
   */
  doEarlyClose = false;
  /** Whether the end of the body (and any trailer) has been read. */
  sawEOF = false;
  #closed = false;
  #earlyClose = false;
  #onHitEOF: (() => void) | undefined;
  #pending: unknown = undefined; // an error to report on the next read (data came first)
  #op: Promise<unknown> | undefined; // the read or close in progress

  constructor(init: MessageBodyInit) {
    super();
    this.src = init.src;
    this.#hdr = init.hdr ?? null;
    this.#r = init.r ?? null;
    this.closing = init.closing;
  }

  /** Whether `close()` has been called (or a bad trailer closed the body). */
  get closed(): boolean {
    return this.#closed;
  }

  override bodySizeHint(): number {
    if (this.sawEOF) return 0;
    return this.src instanceof LimitedReader ? this.src.n : -1;
  }

  /**
   * Go's `(*body).Read`. After `close()` it rejects with `ErrBodyReadAfterClose`. Reads and
   * `close()` never overlap: each waits for the one in progress (Go's body mutex).
   */
  read(p: Uint8Array): Promise<number | null> {
    return this.#exclusive(() => this.#checkedRead(p));
  }

  #checkedRead(p: Uint8Array): Promise<number | null> {
    if (this.#pending !== undefined) {
      const e = this.#pending;
      this.#pending = undefined;
      return Promise.reject(e);
    }
    if (this.#closed) return Promise.reject(ErrBodyReadAfterClose);
    return this.#readLocked(p);
  }

  /**
   * @internal {@link MessageBody.read} without waiting, for a Content-Length body: when no
   * read or close is in progress and the next bytes are in the wire reader's buffer (or it
   * can buffer some without waiting), copies them into `p` and returns how many, reporting the
   * end with the last bytes exactly as `read` does (`sawEOF`, the onHitEOF hook). Returns
   * `undefined`, having done nothing, whenever `read` could do anything else (wait, report
   * EOF or an error, read a trailer): then call `read`.
   */
  tryRead(p: Uint8Array): number | undefined {
    if (this.#op !== undefined || this.#pending !== undefined || this.#closed || this.sawEOF) {
      return undefined;
    }
    const src = this.src;
    if (p.length === 0 || !(src instanceof LimitedReader) || src.n <= 0) return undefined;
    const br = src.r;
    if (!(br instanceof BufReader)) return undefined;
    if (br.buffered() === 0 && !br.tryFill()) return undefined;
    // Go: bufio.(*Reader).Read with bytes buffered copies what fits, without reading more.
    const n = Math.min(p.length, src.n, br.buffered());
    p.set(br.bufferedBytes().subarray(0, n));
    br.skip(n);
    src.n -= n;
    if (src.n === 0) {
      this.sawEOF = true;
      this.#onHitEOF?.();
    }
    return n;
  }

  /**
   * @internal The rest of a Content-Length body, when all of it is in the wire reader's
   * buffer (or arrives there without waiting): consumes and returns it (a copy), reporting the
   * end as the read of the last bytes does. `undefined`, having done nothing, otherwise, or
   * when `read` would do anything else.
   */
  tryReadAll(): Uint8Array | undefined {
    if (this.#op !== undefined || this.#pending !== undefined || this.#closed || this.sawEOF) {
      return undefined;
    }
    const src = this.src;
    if (!(src instanceof LimitedReader) || src.n <= 0) return undefined;
    const br = src.r;
    if (!(br instanceof BufReader)) return undefined;
    const n = src.n;
    if (br.buffered() < n && (br.size() < n || !br.tryFill() || br.buffered() < n)) {
      return undefined;
    }
    const out = br.bufferedBytes().slice(0, n);
    br.skip(n);
    src.n = 0;
    this.sawEOF = true;
    this.#onHitEOF?.();
    return out;
  }

  // Go: body.mu — run `fn` once no other read or close is in progress.
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.#op !== undefined) await this.#op.then(noop, noop);
    const op = fn();
    this.#op = op;
    try {
      return await op;
    } finally {
      if (this.#op === op) this.#op = undefined;
    }
  }

  // Go: (*body).readLocked.
  async #readLocked(p: Uint8Array): Promise<number | null> {
    if (this.sawEOF) return null;
    const src = this.src;
    const n = await src.read(p);
    if (n === null) {
      this.sawEOF = true;
      let err: unknown;
      if (this.#hdr !== null) {
        err = await this.#finishTrailer();
      } else if (src instanceof LimitedReader && src.n > 0) {
        err = ErrUnexpectedEOF;
      }
      if (this.sawEOF) this.#onHitEOF?.();
      if (err !== undefined) throw err;
      return null;
    }
    // Report EOF together with the last bytes, so reuse decisions do not wait for another
    // read: a Content-Length body that is used up, or a chunked body whose last chunk came.
    if (n > 0) {
      if (src instanceof LimitedReader) {
        if (src.n === 0) this.sawEOF = true;
      } else if (src instanceof ChunkedReader && src.sawFinalChunk) {
        this.sawEOF = true;
        if (this.#hdr !== null) {
          const err = await this.#finishTrailer();
          if (err !== undefined) this.#pending = err;
        }
      }
    }
    if (this.sawEOF) this.#onHitEOF?.();
    return n;
  }

  // Reads the trailer; on failure the body is unusable (Go: golang.org/issue/12027).
  async #finishTrailer(): Promise<unknown> {
    let err: unknown;
    try {
      await this.#readTrailer();
    } catch (e) {
      err = e;
      this.sawEOF = false;
      this.#closed = true;
    }
    this.#hdr = null;
    return err;
  }

  // Go: (*body).readTrailer.
  async #readTrailer(): Promise<void> {
    const r = this.#r!;
    const buf = r.buffered() >= 2 ? r.bufferedBytes() : await r.peek(2);
    if (buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a) {
      r.skip(2);
      return;
    }
    if (buf.length < 2) throw ErrTrailerEOF;
    if (!(await seeUpcomingDoubleCRLF(r))) throw ErrSuspiciousTrailer;
    let h: Header;
    try {
      h = await readMIMEHeader(r);
    } catch (e) {
      if (e === EOF) throw ErrTrailerEOF;
      throw e;
    }
    const holder = this.#hdr!;
    if (holder.trailer === null) {
      holder.trailer = h;
    } else {
      for (const [k, v] of h) holder.trailer.rawSet(k, v);
    }
  }

  /** Go's `unreadDataSizeLocked`: bytes left of a Content-Length body, else -1. */
  unreadDataSize(): number {
    return this.src instanceof LimitedReader ? this.src.n : -1;
  }

  /** Go's `bodyRemains`: whether future reads might return data. */
  bodyRemains(): boolean {
    return !this.sawEOF;
  }

  /** Go's `registerOnHitEOF`: `fn` runs when a read reaches the end of the body. */
  registerOnHitEOF(fn: (() => void) | undefined): void {
    this.#onHitEOF = fn;
  }

  /** Go's `didEarlyClose`: `close()` gave up with data unread (see {@link MessageBody.doEarlyClose}). */
  didEarlyClose(): boolean {
    return this.#earlyClose;
  }

  /**
   * Go's `(*body).Close`. Unread data is drained so the connection can be reused — fully, or
   * with {@link MessageBody.doEarlyClose} at most {@link maxPostHandlerReadBytes} (more than
   * that declared or found marks an early close). Nothing is drained when the connection
   * closes after this message anyway. Rejects with a drain error, but the body is closed
   * either way.
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return this.#exclusive(() => this.#closeLocked());
  }

  async #closeLocked(): Promise<void> {
    if (this.#closed) return;
    try {
      if (this.sawEOF) {
        // nothing left
      } else if (this.#hdr === null && this.closing) {
        // no trailer to read and the connection is going away
      } else if (this.doEarlyClose) {
        if (this.src instanceof LimitedReader && this.src.n > maxPostHandlerReadBytes) {
          this.#earlyClose = true;
        } else {
          const n = await drain(this, maxPostHandlerReadBytes);
          if (n === maxPostHandlerReadBytes) this.#earlyClose = true;
        }
      } else {
        await drain(this, Number.POSITIVE_INFINITY);
      }
    } finally {
      this.#closed = true;
    }
  }

  /** Reads while `close()` holds the body (Go's `bodyLocked`), for draining. */
  readUnchecked(p: Uint8Array): Promise<number | null> {
    return this.#checkedRead(p);
  }
}

// Go: io.CopyN(io.Discard, bodyLocked{b}, limit) — discards up to `limit` bytes.
async function drain(b: MessageBody, limit: number): Promise<number> {
  const buf = new Uint8Array(Math.min(32 * 1024, limit));
  let total = 0;
  while (total < limit) {
    const want = Math.min(buf.length, limit - total);
    const n = await b.readUnchecked(want === buf.length ? buf : buf.subarray(0, want));
    if (n === null) break;
    total += n;
  }
  return total;
}

// Go: seeUpcomingDoubleCRLF — is a blank line ("\r\n\r\n") within reach of the buffer?
async function seeUpcomingDoubleCRLF(r: BufReader): Promise<boolean> {
  for (;;) {
    const buf = r.bufferedBytes();
    if (indexOfDoubleCRLF(buf) >= 0) return true;
    if (buf.length >= r.size()) return false;
    try {
      if (!(await r.fill())) return false;
    } catch {
      return false;
    }
  }
}

function indexOfDoubleCRLF(b: Uint8Array): number {
  for (let i = b.indexOf(0x0d); i >= 0 && i + 3 < b.length; i = b.indexOf(0x0d, i + 1)) {
    if (b[i + 1] === 0x0a && b[i + 2] === 0x0d && b[i + 3] === 0x0a) return i;
  }
  return -1;
}

/** True for the framed bodies made by the message readers (Go's `*body`). */
export function isMessageBody(b: unknown): b is MessageBody {
  return b instanceof MessageBody;
}

/**
 * Go's `maxBytesReader`: reads at most `n` bytes from `r`; the read that goes past the limit
 * returns what is allowed, calls `w.requestTooLarge()` and then fails (sticky) with the
 * error `mkErr` builds. Use `maxBytesReader` from the main entry point.
 */
export class MaxBytesBody extends BodyBase {
  readonly #w: { requestTooLarge?(): void } | undefined;
  readonly #r: Body;
  readonly #i: number;
  #n: number;
  #err: unknown = undefined;
  #eof = false;
  readonly #mkErr: (limit: number) => Error;

  constructor(
    w: { requestTooLarge?(): void } | undefined,
    r: Body,
    n: number,
    mkErr: (limit: number) => Error,
  ) {
    super();
    this.#w = w;
    this.#r = r;
    this.#i = n;
    this.#n = n;
    this.#mkErr = mkErr;
  }

  async read(p: Uint8Array): Promise<number | null> {
    if (this.#err !== undefined) throw this.#err;
    if (this.#eof) return null;
    if (p.length === 0) return 0;
    // One byte more than allowed tells "at the limit" from "past it".
    if (p.length - 1 > this.#n) p = p.subarray(0, this.#n + 1);
    let n: number | null;
    try {
      n = await this.#r.read(p);
    } catch (e) {
      this.#err = e;
      throw e;
    }
    if (n === null) {
      this.#eof = true;
      return null;
    }
    if (n <= this.#n) {
      this.#n -= n;
      return n;
    }
    const allowed = this.#n;
    this.#n = 0;
    this.#w?.requestTooLarge?.();
    this.#err = this.#mkErr(this.#i);
    if (allowed > 0) return allowed;
    throw this.#err;
  }

  close(): Promise<void> {
    return this.#r.close();
  }
}
