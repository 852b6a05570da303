// Go: TimeoutHandler, (*timeoutHandler).ServeHTTP and timeoutWriter (server.go).
//
// The inner handler runs against a writer that only buffers: a header map of its own, a
// status, a byte buffer. Whichever comes first decides the response:
//   - the handler settles: its header map is copied over the real one, then its status and
//     bytes are written for real;
//   - the handler throws: the error is thrown again here, in the serving task (Go re-panics),
//     so the server logs it and drops the connection;
//   - the request's signal ends: at the deadline the answer is 503 with the message, when the
//     client went away it is a bare 503; either way the buffer is abandoned and every later
//     write by the handler fails.
import { Header, type Request } from '@ka/http';
import { BytesWriter, GoError, is } from '@ka/io';
import { withCancel } from '@ka/net';
import { ErrContextCanceled, ErrHandlerTimeout } from './errors.js';
import { type Handler, type HandlerLike, type ResponseWriter, toHandler } from './handler.js';
import { Response } from './response-writer.js';

const encoder = new TextEncoder();
const noop = () => {};

// Go: context.deadlineExceededError — a timeout by nature.
class DeadlineExceededError extends GoError {
  constructor() {
    super('ERR_CONTEXT_DEADLINE_EXCEEDED', 'context deadline exceeded');
    this.name = 'DeadlineExceededError';
  }
  override timeout(): boolean {
    return true;
  }
  override temporary(): boolean {
    return true;
  }
}

/**
 * Go's `context.DeadlineExceeded` (`context deadline exceeded`): the reason the request's
 * signal carries once {@link timeoutHandler}'s time is up. `timeout()` is true. It has the
 * same `code` as `@ka/client`'s `DeadlineExceeded`, so `is()` matches either.
 */
export const ErrContextDeadlineExceeded: GoError = (() => {
  const e = new DeadlineExceededError();
  e.stack = `${e.name} [${e.code}]: ${e.message}`;
  return Object.freeze(e);
})();

// Go: (*timeoutHandler).errorBody's fallback.
const defaultTimeoutBody =
  '<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>';

/**
 * Go's `http.TimeoutHandler`: runs `h` with a time limit of `ms` milliseconds.
 *
 * The handler's output is buffered in memory. If it settles in time, the buffered header,
 * status (200 if it set none) and body are sent as they are. If not, the client gets
 * `503 Service Unavailable` with `msg` as the body (when `msg` is empty, a small HTML page
 * titled `Timeout`), the handler's request signal aborts with
 * {@link ErrContextDeadlineExceeded}, and its later writes reject with `ErrHandlerTimeout`.
 * If the client goes away first, the answer is a bare 503 and later writes reject with
 * `context canceled`. The timer starts when a request arrives; `ms <= 0` times out at once.
 *
 * A handler that throws before the deadline has its error thrown again by this handler (the
 * server logs it and closes the connection, as for a Go panic); one that throws after the
 * deadline is ignored, as in Go. The writer the handler gets has no `flush`, `hijack` or
 * `unwrap`: `ResponseController` rejects with `ErrNotSupported` for it.
 *
 * @example
 * ```ts
 * const srv = new Server({ handler: timeoutHandler(slowHandler, 5_000, 'try again later') });
 * ```
 */
export function timeoutHandler(h: HandlerLike, ms: number, msg = ''): Handler {
  return new TimeoutHandler(toHandler(h), ms, msg);
}

type Outcome = { readonly kind: 'done' } | { readonly kind: 'ctx' } | { kind: 'panic'; p: unknown };
const DONE: Outcome = { kind: 'done' };
const CTX: Outcome = { kind: 'ctx' };

// Go: timeoutHandler
class TimeoutHandler implements Handler {
  readonly handler: Handler;
  readonly dt: number;
  readonly body: string;

  constructor(handler: Handler, dt: number, body: string) {
    this.handler = handler;
    this.dt = dt;
    this.body = body;
  }

  errorBody(): string {
    return this.body !== '' ? this.body : defaultTimeoutBody;
  }

  // Go: (*timeoutHandler).ServeHTTP
  async serveHttp(w: ResponseWriter, r: Request): Promise<void> {
    // Go: context.WithTimeout(r.Context(), dt), armed per request (Go issue 14568).
    const scope = withCancel(r.signal);
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (this.dt > 0) {
      timer = setTimeout(() => scope.cancel(ErrContextDeadlineExceeded), this.dt);
    } else {
      scope.cancel(ErrContextDeadlineExceeded);
    }
    const ctx = scope.signal;
    const r2 = r.withSignal(ctx);
    const tw = new TimeoutWriter(w, r2);
    try {
      // The handler's writes fail from the moment the signal wins, before any of its own abort
      // listeners run: Go sets the error under the lock those writes wait for.
      const outcome = await race(
        ctx,
        () => this.handler.serveHttp(tw, r2),
        () => {
          // Go: DeadlineExceeded → ErrHandlerTimeout; a canceled parent → ctx.Err(), Canceled.
          tw.err = isDeadlineExceeded(ctx.reason) ? ErrHandlerTimeout : ErrContextCanceled;
        },
      );
      if (outcome.kind === 'panic') throw outcome.p;
      if (outcome.kind === 'done') {
        // Go: maps.Copy(w.Header(), tw.h) — key by key, replacing what the real map had.
        const dst = w.header();
        for (const [k, vv] of tw.h.entries()) dst.rawSet(k, vv);
        if (!tw.wroteHeader) tw.code = 200;
        w.writeHeader(tw.code);
        await w.write(tw.wbuf.bytes()).catch(noop); // Go ignores this error
        return;
      }
      // The signal ended: 503, with the message at the deadline, bare when the client left.
      w.writeHeader(503);
      if (tw.err === ErrHandlerTimeout) await w.write(this.errorBody()).catch(noop);
    } finally {
      // Go: defer cancelCtx()
      if (timer !== undefined) clearTimeout(timer);
      scope.cancel(ErrContextCanceled);
    }
  }
}

