// Go: response and chunkWriter — the server side of one HTTP response.
//
// Bytes flow the way they do in Go:
//   handler → Response.write → `w`, a 2048-byte BufWriter (Go's bufferBeforeChunkingSize)
//           → ChunkWriter (decides the header on its first write: Content-Length when the
//             handler finished inside the buffer, chunked otherwise; sniffs Content-Type)
//           → conn.bufw, the connection's 4096-byte BufWriter → the socket.
// So a small response leaves in one socket write, and a handler that writes a lot streams.
import {
  type Body,
  BodyBase,
  canonicalHeaderKey,
  detectContentType,
  ErrBodyReadAfterClose,
  Header,
  NoBody,
  type Request,
  statusText,
  TrailerPrefix,
} from '@ka/http';
import { isMessageBody, type MessageBody, maxPostHandlerReadBytes } from '@ka/http/internal';
import {
  type BufWriter,
  copy,
  copyN,
  Discard,
  is,
  LimitedReader,
  type Reader,
  type Writer,
} from '@ka/io';
import type { Hijacked, ServerConn } from './conn.js';
import {
  ErrBodyNotAllowed,
  ErrContentLength,
  ErrContextCanceled,
  ErrHijacked,
  ErrWriteAfterFinish,
} from './errors.js';
import type { ResponseWriter } from './handler.js';
import {
  bodyAllowedForStatus,
  currentHttpDate,
  excludedHeadersNoBody,
  foreachHeaderElement,
  hasToken,
  isProtocolSwitchResponse,
  suppressedHeaders,
  validTrailerHeader,
} from './internal/http-glue.js';
import { headerLines } from './internal/wire.js';

/** Go's `bufferBeforeChunkingSize`. */
export const bufferBeforeChunkingSize = 2048;
export { maxPostHandlerReadBytes, TrailerPrefix };

/** Go's `sniffLen`: bytes examined for Content-Type sniffing. */
const sniffLen = 512;

const encoder = new TextEncoder();
const noop = () => {};

// Go: expectContinueReader — the request body handed to a handler when the client sent
// `Expect: 100-continue`; the first read sends `HTTP/1.1 100 Continue` so the client starts
// sending.
export class ExpectContinueReader extends BodyBase {
  readonly resp: Response;
  readonly inner: Body;
  closed = false;
  sawEOF = false;

  constructor(resp: Response, inner: Body) {
    super();
    this.resp = resp;
    this.inner = inner;
  }

  async read(p: Uint8Array): Promise<number | null> {
    if (this.closed) throw ErrBodyReadAfterClose;
    if (this.resp.canWriteContinue) await this.resp.writeContinue();
    const n = await this.inner.read(p);
    if (n === null) this.sawEOF = true;
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.inner.close();
  }
}

/**
 * Go's `response`: the {@link ResponseWriter} a handler receives. Also offers Go's optional
 * interfaces: `flush()` (Flusher), `hijack()` (Hijacker), and the ResponseController hooks.
 */
export class Response implements ResponseWriter {
  readonly conn: ServerConn;
  readonly req: Request;
  /** The body as read from the wire, before any Expect wrapper (Go's `reqBody`). */
  readonly reqBody: Body;
  #ac: AbortController | null = null;
  #canceled: unknown = undefined;

  readonly handlerHeader = new Header();
  calledHeader = false;
  wroteHeader = false;
  readonly wants10KeepAlive: boolean;
  readonly wantsClose: boolean;
  canWriteContinue = false;

  // Go: (*response).w — the 2048-byte buffer in front of the chunk writer.
  readonly w: BufWriter;
  readonly cw: ChunkWriter;

  status = 0;
  contentLength = -1;
  written = 0;
  closeAfterReply = false;
  fullDuplex = false;
  requestBodyLimitHit = false;
  trailers: string[] = [];
  handlerDone = false;

  // Writes a handler did not await are chained here so they reach the wire in order.
  #tail: Promise<unknown> | null = null;

  constructor(conn: ServerConn, req: Request) {
    this.conn = conn;
    this.req = req;
    this.reqBody = req.body;
    // Read now: the handler may change the request header later (Go issue 14940).
    const connection = req.header.get('Connection');
    this.wants10KeepAlive =
      req.protoMajor === 1 && req.protoMinor === 0 && hasToken(connection, 'keep-alive');
    this.wantsClose = req.close || hasToken(connection, 'close');
    this.cw = new ChunkWriter(this);
    this.w = conn.takeResponseBuffer(this.cw);
  }

