// Go: conn and (*conn).serve — one TCP connection, request after request.
//
// The loop reads a request, runs the handler in this same task, finishes the response, and
// then decides — exactly where Go decides — whether the connection may carry another
// request. Between requests it waits (under the idle timeout) for the first bytes of the next
// request before arming the header timeout.
import {
  isUnsupportedTEError,
  type Request,
  validHeaderFieldName,
  validHeaderFieldValue,
  validHostHeader,
} from '@ka/http';
import { isMessageBody, readRequestKeepHostEager } from '@ka/http/internal';
import {
  BufReader,
  BufWriter,
  type EagerWriter,
  EOF,
  is,
  isEagerWriter,
  isTimeout,
  type Writer,
} from '@ka/io';
import {
  type CloseWriter,
  type Conn,
  type ConnectionState,
  isReadableWatcher,
  OpError,
  type ReadableState,
  type ReadableWatcher,
  tlsStateOf,
} from '@ka/net';
import { ConnReader, type ConnReaderOwner } from './conn-reader.js';
import { ConnState } from './conn-state.js';
import { ErrAbortHandler, ErrHijacked } from './errors.js';
import { pool2k, pool4k } from './internal/buf-pool.js';
import { hasToken } from './internal/http-glue.js';
import { ExpectContinueReader, Response } from './response-writer.js';
import type { Server } from './server.js';

/** Go's `rstAvoidanceDelay`: how long a lingering close keeps reading after its FIN. */
export const rstAvoidanceDelay = 500;

const errorHeaders = '\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n';
const encoder = new TextEncoder();
const noop = () => {};
// The read deadline ends the wait for input too.
const timedWatch = { deadline: true } as const;

/** Go's `errTooLarge`: the request head outgrew maxHeaderBytes. */
const errTooLarge = new Error('http: request too large');

/** Go's `statusError`: a request rejected with a specific status and reason. */
export class StatusError extends Error {
  readonly code: number;
  readonly text: string;
  constructor(code: number, reasonPhrase: string, text: string) {
    super(`${reasonPhrase}: ${text}`);
    this.code = code;
    this.text = text;
  }
}

const badRequest = (text: string) => new StatusError(400, 'Bad Request', text);

// Go: isCommonNetReadError — the client went away or timed out: nothing worth answering.
function isCommonNetReadError(err: unknown): boolean {
  if (err === null || is(err, EOF)) return true;
  if (isTimeout(err)) return true;
  return err instanceof OpError && err.op === 'read';
}

// Go: numLeadingCRorLF
function numLeadingCRorLF(v: Uint8Array): number {
  let n = 0;
  while (n < v.length && (v[n] === 0x0d || v[n] === 0x0a)) n++;
  return n;
}

/** A hijacked connection: the socket plus the server's buffered reader and writer. */
export interface Hijacked {
  /** The raw connection; the server no longer touches it. */
  conn: Conn;
  /** Buffered reader holding any bytes the server read past the request. */
  reader: BufReader;
  /** Buffered writer over `conn`. */
  writer: BufWriter;
}

/** Go's `conn`: the server side of one connection. Internal. */
export class ServerConn implements ConnReaderOwner {
  readonly server: Server;
  readonly rwc: Conn;
  remoteAddr = '';
  /** The TLS state of the connection (Go's `tlsState`), given to each request; null over TCP. */
  tlsState: ConnectionState | null = null;
  readonly r: ConnReader;
  readonly bufr: BufReader;
  readonly bufw: BufWriter;
  /** First error writing to the socket (Go's `werr`). */
  werr: unknown = undefined;
  hijacked = false;
  curReq: Response | null = null;
  state = ConnState.StateNew;
  /** Unix seconds of the last state change (Go packs these together). */
  stateUnixSec = 0;
  lastMethod = '';
  /** @internal The server's list of tracked conns (Go's activeConn). */
  trackPrev: ServerConn | null = null;
  /** @internal */
  trackNext: ServerConn | null = null;
  // The connection's signal, made on first use (most connections never need one); until then
  // an abort is only recorded.
  #ac: AbortController | undefined = undefined;
  #aborted = false;
  #abortReason: unknown = undefined;

