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
  currentHttpDateLine,
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
    const r = this.#write(p);
    if (typeof r === 'number') return Promise.resolve(r);
    r.catch(noop); // a handler that does not await a failed write must not crash the process
    return r;
  }

  // A number when the bytes were buffered synchronously.
  #write(p: Uint8Array | string): number | Promise<number> {
    if (this.conn.hijacked) {
      if (p.length > 0) this.conn.server.logf('http: response.Write on hijacked connection');
      return Promise.reject(ErrHijacked);
    }
    if (this.handlerDone) return Promise.reject(ErrWriteAfterFinish);
    if (this.canWriteContinue) this.disableWriteContinue();
    if (!this.wroteHeader) this.writeHeader(200);
    const n = typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.length;
    if (n === 0) return 0;
    if (!bodyAllowedForStatus(this.status)) return Promise.reject(ErrBodyNotAllowed);
    this.written += n; // counted even when refused, as Go does
    if (this.contentLength !== -1 && this.written > this.contentLength) {
      return Promise.reject(ErrContentLength);
    }
    if (this.#tail === null) {
      // Fast path: it fits in the 2 KiB buffer — no Promise chain, no copy of a string.
      if (typeof p === 'string' ? this.w.tryWriteString(p) : this.w.tryWrite(p)) return n;
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

  // Go: (*response).finishRequest — the rest of the response (header, buffered body, last
  // chunk and trailers), flushed, then the request body closed. Returns undefined when all of
  // it was done synchronously (a small response the kernel took at once), else a Promise.
  // Write errors end up in conn.werr (by the connection's writer), not here. Each step runs
  // whether or not the one before it failed, as in Go.
  finishRequest(): Promise<void> | undefined {
    // Writes the handler started but did not await belong to it: let them land first, so the
    // framing decision sees the handler's whole output, as Go's synchronous writes would.
    const out = this.#tail !== null ? this.settle().then(() => this.#writeOut()) : this.#writeOut();
    if (out === undefined) return this.#flushOut();
    const next = () => this.#flushOut();
    return out.then(next, next);
  }

  // The header and what the 2 KiB buffer holds go into the connection's buffer; then the
  // chunked terminator, if any.
  #writeOut(): Promise<void> | undefined {
    this.handlerDone = true;
    if (!this.wroteHeader) this.writeHeader(200);
    const cw = this.cw;
    if (cw.wroteHeader) {
      const f = this.w.flushEager();
      return f === undefined ? this.#closeChunks() : this.#closeChunksAfter(f);
    }
    // The common small response: what Go does through w.Flush → chunkWriter → conn.bufw,
    // without the hops — decide the header on the buffered bytes and copy them into the
    // connection's buffer directly.
    const p = this.w.take();
    let h: Promise<void> | undefined;
    try {
      h = cw.writeHeader(p);
    } catch {
      return this.#closeChunks();
    }
    if (h !== undefined) {
      return this.#closeChunksAfter(h.then(() => (p.length === 0 ? undefined : cw.write(p))));
    }
    if (p.length === 0 || cw.tryWriteBody(p)) return this.#closeChunks();
    return this.#closeChunksAfter(cw.write(p));
  }

  // #closeChunks once `step` settles, whether it failed or not.
  #closeChunksAfter(step: Promise<unknown>): Promise<void> {
    const close = () => this.#closeChunks();
    return step.then(close, close);
  }

  #closeChunks(): Promise<void> | undefined {
    let c: Promise<void> | undefined;
    try {
      c = this.cw.close();
    } catch {
      return undefined;
    }
    return c?.catch(noop);
  }

  #flushOut(): Promise<void> | undefined {
    this.conn.putResponseBuffer(this.w);
    const f = this.conn.bufw.flushEager();
    if (f === undefined) return this.#afterFlush();
    const next = () => this.#afterFlush();
    return f.then(next, next);
  }

  #afterFlush(): Promise<void> | undefined {
    const a = this.conn.r.abortPendingRead();
    if (a === undefined) return this.#closeBody();
    return a.then(() => this.#closeBody());
  }

  // Close the body whatever happens next, so its reader can be reused (Go does the same). A
  // failed drain shows up in closedRequestBodyEarly / the body's state.
  #closeBody(): Promise<void> | undefined {
    if (this.reqBody === NoBody) return undefined;
    return this.reqBody.close().catch(noop);
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

