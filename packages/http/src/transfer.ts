// Go: net/http transfer.go — message framing: which body a message has and how long it is.
import {
  type BufReader,
  type BufWriter,
  Discard,
  LimitedReader,
  type Reader,
  type Writer,
} from '@ka/io';
import {
  type Body,
  BodyBase,
  isKnownInMemoryBody,
  MessageBody,
  NoBody,
  unwrapBody,
} from './body.js';
import { ChunkedReader, ChunkedWriter } from './chunked.js';
import { BadStringError, goError, UnsupportedTEError } from './errors.js';
import { canonicalHeaderKey, Header, writeBytes } from './header.js';
import {
  equalFold,
  foreachHeaderElement,
  hasToken,
  headerValuesContainsToken,
  quote,
  quoteList,
  trimString,
} from './internal/ascii.js';

/** The message fields framing reads and fills in (a Request or a Response). */
export interface TransferMessage {
  header: Header;
  protoMajor: number;
  protoMinor: number;
  close: boolean;
  body: Body;
  contentLength: number;
  transferEncoding: string[];
  trailer: Header | null;
}

/** What {@link readTransfer} needs to know about the message besides its fields. */
export interface TransferKind {
  /** True for a response, false for a request. */
  isResponse: boolean;
  /** The response status (200 for requests). */
  statusCode: number;
  /** The request method (for a response: of the request it answers; `GET` if unknown). */
  requestMethod: string;
}

/**
 * Go's `bodyAllowedForStatus`: 1xx, 204 and 304 responses have no body.
 */
export function bodyAllowedForStatus(status: number): boolean {
  if (status >= 100 && status <= 199) return false;
  return status !== 204 && status !== 304;
}

const suppressedHeaders304: readonly string[] = [
  'Content-Type',
  'Content-Length',
  'Transfer-Encoding',
];
const suppressedHeadersNoBody: readonly string[] = ['Content-Length', 'Transfer-Encoding'];

/** Go's `suppressedHeaders`: headers a response with this status must not carry. */
export function suppressedHeaders(status: number): readonly string[] | undefined {
  if (status === 304) return suppressedHeaders304;
  if (!bodyAllowedForStatus(status)) return suppressedHeadersNoBody;
  return undefined;
}

/** Go's `noResponseBodyExpected`: responses to HEAD have no body. */
export function noResponseBodyExpected(requestMethod: string): boolean {
  return requestMethod === 'HEAD';
}

/** Go's `chunked(te)`: whether `chunked` is the outermost transfer coding. */
export function isChunked(te: readonly string[] | null | undefined): boolean {
  return te != null && te.length > 0 && te[0] === 'chunked';
}

/** Go's `isIdentity(te)`. */
export function isIdentity(te: readonly string[] | null | undefined): boolean {
  return te != null && te.length === 1 && te[0] === 'identity';
}

/**
 * Go's `shouldClose`: whether the connection closes after this message. HTTP/0.x always;
 * HTTP/1.0 unless `Connection: keep-alive` (and no `close`); 1.1+ only with
 * `Connection: close`, which is then removed from `header` if `removeCloseHeader`.
 */
export function shouldClose(
  major: number,
  minor: number,
  header: Header,
  removeCloseHeader: boolean,
): boolean {
  if (major < 1) return true;
  const conv = header.rawGet('Connection');
  const hasClose = headerValuesContainsToken(conv, 'close');
  if (major === 1 && minor === 0) {
    return hasClose || !headerValuesContainsToken(conv, 'keep-alive');
  }
  if (hasClose && removeCloseHeader) header.rawDel('Connection');
  return hasClose;
}

/**
 * Go's `parseContentLength`: the first value, trimmed, as a non-negative decimal below 2^63;
 * -1 when there is none. Throws `bad Content-Length "…"` (signs, spaces, non-digits) or
 * `invalid empty Content-Length ""`.
 */
export function parseContentLength(clHeaders: readonly string[] | undefined): number {
  if (clHeaders === undefined || clHeaders.length === 0) return -1;
  const cl = trimString(clHeaders[0]!);
  if (cl === '') throw new BadStringError('invalid empty Content-Length', cl);
  for (let i = 0; i < cl.length; i++) {
    const c = cl.charCodeAt(i);
    if (c < 0x30 || c > 0x39) throw new BadStringError('bad Content-Length', cl);
  }
  if (cl.length >= 19 && BigInt(cl) >= 1n << 63n) {
    throw new BadStringError('bad Content-Length', cl);
  }
  return Number(cl);
}