  /**
   * The request's signal (Go's request context): aborted when the client goes away, a write
   * fails, or the handler returns. Created on first use.
   */
  get signal(): AbortSignal {
    if (this.#ac === null) {
      const ac = new AbortController();
      this.#ac = ac;
      const parent = this.conn.signal;
      if (this.#canceled !== undefined) ac.abort(this.#canceled);
      else if (parent.aborted) ac.abort(parent.reason);
      else parent.addEventListener('abort', this.#onParentAbort, { once: true });
    }
    return this.#ac.signal;
  }

  readonly #onParentAbort = () => {
    this.#ac?.abort(this.conn.signal.reason);
  };

  /** Cancels the request's signal (Go's `cancelCtx`). */
  cancel(reason?: unknown): void {
    const ac = this.#ac;
    if (ac === null) {
      this.#canceled ??= reason ?? ErrContextCanceled;
      return;
    }
    this.conn.signal.removeEventListener('abort', this.#onParentAbort);
    if (!ac.signal.aborted) ac.abort(reason ?? ErrContextCanceled);
  }

  // Go: (*response).Header — after a logical WriteHeader, snapshot what the handler had so
  // later changes do not leak into the header still waiting in the buffer.
  header(): Header {
    if (this.cw.header === null && this.wroteHeader && !this.cw.wroteHeader) {
      this.cw.header = this.handlerHeader.clone();
    }
    this.calledHeader = true;
    return this.handlerHeader;
  }

  // Go: (*response).WriteHeader
  writeHeader(code: number): void {
    if (this.conn.hijacked) {
      this.conn.server.logf('http: response.WriteHeader on hijacked connection');
      return;
    }
    if (this.wroteHeader) {
      this.conn.server.logf('http: superfluous response.WriteHeader call');
      return;
    }
    // Go: checkWriteHeaderCode — any three digits, else a panic.
    if (!Number.isInteger(code) || code < 100 || code > 999) {
      throw new RangeError(`invalid WriteHeader code ${code}`);
    }
    if (code < 101 || code > 199) this.disableWriteContinue();

    // Informational responses go out at once and leave the real header to come (101 ends
    // the exchange, so it takes the normal path).
    if (code >= 100 && code <= 199 && code !== 101) {
      const is11 =
        this.req.protoMajor > 1 || (this.req.protoMajor === 1 && this.req.protoMinor >= 1);
      const head = `${statusLine(is11, code)}${headerLines(this.handlerHeader, excludedHeadersNoBody)}\r\n`;
      void this.#enqueue(async () => {
        await writeHead(this.conn.bufw, head);
        await this.conn.bufw.flush();
      });
      return;
    }

    this.wroteHeader = true;
    this.status = code;
    if (this.calledHeader && this.cw.header === null) this.cw.header = this.handlerHeader.clone();

    const cl = this.handlerHeader.get('Content-Length');
    if (cl !== '') {
      const v = parseGoInt(cl);
      if (v !== null && v >= 0) {
        this.contentLength = v;
      } else {
        this.conn.server.logf(`http: invalid Content-Length of ${JSON.stringify(cl)}`);
        this.handlerHeader.del('Content-Length');
      }
    }
  }

  // Go: (*response).write
  write(p: Uint8Array | string): Promise<number> {
    const pr = this.#write(p);
    pr.catch(noop); // a handler that does not await a failed write must not crash the process
    return pr;
  }

