// Go: package bufio — buffered reading and writing over a Reader / Writer.
//
// Views returned by `peek`, `readSlice`, `readLine` and `bufferedBytes` point into the
// reader's own buffer, as Go's slices do: they stay valid only until the next call that reads
// or fills. Copy them (`slice()`) to keep them.
//
// Errors follow ka's rule "data first, error next": when the underlying reader fails after
// some bytes arrived, the bytes are returned and the error is raised by the following call.
// EOF is `null`, never an exception.

import {
  ErrBufferFull,
  ErrInvalidUnreadByte,
  ErrNegativeCount,
  ErrNegativeRead,
  ErrNoProgress,
  ErrShortWrite,
} from './errors.js';
import { isEagerWriter, isSyncReader, type Reader, type Writer } from './io.js';

/** Go's `bufio.defaultBufSize`: 4096 bytes. */
export const DefaultBufSize = 4096;
const minReadBufferSize = 16;

/** One line from {@link BufReader.readLine}: `isPrefix` is true when the line did not fit. */
export interface Line {
  /** The line without its `\n` or `\r\n`; a view into the buffer. */
  line: Uint8Array;
  /** True when the buffer filled before the end of the line: the rest comes next. */
  isPrefix: boolean;
}

const EOF_MARK: unique symbol = Symbol('eof');

/**
 * Go's `bufio.Reader`. Not safe for concurrent use: one caller awaits at a time.
 *
 * @example
 * ```ts
 * import { BufReader, BytesReader } from '@ka/io';
 * const br = new BufReader(new BytesReader(new TextEncoder().encode('a\nb\n')));
 * const first = await br.readLine(); // { line: 'a' bytes, isPrefix: false }
 * ```
 */
const noBuf = new Uint8Array(0);

export class BufReader implements Reader {
  #buf: Uint8Array;
  // The configured size; #buf is `noBuf` while the buffer is lent out (releaseBuffer).
  readonly #size: number;
  // #buf as a Node Buffer for readSlice's scans, made on first use (see #scanner).
  #scan: Buffer | null = null;
  #rd: Reader;
  #r = 0;
  #w = 0;
  // Pending condition from the underlying reader: an error, EOF, or none.
  #err: unknown = undefined;
  #lastByte = -1;

  /**
   * Wraps `rd` with a buffer of `size` bytes (at least 16; default {@link DefaultBufSize});
   * `buf`, when given and large enough, is used as that buffer (a pooled one).
   */
  constructor(rd: Reader, size: number = DefaultBufSize, buf?: Uint8Array) {
    this.#size = Math.max(size, minReadBufferSize);
    this.#buf = buf !== undefined && buf.length >= this.#size ? buf : new Uint8Array(this.#size);
    this.#rd = rd;
  }

  /** Size of the underlying buffer in bytes. */
  size(): number {
    return this.#size;
  }