// Go: (*transferReader).parseTransferEncoding — only a single "chunked" is supported, and
// only from HTTP/1.1 on; the header is always removed.
function parseTransferEncoding(header: Header, major: number, minor: number): boolean {
  const raw = header.rawGet('Transfer-Encoding');
  if (raw === undefined) return false;
  header.rawDel('Transfer-Encoding');
  if (!(major > 1 || (major === 1 && minor >= 1))) return false;
  if (raw.length !== 1) {
    throw new UnsupportedTEError(`too many transfer encodings: ${quoteList(raw)}`);
  }
  if (!equalFold(raw[0]!, 'chunked')) {
    throw new UnsupportedTEError(`unsupported transfer encoding: ${quote(raw[0]!)}`);
  }
  return true;
}

/**
 * Go's `fixLength`: the body length from RFC 9112 §6.3 — 0 for bodiless responses (HEAD,
 * 1xx, 204, 304), -1 for chunked (Content-Length removed) or read-until-close, the
 * Content-Length otherwise, 0 for requests without framing. Identical duplicate
 * Content-Length values collapse to one; different ones throw
 * `http: message cannot contain multiple Content-Length headers; got [...]`.
 */
export function fixLength(
  isResponse: boolean,
  status: number,
  requestMethod: string,
  header: Header,
  chunked: boolean,
): number {
  let contentLens = header.rawGet('Content-Length');
  if (contentLens !== undefined && contentLens.length > 1) {
    const first = trimString(contentLens[0]!);
    for (let i = 1; i < contentLens.length; i++) {
      if (first !== trimString(contentLens[i]!)) {
        throw goError(
          'ERR_HTTP_MULTIPLE_CONTENT_LENGTH',
          `http: message cannot contain multiple Content-Length headers; got ${quoteList(contentLens)}`,
        );
      }
    }
    header.rawSet('Content-Length', [first]);
    contentLens = header.rawGet('Content-Length');
  }
  let n = -1;
  if (contentLens !== undefined && contentLens.length > 0) n = parseContentLength(contentLens);

  if (isResponse && noResponseBodyExpected(requestMethod)) return 0;
  if (Math.trunc(status / 100) === 1) return 0;
  if (status === 204 || status === 304) return 0;

  if (chunked) {
    header.rawDel('Content-Length');
    return -1;
  }
  if (contentLens !== undefined && contentLens.length > 0) return n;
  header.rawDel('Content-Length');
  if (!isResponse) return 0;
  return -1;
}

/**
 * Go's `fixTrailer`: with chunked framing, the names declared in `Trailer` become the keys
 * of the trailer map (empty values until the body's end) and the header is removed.
 * Declaring `Transfer-Encoding`, `Trailer` or `Content-Length` throws
 * `bad trailer key "…"`. Without chunking the header is left alone and there is no trailer.
 */
export function fixTrailer(header: Header, chunked: boolean): Header | null {
  const vv = header.rawGet('Trailer');
  if (vv === undefined) return null;
  if (!chunked) return null;
  header.rawDel('Trailer');
  const trailer = new Header();
  let err: Error | undefined;
  for (const v of vv) {
    foreachHeaderElement(v, (key) => {
      key = canonicalHeaderKey(key);
      if (key === 'Transfer-Encoding' || key === 'Trailer' || key === 'Content-Length') {
        err ??= new BadStringError('bad trailer key', key);
        return;
      }
      trailer.rawSet(key, []);
    });
  }
  if (err !== undefined) throw err;
  return trailer.size === 0 ? null : trailer;
}

/**
 * Go's `readTransfer`: decides the framing of a request or response whose head was just
 * read from `br`, and fills in `body`, `contentLength`, `transferEncoding`, `close` and
 * `trailer` (removing `Transfer-Encoding`, `Trailer` and conflicting `Content-Length`
 * headers as Go does). Throws {@link UnsupportedTEError} for a Transfer-Encoding other than
 * `chunked`, {@link BadStringError} for a bad Content-Length or trailer key.
 */
