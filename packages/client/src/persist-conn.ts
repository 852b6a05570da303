// Go: transport.go persistConn — one HTTP/1.x connection of the pool, with its readLoop and
// writeLoop.
//
// The caller's roundTrip hands the request to the writeLoop (which writes it) and to the
// readLoop (which reads the answer), then waits for whichever comes first: the response,
// a write error, the connection closing, the response-header timer, or cancellation. The
// readLoop owns the connection's reading side for its whole life: between requests it keeps
// a one-byte peek pending, so a peer that closes an idle connection (or writes to it) is
// noticed at once and the connection leaves the pool.

import { Header, NoBody, type Request, type Response, readResponse } from '@ka/http';
import {
  equalFold,
  isProtocolSwitchHeader,
  quoteBytes,
  RequestBodyReadError,
  readResponseEager,
  writeRequestEager,
} from '@ka/http/internal';
import {
  type BufReader,
  BufReader as BufReaderImpl,
  BufWriter,
  type EagerWriter,
  EOF,
  type Reader,
  type SyncReader,
  type Writer,
} from '@ka/io';
import { type ConnectionState, isReadableWatcher, type ReadableWatcher } from '@ka/net';
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
import { Latch, Mailbox, nextWriteTurn, race, spawn, TimerLatch } from './internal/sync.js';
import type { ClientTrace } from './trace.js';

// A write's result when it succeeded (shared: read only).
const wroteOK: { err: unknown } = Object.freeze({ err: undefined });

// Round trips of this process waiting for their response heads: more than one means
// several connections are busy, and their requests are written in batches.
let awaitingHeads = 0;

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