  /**
   * Gives up the buffer while nothing is buffered, so an idle owner holds no memory: returns
   * it (for a pool) or `null` when bytes are still buffered. The next read takes a buffer from
   * {@link BufReader.attachBuffer}, or allocates one. Not in Go (its server pools whole readers).
   */
  releaseBuffer(): Uint8Array | null {
    if (this.#r !== this.#w || this.#buf === noBuf) return null;
    const b = this.#buf;
    this.#buf = noBuf;
    this.#scan = null;
    this.#r = this.#w = 0;
    this.#lastByte = -1;
    return b;
  }

  /**
   * Gives a released reader its buffer back: `b` (at least {@link BufReader.size} bytes; a
   * pooled one) or a new one. A no-op while the reader holds a buffer.
   */
  attachBuffer(b?: Uint8Array): void {
    if (this.#buf !== noBuf) return;
    this.#buf = b !== undefined && b.length >= this.#size ? b : new Uint8Array(this.#size);
    this.#scan = null;
  }

  // The buffer as a Node Buffer, made on first use: its indexOf is memchr-backed, faster
  // than the typed array's on long scans.
  #scanner(): Buffer {
    const buf = this.#buf;
    let scan = this.#scan;
    if (scan === null || scan.buffer !== buf.buffer || scan.byteOffset !== buf.byteOffset) {
      scan = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
      this.#scan = scan;
    }
    return scan;
  }

  /** Number of bytes that can be read from the buffer without touching the reader. */
  buffered(): number {
    return this.#w - this.#r;
  }

  /**
   * The bytes buffered and not yet consumed, as a view (no copy). Together with
   * {@link BufReader.skip} and {@link BufReader.fill} this lets a parser work on the buffer it
   * already holds instead of awaiting line by line. Not in Go; equal to `Peek(Buffered())`.
   */
  bufferedBytes(): Uint8Array {
    return this.#buf.subarray(this.#r, this.#w);
  }

  /** Consumes `n` already-buffered bytes synchronously (`n` ≤ {@link BufReader.buffered}). */
  skip(n: number): void {
    if (n < 0 || n > this.#w - this.#r) throw ErrNegativeCount;
    this.#r += n;
    if (n > 0) this.#lastByte = this.#buf[this.#r - 1]!;
  }

  /** Go's `(*Reader).Reset`: forget buffered data and errors and read from `rd` from now on. */
  reset(rd: Reader): void {
    this.#rd = rd;
    this.#r = this.#w = 0;
    this.#err = undefined;
    this.#lastByte = -1;
  }

  // Go: (*Reader).readErr — hand out the pending error once.
  #takeErr(): unknown {
    const e = this.#err;
    this.#err = undefined;
    return e;
  }

  /**
   * Reads more bytes into the buffer once (sliding unread bytes to the front first). Resolves
   * `true` when bytes were added, `false` at EOF with nothing added. Rejects with a pending
   * reader error, or with `ErrBufferFull` when the buffer has no room. Go's `fill`, exposed
   * for parsers that use {@link BufReader.bufferedBytes}.
   */
  async fill(): Promise<boolean> {
    if (this.#err !== undefined) {
      const e = this.#takeErr();
      if (e === EOF_MARK) return false;
      throw e;
    }
    this.#makeRoom();
    if (this.#w >= this.#buf.length) throw ErrBufferFull;
    const n = await this.#readInto(this.#buf.subarray(this.#w));
    if (n === null) return false;
    this.#w += n;
    return true;
  }

  /**
   * {@link BufReader.fill} without waiting: when the underlying reader is a
   * {@link SyncReader} with bytes at hand, reads them into the buffer and returns `true`.
   * Returns `false` — and leaves any EOF or error for the next `fill` — when that would wait,
   * when the buffer is full, or when the reader cannot read synchronously. Not in Go.
   */
  tryFill(): boolean {
    if (this.#err !== undefined) return false;
    const rd = this.#rd;
    if (!isSyncReader(rd)) return false;
    this.#makeRoom();
    if (this.#w >= this.#buf.length) return false;
    const n = rd.tryRead(this.#buf.subarray(this.#w));
    if (n === undefined || n <= 0) return false;
    this.#w += n;
    return true;
  }

  // Before a fill: a buffer to fill (a released reader takes one back), unread bytes slid to
  // its front.
  #makeRoom(): void {
    if (this.#buf === noBuf) this.attachBuffer();
    if (this.#r > 0) {
      this.#buf.copyWithin(0, this.#r, this.#w);
      this.#w -= this.#r;
      this.#r = 0;
    }
  }

  // One read from the underlying reader; returns null at EOF and errors are thrown.
  async #readInto(p: Uint8Array): Promise<number | null> {
    for (let i = 0; i < 100; i++) {
      const n = await this.#rd.read(p);
      if (n === null) return null;
      if (n < 0) throw ErrNegativeRead;
      if (n > 0) return n;
    }
    throw ErrNoProgress;
  }

  // Fill once, stashing EOF / errors as pending instead of throwing, so buffered data can be
  // returned first. Returns false when nothing can be added any more.
  async #fillSoft(): Promise<boolean> {
    if (this.#err !== undefined) return false;
    try {
      if (await this.fill()) return true;
      this.#err = EOF_MARK;
    } catch (e) {
      if (e === ErrBufferFull) throw e;
      this.#err = e;
    }
    return false;
  }

  /**
   * Go's `(*Reader).Peek`: the next `n` bytes without consuming them. Resolves with fewer than
   * `n` bytes only at EOF. Rejects with `ErrBufferFull` when `n` exceeds the buffer size, with
   * `ErrNegativeCount` for negative `n`, and with a reader error when one occurred before `n`
   * bytes arrived.
   */
  async peek(n: number): Promise<Uint8Array> {
    if (n < 0) throw ErrNegativeCount;
    if (n > this.#size) throw ErrBufferFull;
    this.#lastByte = -1;
    while (this.#w - this.#r < n && (await this.#fillSoft())) {}
    if (this.#w - this.#r < n) {
      if (this.#err !== undefined && this.#err !== EOF_MARK) throw this.#takeErr();
      return this.#buf.subarray(this.#r, this.#w);
    }
    return this.#buf.subarray(this.#r, this.#r + n);
  }

  /**
   * Go's `(*Reader).Discard`: skips `n` bytes and resolves with how many were skipped, fewer
   * than `n` only at EOF.
   */
  async discard(n: number): Promise<number> {
    if (n < 0) throw ErrNegativeCount;
    let remain = n;
    for (;;) {
      const skip = Math.min(this.#w - this.#r, remain);
      this.#r += skip;
      remain -= skip;
      if (remain === 0) return n;
      if (!(await this.#fillSoft())) {
        if (this.#err !== EOF_MARK) throw this.#takeErr();
        return n - remain;
      }
    }
  }

  /**
   * Go's `(*Reader).Read`: at most one read from the underlying reader. When the buffer is
   * empty and `p` is at least as large as the buffer, reads straight into `p`.
   */
  async read(p: Uint8Array): Promise<number | null> {
    if (p.length === 0) return 0;
    if (this.#r === this.#w) {
      if (this.#err !== undefined) {
        const e = this.#takeErr();
        if (e === EOF_MARK) return null;
        throw e;
      }
      if (p.length >= this.#size) {
        const n = await this.#readInto(p);
        if (n !== null) this.#lastByte = p[n - 1]!;
        return n;
      }
      if (this.#buf === noBuf) this.attachBuffer();
      this.#r = this.#w = 0;
      const n = await this.#readInto(this.#buf);
      if (n === null) return null;
      this.#w += n;
    }
    const n = Math.min(p.length, this.#w - this.#r);
    p.set(this.#buf.subarray(this.#r, this.#r + n));
    this.#r += n;
    this.#lastByte = this.#buf[this.#r - 1]!;
    return n;
  }

  /** Go's `(*Reader).ReadByte`: one byte, or `null` at EOF. */
  async readByte(): Promise<number | null> {
    while (this.#r === this.#w) {
      if (!(await this.#fillSoft())) {
        const e = this.#takeErr();
        if (e === EOF_MARK) return null;
        throw e;
      }
    }
    const c = this.#buf[this.#r++]!;
    this.#lastByte = c;
    return c;
  }

  /** Go's `(*Reader).UnreadByte`: steps back over the byte just read. */
  unreadByte(): void {
    if (this.#lastByte < 0 || (this.#r === 0 && this.#w > 0)) throw ErrInvalidUnreadByte;
    if (this.#r > 0) {
      this.#r--;
    } else {
      this.#w = 1;
    }
    this.#buf[this.#r] = this.#lastByte;
    this.#lastByte = -1;
  }

  /**
   * Go's `(*Reader).ReadSlice`: bytes up to and including `delim`, as a view. At EOF without
   * `delim` it resolves with what is left (not ending in `delim`), then `null`. When the
   * buffer fills without `delim` it rejects with `ErrBufferFull` and — unlike Go — consumes
   * nothing, so the caller can still `peek` or `discard` the full buffer.
   */
  readSlice(delim: number): Promise<Uint8Array | null> {
    // Fast path: the delimiter is already buffered — no async machinery at all.
    const i = this.#scanner().indexOf(delim, this.#r);
    if (i >= 0 && i < this.#w) {
      const line = this.#buf.subarray(this.#r, i + 1);
      this.#r = i + 1;
      this.#lastByte = delim;
      return Promise.resolve(line);
    }
    return this.#readSliceSlow(delim);
  }

  async #readSliceSlow(delim: number): Promise<Uint8Array | null> {
    let s = 0;
    for (;;) {
      const from = this.#r + s;
      const i = from < this.#w ? this.#scanner().indexOf(delim, from) : -1;
      if (i >= 0 && i < this.#w) {
        const line = this.#buf.subarray(this.#r, i + 1);
        this.#r = i + 1;
        this.#lastByte = delim;
        return line;
      }
      if (this.#w - this.#r >= this.#size) throw ErrBufferFull;
      s = this.#w - this.#r;
      if (!(await this.#fillSoft())) {
        if (this.#r === this.#w) {
          const e = this.#takeErr();
          if (e === EOF_MARK) return null;
          throw e;
        }
        const rest = this.#buf.subarray(this.#r, this.#w);
        this.#r = this.#w;
        this.#lastByte = rest[rest.length - 1]!;
        return rest;
      }
    }
  }

  /**
   * Go's `(*Reader).ReadLine`: one line without its `\n` or `\r\n`. A line longer than the
   * buffer comes in pieces with `isPrefix` true. Resolves `null` at EOF.
   */
  async readLine(): Promise<Line | null> {
    let line: Uint8Array | null;
    try {
      line = await this.readSlice(0x0a);
    } catch (e) {
      if (e !== ErrBufferFull) throw e;
      // The whole buffer is one partial line. Keep a trailing '\r' back so that a "\r\n"
      // split across two calls is still recognised as a line ending.
      let end = this.#w;
      if (this.#buf[end - 1] === 0x0d) end--;
      const part = this.#buf.subarray(this.#r, end);
      this.#r = end;
      return { line: part, isPrefix: true };
    }
    if (line === null) return null;
    let n = line.length;
    if (line[n - 1] === 0x0a) {
      n--;
      if (n > 0 && line[n - 1] === 0x0d) n--;
    }
    return { line: line.subarray(0, n), isPrefix: false };
  }

  /**
   * Go's `(*Reader).ReadBytes`: a fresh copy of the bytes up to and including `delim`, however
   * long; at EOF what is left (without `delim`), then `null`.
   */
  async readBytes(delim: number): Promise<Uint8Array | null> {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      let frag: Uint8Array | null;
      try {
        frag = await this.readSlice(delim);
      } catch (e) {
        if (e !== ErrBufferFull) throw e;
        frag = this.#buf.slice(this.#r, this.#w);
        this.#r = this.#w;
        parts.push(frag);
        total += frag.length;
        continue;
      }
      if (frag === null) {
        if (total === 0) return null;
        break;
      }
      parts.push(frag.slice());
      total += frag.length;
      if (frag[frag.length - 1] === delim) break;
    }
    if (parts.length === 1) return parts[0]!;
    const out = new Uint8Array(total);
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  /** Go's `(*Reader).ReadString`: {@link BufReader.readBytes} decoded as UTF-8. */
  async readString(delim: number): Promise<string | null> {
    const b = await this.readBytes(delim);
    return b === null ? null : new TextDecoder().decode(b);
  }
}

/**
 * Go's `bufio.Writer`. Bytes collect in a buffer and go to the underlying writer when it is
 * full or on {@link BufWriter.flush}. The first error sticks: every later call fails with it.
 * Not safe for concurrent use: await each call before the next.
 *
 * @example
 * ```ts
 * const bw = new BufWriter(conn);
 * await bw.writeString('HTTP/1.1 200 OK\r\n\r\n');
 * await bw.flush(); // one socket write
 * ```
 */
export class BufWriter implements Writer {
  #buf: Uint8Array;
  // The configured size; #buf is `noBuf` while the buffer is lent out (releaseBuffer).
  readonly #size: number;
  #n = 0;
  #wr: Writer;
  #err: unknown = undefined;

  /**
   * Wraps `wr` with a buffer of `size` bytes (default {@link DefaultBufSize}); `buf`, when
   * given and large enough, is used as that buffer (a pooled one).
   */
  constructor(wr: Writer, size: number = DefaultBufSize, buf?: Uint8Array) {
    this.#size = size > 0 ? size : DefaultBufSize;
    this.#buf = buf !== undefined && buf.length >= this.#size ? buf : new Uint8Array(this.#size);
    this.#wr = wr;
  }

  /** Size of the underlying buffer in bytes. */
  size(): number {
    return this.#size;
  }
  /** Bytes written into the buffer and not yet flushed. */
  buffered(): number {
    return this.#n;
  }
  /** Free bytes left in the buffer. */
  available(): number {
    return this.#size - this.#n;
  }

  /**
   * Gives up the buffer while nothing is buffered, so an idle owner holds no memory: returns
   * it (for a pool) or `null` when bytes are still buffered. Only call it once every write of
   * earlier bytes has completed (a {@link BufWriter.take} view may still be in use until
   * then). The next write takes a buffer from {@link BufWriter.attachBuffer}, or allocates
   * one. Not in Go (its server pools whole writers).
   */
  releaseBuffer(): Uint8Array | null {
    if (this.#n !== 0 || this.#buf === noBuf) return null;
    const b = this.#buf;
    this.#buf = noBuf;
    return b;
  }

  /**
   * Gives a released writer its buffer back: `b` (at least {@link BufWriter.size} bytes; a
   * pooled one) or a new one. A no-op while the writer holds a buffer.
   */
  attachBuffer(b?: Uint8Array): void {
    if (this.#buf !== noBuf) return;
    this.#buf = b !== undefined && b.length >= this.#size ? b : new Uint8Array(this.#size);
  }
  /**
   * Hands over the buffered bytes without writing them: a view (valid until the next write)
   * that the caller now owns the job of delivering; the buffer is empty afterwards. Not in Go;
   * lets a caller that would only forward the bytes skip an async flush.
   */
  take(): Uint8Array {
    const v = this.#buf.subarray(0, this.#n);
    this.#n = 0;
    return v;
  }

  /** The sticky error, if a write to the underlying writer failed. */
  error(): unknown {
    return this.#err;
  }

  /** Go's `(*Writer).Reset`: drop buffered data and the sticky error; write to `wr` from now on. */
  reset(wr: Writer): void {
    this.#wr = wr;
    this.#n = 0;
    this.#err = undefined;
  }

  /** Go's `(*Writer).Flush`: writes the buffered bytes to the underlying writer. */
  async flush(): Promise<void> {
    if (this.#err !== undefined) throw this.#err;
    if (this.#n === 0) return;
    try {
      const n = await this.#wr.write(this.#buf.subarray(0, this.#n));
      if (n < this.#n) throw ErrShortWrite;
    } catch (e) {
      this.#err = e;
      throw e;
    }
    this.#n = 0;
  }

  /**
   * {@link BufWriter.flush} that finishes synchronously when it can: when the underlying
   * writer is an {@link EagerWriter} whose write completes at once, returns `undefined` with
   * the buffer flushed; otherwise returns the Promise of the flush still under way (or of its
   * failure). Not in Go, whose flush is synchronous anyway.
   */
  flushEager(): Promise<void> | undefined {
    if (this.#err !== undefined) return Promise.reject(this.#err);
    if (this.#n === 0) return undefined;
    const wr = this.#wr;
    if (!isEagerWriter(wr)) return this.flush();
    const want = this.#n;
    let r: number | Promise<number>;
    try {
      r = wr.writeEager(this.#buf.subarray(0, want));
    } catch (e) {
      this.#err = e;
      return Promise.reject(e);
    }
    if (typeof r === 'number') {
      if (r < want) {
        this.#err = ErrShortWrite;
        return Promise.reject(ErrShortWrite);
      }
      this.#n = 0;
      return undefined;
    }
    return r.then(
      (n) => {
        if (n < want) {
          this.#err = ErrShortWrite;
          throw ErrShortWrite;
        }
        this.#n = 0;
      },
      (e: unknown) => {
        this.#err = e;
        throw e;
      },
    );
  }

  /**
   * Go's `(*Writer).Write`: buffers `p`, flushing as the buffer fills. A large write into an
   * empty buffer goes straight to the underlying writer.
   */
  async write(p: Uint8Array): Promise<number> {
    if (this.#err !== undefined) throw this.#err;
    if (this.#buf === noBuf) this.attachBuffer();
    let nn = 0;
    while (p.length > this.available()) {
      let n: number;
      if (this.#n === 0) {
        try {
          n = await this.#wr.write(p);
        } catch (e) {
          this.#err = e;
          throw e;
        }
      } else {
        n = this.available();
        this.#buf.set(p.subarray(0, n), this.#n);
        this.#n += n;
        await this.flush();
      }
      nn += n;
      p = p.subarray(n);
    }
    this.#buf.set(p, this.#n);
    this.#n += p.length;
    return nn + p.length;
  }

  /**
   * Buffers `p` without flushing when it fits, synchronously; returns false (and buffers
   * nothing) when it does not. Lets hot paths skip a Promise for small writes.
   */
  tryWrite(p: Uint8Array): boolean {
    if (this.#err !== undefined || p.length > this.available()) return false;
    if (this.#buf === noBuf) this.attachBuffer();
    this.#buf.set(p, this.#n);
    this.#n += p.length;
    return true;
  }

  /**
   * Buffers the UTF-8 encoding of `s` synchronously when it surely fits (three bytes per
   * UTF-16 unit reserved); returns false (and buffers nothing) otherwise.
   */
  tryWriteString(s: string): boolean {
    if (this.#err !== undefined || s.length * 3 > this.available()) return false;
    if (this.#buf === noBuf) this.attachBuffer();
    this.#n += writeUTF8(s, this.#buf, this.#n);
    return true;
  }

  /**
   * Buffers the byte string `s` (one byte per UTF-16 unit, its low 8 bits: Latin-1)
   * synchronously when it fits; returns false (and buffers nothing) otherwise. For HTTP
   * heads, whose text is bytes.
   */
  tryWriteLatin1(s: string): boolean {
    if (this.#err !== undefined || s.length > this.available()) return false;
    if (this.#buf === noBuf) this.attachBuffer();
    const buf = this.#buf;
    const n = this.#n;
    for (let i = 0; i < s.length; i++) buf[n + i] = s.charCodeAt(i);
    this.#n = n + s.length;
    return true;
  }

  /** Go's `(*Writer).WriteString`: buffers the UTF-8 encoding of `s`. */
  async writeString(s: string): Promise<number> {
    if (this.#err !== undefined) throw this.#err;
    // Fast path: encode straight into the free part of the buffer.
    if (s.length * 3 <= this.available()) {
      if (this.#buf === noBuf) this.attachBuffer();
      const written = writeUTF8(s, this.#buf, this.#n);
      this.#n += written;
      return written;
    }
    return this.write(encoder.encode(s));
  }

  /** Go's `(*Writer).WriteByte`. */
  async writeByte(c: number): Promise<void> {
    if (this.#err !== undefined) throw this.#err;
    if (this.available() <= 0) await this.flush();
    if (this.#buf === noBuf) this.attachBuffer();
    this.#buf[this.#n++] = c;
  }
}

const encoder = new TextEncoder();

// The UTF-8 encoding of `s` into `buf` at `off` (room for it assured by the caller); returns
// the byte count. ASCII is copied in a loop — for the short strings of HTTP heads and small
// bodies cheaper than TextEncoder's call — the rest goes through encodeInto.
function writeUTF8(s: string, buf: Uint8Array, off: number): number {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    buf[off + i] = c;
  }
  if (i === s.length) return i;
  return i + encoder.encodeInto(s.slice(i), buf.subarray(off + i)).written;
}