export function readTransfer(msg: TransferMessage, kind: TransferKind, br: BufReader): void {
  const { isResponse, statusCode } = kind;
  const requestMethod = kind.requestMethod;
  const header = msg.header;
  let major = msg.protoMajor;
  let minor = msg.protoMinor;
  let close = isResponse ? shouldClose(major, minor, header, true) : msg.close;
  if (major === 0 && minor === 0) {
    major = 1;
    minor = 1;
  }

  const chunked = parseTransferEncoding(header, major, minor);
  const realLength = fixLength(isResponse, statusCode, requestMethod, header, chunked);
  let contentLength = realLength;
  if (isResponse && requestMethod === 'HEAD') {
    contentLength = parseContentLength(header.rawGet('Content-Length'));
  }
  const trailer = fixTrailer(header, chunked);

  // A response without a length or chunking is delimited by the connection's close.
  if (isResponse && realLength === -1 && !chunked && bodyAllowedForStatus(statusCode)) {
    close = true;
  }

  let body: Body;
  if (chunked) {
    if (
      isResponse &&
      (noResponseBodyExpected(requestMethod) || !bodyAllowedForStatus(statusCode))
    ) {
      body = NoBody;
    } else {
      body = new MessageBody({ src: new ChunkedReader(br), hdr: msg, r: br, closing: close });
    }
  } else if (realLength === 0) {
    body = NoBody;
  } else if (realLength > 0) {
    body = new MessageBody({ src: new LimitedReader(br, realLength), closing: close });
  } else if (close) {
    body = new MessageBody({ src: br, closing: close });
  } else {
    body = NoBody;
  }

  msg.body = body;
  msg.contentLength = contentLength;
  if (chunked) msg.transferEncoding = ['chunked'];
  msg.close = close;
  msg.trailer = trailer;
}

// ---- writing ----

/** Go's `requestMethodUsuallyLacksBody`. */
export function requestMethodUsuallyLacksBody(method: string): boolean {
  switch (method) {
    case 'GET':
    case 'HEAD':
    case 'DELETE':
    case 'OPTIONS':
    case 'PROPFIND':
    case 'SEARCH':
      return true;
  }
  return false;
}

/** Go's 200 ms limit for probing a GET-like request body of unknown length. */
export const probeRequestBodyTimeout = 200;

/** The request fields {@link TransferWriter.forRequest} reads. */
export interface OutgoingRequest {
  method: string;
  body: Body;
  contentLength: number;
  transferEncoding: string[];
  close: boolean;
  header: Header;
  trailer: Header | null;
  outgoingLength(): number;
}

// A reader that replays one byte, then continues with the rest (Go: byteReader + MultiReader).
class PrefixedReader implements Reader {
  #first: Promise<{ n: number | null; b: number; err?: unknown }> | undefined;
  readonly #rest: Reader | undefined;
  constructor(
    first: Promise<{ n: number | null; b: number; err?: unknown }>,
    rest: Reader | undefined,
  ) {
    this.#first = first;
    this.#rest = rest;
  }
  async read(p: Uint8Array): Promise<number | null> {
    if (p.length === 0) return 0;
    if (this.#first !== undefined) {
      const res = await this.#first;
      this.#first = undefined;
      if (res.err !== undefined) throw res.err;
      if (res.n === 1) {
        p[0] = res.b;
        return 1;
      }
      if (res.n === null) return null;
    }
    return this.#rest === undefined ? null : this.#rest.read(p);
  }
}

/**
 * Go's `transferWriter` for client requests: sanitizes the request's framing fields without
 * changing the request, writes the framing headers and then the body (chunked or sized) and
 * trailers.
 */
export class TransferWriter {
  method = 'GET';
  body: Reader | null = null;
  bodyCloser: Body | null = null;
  responseToHEAD = false;
  contentLength = 0;
  close = false;
  transferEncoding: string[] = [];
  header: Header = new Header();
  trailer: Header | null = null;
  isResponse = false;
  /** The first error reading the body (not a write error). */
  bodyReadError: unknown = undefined;
  /** Flush the head before the body (it might block). */
  flushHeaders = false;

