import { ErrShortBuffer, ErrShortWrite, ErrUnexpectedEOF } from './errors.js';

// Go: package io — the Reader/Writer contracts and the small helpers built on them.
//
// Blocking Go calls become Promises and EOF is `null`: `read(p)` resolves with the number of
// bytes placed at the start of `p` (at least 1 when `p` is non-empty), or `null` at end of
// stream. Unlike Go, a read never returns data and an error together: data comes first, the
// error is thrown by the next call.

/** Go's `io.Reader`. `read` fills a prefix of `p`; `null` is EOF. */
export interface Reader {
  read(p: Uint8Array): Promise<number | null>;
}

/** Go's `io.Writer`. `write` resolves once all of `p` is accepted, or rejects. */
export interface Writer {
  write(p: Uint8Array): Promise<number>;
}

/**
 * A {@link Reader} that can also be read without waiting. Not in Go: a Promise per read is
 * what a synchronous Go read costs nothing for, so hot paths use this when bytes are at hand.
 */
export interface SyncReader extends Reader {
  /**
   * Reads into a prefix of `p` synchronously when bytes are already at hand, returning how
   * many (at least 1). Returns `undefined` — having consumed nothing — when the read would
   * have to wait, or would end in EOF or an error: then call {@link Reader.read}.
   */
  tryRead(p: Uint8Array): number | undefined;
}

/**
 * A {@link Writer} whose write can finish synchronously. Not in Go (its writes are
 * synchronous already).
 */
export interface EagerWriter extends Writer {
  /**
   * Starts writing all of `p` at once, as {@link Writer.write} would, and returns `p.length`
   * when the write completed synchronously (`p` may be reused), else the Promise `write`
   * would have returned.
   */
  writeEager(p: Uint8Array): number | Promise<number>;
}

/** True when `r` implements {@link SyncReader}. */
export function isSyncReader(r: Reader): r is SyncReader {
  return typeof (r as Partial<SyncReader>).tryRead === 'function';
}

/** True when `w` implements {@link EagerWriter}. */
export function isEagerWriter(w: Writer): w is EagerWriter {
  return typeof (w as Partial<EagerWriter>).writeEager === 'function';
}

/** Go's `io.Closer`. */
export interface Closer {
  close(): Promise<void> | void;
}

/** Go's `io.ReadCloser`. */
export interface ReadCloser extends Reader, Closer {}
/** Go's `io.WriteCloser`. */
export interface WriteCloser extends Writer, Closer {}
/** Go's `io.ReadWriter`. */
export interface ReadWriter extends Reader, Writer {}
/** Go's `io.ReadWriteCloser`. */
export interface ReadWriteCloser extends Reader, Writer, Closer {}

/** Size of the scratch buffer {@link copy} allocates when none is given (Go's 32 KiB). */
export const DefaultCopyBufferSize = 32 * 1024;

/**
 * Go's `io.LimitedReader`: reads from `r` but reports EOF after `n` bytes. `n` is updated as
 * bytes are read, so it always holds how many may still be read.
 */
export class LimitedReader implements Reader {
  /** The underlying reader. */
  r: Reader;
  /** Bytes that may still be read before EOF. */
  n: number;

  constructor(r: Reader, n: number) {
    this.r = r;
    this.n = n;
  }

  // Go: (*LimitedReader).Read — clamp the request to what remains, count what came back.
  async read(p: Uint8Array): Promise<number | null> {
    if (this.n <= 0) return null;
    if (p.length > this.n) p = p.subarray(0, this.n);
    const k = await this.r.read(p);
    if (k !== null) this.n -= k;
    return k;
  }
}

/** Go's `io.LimitReader`. */
export function limitReader(r: Reader, n: number): LimitedReader {
  return new LimitedReader(r, n);
}

// Go: io.MultiReader — drains each reader in turn; EOF only after the last one.
class MultiReaderImpl implements Reader {
  readonly #readers: Reader[];
  constructor(readers: Reader[]) {
    this.#readers = readers;
  }
  async read(p: Uint8Array): Promise<number | null> {
    while (this.#readers.length > 0) {
      const n = await this.#readers[0]!.read(p);
      if (n === null) {
        this.#readers.shift();
        continue;
      }
      if (n > 0 || p.length === 0) return n;
    }
    return null;
  }
}

/** Go's `io.MultiReader`: the logical concatenation of `readers`. */
export function multiReader(...readers: Reader[]): Reader {
  return new MultiReaderImpl(readers);
}