// Go: the select in ServeHTTP — the handler finishing, panicking, or the context ending,
// whichever happens first; `onCtx` runs at once when the context wins. A context already over
// wins against a handler that settles later in the same turn; a rejection after the context
// won is dropped, as Go drops a late panic.
function race(ctx: AbortSignal, run: () => unknown, onCtx: () => void): Promise<Outcome> {
  let onAbort: (() => void) | undefined;
  const p = new Promise<Outcome>((resolve) => {
    let decided = false;
    const decide = (o: Outcome) => {
      if (decided) return;
      decided = true;
      if (o === CTX) onCtx();
      resolve(o);
    };
    if (ctx.aborted) decide(CTX);
    else {
      onAbort = () => decide(CTX);
      ctx.addEventListener('abort', onAbort, { once: true });
    }
    let ret: unknown;
    try {
      ret = run();
    } catch (e) {
      decide({ kind: 'panic', p: e });
      return;
    }
    Promise.resolve(ret).then(
      () => decide(DONE),
      (e: unknown) => decide({ kind: 'panic', p: e }),
    );
  });
  return p.finally(() => {
    if (onAbort !== undefined) ctx.removeEventListener('abort', onAbort);
  });
}

// Go: ctx.Err() == context.DeadlineExceeded — our deadline, an enclosing timeoutHandler's, or
// a signal from AbortSignal.timeout().
function isDeadlineExceeded(reason: unknown): boolean {
  if (is(reason, ErrContextDeadlineExceeded)) return true;
  return (
    typeof reason === 'object' &&
    reason !== null &&
    (reason as { name?: unknown }).name === 'TimeoutError' &&
    !(reason instanceof GoError)
  );
}

// Go: logf(r, ...) logs through the request's server. The request does not carry it here, so
// the writer chain is searched for the server's response instead.
function serverLogf(w: ResponseWriter): (msg: string) => void {
  let x: unknown = w;
  for (let depth = 0; depth < 100 && x != null; depth++) {
    if (x instanceof Response) {
      const srv = x.conn.server;
      return (msg) => srv.logf(msg);
    }
    if (x instanceof TimeoutWriter) return x.logf;
    const u = (x as { unwrap?: unknown }).unwrap;
    x = typeof u === 'function' ? (u as () => unknown).call(x) : null;
  }
  return (msg) => console.error(msg);
}

// Go: checkWriteHeaderCode — any three digits, else a panic.
function checkWriteHeaderCode(code: number): void {
  if (!Number.isInteger(code) || code < 100 || code > 999) {
    throw new RangeError(`invalid WriteHeader code ${code}`);
  }
}

// Go: timeoutWriter — what the inner handler writes to.
class TimeoutWriter implements ResponseWriter {
  readonly w: ResponseWriter;
  readonly h = new Header();
  readonly wbuf = new BytesWriter();
  readonly req: Request;
  readonly logf: (msg: string) => void;

  err: unknown = undefined;
  wroteHeader = false;
  code = 0;

  constructor(w: ResponseWriter, req: Request) {
    this.w = w;
    this.req = req;
    this.logf = serverLogf(w);
  }

  header(): Header {
    return this.h;
  }

  // Go: (*timeoutWriter).Write
  write(p: Uint8Array | string): Promise<number> {
    if (this.err !== undefined) {
      const pr = Promise.reject(this.err);
      pr.catch(noop); // an unawaited failed write must not crash the process
      return pr;
    }
    if (!this.wroteHeader) this.#writeHeaderLocked(200);
    const b = typeof p === 'string' ? encoder.encode(p) : p;
    return Promise.resolve(this.wbuf.writeSync(b));
  }

  // Go: (*timeoutWriter).WriteHeader
  writeHeader(code: number): void {
    this.#writeHeaderLocked(code);
  }

  // Go: (*timeoutWriter).writeHeaderLocked — the first code sticks (1xx included: it is
  // recorded like any other, and sent as such after the handler returns).
  #writeHeaderLocked(code: number): void {
    checkWriteHeaderCode(code);
    if (this.err !== undefined) return;
    if (this.wroteHeader) {
      this.logf('http: superfluous response.WriteHeader call');
      return;
    }
    this.wroteHeader = true;
    this.code = code;
  }
}
