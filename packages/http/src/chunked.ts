// Go: net/http/internal/chunked.go — the "chunked" transfer coding, reading and writing.
import {
  BufReader,
  BufWriter,
  ErrBufferFull,
  ErrShortWrite,
  ErrUnexpectedEOF,
  GoError,
  type Reader,
  type WriteCloser,
  type Writer,
} from '@ka/io';
import { ErrLineTooLong } from './errors.js';

/** Go's `maxLineLength`: a chunk-size line (without CRLF) must be shorter than this. */
export const maxLineLength = 4096;

function chunkError(code: string, message: string): GoError {
  const e = new GoError(code, message);
  e.stack = `${e.name} [${code}]: ${message}`;
  return Object.freeze(e);
}

/** `malformed chunked encoding`: chunk data not followed by CRLF. */
export const ErrMalformedChunkedEncoding = chunkError(
  'ERR_CHUNKED_MALFORMED',
  'malformed chunked encoding',
);
/** `chunked line ends with bare LF`. */
export const ErrChunkedBareLF = chunkError('ERR_CHUNKED_BARE_LF', 'chunked line ends with bare LF');
/** `invalid CR in chunked line`. */
export const ErrChunkedInvalidCR = chunkError(
  'ERR_CHUNKED_INVALID_CR',
  'invalid CR in chunked line',
);
/** `empty hex number for chunk length`. */
export const ErrChunkLengthEmpty = chunkError(
  'ERR_CHUNK_LENGTH_EMPTY',
  'empty hex number for chunk length',
);
/** `invalid byte in chunk length`. */
export const ErrChunkLengthInvalidByte = chunkError(
  'ERR_CHUNK_LENGTH_INVALID_BYTE',
  'invalid byte in chunk length',
);
/** `http chunk length too large`: more than 16 hex digits. */
export const ErrChunkLengthTooLarge = chunkError(
  'ERR_CHUNK_LENGTH_TOO_LARGE',
  'http chunk length too large',
);
/** `chunked encoding contains too much non-data`: the overhead allowance was exceeded. */
export const ErrChunkedTooMuchNonData = chunkError(
  'ERR_CHUNKED_TOO_MUCH_NON_DATA',
  'chunked encoding contains too much non-data',
);

// Marks the sticky "final chunk seen" state.
const DONE = Symbol('done');

/**
 * Go's `parseHexUint`: the chunk size, at most 16 hex digits. Throws
 * {@link ErrChunkLengthEmpty}, {@link ErrChunkLengthInvalidByte} or
 * {@link ErrChunkLengthTooLarge}. Sizes beyond 2^53 lose precision (no body that large can be
 * read anyway).
 */
export function parseHexUint(v: Uint8Array): number {
  if (v.length === 0) throw ErrChunkLengthEmpty;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i]!;
    let d: number;
    if (b >= 0x30 && b <= 0x39) d = b - 0x30;
    else if (b >= 0x61 && b <= 0x66) d = b - 0x61 + 10;
    else if (b >= 0x41 && b <= 0x46) d = b - 0x41 + 10;
    else throw ErrChunkLengthInvalidByte;
    if (i === 16) throw ErrChunkLengthTooLarge;
    n = n * 16 + d;
  }
  return n;
}

/**
 * Go's `internal.chunkedReader` (`NewChunkedReader`): decodes a chunked body from `r`.
 * Resolves `null` after the final `0` chunk line; the trailer section that follows is left
 * in `r` for the caller ({@link ChunkedReader.sawFinalChunk} tells when). Errors are sticky.
 *
 * Like Go's, one read returns data from several chunks when their headers are already
 * buffered, and never blocks for a new chunk header once it has data to return.
 */
export class ChunkedReader implements Reader {
  readonly #r: BufReader;
  #n = 0; // unread bytes in the current chunk
  #err: unknown = undefined; // sticky: an error, or DONE after the last chunk
  #checkEnd = false; // the CRLF after chunk data is still to be verified
  #excess = 0; // overhead beyond the allowance, to catch abusive senders

  /** Reads chunked data from `r` (wrapped in a {@link BufReader} when it is not one). */
  constructor(r: Reader) {
    this.#r = r instanceof BufReader ? r : new BufReader(r);
  }

  /** True once the final (zero-size) chunk's line has been read; trailers may follow. */
  get sawFinalChunk(): boolean {
    return this.#err === DONE;
  }

  /** The sticky error, if reading failed (not set at a clean end). */
  get error(): unknown {
    return this.#err === DONE ? undefined : this.#err;
  }