/** A reader over a fixed byte array (Go's `bytes.Reader` for reading only). */
export class BytesReader implements Reader {
  #b: Uint8Array;
  #off = 0;
  constructor(b: Uint8Array) {
    this.#b = b;
  }
  /** Bytes not yet read. */
  get length(): number {
    return this.#b.length - this.#off;
  }
  async read(p: Uint8Array): Promise<number | null> {
    return this.readSync(p);
  }
  /** The synchronous form of {@link BytesReader.read}. */
  readSync(p: Uint8Array): number | null {
    if (this.#off >= this.#b.length) return p.length === 0 ? 0 : null;
    const n = Math.min(p.length, this.#b.length - this.#off);
    p.set(this.#b.subarray(this.#off, this.#off + n));
    this.#off += n;
    return n;
  }
}

/**
 * A writer that keeps everything written to it in memory (Go's `bytes.Buffer` used as a
 * writer). `bytes()` returns the collected data.
 */
export class BytesWriter implements Writer {
  #buf = new Uint8Array(64);
  #len = 0;
  async write(p: Uint8Array): Promise<number> {
    return this.writeSync(p);
  }
  /** The synchronous form of {@link BytesWriter.write}. */
  writeSync(p: Uint8Array): number {
    if (this.#len + p.length > this.#buf.length) {
      const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + p.length));
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    this.#buf.set(p, this.#len);
    this.#len += p.length;
    return p.length;
  }
  /** A view of everything written so far (valid until the next write). */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }
  /** Everything written so far, decoded as UTF-8. */
  toString(): string {
    return new TextDecoder().decode(this.bytes());
  }
  /** Number of bytes written so far. */
  get length(): number {
    return this.#len;
  }
  /** Forgets what was written. */
  reset(): void {
    this.#len = 0;
  }
}

/** Go's `io.Discard`: a writer on which every write succeeds and does nothing. */
export const Discard: Writer = Object.freeze({
  write: async (p: Uint8Array): Promise<number> => p.length,
});

/**
 * Go's `io.Copy`: copies from `src` to `dst` until EOF and resolves with the number of bytes
 * copied. EOF is not an error. A write that accepts fewer bytes than given fails with
 * {@link ErrShortWrite}.
 */
export async function copy(dst: Writer, src: Reader, buf?: Uint8Array): Promise<number> {
  const b = buf ?? new Uint8Array(DefaultCopyBufferSize);
  let written = 0;
  for (;;) {
    const n = await src.read(b);
    if (n === null) return written;
    if (n === 0) continue;
    const w = await dst.write(b.subarray(0, n));
    if (w !== n) throw ErrShortWrite;
    written += n;
  }
}

/**
 * Go's `io.CopyN`: copies `n` bytes, or fewer when `src` ends first. Go reports that early end
 * as `io.EOF` next to the count; ka resolves with the short count, so callers compare it with
 * `n`.
 */
export async function copyN(
  dst: Writer,
  src: Reader,
  n: number,
  buf?: Uint8Array,
): Promise<number> {
  return copy(dst, limitReader(src, n), buf);
}

/**
 * Go's `io.ReadFull`: fills `buf` completely. Resolves with `buf.length`; resolves with `null`
 * when the stream was already at EOF; rejects with {@link ErrUnexpectedEOF} when it ended
 * part way.
 */
export async function readFull(r: Reader, buf: Uint8Array): Promise<number | null> {
  return readAtLeast(r, buf, buf.length);
}

/**
 * Go's `io.ReadAtLeast`: reads into `buf` until at least `min` bytes are there. Same EOF rules
 * as {@link readFull}; `min > buf.length` rejects with `ErrShortBuffer`.
 */
export async function readAtLeast(r: Reader, buf: Uint8Array, min: number): Promise<number | null> {
  if (buf.length < min) {
    throw ErrShortBuffer;
  }
  let n = 0;
  while (n < min) {
    const k = await r.read(buf.subarray(n));
    if (k === null) {
      if (n === 0) return null;
      throw ErrUnexpectedEOF;
    }
    n += k;
  }
  return n;
}

/** Go's `io.ReadAll`: reads until EOF and resolves with everything read. */
export async function readAll(r: Reader): Promise<Uint8Array> {
  const out = new BytesWriter();
  const b = new Uint8Array(4096);
  for (;;) {
    const n = await r.read(b);
    if (n === null) return out.bytes().slice();
    out.writeSync(b.subarray(0, n));
  }
}

/** Go's `io.NopCloser`: adds a `close` that does nothing. */
export function nopCloser(r: Reader): ReadCloser {
  return { read: (p) => r.read(p), close: () => {} };
}