  #write(p: Uint8Array | string): Promise<number> {
    if (this.conn.hijacked) {
      if (p.length > 0) this.conn.server.logf('http: response.Write on hijacked connection');
      return Promise.reject(ErrHijacked);
    }
    if (this.handlerDone) return Promise.reject(ErrWriteAfterFinish);
    if (this.canWriteContinue) this.disableWriteContinue();
    if (!this.wroteHeader) this.writeHeader(200);
    const n = typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.length;
    if (n === 0) return Promise.resolve(0);
    if (!bodyAllowedForStatus(this.status)) return Promise.reject(ErrBodyNotAllowed);
    this.written += n; // counted even when refused, as Go does
    if (this.contentLength !== -1 && this.written > this.contentLength) {
      return Promise.reject(ErrContentLength);
    }
    if (this.#tail === null) {
      // Fast path: it fits in the 2 KiB buffer — no Promise chain, no copy of a string.
      if (typeof p === 'string' ? this.w.tryWriteString(p) : this.w.tryWrite(p)) {
        return Promise.resolve(n);
      }
    }
    const data = typeof p === 'string' ? encoder.encode(p) : p;
    return this.#enqueue(() => this.w.write(data));
  }

  /**
   * Go's `(*response).ReadFrom`, what `io.Copy(w, src)` uses: the first 512 bytes go through
   * the normal write path (so Content-Type can be sniffed), then the header is flushed —
   * which, as in Go, drains or discards the rest of an unread request body — and the rest is
   * copied. Echoing a request body this way therefore stops after 512 bytes, exactly as Go's
   * half-duplex HTTP/1 server does unless full duplex is enabled.
   */
  async readFrom(src: Reader): Promise<number> {
    const self: Writer = { write: (p) => this.write(p) };
    const buf = new Uint8Array(32 * 1024);
    let n = 0;
    if (!this.cw.wroteHeader) {
      const n0 = await copy(self, new LimitedReader(src, sniffLen), buf);
      n += n0;
      if (n0 < sniffLen) return n;
    }
    await this.flush();
    n += await copy(self, src, buf);
    return n;
  }

  /** Go's `Flusher.Flush` / `FlushError`: sends what is buffered now. */
  flush(): Promise<void> {
    if (this.handlerDone) return Promise.resolve();
    if (!this.wroteHeader) this.writeHeader(200);
    const pr = this.#enqueue(async () => {
      let err: unknown;
      try {
        await this.w.flush();
      } catch (e) {
        err = e;
      }
      await this.cw.flush();
      if (err !== undefined) throw err;
    });
    pr.catch(noop);
    return pr;
  }

  // Serialise an operation after any write still in progress.
  #enqueue<T>(op: () => Promise<T>): Promise<T> {
    const prev = this.#tail;
    const run = prev === null ? op() : prev.then(op, op);
    const tail: Promise<unknown> = run.then(noop, noop);
    this.#tail = tail;
    void tail.then(() => {
      if (this.#tail === tail) this.#tail = null;
    });
    run.catch(noop);
    return run;
  }

  /** Waits for every write queued so far. */
  async settle(): Promise<void> {
    while (this.#tail !== null) await this.#tail;
  }

  // Go: (*response).finalTrailers — trailers the handler set, or null.
  finalTrailers(): Header | null {
    let t: Header | null = null;
    for (const [k, vv] of this.handlerHeader.entries()) {
      if (k.startsWith(TrailerPrefix)) {
        t ??= new Header();
        for (const v of vv) t.add(k.slice(TrailerPrefix.length), v);
      }
    }
    for (const k of this.trailers) {
      for (const v of this.handlerHeader.values(k)) {
        t ??= new Header();
        t.add(k, v);
      }
    }
    return t;
  }

  // Go: (*response).declareTrailer
  declareTrailer(k: string): void {
    const key = canonicalHeaderKey(k);
    if (!validTrailerHeader(key)) return;
    this.trailers.push(key);
  }

  // Go: (*response).requestTooLarge — called by maxBytesReader when the limit is hit.
  requestTooLarge(): void {
    this.closeAfterReply = true;
    this.requestBodyLimitHit = true;
    if (!this.wroteHeader) this.header().set('Connection', 'close');
  }

  // Go: (*response).disableWriteContinue
  disableWriteContinue(): void {
    this.canWriteContinue = false;
  }

  // Go: the write of "100 Continue" in expectContinueReader.Read, serialised with the
  // response's own writes.
  writeContinue(): Promise<void> {
    return this.#enqueue(async () => {
      if (!this.canWriteContinue) return;
      this.canWriteContinue = false;
      await this.conn.bufw.writeString('HTTP/1.1 100 Continue\r\n\r\n');
      await this.conn.bufw.flush();
    });
  }

  // Go: (*response).finishRequest
  async finishRequest(): Promise<void> {
    // Writes the handler started but did not await belong to it: let them land first, so the
    // framing decision sees the handler's whole output, as Go's synchronous writes would.
    if (this.#tail !== null) await this.settle();
    this.handlerDone = true;
    if (!this.wroteHeader) this.writeHeader(200);
    const cw = this.cw;
    if (!cw.wroteHeader) {
      // Fast path (the common small response): what Go does through w.Flush → chunkWriter →
      // conn.bufw, without the async hops — decide the header on the buffered bytes and copy
      // them into the connection's buffer directly.
      const p = this.w.take();
      try {
        await cw.writeHeader(p);
        if (p.length > 0) await cw.write(p);
      } catch {
        // noted in conn.werr by the connection's writer
      }
    } else {
      try {
        await this.w.flush();
      } catch {
        // noted in conn.werr by the connection's writer
      }
    }
    this.conn.putResponseBuffer(this.w);
    try {
      await cw.close();
    } catch {
      // likewise
    }
    try {
      await this.conn.bufw.flush();
    } catch {
      // likewise
    }
    await this.conn.r.abortPendingRead();
    // Close the body whatever happens next, so its reader can be reused (Go does the same).
    if (this.reqBody !== NoBody) {
      try {
        await this.reqBody.close();
      } catch {
        // a failed drain shows up in closedRequestBodyEarly / the body's state
      }
    }
  }

  // Go: (*response).shouldReuseConnection
  shouldReuseConnection(): boolean {
    if (this.closeAfterReply) return false;
    if (
      this.req.method !== 'HEAD' &&
      this.contentLength !== -1 &&
      bodyAllowedForStatus(this.status) &&
      this.contentLength !== this.written
    ) {
      return false;
    }
    if (this.conn.werr !== undefined) return false;
    if (this.closedRequestBodyEarly()) return false;
    return true;
  }

  // Go: (*response).closedRequestBodyEarly
  closedRequestBodyEarly(): boolean {
    const b = this.req.body as unknown;
    return isMessageBody(b) && b.didEarlyClose();
  }

  /**
   * Go's `Hijacker.Hijack`: hands the connection to the handler. The server stops managing
   * it: no more timeouts, no response, no ConnState except `StateHijacked`. Bytes already read
   * past the request are in `reader` (read them before reading `conn`).
   */
  async hijack(): Promise<Hijacked> {
    if (this.handlerDone) throw new Error('net/http: Hijack called after ServeHTTP finished');
    this.disableWriteContinue();
    if (this.wroteHeader) await this.cw.flush();
    return this.conn.hijackLocked();
  }

  /** ResponseController: sets the connection's read deadline (ms since epoch, 0 = none). */
  setReadDeadline(deadline: number | Date): Error | null {
    return this.conn.rwc.setReadDeadline(deadline);
  }
  /** ResponseController: sets the connection's write deadline (ms since epoch, 0 = none). */
  setWriteDeadline(deadline: number | Date): Error | null {
    return this.conn.rwc.setWriteDeadline(deadline);
  }
  /** ResponseController: lets the handler read the body while writing the response. */
  enableFullDuplex(): void {
    this.fullDuplex = true;
  }
}