  readonly #parent: AbortSignal | undefined;
  // The conn, when it can report readability without a read (ka's TCP conns can).
  readonly #watcher: ReadableWatcher | null;

  constructor(server: Server, rwc: Conn, parent?: AbortSignal) {
    this.server = server;
    this.rwc = rwc;
    this.#watcher = isReadableWatcher(rwc) ? rwc : null;
    // The conn's signal follows the base/conn signal from the server's hooks.
    if (parent !== undefined) {
      if (parent.aborted) this.#abort(parent.reason);
      else {
        this.#parent = parent;
        parent.addEventListener('abort', this.#onParentAbort, { once: true });
      }
    }
    this.r = new ConnReader(rwc, this, this.#watcher);
    this.bufr = new BufReader(this.r, 4096, pool4k.get());
    // Go: checkConnErrorWriter — remember the first write error and cancel the request.
    const sink: Writer & Partial<EagerWriter> = {
      write: async (p) => {
        try {
          return await rwc.write(p);
        } catch (err) {
          this.#noteWriteError(err);
          throw err;
        }
      },
    };
    if (isEagerWriter(rwc)) {
      // A small response usually leaves in one synchronous socket write: no Promise at all.
      sink.writeEager = (p) => {
        const r = rwc.writeEager(p);
        if (typeof r === 'number') return r;
        return r.catch((err: unknown) => {
          this.#noteWriteError(err);
          throw err;
        });
      };
    }
    this.bufw = new BufWriter(sink, 4 << 10, pool4k.get());
  }

  #noteWriteError(err: unknown): void {
    if (this.werr === undefined) {
      this.werr = err;
      this.#abort(err);
    }
  }

  /** The connection's signal: aborted when the client goes away or a write fails. */
  get signal(): AbortSignal {
    if (this.#ac === undefined) {
      this.#ac = new AbortController();
      if (this.#aborted) this.#ac.abort(this.#abortReason);
    }
    return this.#ac.signal;
  }

  // First reason wins, as with AbortController.abort.
  #abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#ac?.abort(reason);
  }

  readonly #onParentAbort = (): void => {
    this.#abort(this.#parent?.reason);
  };

  onReadError(err: unknown): void {
    this.#abort(err ?? EOF);
  }

  // Go: the sync.Pool of 2 KiB response writers — here one per connection, reused by each
  // response in turn.
  #resBuf: BufWriter | null = null;
  /** @internal */
  takeResponseBuffer(cw: Writer): BufWriter {
    const b = this.#resBuf;
    if (b === null) return new BufWriter(cw, 2048, pool2k.get());
    this.#resBuf = null;
    b.reset(cw);
    b.attachBuffer(pool2k.get());
    return b;
  }
  /** @internal */
  putResponseBuffer(b: BufWriter): void {
    this.#resBuf = b;
  }

  // Go: (*conn).setState
  setState(state: ConnState, runHook: boolean): void {
    const srv = this.server;
    if (state === ConnState.StateNew) srv.trackConn(this, true);
    else if (state === ConnState.StateHijacked || state === ConnState.StateClosed) {
      srv.trackConn(this, false);
    }
    this.state = state;
    this.stateUnixSec = Math.floor(Date.now() / 1000);
    if (runHook) srv.connState?.(this.rwc, state);
  }

  // Go: (*conn).hijackLocked
  async hijackLocked(): Promise<Hijacked> {
    if (this.hijacked) throw ErrHijacked;
    await this.r.abortPendingRead();
    this.hijacked = true;
    this.rwc.setDeadline(0);
    if (this.r.hasByte) {
      // pull the byte the background read kept into the buffered reader
      await this.bufr.peek(this.bufr.buffered() + 1);
    }
    this.bufw.reset(this.rwc);
    this.setState(ConnState.StateHijacked, true);
    return { conn: this.rwc, reader: this.bufr, writer: this.bufw };
  }