// A 1xx response other than 101 (which is final, Go issue 26161): skipped while reading.
function isInterim(code: number): boolean {
  return code >= 100 && code <= 199 && code !== 101;
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
  /** The TLS state of an https conn after its handshake (Go's `tlsState`); null over TCP. */
  tlsState: ConnectionState | null = null;
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
  // The conn, when it can report readability without a read (with tryRead, the readLoop's
  // wait for the next response needs no Promise chain through bufio).
  #watchable: ReadableWatcher | undefined = undefined;

  constructor(t: PersistConnOwner, cacheKey: string) {
    this.t = t;
    this.cacheKey = cacheKey;
  }

  /** Starts the read and write loops over `conn` (end of Go's `dialConn`). */
  start(conn: Conn): void {
    this.conn = conn;
    const c = conn as Conn & Partial<SyncReader & EagerWriter & ReadableWatcher>;
    // Go: the bufio.Reader reads through the persistConn itself, which enforces readLimit
    // and records EOF. A conn that can read or write without waiting (ka's TCPConn) lets the
    // loops skip a Promise whenever the bytes are at hand or the kernel takes a write at once.
    const rd: Reader & Partial<SyncReader> = { read: (p) => this.#read(p) };
    if (typeof c.tryRead === 'function') {
      rd.tryRead = (p) => this.#tryRead(p);
      if (isReadableWatcher(c)) this.#watchable = c;
    }
    this.br = new BufReaderImpl(rd, this.t.readBufferSize());
    const wr: Writer & Partial<EagerWriter> = {
      write: async (p) => {
        const n = await this.conn.write(p);
        this.nwrite += n;
        return n;
      },
    };
    if (typeof c.writeEager === 'function') {
      const writeEager = c.writeEager.bind(c);
      wr.writeEager = (p) => {
        const r = writeEager(p);
        if (typeof r === 'number') {
          this.nwrite += r;
          return r;
        }
        return r.then((n) => {
          this.nwrite += n;
          return n;
        });
      };
    }
    this.bw = new BufWriter(wr, this.t.writeBufferSize());
    // The writeLoop's wait for the next request also ends when the conn closes.
    this.closech.on(() => this.#writech.cancelRecv());
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

  // The same read when bytes are at hand; EOF, errors and the exhausted limit are left to
  // #read (undefined here).
  #tryRead(p: Uint8Array): number | undefined {
    if (this.readLimit <= 0) return undefined;
    if (p.length > this.readLimit) p = p.subarray(0, this.readLimit);
    const n = (this.conn as Conn & SyncReader).tryRead(p);
    if (n !== undefined) this.readLimit -= n;
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
        // Go: pc.br.Peek(1) — bytes already buffered need no wait (nor do bytes at hand on a
        // watchable conn: its watch reports them at once).
        let err: unknown;
        if (this.br.buffered() === 0) {
          const waiting = this.#peekWait();
          if (waiting !== null) err = await waiting;
        }

        if (this.#numExpectedResponses === 0) {
          this.#readLoopPeekFailLocked(err);
          return;
        }

        const rc = this.#reqch.tryTake() ?? (await this.#reqch.recv())!;
        const trace = rc.treq.trace;

        let resp: Response | undefined;
        if (err === undefined) {
          try {
            const r = this.#readResponse(rc, trace);
            resp = r instanceof Promise ? await r : r;
            resp.tls = this.tlsState; // Go: readResponse sets resp.TLS
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
          alive =
            alive &&
            !this.sawEOF &&
            (this.#wroteRequestNow() ?? (await this.#wroteRequest())) &&
            tryPutIdleConn(rc.treq);
          if (bodyWritable) closeErr = errCallerOwnsConn;
          if (!deliver(rc, { res: resp })) return;
          rc.treq.cancel(errRequestDone);
          continue;
        }

        // The body's end (true) or early close (false); the first report wins.
        const waitForBodyRead = new Latch<boolean>();
        // Fired once the connection went back to the pool, releasing the reader at EOF.
        const eofAck = new Latch<void>();
        const body = new BodyEOFSignal(resp.body, {
          earlyCloseFn: async () => {
            waitForBodyRead.fire(false);
            await this.readLoopDone.wait();
          },
          fn: (err) => {
            const isEOF = err === EOF;
            waitForBodyRead.fire(isEOF);
            if (isEOF) {
              // Usually the readLoop has put the connection back already, synchronously in
              // the fire above: then the reader gets EOF without waiting.
              if (eofAck.fired || this.readLoopDone.fired) return err;
              return race([
                ['ack', eofAck],
                ['exit', this.readLoopDone],
              ]).then(() => err);
            }
            if (err !== undefined) {
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
        alive = await this.#waitBodyDone(rc, alive, waitForBodyRead, eofAck, tryPutIdleConn);
      }
    } finally {
      this.close(closeErr);
      this.t.removeIdleConn(this);
      this.readLoopDone.fire();
    }
  }

  // Go: the peek's wait in readLoop, for a conn with nothing at hand: null when a byte could
  // be buffered at once (no Promise), else a Promise of the peek's error (EOF when the conn
  // ended), or of undefined once a byte is buffered. A watchable conn is watched and then read
  // synchronously; anything but bytes is left to a real peek, which reports exactly what a
  // read reports. The watch's callback is one per connection (#onPeekReadable).
  #peekWait(): Promise<unknown> | null {
    const w = this.#watchable;
    if (w === undefined) return this.br.tryFill() ? null : this.#peekSlow();
    this.#peekWaiting = true;
    w.watchReadable(this.#onPeekReadable); // may call back at once
    if (!this.#peekWaiting) return this.#peekOutcome();
    return new Promise<unknown>((resolve) => {
      this.#peekResolve = resolve;
    });
  }

  #peekWaiting = false;
  #peekResolve: ((v: unknown) => void) | undefined = undefined;

  readonly #onPeekReadable = (): void => {
    this.#peekWaiting = false;
    const resolve = this.#peekResolve;
    if (resolve === undefined) return; // called back at once: #peekWait looks for itself
    this.#peekResolve = undefined;
    resolve(this.#peekOutcome() ?? undefined);
  };

  // After the watch: a byte read synchronously (null), or a real peek, which reports exactly
  // what a read reports.
  #peekOutcome(): Promise<unknown> | null {
    return this.br.buffered() > 0 || this.br.tryFill() ? null : this.#peekSlow();
  }

  #peekSlow(): Promise<unknown> {
    return this.br.peek(1).then(
      (b) => (b.length === 0 ? EOF : undefined),
      (e: unknown) => e,
    );
  }

  // Go: readLoop's select once the body is handed out — the body's end or early close, the
  // request's cancellation, or the connection's close. Handled when it happens (a body read
  // that hits the end puts the connection back in the pool before it returns, as in Go where
  // the reader waits on eofc); resolves with whether the connection stays alive.
  #waitBodyDone(
    rc: RequestAndChan,
    alive: boolean,
    waitForBodyRead: Latch<boolean>,
    eofAck: Latch<void>,
    tryPutIdleConn: (treq: TransportRequest) => boolean,
  ): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const ctxDone = rc.treq.ctx.done;
      const closech = this.closech;
      const done = (keep: boolean): void => {
        rc.treq.cancel(errRequestDone);
        resolve(keep);
      };
      const unsubscribe = (): void => {
        waitForBodyRead.off(onBody);
        ctxDone.off(onCtx);
        closech.off(onClosed);
      };
      const onBody = (bodyEOF: boolean): void => {
        unsubscribe();
        if (!(alive && bodyEOF && !this.sawEOF)) {
          if (bodyEOF) eofAck.fire();
          done(false);
          return;
        }
        const wrote = this.#wroteRequestNow();
        if (wrote !== undefined) {
          const keep = wrote && tryPutIdleConn(rc.treq);
          eofAck.fire();
          done(keep);
          return;
        }
        // The write is still going: wait for it (bounded), then decide.
        spawn(
          this.#wroteRequest().then((ok) => {
            const keep = ok && tryPutIdleConn(rc.treq);
            eofAck.fire();
            done(keep);
          }),
        );
      };
      const onCtx = (): void => {
        unsubscribe();
        this.cancelRequest(rc.treq.ctx.cause);
        done(false);
      };
      const onClosed = (): void => {
        unsubscribe();
        done(false);
      };
      // As in a select, what happened already wins, in this order.
      if (waitForBodyRead.fired) onBody(waitForBodyRead.value!);
      else if (ctxDone.fired) onCtx();
      else if (closech.fired) onClosed();
      else {
        waitForBodyRead.on(onBody);
        ctxDone.on(onCtx);
        closech.on(onClosed);
      }
    });
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
  // Without a trace or a 100-continue wait, a final response whose head is already buffered
  // is returned synchronously.
  #readResponse(rc: RequestAndChan, trace: ClientTrace | undefined): Response | Promise<Response> {
    if (trace !== undefined || rc.continueCh !== undefined) {
      return this.#readResponseSlow(rc, trace, undefined);
    }
    const resp = readResponseEager(this.br, rc.treq.req);
    if (resp instanceof Promise || isInterim(resp.statusCode)) {
      return this.#readResponseSlow(rc, trace, resp);
    }
    if (resp.isProtocolSwitch()) resp.body = new ReadWriteCloserBody(this.br, this.conn);
    return resp;
  }

  // `first` is a response (or its read) already started by #readResponse.
  async #readResponseSlow(
    rc: RequestAndChan,
    trace: ClientTrace | undefined,
    first: Response | Promise<Response> | undefined,
  ): Promise<Response> {
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
      if (first !== undefined) {
        resp = await first;
        first = undefined;
      } else {
        resp = await readResponse(this.br, rc.treq.req);
      }
      const resCode = resp.statusCode;
      if (continueCh !== undefined && resCode === 100) {
        trace?.got100Continue?.();
        continueCh.fire(true);
        continueCh = undefined;
      }
      if (isInterim(resCode)) {
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
        // Go: select on writech and closech (closech ends the wait: see start).
        const wr =
          this.#writech.tryTake() ?? (this.closech.fired ? undefined : await this.#writech.recv());
        if (wr === undefined) return;
        const startBytesWritten = this.nwrite;
        const r = wr.req.req;
        let err: unknown;
        try {
          // A request without a body is written into the buffer synchronously.
          const writing = writeRequestEager(r, this.bw, {
            usingProxy: this.isProxy,
            extraHeaders: wr.req.extra,
            waitForContinue: this.#waitForContinue(wr.continueCh),
            trace: wr.req.trace,
          });
          if (writing !== undefined) await writing;
        } catch (e) {
          err = e;
          if (e instanceof RequestBodyReadError) {
            // The caller's body failed: that error beats the ones tearing down the conn.
            err = e.cause;
            wr.req.setError(err);
          }
        }
        if (err === undefined) {
          // Go: the goroutine's flush. While other requests wait for their answers, it waits
          // for the batch of this loop turn (see nextWriteTurn); alone, it goes out at once.
          // Usually the kernel takes it at once: no Promise then.
          if (this.bw.buffered() > 0 && awaitingHeads > 1) await nextWriteTurn();
          const flushing = this.bw.flushEager();
          if (flushing !== undefined) {
            try {
              await flushing;
            } catch (e) {
              err = e;
            }
          }
        }
        if (err !== undefined && this.nwrite === startBytesWritten) {
          err = new NothingWrittenError(err);
        }
        const res = err === undefined ? wroteOK : { err };
        this.#writeErrCh.put(res); // for the readLoop, before it reuses the conn
        wr.ch.fire(res); // for roundTrip
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
  // Its answer when known without waiting (the write has finished), else undefined.
  #wroteRequestNow(): boolean | undefined {
    const now = this.#writeErrCh.tryTake();
    return now === undefined ? undefined : now.err === undefined;
  }

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
  roundTrip(req: TransportRequest): Promise<Response> {
    this.#numExpectedResponses++;
    let continueCh: Latch<boolean> | undefined;
    let requestedGzip = false;
    try {
      const headerFn = this.mutateHeaderFunc;
      if (headerFn !== undefined) headerFn(req.extraHeaders());
      const r = req.req;

      // Ask for gzip only when the caller expressed no preference; only then is the answer
      // decoded transparently. Not for HEAD (nginx bug) nor ranges (partial gzip is useless).
      if (
        !this.t.disableCompression &&
        r.header.get('Accept-Encoding') === '' &&
        r.header.get('Range') === '' &&
        r.method !== 'HEAD'
      ) {
        requestedGzip = true;
        req.extraHeaders().set('Accept-Encoding', 'gzip');
      }

      if (r.protoAtLeast(1, 1) && r.body !== NoBody && r.expectsContinue()) {
        continueCh = new Latch<boolean>();
      }

      if (this.t.disableKeepAlives && !r.wantsClose() && !isProtocolSwitchHeader(r.header)) {
        req.extraHeaders().set('Connection', 'close');
      }
    } catch (e) {
      return Promise.reject(e);
    }

    // Write concurrently with waiting for the response: the server may answer before it
    // has read the whole body.
    const startBytesWritten = this.nwrite;
    const writeErrCh = new Latch<{ err: unknown }>();
    this.#writech.put({ req, ch: writeErrCh, continueCh });
    const rc = new RequestAndChan(req, requestedGzip, continueCh);
    this.#reqch.put(rc);

    // Go's select loop over the response, the write's result, the connection's close, the
    // response-header timer and the request's cancellation, driven by callbacks: the
    // response and a successful write are handled as they happen; anything else is looked
    // at a microtask later, all arms checked in Go's order (so a response that raced with
    // the close or the cancellation still wins, as Go checks resc again in those cases).
    awaitingHeads++;
    return new Promise<Response>((resolve, reject) => {
      const ctxDone = req.ctx.done;
      const closech = this.closech;
      let respHeaderTimer: TimerLatch | undefined;
      let writeArmed = true;
      let ctxArmed = true;
      let settled = false;
      let polling = false;

      const settle = (): void => {
        settled = true;
        awaitingHeads--;
        rc.gone = true;
        rc.ch.off(onRes);
        writeErrCh.off(onWrite);
        closech.off(onOther);
        ctxDone.off(onOther);
        if (respHeaderTimer !== undefined) {
          respHeaderTimer.off(onOther);
          respHeaderTimer.stop();
        }
      };
      const fail = (err: unknown): void => {
        this.#mapRoundTripError(req, startBytesWritten, err).then(reject, reject);
      };
      const onRes = (re: ResponseAndError): void => {
        if (settled) return;
        settle();
        if (re.err !== undefined || re.res === undefined) fail(re.err);
        else resolve(re.res);
      };
      const onWrite = (v: { err: unknown }): void => {
        if (settled) return;
        if (v.err !== undefined) {
          schedulePoll();
          return;
        }
        writeArmed = false;
        const d = this.t.responseHeaderTimeout;
        if (d > 0) {
          respHeaderTimer = new TimerLatch(d);
          respHeaderTimer.on(onOther);
        }
      };
      const poll = (): void => {
        polling = false;
        while (!settled) {
          if (rc.ch.fired) {
            onRes(rc.ch.value!);
            return;
          }
          if (writeArmed && writeErrCh.fired) {
            const err = writeErrCh.value!.err;
            if (err === undefined) {
              onWrite(writeErrCh.value!);
              continue;
            }
            settle();
            this.close(wrapError('ERR_HTTP_WRITE', `write error: ${errText(err)}`, err));
            fail(err);
            return;
          }
          if (closech.fired) {
            settle();
            fail(this.closed);
            return;
          }
          if (respHeaderTimer?.fired) {
            settle();
            this.close(errTimeout);
            reject(errTimeout);
            return;
          }
          if (ctxArmed && ctxDone.fired) {
            // Closing the connection makes the readLoop or writeLoop report; look again.
            ctxArmed = false;
            ctxDone.off(onOther);
            this.cancelRequest(req.ctx.cause);
            continue;
          }
          return;
        }
      };
      const schedulePoll = (): void => {
        if (polling || settled) return;
        polling = true;
        queueMicrotask(poll);
      };
      const onOther = (): void => schedulePoll();

      rc.ch.on(onRes);
      writeErrCh.on(onWrite);
      closech.on(onOther);
      ctxDone.on(onOther);
      if (writeErrCh.fired || closech.fired || ctxDone.fired) schedulePoll();
    });
  }
}