// Go: strconv.ParseInt(s, 10, 64) — optional sign, decimal digits, int64 range.
function parseGoInt(s: string): number | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const n = Number(s);
  if (!Number.isSafeInteger(n)) return n > 0 && BigInt(s) <= 0x7fffffffffffffffn ? n : null;
  return n;
}

// Header text is a byte string (one char per wire byte, as in @ka/http): ASCII goes through
// the UTF-8 fast path unchanged, anything else is written as latin1 bytes.
function isASCII(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}
function writeHead(bw: BufWriter, head: string): Promise<unknown> | undefined {
  if (isASCII(head)) {
    return bw.tryWriteString(head) ? undefined : bw.writeString(head);
  }
  return bw.write(Buffer.from(head, 'latin1'));
}

// Go: writeStatusLine
export function statusLine(is11: boolean, code: number): string {
  const proto = is11 ? 'HTTP/1.1 ' : 'HTTP/1.0 ';
  const text = statusText(code);
  if (text !== '') return `${proto}${code} ${text}\r\n`;
  return `${proto}${String(code).padStart(3, '0')} status code ${code}\r\n`;
}

/** Go's `chunkWriter`: finalises the header on the first write and frames the body. */
export class ChunkWriter implements Writer {
  readonly res: Response;
  /** A clone of the handler's header taken at WriteHeader, or null (Go's `cw.header`). */
  header: Header | null = null;
  wroteHeader = false;
  chunking = false;

  constructor(res: Response) {
    this.res = res;
  }