  /** Go's `newTransferWriter(*Request)`; may probe the body (up to 200 ms). */
  static forRequest(rr: OutgoingRequest): TransferWriter | Promise<TransferWriter> {
    const t = new TransferWriter();
    const hasBody = rr.body !== NoBody;
    if (rr.contentLength !== 0 && !hasBody) {
      throw goError(
        'ERR_HTTP_CONTENT_LENGTH_NIL_BODY',
        `http: Request.ContentLength=${rr.contentLength} with nil Body`,
      );
    }
    t.method = rr.method || 'GET';
    t.close = rr.close;
    t.transferEncoding = rr.transferEncoding;
    t.header = rr.header;
    t.trailer = rr.trailer;
    t.body = hasBody ? rr.body : null;
    t.bodyCloser = hasBody ? rr.body : null;
    t.contentLength = rr.outgoingLength();
    // Only a body of unknown length may need a probe (which waits): else no Promise.
    if (t.contentLength < 0 && t.transferEncoding.length === 0) {
      return t.#shouldSendChunked().then((chunked) => {
        if (chunked) t.transferEncoding = ['chunked'];
        return t.#finishForRequest();
      });
    }
    return t.#finishForRequest();
  }

  // The rest of forRequest once the framing is known.
  #finishForRequest(): TransferWriter {
    if (this.contentLength !== 0 && !isKnownInMemoryBody(this.body)) this.flushHeaders = true;

    // Requests are always HTTP/1.1 here.
    if (this.body === null) this.transferEncoding = [];
    if (isChunked(this.transferEncoding)) this.contentLength = -1;
    else if (this.body === null) this.contentLength = 0;
    if (!isChunked(this.transferEncoding)) this.trailer = null;
    return this;
  }

  // Go: shouldSendChunkedRequestBody — GET-like requests get their body probed first, since
  // servers are confused by chunked GETs and most such bodies turn out empty.
  async #shouldSendChunked(): Promise<boolean> {
    if (this.contentLength >= 0 || this.body === null) return false;
    if (this.method === 'CONNECT') return false;
    if (requestMethodUsuallyLacksBody(this.method)) {
      await this.#probeRequestBody();
      return this.body !== null;
    }
    return true;
  }

  // Go: probeRequestBody — read one byte, waiting at most 200 ms.
  async #probeRequestBody(): Promise<void> {
    const body = this.body!;
    const one = new Uint8Array(1);
    type Probe = { n: number | null; b: number; err?: unknown };
    const first: Promise<Probe> = body.read(one).then(
      (n): Probe => ({ n, b: one[0]! }),
      (err: unknown): Probe => ({ n: 0, b: 0, err }),
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), probeRequestBodyTimeout);
    });
    const res = await Promise.race([first, timeout]);
    clearTimeout(timer);
    if (res === 'timeout') {
      // Too slow: send chunked, and deliver the byte when it comes.
      this.body = new PrefixedReader(first, body);
      this.flushHeaders = true;
      return;
    }
    if (res.err !== undefined) {
      this.body = new PrefixedReader(Promise.resolve(res), undefined);
    } else if (res.n === null) {
      this.body = null;
      this.contentLength = 0;
    } else if (res.n === 1) {
      this.body = new PrefixedReader(Promise.resolve(res), body);
    }
  }

  // Go: shouldSendContentLength.
  #shouldSendContentLength(): boolean {
    if (isChunked(this.transferEncoding)) return false;
    if (this.contentLength > 0) return true;
    if (this.contentLength < 0) return false;
    if (this.method === 'POST' || this.method === 'PUT' || this.method === 'PATCH') return true;
    if (this.contentLength === 0 && isIdentity(this.transferEncoding)) {
      return !(this.method === 'GET' || this.method === 'HEAD');
    }
    return false;
  }

  /**
   * Go's `(*transferWriter).writeHeader`: the framing lines (`Connection: close`,
   * `Content-Length` or `Transfer-Encoding: chunked`, `Trailer`). Throws
   * `invalid Trailer key "…"`.
   */
  headerLines(trace?: { wroteHeaderField?(key: string, values: string[]): void }): string {
    let s = '';
    if (this.close && !hasToken(this.header.rawGet('Connection')?.[0] ?? '', 'close')) {
      s += 'Connection: close\r\n';
      trace?.wroteHeaderField?.('Connection', ['close']);
    }
    if (this.#shouldSendContentLength()) {
      s += `Content-Length: ${this.contentLength}\r\n`;
      trace?.wroteHeaderField?.('Content-Length', [String(this.contentLength)]);
    } else if (isChunked(this.transferEncoding)) {
      s += 'Transfer-Encoding: chunked\r\n';
      trace?.wroteHeaderField?.('Transfer-Encoding', ['chunked']);
    }
    if (this.trailer !== null) {
      const keys: string[] = [];
      for (let k of this.trailer.keys()) {
        k = canonicalHeaderKey(k);
        if (k === 'Transfer-Encoding' || k === 'Trailer' || k === 'Content-Length') {
          throw new BadStringError('invalid Trailer key', k);
        }
        keys.push(k);
      }
      if (keys.length > 0) {
        keys.sort();
        s += `Trailer: ${keys.join(',')}\r\n`;
        trace?.wroteHeaderField?.('Trailer', keys);
      }
    }
    return s;
  }

  /**
   * Go's `(*transferWriter).writeBody`: copies the body (chunked, sized or until EOF), closes
   * it, checks the declared length (`http: ContentLength=N with Body length M`) and writes
   * the trailer and the final CRLF of a chunked body. Always closes the body.
   */
  writeBody(w: BufWriter): void | Promise<void> {
    // Nothing to copy, close or terminate (a request or response without a body): the
    // checks below are all that is left, done without a Promise.
    if (this.body === null && this.bodyCloser === null && !isChunked(this.transferEncoding)) {
      if (!this.responseToHEAD && this.contentLength !== -1 && this.contentLength !== 0) {
        throw goError(
          'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
          `http: ContentLength=${this.contentLength} with Body length 0`,
        );
      }
      return;
    }
    return this.#writeBody(w);
  }

  async #writeBody(w: BufWriter): Promise<void> {
    let ncopy = 0;
    let closed = false;
    try {
      if (!this.responseToHEAD && this.body !== null) {
        const src = unwrapForCopy(this.body);
        if (isChunked(this.transferEncoding)) {
          const cw = new ChunkedWriter(w, { flushAfterChunk: !this.isResponse });
          await this.#copy(cw, src);
          await cw.close();
        } else if (this.contentLength === -1) {
          const dst: Writer = this.method === 'CONNECT' ? flushingWriter(w) : w;
          ncopy = await this.#copy(dst, src);
        } else {
          ncopy = await this.#copy(w, new LimitedReader(src, this.contentLength));
          ncopy += await this.#copy(Discard, src);
        }
      }
      if (this.bodyCloser !== null) {
        closed = true;
        await this.bodyCloser.close();
      }
      if (!this.responseToHEAD && this.contentLength !== -1 && this.contentLength !== ncopy) {
        throw goError(
          'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
          `http: ContentLength=${this.contentLength} with Body length ${ncopy}`,
        );
      }
      if (!this.responseToHEAD && isChunked(this.transferEncoding)) {
        let tail = '';
        this.trailer?.write((line) => {
          tail += line;
        });
        tail += '\r\n';
        await writeBytes(w, tail);
      }
    } finally {
      if (!closed && this.bodyCloser !== null) await this.bodyCloser.close().catch(() => {});
    }
  }

  // Go: doBodyCopy — io.Copy that remembers read errors apart from write errors.
  async #copy(dst: Writer, src: Reader): Promise<number> {
    const buf = new Uint8Array(32 * 1024);
    let written = 0;
    for (;;) {
      let n: number | null;
      try {
        n = await src.read(buf);
      } catch (e) {
        this.bodyReadError = e;
        throw e;
      }
      if (n === null) return written;
      if (n === 0) continue;
      try {
        await dst.write(buf.subarray(0, n));
      } catch (e) {
        // Go: doBodyCopy records whatever io.Copy returned — a failed write to the
        // connection included — as the body's error, which the transport then reports.
        this.bodyReadError = e;
        throw e;
      }
      written += n;
    }
  }
}

function unwrapForCopy(r: Reader): Reader {
  if (r instanceof BodyBase) return unwrapBody(r) ?? r;
  return r;
}

// Go: bufioFlushWriter — flush after every write (CONNECT bodies are interactive).
function flushingWriter(w: BufWriter): Writer {
  return {
    async write(p: Uint8Array): Promise<number> {
      const n = await w.write(p);
      if (n > 0) await w.flush();
      return n;
    },
  };
}