  // Go: (*chunkedReader).beginChunk — read and check one chunk-size line.
  async #beginChunk(): Promise<void> {
    const line = await this.#readChunkLine();
    this.#excess += line.length + 2;
    let end = line.length;
    while (end > 0 && (line[end - 1] === 0x20 || line[end - 1] === 0x09)) end--;
    const semi = line.subarray(0, end).indexOf(0x3b);
    if (semi >= 0) end = semi; // extensions are ignored, but their bytes were counted
    this.#n = parseHexUint(line.subarray(0, end));
    // Allowance: 16 bytes of overhead per chunk plus twice the chunk's data.
    this.#excess = Math.max(this.#excess - (16 + 2 * this.#n), 0);
    if (this.#excess > 16 * 1024) throw ErrChunkedTooMuchNonData;
    if (this.#n === 0) this.#err = DONE;
  }

  // Go: readChunkLine — a CRLF-terminated line shorter than maxLineLength. The view is valid
  // until the next read from the buffer.
  async #readChunkLine(): Promise<Uint8Array> {
    const br = this.#r;
    let p: Uint8Array | null;
    const buf = br.bufferedBytes();
    const nl = buf.indexOf(0x0a);
    if (nl >= 0) {
      p = buf.subarray(0, nl + 1);
      br.skip(nl + 1);
    } else {
      try {
        p = await br.readSlice(0x0a);
      } catch (e) {
        if (e === ErrBufferFull) throw ErrLineTooLong;
        throw e;
      }
      if (p === null || p[p.length - 1] !== 0x0a) throw ErrUnexpectedEOF;
    }
    const cr = p.indexOf(0x0d);
    if (cr === -1) throw ErrChunkedBareLF;
    if (cr !== p.length - 2) throw ErrChunkedInvalidCR;
    p = p.subarray(0, p.length - 2);
    if (p.length >= maxLineLength) throw ErrLineTooLong;
    return p;
  }

  // Go: chunkHeaderAvailable — a whole line is already buffered.
  #chunkHeaderAvailable(): boolean {
    return this.#r.buffered() > 0 && this.#r.bufferedBytes().indexOf(0x0a) >= 0;
  }

  /** Go's `(*chunkedReader).Read`. */
  async read(p: Uint8Array): Promise<number | null> {
    let n = 0;
    const br = this.#r;
    try {
      while (this.#err === undefined) {
        if (this.#checkEnd) {
          if (n > 0 && br.buffered() < 2) break;
          const two = br.buffered() >= 2 ? br.bufferedBytes() : await br.peek(2);
          if (two.length < 2) throw ErrUnexpectedEOF;
          const ok = two[0] === 0x0d && two[1] === 0x0a;
          br.skip(2);
          if (!ok) throw ErrMalformedChunkedEncoding;
          this.#checkEnd = false;
        }
        if (this.#n === 0) {
          if (n > 0 && !this.#chunkHeaderAvailable()) break;
          await this.#beginChunk();
          continue;
        }
        if (p.length === 0) break;
        const rbuf = p.length > this.#n ? p.subarray(0, this.#n) : p;
        const n0 = await br.read(rbuf);
        if (n0 === null) throw ErrUnexpectedEOF;
        n += n0;
        p = p.subarray(n0);
        this.#n -= n0;
        if (this.#n === 0) this.#checkEnd = true;
      }
    } catch (e) {
      this.#err = e;
    }
    if (n > 0) return n;
    if (this.#err === DONE) return null;
    if (this.#err === undefined) return 0;
    throw this.#err;
  }
}

/** Options for {@link ChunkedWriter}. */
export interface ChunkedWriterOptions {
  /**
   * Flush the wire {@link BufWriter} after every chunk (Go's `FlushAfterChunkWriter`, used
   * for client request bodies that are produced slowly).
   */
  flushAfterChunk?: boolean;
}

/**
 * Go's `internal.chunkedWriter` (`NewChunkedWriter`): each non-empty write becomes one chunk
 * `<hex size>\r\n<data>\r\n`. `close()` writes only the final `0\r\n`: the trailer fields and
 * the closing `\r\n` are the caller's.
 */
export class ChunkedWriter implements WriteCloser {
  /** The underlying writer. */
  readonly wire: Writer;
  readonly #flush: boolean;

  constructor(wire: Writer, options?: ChunkedWriterOptions) {
    this.wire = wire;
    this.#flush = options?.flushAfterChunk === true && wire instanceof BufWriter;
  }

  /** Writes `data` as one chunk; an empty write writes nothing (it would mean the end). */
  async write(data: Uint8Array): Promise<number> {
    if (data.length === 0) return 0;
    const w = this.wire;
    const head = encodeAscii(`${data.length.toString(16)}\r\n`);
    if (w instanceof BufWriter && w.available() >= head.length + data.length + 2) {
      w.tryWrite(head);
      w.tryWrite(data);
      w.tryWrite(CRLF);
    } else {
      await w.write(head);
      const n = await w.write(data);
      if (n !== data.length) throw ErrShortWrite;
      await w.write(CRLF);
    }
    if (this.#flush) await (w as BufWriter).flush();
    return data.length;
  }

  /** Writes the last-chunk line `0\r\n`. */
  async close(): Promise<void> {
    const w = this.wire;
    if (w instanceof BufWriter && w.tryWrite(LAST_CHUNK)) return;
    await w.write(LAST_CHUNK);
  }
}

const CRLF = new Uint8Array([0x0d, 0x0a]);
const LAST_CHUNK = new Uint8Array([0x30, 0x0d, 0x0a]);

function encodeAscii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}