  // Go: (*chunkWriter).Write
  async write(p: Uint8Array): Promise<number> {
    if (!this.wroteHeader) await this.writeHeader(p);
    const res = this.res;
    if (res.req.method === 'HEAD') return p.length; // eaten
    const bw = res.conn.bufw;
    try {
      if (this.chunking) {
        const size = `${p.length.toString(16)}\r\n`;
        if (!bw.tryWriteString(size)) await bw.writeString(size);
      }
      if (!bw.tryWrite(p)) await bw.write(p);
      if (this.chunking && !bw.tryWriteString('\r\n')) await bw.writeString('\r\n');
    } catch (err) {
      void res.conn.rwc.close().catch(noop);
      throw err;
    }
    return p.length;
  }

  // Go: (*chunkWriter).flush
  async flush(): Promise<void> {
    if (!this.wroteHeader) await this.writeHeader(new Uint8Array(0));
    await this.res.conn.bufw.flush();
  }

  // Go: (*chunkWriter).close — the last chunk, trailers and the blank line.
  async close(): Promise<void> {
    if (!this.wroteHeader) await this.writeHeader(new Uint8Array(0));
    if (!this.chunking) return;
    const trailers = this.res.finalTrailers();
    const end = `0\r\n${trailers === null ? '' : headerLines(trailers, null)}\r\n`;
    await writeHead(this.res.conn.bufw, end);
  }