// Header text is a byte string (one char per wire byte, as in @ka/http): written as Latin-1.
function writeHead(bw: BufWriter, head: string): Promise<void> | undefined {
  if (bw.tryWriteLatin1(head)) return undefined;
  return bw.write(Buffer.from(head, 'latin1')).then(noop);
}

// Go: writeStatusLine
export function statusLine(is11: boolean, code: number): string {
  // Codes are three digits (checked by writeHeader): each line is built once. A cached string
  // is also flattened once — V8 keeps a fresh concatenation as a rope until it is read.
  const cache = is11 ? statusLines11 : statusLines10;
  let line = cache[code];
  if (line === undefined) {
    const proto = is11 ? 'HTTP/1.1 ' : 'HTTP/1.0 ';
    const text = statusText(code);
    line =
      text !== ''
        ? `${proto}${code} ${text}\r\n`
        : `${proto}${String(code).padStart(3, '0')} status code ${code}\r\n`;
    if (code >= 100 && code <= 999) cache[code] = line;
  }
  return line;
}
const statusLines11: string[] = [];
const statusLines10: string[] = [];

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

  /**
   * The body bytes `p` (header already written) into the connection's buffer synchronously
   * when they fit, framed; false, having written nothing, when they do not.
   */
  tryWriteBody(p: Uint8Array): boolean {
    if (!this.wroteHeader) return false;
    const res = this.res;
    if (res.req.method === 'HEAD') return true; // eaten
    const bw = res.conn.bufw;
    if (!this.chunking) return bw.tryWrite(p);
    const size = `${p.length.toString(16)}\r\n`;
    if (bw.available() < size.length + p.length + 2) return false;
    return bw.tryWriteString(size) && bw.tryWrite(p) && bw.tryWriteString('\r\n');
  }

  // Go: (*chunkWriter).flush
  async flush(): Promise<void> {
    if (!this.wroteHeader) await this.writeHeader(new Uint8Array(0));
    await this.res.conn.bufw.flush();
  }

  // Go: (*chunkWriter).close — the last chunk, trailers and the blank line. Undefined when
  // done synchronously.
  close(): Promise<void> | undefined {
    if (!this.wroteHeader) {
      const h = this.writeHeader(new Uint8Array(0));
      if (h !== undefined) return h.then(() => this.#closeChunked());
    }
    return this.#closeChunked();
  }

  #closeChunked(): Promise<void> | undefined {
    if (!this.chunking) return undefined;
    const trailers = this.res.finalTrailers();
    const end = `0\r\n${trailers === null ? '' : headerLines(trailers, null)}\r\n`;
    return writeHead(this.res.conn.bufw, end);
  }

  // Go: (*chunkWriter).writeHeader — decides framing, Connection, Content-Type and Date, and
  // writes the response head into the connection's buffer. `p` is the first body chunk.
  // Synchronous (undefined) unless it must drain an unread request body or the head does not
  // fit in the connection's buffer.
  writeHeader(p: Uint8Array): Promise<void> | undefined {
    if (this.wroteHeader) return undefined;
    this.wroteHeader = true;
    const w = this.res;
    const plan = new HeadPlan(this, w, p);
    const header = plan.header;

    // Trailer:-prefixed keys are trailers, not headers. (Go looks only at the snapshot here.)
    let trailers = false;
    if (this.header !== null) {
      for (const k of this.header.keys()) {
        if (k.startsWith(TrailerPrefix)) {
          plan.exclude ??= new Set();
          plan.exclude.add(k);
          trailers = true;
        }
      }
      for (const v of this.header.values('Trailer')) {
        trailers = true;
        foreachHeaderElement(v, (k) => w.declareTrailer(k));
      }
    }

    // The handler finished inside the buffer and set no length: send one, even 0, which
    // lets HTTP/1.0 keep-alive clients keep the connection. Not for HEAD with nothing written,
    // bodiless statuses, trailers or an explicit Transfer-Encoding.
    if (
      w.handlerDone &&
      !trailers &&
      !plan.hasTE &&
      bodyAllowedForStatus(w.status) &&
      !header.has('Content-Length') &&
      (!plan.isHEAD || p.length > 0)
    ) {
      w.contentLength = p.length;
      plan.setContentLength = p.length;
    }

    // HTTP/1.0 keep-alive with a declared length and `Connection: keep-alive` set by the
    // handler keeps the connection.
    if (w.wants10KeepAlive && plan.keepAlivesEnabled) {
      const sentLength = header.get('Content-Length') !== '';
      if (sentLength && header.get('Connection') === 'keep-alive') w.closeAfterReply = false;
    }

    if (w.wants10KeepAlive && (plan.isHEAD || plan.hasCL() || !bodyAllowedForStatus(w.status))) {
      if (!header.has('Connection')) plan.setConnection = 'keep-alive';
    } else if (!plan.is11 || w.wantsClose) {
      w.closeAfterReply = true;
    }

    if (header.get('Connection') === 'close' || !plan.keepAlivesEnabled) w.closeAfterReply = true;

    // The client asked for 100-continue and we never read its whole body: don't reuse.
    const reqBody = w.req.body as unknown;
    if (reqBody instanceof ExpectContinueReader && !reqBody.sawEOF) w.closeAfterReply = true;

    // Drain a small unread request body before answering, so a client that writes its
    // whole request before reading cannot deadlock; too much left means Connection: close.
    let discard = false;
    let tooBig = false;
    if (w.req.contentLength !== 0 && !w.closeAfterReply && !w.fullDuplex) {
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
    }
    if (discard) return drainRequestBody(w).then((big) => plan.finish(big));
    return plan.finish(tooBig);
  }
}

