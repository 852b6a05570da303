// Go: transport.go persistConn — one HTTP/1.x connection of the pool, with its readLoop and
// writeLoop.
//
// The caller's roundTrip hands the request to the writeLoop (which writes it) and to the
// readLoop (which reads the answer), then waits for whichever comes first: the response,
// a write error, the connection closing, the response-header timer, or cancellation. The
// readLoop owns the connection's reading side for its whole life: between requests it keeps
// a one-byte peek pending, so a peer that closes an idle connection (or writes to it) is
// noticed at once and the connection leaves the pool.

import { Header, NoBody, type Request, type Response, readResponse, writeRequest } from '@ka/http';
import {
  equalFold,
  isProtocolSwitchHeader,
  quoteBytes,
  RequestBodyReadError,
} from '@ka/http/internal';
import { type BufReader, BufReader as BufReaderImpl, BufWriter, EOF } from '@ka/io';
import { BodyEOFSignal, GzipReader, ReadWriteCloserBody } from './body.js';
import type { CancelScope } from './context.js';
import type { Conn } from './dial.js';
import {
  errCallerOwnsConn,
  errKeepAlivesDisabled,
  errReadLoopExiting,
  errRequestCanceled,
  errRequestDone,
  errServerClosedIdle,
  errTimeout,
  NothingWrittenError,
  newError,
  TransportReadFromServerError,
  wrapError,
} from './errors.js';
import { Latch, Mailbox, race, spawn, TimerLatch } from './internal/sync.js';
import type { ClientTrace } from './trace.js';

/** Go's `maxWriteWaitBeforeConnReuse`: how long a finished response waits for its request's write. */
export const maxWriteWaitBeforeConnReuse = 50;

let writeWait = maxWriteWaitBeforeConnReuse;

/** @internal Test hook: changes the write wait (Go's tests set it high to avoid flakes). */
export function setMaxWriteWaitBeforeConnReuse(ms: number): () => void {
  const old = writeWait;
  writeWait = ms;
  return () => {
    writeWait = old;
  };
}

/** The transport operations and settings a {@link PersistConn} uses. */
export interface PersistConnOwner {
  readonly disableKeepAlives: boolean;
  readonly disableCompression: boolean;
  readonly responseHeaderTimeout: number;
  readonly expectContinueTimeout: number;
  maxHeaderResponseSize(): number;
  readBufferSize(): number;
  writeBufferSize(): number;
  tryPutIdleConn(pc: PersistConn): unknown;
  removeIdleConn(pc: PersistConn): boolean;
  decConnsPerHost(key: string): void;
  logf(msg: string): void;
}

/**
 * Go's `transportRequest`: the request as the transport handles it — extra headers the
 * transport adds (never written into the caller's request), the trace, the request scope, and
 * the first error explicitly recorded for it.
 */
export class TransportRequest {
  readonly req: Request;
  readonly trace: ClientTrace | undefined;
  /** Ends when the transport is done with the request (Go: the transport's request context). */
  readonly ctx: CancelScope;
  extra: Header | undefined;
  err: unknown = undefined;

  constructor(req: Request, trace: ClientTrace | undefined, ctx: CancelScope) {
    this.req = req;
    this.trace = trace;
    this.ctx = ctx;
  }

  // Go: (*transportRequest).extraHeaders.
  extraHeaders(): Header {
    this.extra ??= new Header();
    return this.extra;
  }

  // Go: (*transportRequest).setError — the first error wins.
  setError(err: unknown): void {
    if (this.err === undefined) this.err = err;
  }

  /** Ends the request scope (Go: `treq.cancel(cause)`). */
  cancel(cause: unknown): void {
    this.ctx.cancel(cause);
  }
}

interface ResponseAndError {
  res?: Response;
  err?: unknown;
}

// Go: requestAndChan — what roundTrip gives the readLoop.
class RequestAndChan {
  /** The answer (Go: the unbuffered `ch`; see `deliver`). */
  readonly ch = new Latch<ResponseAndError>();
  /** Set when the caller stopped waiting (Go: `callerGone` closed). */
  gone = false;
  constructor(
    readonly treq: TransportRequest,
    readonly addedGzip: boolean,
    readonly continueCh: Latch<boolean> | undefined,
  ) {}
}