  // Go: (*chunkWriter).writeHeader — decides framing, Connection, Content-Type and Date, and
  // writes the response head into the connection's buffer. `p` is the first body chunk.
  async writeHeader(p: Uint8Array): Promise<void> {
    if (this.wroteHeader) return;
    this.wroteHeader = true;
    const w = this.res;
    const srv = w.conn.server;
    const keepAlivesEnabled = srv.doKeepAlives();
    const isHEAD = w.req.method === 'HEAD';

    // Either we own a clone of the header (and edit it) or we borrow the handler's map and
    // note the keys to leave out.
    const owned = this.header !== null;
    const header = this.header ?? w.handlerHeader;
    let exclude: Set<string> | null = null;
    const delHeader = (key: string) => {
      if (owned) {
        header.del(key);
        return;
      }
      if (!header.has(key)) return;
      exclude ??= new Set();
      exclude.add(key);
    };
    let setContentLength: string | null = null;
    let setContentType = '';
    let setConnection = '';
    let setTransferEncoding = '';

    // Trailer:-prefixed keys are trailers, not headers. (Go looks only at the snapshot here.)
    let trailers = false;
    if (this.header !== null) {
      for (const k of this.header.keys()) {
        if (k.startsWith(TrailerPrefix)) {
          exclude ??= new Set();
          exclude.add(k);
          trailers = true;
        }
      }
      for (const v of this.header.values('Trailer')) {
        trailers = true;
        foreachHeaderElement(v, (k) => w.declareTrailer(k));
      }
    }

    const te = header.get('Transfer-Encoding');
    const hasTE = te !== '';

    // The handler finished inside the buffer and set no length: send one, even 0, which
    // lets HTTP/1.0 keep-alive clients keep the connection. Not for HEAD with nothing written,
    // bodiless statuses, trailers or an explicit Transfer-Encoding.
    if (
      w.handlerDone &&
      !trailers &&
      !hasTE &&
      bodyAllowedForStatus(w.status) &&
      !header.has('Content-Length') &&
      (!isHEAD || p.length > 0)
    ) {
      w.contentLength = p.length;
      setContentLength = String(p.length);
    }

    // HTTP/1.0 keep-alive with a declared length and `Connection: keep-alive` set by the
    // handler keeps the connection.
    if (w.wants10KeepAlive && keepAlivesEnabled) {
      const sentLength = header.get('Content-Length') !== '';
      if (sentLength && header.get('Connection') === 'keep-alive') w.closeAfterReply = false;
    }

    let hasCL = w.contentLength !== -1;
    const is11 = w.req.protoMajor > 1 || (w.req.protoMajor === 1 && w.req.protoMinor >= 1);
    const is10 = w.req.protoMajor >= 1;

    if (w.wants10KeepAlive && (isHEAD || hasCL || !bodyAllowedForStatus(w.status))) {
      if (!header.has('Connection')) setConnection = 'keep-alive';
    } else if (!is11 || w.wantsClose) {
      w.closeAfterReply = true;
    }

    if (header.get('Connection') === 'close' || !keepAlivesEnabled) w.closeAfterReply = true;

    // The client asked for 100-continue and we never read its whole body: don't reuse.
    const reqBody = w.req.body as unknown;
    if (reqBody instanceof ExpectContinueReader && !reqBody.sawEOF) w.closeAfterReply = true;

    // Drain a small unread request body before answering, so a client that writes its
    // whole request before reading cannot deadlock; too much left means Connection: close.
    if (w.req.contentLength !== 0 && !w.closeAfterReply && !w.fullDuplex) {
      let discard = false;
      let tooBig = false;
      if (reqBody instanceof ExpectContinueReader) {
        // only reached with the body fully read (see above)
      } else if (isMessageBody(reqBody)) {
        const b: MessageBody = reqBody;
        if (b.closed) {
          if (!b.sawEOF) w.closeAfterReply = true;
        } else if (b.unreadDataSize() >= maxPostHandlerReadBytes) {
          tooBig = true;
        } else {
          discard = true;
        }
      } else {
        discard = true;
      }
      if (discard) {
        try {
          const n = await copyN(Discard, w.reqBody, maxPostHandlerReadBytes + 1);
          if (n === maxPostHandlerReadBytes + 1) {
            tooBig = true; // there is even more
          } else {
            // reached EOF: close the consumed body
            try {
              await w.reqBody.close();
            } catch {
              w.closeAfterReply = true;
            }
          }
        } catch (err) {
          // Already closed is fine; anything else (timeout, bad chunking) means what is left
          // on the wire must not be parsed as a request.
          if (!is(err, ErrBodyReadAfterClose)) {
            w.closeAfterReply = true;
          }
        }
      }
      if (tooBig) {
        w.requestTooLarge();
        delHeader('Connection');
        setConnection = 'close';
      }
    }

    const code = w.status;
    if (bodyAllowedForStatus(code)) {
      const haveType = header.has('Content-Type');
      const hasCE = header.get('Content-Encoding').length > 0;
      if (!hasCE && !haveType && !hasTE && p.length > 0) setContentType = detectContentType(p);
    } else {
      for (const k of suppressedHeaders(code) ?? []) delHeader(k);
    }

    const date = header.has('Date') ? null : currentHttpDate();

    if (hasCL && hasTE && te !== 'identity') {
      srv.logf(
        `http: WriteHeader called with both Transfer-Encoding of ${JSON.stringify(te)} and a Content-Length of ${w.contentLength}`,
      );
      delHeader('Content-Length');
      hasCL = false;
    }

    if (isHEAD || !bodyAllowedForStatus(code) || code === 204) {
      delHeader('Transfer-Encoding');
    } else if (hasCL) {
      delHeader('Transfer-Encoding');
    } else if (is11) {
      if (hasTE && te === 'identity') {
        // identity without a length: the body ends when the connection does
        this.chunking = false;
        w.closeAfterReply = true;
        delHeader('Transfer-Encoding');
      } else {
        this.chunking = true;
        setTransferEncoding = 'chunked';
        if (hasTE && te === 'chunked') delHeader('Transfer-Encoding'); // we write our own
      }
    } else {
      // HTTP/1.0 without a length: close to mark the end.
      w.closeAfterReply = true;
      delHeader('Transfer-Encoding');
    }

    if (this.chunking) delHeader('Content-Length');
    if (!is10) return;

    // Say Connection: close when we are closing — unless the handler already said so with
    // keep-alives on, or this is a successful protocol switch.
    const cwConnection = this.header?.get('Connection') ?? '';
    const delConnectionHeader =
      w.closeAfterReply &&
      (!keepAlivesEnabled || !hasToken(cwConnection, 'close')) &&
      !isProtocolSwitchResponse(w.status, header);
    if (delConnectionHeader) {
      delHeader('Connection');
      if (is11) setConnection = 'close';
    }

    // Without a snapshot the handler never touched its header map, so `header` is empty
    // apart from what the server itself set through header().
    let head = statusLine(is11, code) + headerLines(header, exclude);
    if (date !== null) head += `Date: ${date}\r\n`;
    if (setContentLength !== null) head += `Content-Length: ${setContentLength}\r\n`;
    if (setContentType !== '') head += `Content-Type: ${setContentType}\r\n`;
    if (setConnection !== '') head += `Connection: ${setConnection}\r\n`;
    if (setTransferEncoding !== '') head += `Transfer-Encoding: ${setTransferEncoding}\r\n`;
    head += '\r\n';
    await writeHead(w.conn.bufw, head);
  }
}