// The decisions of one chunkWriter.writeHeader call, kept in an object rather than in locals
// captured by closures (which would cost a context and closures on every response).
class HeadPlan {
  readonly cw: ChunkWriter;
  readonly w: Response;
  readonly p: Uint8Array;
  readonly keepAlivesEnabled: boolean;
  readonly isHEAD: boolean;
  readonly is11: boolean;
  // Either we own a clone of the header (and edit it) or we borrow the handler's map and
  // note the keys to leave out.
  readonly owned: boolean;
  readonly header: Header;
  exclude: Set<string> | null = null;
  readonly te: string;
  readonly hasTE: boolean;
  setContentLength = -1;
  setContentType = '';
  setConnection = '';

  constructor(cw: ChunkWriter, w: Response, p: Uint8Array) {
    this.cw = cw;
    this.w = w;
    this.p = p;
    this.keepAlivesEnabled = w.conn.server.doKeepAlives();
    this.isHEAD = w.req.method === 'HEAD';
    this.is11 = w.req.protoMajor > 1 || (w.req.protoMajor === 1 && w.req.protoMinor >= 1);
    this.owned = cw.header !== null;
    this.header = cw.header ?? w.handlerHeader;
    this.te = this.header.get('Transfer-Encoding');
    this.hasTE = this.te !== '';
  }

  hasCL(): boolean {
    return this.w.contentLength !== -1;
  }

  del(key: string): void {
    if (this.owned) {
      this.header.del(key);
      return;
    }
    if (!this.header.has(key)) return;
    this.exclude ??= new Set();
    this.exclude.add(key);
  }