  // Go: (*conn).finalFlush + close. Undefined when done synchronously (the usual case: the
  // last bytes were flushed already, or the kernel took them at once).
  close(): Promise<void> | undefined {
    const f = this.bufw.flushEager();
    if (f === undefined) {
      this.#closeNow(true);
      return undefined;
    }
    return f.then(
      () => this.#closeNow(true),
      () => this.#closeNow(false), // the socket is going away anyway
    );
  }

  #closeNow(flushed: boolean): void {
    // SocketConn.close takes effect at once; its Promise only reports a second close.
    this.rwc.close().catch(noop);
    // Go: putBufioReader / putBufioWriter — the buffers go back to their pools. A writer
    // whose last write failed keeps its buffer: Node may still hold a reference to it.
    pool4k.put(this.bufr.releaseBuffer());
    if (flushed && this.werr === undefined) {
      pool4k.put(this.bufw.releaseBuffer());
      // the response buffer's bytes were copied into bufw: it is free too
      const rb = this.#resBuf;
      if (rb !== null) pool2k.put(rb.releaseBuffer());
    }
  }

  // Not in Go: while a keep-alive connection waits for its next request, its buffers go back
  // to the pools (an idle connection holds none), and come back when bytes arrive — or the
  // read deadline passes, the peer goes away, or the server closes it; the read that follows
  // meets whichever it was.
  // Gives what ended the wait ('data' too when bytes were buffered already; 'unsupported'
  // when it did not wait: a Conn that cannot watch, or unflushed output) — at once when that
  // is known already, else through a Promise.
  #waitIdle(): ReadableState | 'unsupported' | Promise<ReadableState> {
    const rwc = this.#watcher;
    if (rwc === null || this.bufw.buffered() > 0) return 'unsupported';
    if (this.bufr.buffered() > 0 || this.r.hasByte) return 'data';
    pool4k.put(this.bufr.releaseBuffer());
    pool4k.put(this.bufw.releaseBuffer());
    const rb = this.#resBuf;
    if (rb !== null) {
      pool2k.put(rb.releaseBuffer());
      rb.reset(detachedWriter); // drop the finished response it still points at
    }
    this.#reattach = true;
    return this.#whenReadable(rwc);
  }

  // Waits, under the read deadline, until input is readable or the wait ends otherwise: what
  // ended it, at once when that is known already, else through a Promise. One callback per
  // connection (#onReadable) serves every wait, so a wait allocates nothing but its Promise.
  #whenReadable(rwc: ReadableWatcher): ReadableState | Promise<ReadableState> {
    this.#woke = null;
    rwc.watchReadable(this.#onReadable, timedWatch);
    const now = this.#woke;
    if (now !== null) return now;
    return new Promise<ReadableState>((r) => {
      this.#wake = r;
    });
  }

  // What ended the wait in #whenReadable when it ended at once; the waiter while it waits; and
  // whether the buffers #waitIdle gave back are to be taken again first.
  #woke: ReadableState | null = null;
  #wake: ((state: ReadableState) => void) | null = null;
  #reattach = false;

  readonly #onReadable = (state: ReadableState): void => {
    if (this.#reattach) {
      this.#reattach = false;
      this.bufr.attachBuffer(pool4k.get());
      this.bufw.attachBuffer(pool4k.get());
    }
    const wake = this.#wake;
    if (wake === null) {
      this.#woke = state;
      return;
    }
    this.#wake = null;
    wake(state);
  };

  // Go: (*conn).closeWriteAndWait — FIN now, keep the socket a moment so our last bytes are
  // read before any RST.
  async closeWriteAndWait(): Promise<void> {
    try {
      await this.bufw.flush();
    } catch {
      // ignore: closing
    }
    // Go: only a conn with CloseWrite (TCP) half-closes; others just wait.
    const cw = (this.rwc as Partial<CloseWriter>).closeWrite;
    if (typeof cw === 'function') await cw.call(this.rwc).catch(noop);
    await this.server.sleep(rstAvoidanceDelay);
  }

  // Go: (*conn).readRequest — synchronous when the whole head is already buffered (the
  // common case on a busy keep-alive connection), else a Promise. Fails by throwing or
  // rejecting, with the errors Go's readRequest returns.
  readRequest(): Response | Promise<Response> {
    if (this.hijacked) throw ErrHijacked;
    const srv = this.server;
    const wholeReqDeadline = srv.readTimeout > 0 ? Date.now() + srv.readTimeout : 0;
    this.r.setReadLimit(srv.initialReadLimitSize());
    if (this.bufr.buffered() === 0) this.bufr.tryFill();
    if (this.lastMethod === 'POST') {
      if (this.bufr.buffered() < 4) return this.#readRequestAfterPost(wholeReqDeadline);
      this.#skipStrayCRLF(this.bufr.bufferedBytes());
    }
    return this.#parse(wholeReqDeadline);
  }

  // Parses the head from the buffer (synchronously when it is all there) and checks it.
  #parse(wholeReqDeadline: number): Response | Promise<Response> {
    let req: Request | Promise<Request>;
    try {
      req = readRequestKeepHostEager(this.bufr);
    } catch (err) {
      this.#armWriteDeadline();
      throw this.#readError(err);
    }
    if (req instanceof Promise) return this.#awaitRequest(req, wholeReqDeadline);
    try {
      return this.#prepare(req, wholeReqDeadline);
    } finally {
      this.#armWriteDeadline();
    }
  }

  // RFC 7230 §3: tolerate the stray CRLF old clients send after a POST body.
  #skipStrayCRLF(peek: Uint8Array): void {
    this.bufr.skip(numLeadingCRorLF(peek.subarray(0, 4)));
  }

  async #readRequestAfterPost(wholeReqDeadline: number): Promise<Response> {
    const peek = await this.bufr.peek(4).catch(() => new Uint8Array(0));
    this.#skipStrayCRLF(peek);
    return this.#parse(wholeReqDeadline);
  }

  async #awaitRequest(pending: Promise<Request>, wholeReqDeadline: number): Promise<Response> {
    try {
      let req: Request;
      try {
        req = await pending;
      } catch (err) {
        throw this.#readError(err);
      }
      return this.#prepare(req, wholeReqDeadline);
    } finally {
      this.#armWriteDeadline();
    }
  }

  // A head cut off by the read limit is "too large", whatever the parser made of it.
  #readError(err: unknown): unknown {
    return this.r.hitReadLimit() ? errTooLarge : err;
  }

  #armWriteDeadline(): void {
    const wt = this.server.writeTimeout;
    if (wt > 0) this.rwc.setWriteDeadline(Date.now() + wt);
  }

  // The checks Go's readRequest makes once the head is parsed, and the Response.
  #prepare(req: Request, wholeReqDeadline: number): Response {
    // Go: http1ServerSupportsRequest — HTTP/1.x, or the HTTP/2 preface for upgraders.
    const h2Preface =
      req.protoMajor === 2 &&
      req.protoMinor === 0 &&
      req.method === 'PRI' &&
      req.requestURI === '*';
    if (req.protoMajor !== 1 && !h2Preface) {
      throw new StatusError(505, 'HTTP Version Not Supported', 'unsupported protocol version');
    }
    this.lastMethod = req.method;
    this.r.setInfiniteReadLimit();

    const hosts = req.header.values('Host');
    const isH2Upgrade = h2Preface; // Go: req.isH2Upgrade
    const atLeast11 = req.protoMajor > 1 || (req.protoMajor === 1 && req.protoMinor >= 1);
    if (atLeast11 && hosts.length === 0 && !isH2Upgrade && req.method !== 'CONNECT') {
      throw badRequest('missing required Host header');
    }
    if (hosts.length === 1 && !validHostHeader(hosts[0]!))
      throw badRequest('malformed Host header');
    if (!req.headerWireChecked) {
      for (const [k, vv] of req.header.entries()) {
        if (!validHeaderFieldName(k)) throw badRequest('invalid header name');
        for (const v of vv) if (!validHeaderFieldValue(v)) throw badRequest('invalid header value');
      }
    }
    req.header.del('Host');

    req.remoteAddr = this.remoteAddr;
    req.tls = this.tlsState;
    if (isMessageBody(req.body)) req.body.doEarlyClose = true;

    this.rwc.setReadDeadline(wholeReqDeadline);
    const w = new Response(this, req);
    // The request's signal (Go's request context) is made on first use: most handlers never
    // look at it, and an AbortController per request is a measurable cost.
    req.setLazySignal(() => w.signal);
    if (isH2Upgrade) w.closeAfterReply = true;
    return w;
  }

  // Go: (*conn).serve
  async serve(): Promise<void> {
    const srv = this.server;
    try {
      this.remoteAddr = this.rwc.remoteAddr().toString();
    } catch {
      // unknown address: leave it empty, as Go does for a nil RemoteAddr
    }
    // Go: a *tls.Conn's state, taken once its handshake is done (a TLS listener hands out
    // conns only then).
    this.tlsState = tlsStateOf(this.rwc);
    let inFlight: Response | null = null;
    try {
      if (srv.readHeaderTimeoutOrRead() > 0) {
        this.rwc.setReadDeadline(Date.now() + srv.readHeaderTimeoutOrRead());
      }
      // Wait for the first bytes without a read in flight, so the request is parsed where it
      // lies; whatever else ends the wait (deadline, EOF, reset) the read meets next.
      if (this.#watcher !== null) {
        const first = this.#whenReadable(this.#watcher);
        if (typeof first !== 'string') await first;
      }
      for (;;) {
        let w: Response | null = null;
        // What may be awaited below; cleared with `w` before the idle wait (an async function
        // keeps its locals while it waits, and these hold the finished exchange).
        let pending: unknown = null;
        let err: unknown;
        try {
          pending = this.readRequest();
          w = pending instanceof Promise ? await pending : (pending as Response);
        } catch (e) {
          err = e;
        }
        if (this.r.remain !== srv.initialReadLimitSize())
          this.setState(ConnState.StateActive, true);
        if (srv.shuttingDown()) return;
        if (w === null) {
          await this.#replyToBadRequest(err);
          return;
        }

        // Expect: 100-continue is answered on the first body read; other expectations: 417.
        const expect = w.req.header.get('Expect');
        if (hasToken(expect, '100-continue')) {
          const r = w.req;
          const atLeast11 = r.protoMajor > 1 || (r.protoMajor === 1 && r.protoMinor >= 1);
          if (atLeast11 && r.contentLength !== 0) {
            r.body = new ExpectContinueReader(w, r.body);
            w.canWriteContinue = true;
          }
        } else if (expect !== '') {
          // Go: sendExpectationFailed
          w.header().set('Connection', 'close');
          w.writeHeader(417);
          await w.finishRequest();
          return;
        }

        this.curReq = w;
        if (isMessageBody(w.reqBody) && w.reqBody.bodyRemains()) {
          w.reqBody.registerOnHitEOF(() => this.r.startBackgroundRead());
        } else {
          this.r.startBackgroundRead();
        }

        inFlight = w;
        // A handler that finished synchronously costs no await.
        pending = srv.serveRequest(w, w.req);
        if (isThenable(pending)) await pending;
        inFlight = null;
        w.cancel();
        if (this.hijacked) {
          this.r.releaseConn();
          return;
        }
        pending = w.finishRequest();
        if (pending !== undefined) await pending;
        this.rwc.setWriteDeadline(0);
        if (!w.shouldReuseConnection()) {
          if (w.requestBodyLimitHit || w.closedRequestBodyEarly()) await this.closeWriteAndWait();
          return;
        }
        this.setState(ConnState.StateIdle, true);
        this.curReq = null;
        // An async function keeps its locals while it waits: let the finished request go.
        w = null;
        pending = null;

        if (!srv.doKeepAlives()) {
          // shutting down: we may have answered without Connection: close; such is HTTP/1.1
          return;
        }
        const idle = srv.idleTimeoutOrRead();
        const idleDeadline = idle > 0 ? Date.now() + idle : 0;
        this.rwc.setReadDeadline(idleDeadline);

        // Wait for the next request to start arriving before arming the header timeout (Go's
        // Peek(4)). Bytes already at hand (a pipelining client) need no wait.
        if (this.bufr.buffered() < 4 && !(this.bufr.tryFill() && this.bufr.buffered() >= 4)) {
          try {
            const waiting = this.#waitIdle();
            const woke = typeof waiting === 'string' ? waiting : await waiting;
            // Nothing arrived (idle timeout, EOF, reset, closed by shutdown): the Peek would
            // fail or see EOF; end now, without building its error — a burst of idle
            // connections timing out together closes them back to back, the window a proxy
            // can race small.
            if (woke === 'timeout' || woke === 'eof' || woke === 'error' || woke === 'closed') {
              return;
            }
            if (woke === 'data' && idleDeadline !== 0) {
              // Go: the Read blocked in Peek takes the bytes that woke it even if the deadline
              // passes meanwhile; the next Read (for the rest of the 4 bytes) meets it.
              this.rwc.setReadDeadline(0);
              if (!this.bufr.tryFill()) await this.bufr.peek(1);
              this.rwc.setReadDeadline(idleDeadline);
            } else {
              this.bufr.tryFill();
            }
            if (this.bufr.buffered() < 4 && (await this.bufr.peek(4)).length < 4) return; // EOF
          } catch {
            return;
          }
        }

        const rht = srv.readHeaderTimeoutOrRead();
        this.rwc.setReadDeadline(rht > 0 ? Date.now() + rht : 0);
      }
    } catch (err) {
      // Go: the deferred recover in (*conn).serve — a handler "panicked".
      if (!is(err, ErrAbortHandler)) {
        const stack = err instanceof Error && err.stack ? `\n${err.stack}` : '';
        srv.logf(`http: panic serving ${this.remoteAddr}: ${errorText(err)}${stack}`);
      }
    } finally {
      if (inFlight !== null) {
        inFlight.cancel();
        inFlight.disableWriteContinue();
      }
      if (!this.hijacked) {
        if (inFlight !== null) {
          await this.r.abortPendingRead();
          await inFlight.reqBody.close().catch(noop);
        }
        const closing = this.close();
        if (closing !== undefined) await closing;
        this.setState(ConnState.StateClosed, true);
      }
      this.#parent?.removeEventListener('abort', this.#onParentAbort);
    }
  }

  // Go: the error branch of (*conn).serve's loop — Go's exact bytes, straight to the socket.
  async #replyToBadRequest(err: unknown): Promise<void> {
    const send = (s: string) => this.rwc.write(encoder.encode(s)).catch(noop);
    if (err === errTooLarge) {
      const publicErr = '431 Request Header Fields Too Large';
      await send(`HTTP/1.1 ${publicErr}${errorHeaders}${publicErr}`);
      await this.closeWriteAndWait();
      return;
    }
    if (isUnsupportedTEError(err)) {
      await send(`HTTP/1.1 501 Not Implemented${errorHeaders}Unsupported transfer encoding`);
      return;
    }
    if (isCommonNetReadError(err)) return;
    if (err instanceof StatusError) {
      const reason = `${err.code} ${err.message}`;
      await send(`HTTP/1.1 ${reason}${errorHeaders}${reason}`);
      return;
    }
    const publicErr = '400 Bad Request';
    await send(`HTTP/1.1 ${publicErr}${errorHeaders}${publicErr}`);
  }
}

// Where an idle connection's response buffer points until the next response takes it.
const detachedWriter: Writer = {
  write: () => Promise.reject(new Error('http: response buffer used between responses')),
};

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (
    x !== null &&
    (typeof x === 'object' || typeof x === 'function') &&
    typeof (x as PromiseLike<unknown>).then === 'function'
  );
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