// Go: writeRequest — what roundTrip gives the writeLoop.
interface WriteRequest {
  req: TransportRequest;
  ch: Latch<{ err: unknown }>;
  continueCh: Latch<boolean> | undefined;
}

// Go: is408Message — the prefix of an HTTP/1.x 408 response.
/** Whether `buf` starts like an `HTTP/1.x 408` response. */
export function is408Message(buf: Uint8Array): boolean {
  if (buf.length < 'HTTP/1.x 408'.length) return false;
  const s = Buffer.from(buf.buffer, buf.byteOffset, 12).toString('latin1');
  return s.startsWith('HTTP/1.') && s.slice(8, 12) === ' 408';
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Go's `persistConn`: a connection that may serve many requests one after another. Created by
 * the transport's dialer; not constructed by users.
 */
export class PersistConn {
  readonly t: PersistConnOwner;
  /** The pool key (Go's `cacheKey`). */
  readonly cacheKey: string;
  conn!: Conn;
  /** The TLS socket's state for https connections (the node:tls socket), else undefined. */
  tlsState: unknown = undefined;
  br!: BufReader;
  bw!: BufWriter;
  /** Bytes written to the connection so far (Go: `nwrite`). */
  nwrite = 0;
  readonly #reqch = new Mailbox<RequestAndChan>();
  readonly #writech = new Mailbox<WriteRequest>();
  /** Fires when the connection is closed (Go: `closech`). */
  readonly closech = new Latch<void>();
  readonly #writeErrCh = new Mailbox<{ err: unknown }>();
  /** Fires when the writeLoop has ended. */
  readonly writeLoopDone = new Latch<void>();
  /** Fires when the readLoop has ended (Go: `eofc` closed). */
  readonly readLoopDone = new Latch<void>();
  /** Talking to an HTTP proxy: request targets are absolute. */
  isProxy = false;
  /** Whether the connection's read side saw EOF (owned by the readLoop). */
  sawEOF = false;
  /** Bytes the response head may still take (owned by the readLoop). */
  readLimit = 0;
  /** When the connection last became idle (ms since epoch); guarded by the pool. */
  idleAt = 0;
  /** The idle timer; guarded by the pool. */
  idleTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  #numExpectedResponses = 0;
  /** Why the connection was closed, once it is (Go: `closed`). */
  closed: unknown = undefined;
  #canceledErr: unknown = undefined;
  #reused = false;
  /** Adds headers to each request's extra headers (proxy authorization). */
  mutateHeaderFunc: ((h: Header) => void) | undefined = undefined;

  constructor(t: PersistConnOwner, cacheKey: string) {
    this.t = t;
    this.cacheKey = cacheKey;
  }

  /** Starts the read and write loops over `conn` (end of Go's `dialConn`). */
  start(conn: Conn): void {
    this.conn = conn;
    // Go: the bufio.Reader reads through the persistConn itself, which enforces readLimit
    // and records EOF.
    this.br = new BufReaderImpl({ read: (p) => this.#read(p) }, this.t.readBufferSize());
    this.bw = new BufWriter(
      {
        write: async (p) => {
          const n = await this.conn.write(p);
          this.nwrite += n;
          return n;
        },
      },
      this.t.writeBufferSize(),
    );
    spawn(this.#readLoop());
    spawn(this.#writeLoop());
  }

  // Go: (*persistConn).Read — the response head may not exceed readLimit.
  async #read(p: Uint8Array): Promise<number | null> {
    if (this.readLimit <= 0) {
      throw newError(
        'ERR_HTTP_READ_LIMIT',
        `read limit of ${this.t.maxHeaderResponseSize()} bytes exhausted`,
      );
    }
    if (p.length > this.readLimit) p = p.subarray(0, this.readLimit);
    const n = await this.conn.read(p);
    if (n === null) {
      this.sawEOF = true;
      return null;
    }
    this.readLimit -= n;
    return n;
  }

  // Go: (*persistConn).isBroken.
  /** Whether the connection is closed (or closing). */
  isBroken(): boolean {
    return this.closed !== undefined;
  }

  // Go: (*persistConn).canceled.
  /** The cancellation cause if the connection was closed by a canceled request. */
  canceled(): unknown {
    return this.#canceledErr;
  }

  // Go: (*persistConn).isReused.
  /** Whether the connection completed an earlier request. */
  isReused(): boolean {
    return this.#reused;
  }

  // Go: (*persistConn).markReused.
  markReused(): void {
    this.#reused = true;
  }

  // Go: (*persistConn).cancelRequest.
  /** Closes the connection because its request was canceled with `err`. */
  cancelRequest(err: unknown): void {
    this.#canceledErr = err;
    this.close(errRequestCanceled);
  }

  // Go: (*persistConn).close / closeLocked — first reason wins; closes the socket (unless a
  // 101 response handed it to the caller) and fires closech.
  /** Closes the connection; `err` records why (for tests and debugging only). */
  close(err: unknown): void {
    if (this.closed === undefined) {
      this.closed = err;
      if (this.idleTimer !== undefined) {
        clearTimeout(this.idleTimer);
        this.idleTimer = undefined;
      }
      this.t.decConnsPerHost(this.cacheKey);
      if (err !== errCallerOwnsConn && this.conn !== undefined) {
        spawn(
          Promise.resolve().then(() => this.conn.close()),
          () => {},
        );
      }
      this.closech.fire();
    }
    this.mutateHeaderFunc = undefined;
  }

  // Go: (*persistConn).shouldRetryRequest.
  /** Whether the failed `req` may be sent again on a new connection. */
  shouldRetryRequest(req: Request, err: unknown): boolean {
    if (!this.isReused()) {
      // A fresh connection the server hung up on: retrying could loop forever.
      return false;
    }
    if (err instanceof NothingWrittenError) {
      // Nothing went out: safe whenever the body can be produced again.
      return req.outgoingLength() === 0 || req.getBody !== undefined;
    }
    if (!req.isReplayable()) return false;
    if (err instanceof TransportReadFromServerError) return true;
    if (err === errServerClosedIdle) return true;
    return false;
  }

  // Go: (*persistConn).mapRoundTripError — the error roundTrip reports.
  async #mapRoundTripError(
    req: TransportRequest,
    startBytesWritten: number,
    err: unknown,
  ): Promise<unknown> {
    if (err === undefined) return undefined;
    // The writeLoop may still use the request; wait for it (the connection is closed or
    // closing, so it ends).
    await this.writeLoopDone.wait();
    const cerr = this.canceled();
    if (cerr !== undefined) return cerr;
    if (req.err !== undefined) return req.err;
    if (err === errServerClosedIdle) return err;
    if (err instanceof TransportReadFromServerError) {
      if (this.nwrite === startBytesWritten) return new NothingWrittenError(err);
      return err;
    }
    if (this.isBroken()) {
      if (this.nwrite === startBytesWritten) return new NothingWrittenError(err);
      return wrapError(
        'ERR_HTTP_CONN_BROKEN',
        `net/http: HTTP/1.x transport connection broken: ${errText(err)}`,
        err,
      );
    }
    return err;
  }

  // Go: (*persistConn).readLoop.
  async #readLoop(): Promise<void> {
    let closeErr: unknown = errReadLoopExiting;

    const tryPutIdleConn = (treq: TransportRequest): boolean => {
      const trace = treq.trace;
      const err = this.t.tryPutIdleConn(this);
      if (err !== undefined) {
        closeErr = err;
        if (err !== errKeepAlivesDisabled) trace?.putIdleConn?.(err);
        return false;
      }
      trace?.putIdleConn?.(undefined);
      return true;
    };

    const deliver = (rc: RequestAndChan, re: ResponseAndError): boolean => {
      if (rc.gone) return false;
      rc.ch.fire(re);
      return true;
    };

    try {
      let alive = true;
      while (alive) {
        this.readLimit = this.t.maxHeaderResponseSize();
        let err: unknown;
        try {
          const b = await this.br.peek(1);
          if (b.length === 0) err = EOF;
        } catch (e) {
          err = e;
        }

        if (this.#numExpectedResponses === 0) {
          this.#readLoopPeekFailLocked(err);
          return;
        }

        const rc = (await this.#reqch.recv())!;
        const trace = rc.treq.trace;

        let resp: Response | undefined;
        if (err === undefined) {
          try {
            resp = await this.#readResponse(rc, trace);
          } catch (e) {
            err = e;
          }
        } else {
          err = new TransportReadFromServerError(err);
          closeErr = err;
        }

        if (err !== undefined || resp === undefined) {
          if (this.readLimit <= 0) {
            err = wrapError(
              'ERR_HTTP_RESPONSE_HEADERS_TOO_LARGE',
              `net/http: server response headers exceeded ${this.t.maxHeaderResponseSize()} bytes; aborted`,
              err,
            );
          }
          deliver(rc, { err });
          return;
        }
        this.readLimit = Number.POSITIVE_INFINITY;
        this.#numExpectedResponses--;

        const r = rc.treq.req;
        const bodyWritable = resp.isProtocolSwitch();
        const hasBody = r.method !== 'HEAD' && resp.contentLength !== 0;

        if (resp.close || r.close || resp.statusCode <= 199 || bodyWritable) {
          // Either side asked for close, or an unexpected 1xx: no keep-alive.
          alive = false;
        }

        if (!hasBody || bodyWritable) {
          // Pool the connection before the caller sees the response, so a quick next
          // request finds it.
          alive = alive && !this.sawEOF && (await this.#wroteRequest()) && tryPutIdleConn(rc.treq);
          if (bodyWritable) closeErr = errCallerOwnsConn;
          if (!deliver(rc, { res: resp })) return;
          rc.treq.cancel(errRequestDone);
          continue;
        }

        // The body's end (true) or early close (false); the first report wins.
        const waitForBodyRead = new Latch<boolean>();
        // Fired once the connection went back to the pool, releasing the reader at EOF.
        const eofAck = new Latch<void>();
        const waitAck = () =>
          race([
            ['ack', eofAck],
            ['exit', this.readLoopDone],
          ]);
        const body = new BodyEOFSignal(resp.body, {
          earlyCloseFn: async () => {
            waitForBodyRead.fire(false);
            await this.readLoopDone.wait();
          },
          fn: async (err) => {
            const isEOF = err === EOF;
            waitForBodyRead.fire(isEOF);
            if (isEOF) {
              await waitAck();
            } else if (err !== undefined) {
              const cerr = this.canceled();
              if (cerr !== undefined) return cerr;
            }
            return err;
          },
        });
        resp.body = body;
        if (rc.addedGzip && equalFold(resp.header.get('Content-Encoding'), 'gzip')) {
          resp.body = new GzipReader(body);
          resp.header.del('Content-Encoding');
          resp.header.del('Content-Length');
          resp.contentLength = -1;
          resp.uncompressed = true;
        }

        if (!deliver(rc, { res: resp })) return;

        // Wait until the caller is done with the body (or cancels, or the conn dies) before
        // peeking for the next response.
        const ev = await race([
          ['body', waitForBodyRead],
          ['ctx', rc.treq.ctx.done],
          ['closed', this.closech],
        ]);
        switch (ev.tag) {
          case 'body': {
            const bodyEOF = ev.value as boolean;
            alive =
              alive &&
              bodyEOF &&
              !this.sawEOF &&
              (await this.#wroteRequest()) &&
              tryPutIdleConn(rc.treq);
            if (bodyEOF) eofAck.fire();
            break;
          }
          case 'ctx':
            alive = false;
            this.cancelRequest(rc.treq.ctx.cause);
            break;
          case 'closed':
            alive = false;
            break;
        }
        rc.treq.cancel(errRequestDone);
      }
    } finally {
      this.close(closeErr);
      this.t.removeIdleConn(this);
      this.readLoopDone.fire();
    }
  }

  // Go: (*persistConn).readLoopPeekFailLocked — the idle connection got EOF, an error, or
  // bytes nobody asked for.
  #readLoopPeekFailLocked(peekErr: unknown): void {
    if (this.closed !== undefined) return;
    const n = this.br.buffered();
    if (n > 0) {
      const buf = this.br.bufferedBytes();
      if (is408Message(buf)) {
        this.close(errServerClosedIdle);
        return;
      }
      this.t.logf(
        `Unsolicited response received on idle HTTP channel starting with ${quoteBytes(buf)}; err=${peekErr === undefined ? '<nil>' : errText(peekErr)}`,
      );
    }
    if (peekErr === EOF) {
      this.close(errServerClosedIdle);
    } else {
      this.close(
        wrapError(
          'ERR_HTTP_READ_LOOP_PEEK_FAIL',
          `readLoopPeekFailLocked: ${peekErr === undefined ? '<nil>' : errText(peekErr)}`,
          peekErr,
        ),
      );
    }
  }

  // Go: (*persistConn).readResponse — skip interim responses, run the 100-continue dance.
  async #readResponse(rc: RequestAndChan, trace: ClientTrace | undefined): Promise<Response> {
    if (trace?.gotFirstResponseByte !== undefined) {
      try {
        const peek = await this.br.peek(1);
        if (peek.length === 1) trace.gotFirstResponseByte();
      } catch {
        // the read below reports it
      }
    }
    let continueCh = rc.continueCh;
    let resp: Response;
    for (;;) {
      resp = await readResponse(this.br, rc.treq.req);
      const resCode = resp.statusCode;
      if (continueCh !== undefined && resCode === 100) {
        trace?.got100Continue?.();
        continueCh.fire(true);
        continueCh = undefined;
      }
      const is1xx = resCode >= 100 && resCode <= 199;
      // 101 is final (Go issue 26161).
      if (is1xx && resCode !== 101) {
        if (trace?.got1xxResponse !== undefined) {
          await trace.got1xxResponse(resCode, resp.header);
          // The caller sees the 1xx responses and limits them; restart the head limit.
          this.readLimit = this.t.maxHeaderResponseSize();
        }
        continue;
      }
      break;
    }
    if (resp.isProtocolSwitch()) resp.body = new ReadWriteCloserBody(this.br, this.conn);
    if (continueCh !== undefined) {
      // A final answer without 100 Continue: send the body anyway to keep the connection in
      // step, unless it is going to close.
      continueCh.fire(!(resp.close || rc.treq.req.close));
    }
    return resp;
  }

  // Go: (*persistConn).waitForContinue — wait for 100 Continue, a final response, the
  // ExpectContinueTimeout or the connection's close; true means send the body.
  #waitForContinue(continueCh: Latch<boolean> | undefined): (() => Promise<boolean>) | undefined {
    if (continueCh === undefined) return undefined;
    return async () => {
      const timer = new TimerLatch(this.t.expectContinueTimeout);
      try {
        const ev = await race([
          ['continue', continueCh],
          ['timer', timer],
          ['closed', this.closech],
        ]);
        if (ev.tag === 'continue') return ev.value as boolean;
        return ev.tag === 'timer';
      } finally {
        timer.stop();
      }
    };
  }

  // Go: (*persistConn).writeLoop.
  async #writeLoop(): Promise<void> {
    try {
      for (;;) {
        const wr = await this.#writech.recv(this.closech);
        if (wr === undefined) return;
        const startBytesWritten = this.nwrite;
        const r = wr.req.req;
        let err: unknown;
        try {
          await writeRequest(r, this.bw, {
            usingProxy: this.isProxy,
            extraHeaders: wr.req.extra,
            waitForContinue: this.#waitForContinue(wr.continueCh),
            trace: wr.req.trace,
          });
        } catch (e) {
          err = e;
          if (e instanceof RequestBodyReadError) {
            // The caller's body failed: that error beats the ones tearing down the conn.
            err = e.cause;
            wr.req.setError(err);
          }
        }
        if (err === undefined) {
          try {
            await this.bw.flush();
          } catch (e) {
            err = e;
          }
        }
        if (err !== undefined && this.nwrite === startBytesWritten) {
          err = new NothingWrittenError(err);
        }
        this.#writeErrCh.put({ err }); // for the readLoop, before it reuses the conn
        wr.ch.fire({ err }); // for roundTrip
        if (err !== undefined) {
          this.close(err);
          return;
        }
      }
    } finally {
      this.writeLoopDone.fire();
    }
  }

  // Go: (*persistConn).wroteRequest — the request must have been written successfully
  // before the connection is reused; wait briefly if the write is still going.
  async #wroteRequest(): Promise<boolean> {
    const now = this.#writeErrCh.tryRecv();
    if (now !== undefined) return now.value.err === undefined;
    const timer = new TimerLatch(writeWait);
    try {
      const v = await this.#writeErrCh.recv(timer);
      return v !== undefined && v.err === undefined;
    } finally {
      timer.stop();
    }
  }

  // Go: (*persistConn).roundTrip.
  /** Sends `req` on this connection and resolves its response (head only). */
  async roundTrip(req: TransportRequest): Promise<Response> {
    this.#numExpectedResponses++;
    const headerFn = this.mutateHeaderFunc;
    if (headerFn !== undefined) headerFn(req.extraHeaders());
    const r = req.req;

    // Ask for gzip only when the caller expressed no preference; only then is the answer
    // decoded transparently. Not for HEAD (nginx bug) nor ranges (partial gzip is useless).
    let requestedGzip = false;
    if (
      !this.t.disableCompression &&
      r.header.get('Accept-Encoding') === '' &&
      r.header.get('Range') === '' &&
      r.method !== 'HEAD'
    ) {
      requestedGzip = true;
      req.extraHeaders().set('Accept-Encoding', 'gzip');
    }

    let continueCh: Latch<boolean> | undefined;
    if (r.protoAtLeast(1, 1) && r.body !== NoBody && r.expectsContinue()) {
      continueCh = new Latch<boolean>();
    }

    if (this.t.disableKeepAlives && !r.wantsClose() && !isProtocolSwitchHeader(r.header)) {
      req.extraHeaders().set('Connection', 'close');
    }

    // Write concurrently with waiting for the response: the server may answer before it
    // has read the whole body.
    const startBytesWritten = this.nwrite;
    const writeErrCh = new Latch<{ err: unknown }>();
    this.#writech.put({ req, ch: writeErrCh, continueCh });
    const rc = new RequestAndChan(req, requestedGzip, continueCh);
    this.#reqch.put(rc);

    const handleResponse = async (re: ResponseAndError): Promise<Response> => {
      if (re.err !== undefined || re.res === undefined) {
        throw await this.#mapRoundTripError(req, startBytesWritten, re.err);
      }
      return re.res;
    };

    let respHeaderTimer: TimerLatch | undefined;
    let writeArm: Latch<{ err: unknown }> | undefined = writeErrCh;
    let ctxArm: Latch<unknown> | undefined = req.ctx.done;
    try {
      for (;;) {
        const ev = await race<'res' | 'write' | 'closed' | 'timer' | 'ctx'>([
          ['res', rc.ch],
          ['write', writeArm],
          ['closed', this.closech],
          ['timer', respHeaderTimer],
          ['ctx', ctxArm],
        ]);
        // A response that raced with the close or the cancellation wins (Go checks resc
        // again in those cases).
        if (rc.ch.fired) {
          rc.gone = true;
          return await handleResponse(rc.ch.value!);
        }
        switch (ev.tag) {
          case 'write': {
            writeArm = undefined;
            const err = (ev.value as { err: unknown }).err;
            if (err !== undefined) {
              rc.gone = true;
              this.close(wrapError('ERR_HTTP_WRITE', `write error: ${errText(err)}`, err));
              throw await this.#mapRoundTripError(req, startBytesWritten, err);
            }
            const d = this.t.responseHeaderTimeout;
            if (d > 0) respHeaderTimer = new TimerLatch(d);
            break;
          }
          case 'closed':
            rc.gone = true;
            throw await this.#mapRoundTripError(req, startBytesWritten, this.closed);
          case 'timer':
            rc.gone = true;
            this.close(errTimeout);
            throw errTimeout;
          case 'ctx':
            // Closing the connection makes the readLoop or writeLoop report; loop for it.
            ctxArm = undefined;
            this.cancelRequest(req.ctx.cause);
            break;
        }
      }
    } finally {
      rc.gone = true;
      respHeaderTimer?.stop();
    }
  }
}