  // The rest of writeHeader, once any drain is done.
  finish(tooBig: boolean): Promise<void> | undefined {
    const { w, header, te, hasTE, isHEAD, is11, cw } = this;
    if (tooBig) {
      w.requestTooLarge();
      this.del('Connection');
      this.setConnection = 'close';
    }

    const code = w.status;
    if (bodyAllowedForStatus(code)) {
      const haveType = header.has('Content-Type');
      const hasCE = header.get('Content-Encoding').length > 0;
      if (!hasCE && !haveType && !hasTE && this.p.length > 0) {
        this.setContentType = detectContentType(this.p);
      }
    } else {
      for (const k of suppressedHeaders(code) ?? []) this.del(k);
    }

    const date = !header.has('Date');

    let hasCL = this.hasCL();
    if (hasCL && hasTE && te !== 'identity') {
      w.conn.server.logf(
        `http: WriteHeader called with both Transfer-Encoding of ${JSON.stringify(te)} and a Content-Length of ${w.contentLength}`,
      );
      this.del('Content-Length');
      hasCL = false;
    }

    let chunked = false;
    if (isHEAD || !bodyAllowedForStatus(code) || code === 204) {
      this.del('Transfer-Encoding');
    } else if (hasCL) {
      this.del('Transfer-Encoding');
    } else if (is11) {
      if (hasTE && te === 'identity') {
        // identity without a length: the body ends when the connection does
        cw.chunking = false;
        w.closeAfterReply = true;
        this.del('Transfer-Encoding');
      } else {
        cw.chunking = true;
        chunked = true;
        if (hasTE && te === 'chunked') this.del('Transfer-Encoding'); // we write our own
      }
    } else {
      // HTTP/1.0 without a length: close to mark the end.
      w.closeAfterReply = true;
      this.del('Transfer-Encoding');
    }

    if (cw.chunking) this.del('Content-Length');
    if (w.req.protoMajor < 1) return undefined; // Go: !ProtoAtLeast(1, 0) — no head at all

    // Say Connection: close when we are closing — unless the handler already said so with
    // keep-alives on, or this is a successful protocol switch.
    const cwConnection = cw.header?.get('Connection') ?? '';
    const delConnectionHeader =
      w.closeAfterReply &&
      (!this.keepAlivesEnabled || !hasToken(cwConnection, 'close')) &&
      !isProtocolSwitchResponse(w.status, header);
    if (delConnectionHeader) {
      this.del('Connection');
      if (is11) this.setConnection = 'close';
    }

    // Without a snapshot the handler never touched its header map, so `header` is empty
    // apart from what the server itself set through header(). The lines go into the buffer
    // one by one (a concatenated head would be flattened before its bytes could be copied).
    const status = statusLine(is11, code);
    const lines = headerLines(header, this.exclude);
    const dateLine = date ? currentHttpDateLine() : '';
    const cl = this.setContentLength === -1 ? '' : contentLengthLine(this.setContentLength);
    const ct = this.setContentType === '' ? '' : contentTypeLine(this.setContentType);
    const conn =
      this.setConnection === ''
        ? ''
        : this.setConnection === 'close'
          ? 'Connection: close\r\n'
          : 'Connection: keep-alive\r\n';
    const te2 = chunked ? 'Transfer-Encoding: chunked\r\n' : '';
    const bw = w.conn.bufw;
    const n =
      status.length +
      lines.length +
      dateLine.length +
      cl.length +
      ct.length +
      conn.length +
      te2.length +
      2;
    if (n <= bw.available()) {
      bw.tryWriteLatin1(status);
      bw.tryWriteLatin1(lines);
      bw.tryWriteLatin1(dateLine);
      bw.tryWriteLatin1(cl);
      bw.tryWriteLatin1(ct);
      bw.tryWriteLatin1(conn);
      bw.tryWriteLatin1(te2);
      bw.tryWriteLatin1('\r\n');
      return undefined;
    }
    return writeHead(bw, `${status}${lines}${dateLine}${cl}${ct}${conn}${te2}\r\n`);
  }
}

// "Content-Type: …\r\n" for the sniffed types (a small, fixed set), built once each.
const ctLines = new Map<string, string>();
function contentTypeLine(ct: string): string {
  let line = ctLines.get(ct);
  if (line === undefined) {
    line = `Content-Type: ${ct}\r\n`;
    if (ctLines.size < 64) ctLines.set(ct, line);
  }
  return line;
}

// "Content-Length: n\r\n", kept for the small lengths most responses have.
const clLines: string[] = [];
function contentLengthLine(n: number): string {
  if (n >= 1024) return `Content-Length: ${n}\r\n`;
  let line = clLines[n];
  if (line === undefined) {
    line = `Content-Length: ${n}\r\n`;
    clLines[n] = line;
  }
  return line;
}

// Go: the discard branch of chunkWriter.writeHeader — reads up to maxPostHandlerReadBytes of
// an unread request body; true when even more was left (too big to drain).
async function drainRequestBody(w: Response): Promise<boolean> {
  try {
    const n = await copyN(Discard, w.reqBody, maxPostHandlerReadBytes + 1);
    if (n === maxPostHandlerReadBytes + 1) return true; // there is even more
    // reached EOF: close the consumed body
    try {
      await w.reqBody.close();
    } catch {
      w.closeAfterReply = true;
    }
  } catch (err) {
    // Already closed is fine; anything else (timeout, bad chunking) means what is left on
    // the wire must not be parsed as a request.
    if (!is(err, ErrBodyReadAfterClose)) w.closeAfterReply = true;
  }
  return false;
}
