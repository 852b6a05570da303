// Go: the error values of net/http's transport.go and client.go, with Go's texts.
//
// Go exports only a few (`ErrUseLastResponse`, `ErrSchemeMismatch`, `ErrSkipAltProtocol`);
// the rest are unexported values that still reach users — through trace hooks (`PutIdleConn`)
// or as the cause of a failed request. They are exported from this module for tests and for
// the package's own files, but only the Go-exported ones are re-exported from the index.
import { GoError } from '@ka/io';
import { DeadlineExceeded } from './context.js';

function frozen(code: string, message: string): GoError {
  const e = new GoError(code, message);
  e.stack = `${e.name} [${code}]: ${message}`;
  return Object.freeze(e);
}

/**
 * Go's `http.ErrUseLastResponse`: returned by a `checkRedirect` hook, the client stops and
 * hands back the redirect response with its body unread.
 */
export const ErrUseLastResponse: GoError = frozen(
  'ERR_HTTP_USE_LAST_RESPONSE',
  'net/http: use last response',
);

/** Go's `http.ErrSchemeMismatch`: a plain HTTP answer to a TLS handshake. */
export const ErrSchemeMismatch: GoError = frozen(
  'ERR_HTTP_SCHEME_MISMATCH',
  'http: server gave HTTP response to HTTPS client',
);

/** Go's `http.ErrSkipAltProtocol` (kept for parity; alternate protocols are not supported). */
export const ErrSkipAltProtocol: GoError = frozen(
  'ERR_HTTP_SKIP_ALT_PROTOCOL',
  'net/http: skip alternate protocol',
);

// Go: the idle-pool errors of tryPutIdleConn (seen through trace.putIdleConn) and the close
// reasons of pooled connections.
/** Go's `errKeepAlivesDisabled`: not pooled because keep-alives are off (not traced). */
export const errKeepAlivesDisabled = frozen(
  'ERR_HTTP_KEEP_ALIVES_DISABLED',
  'http: putIdleConn: keep alives disabled',
);
/** Go's `errConnBroken`: not pooled because the connection is closed. */
export const errConnBroken = frozen(
  'ERR_HTTP_CONN_BROKEN',
  'http: putIdleConn: connection is in bad state',
);
/** Go's `errCloseIdle`: not pooled because `closeIdleConnections` was called since the last request. */
export const errCloseIdle = frozen(
  'ERR_HTTP_CLOSE_IDLE',
  'http: putIdleConn: CloseIdleConnections was called',
);
/** Go's `errTooManyIdle`: evicted because `maxIdleConns` was exceeded. */
export const errTooManyIdle = frozen(
  'ERR_HTTP_TOO_MANY_IDLE',
  'http: putIdleConn: too many idle connections',
);
/** Go's `errTooManyIdleHost`: not pooled because the key already has `maxIdleConnsPerHost` idle conns. */
export const errTooManyIdleHost = frozen(
  'ERR_HTTP_TOO_MANY_IDLE_HOST',
  'http: putIdleConn: too many idle connections for host',
);
/** Go's `errCloseIdleConns`: close reason of idle conns closed by `closeIdleConnections`. */
export const errCloseIdleConns = frozen(
  'ERR_HTTP_CLOSE_IDLE_CONNS',
  'http: CloseIdleConnections called',
);
/** Go's `errReadLoopExiting`: default close reason when the read loop ends. */
export const errReadLoopExiting = frozen(
  'ERR_HTTP_READ_LOOP_EXITING',
  'http: persistConn.readLoop exiting',
);
/** Go's `errIdleConnTimeout`: close reason of a conn idle longer than `idleConnTimeout`. */
export const errIdleConnTimeout = frozen(
  'ERR_HTTP_IDLE_CONN_TIMEOUT',
  'http: idle connection timeout',
);
/** Go's `errServerClosedIdle`: the peer closed a pooled connection (or answered 408 on it). */
export const errServerClosedIdle = frozen(
  'ERR_HTTP_SERVER_CLOSED_IDLE',
  'http: server closed idle connection',
);
/** Go's `errCannotRewind`: a retry needs the body again but it was consumed and there is no `getBody`. */
export const errCannotRewind = frozen(
  'ERR_HTTP_CANNOT_REWIND',
  'net/http: cannot rewind body after connection loss',
);
/** Go's `errRequestCanceled` (legacy `CancelRequest` / `Request.Cancel`). */
export const errRequestCanceled = frozen('ERR_HTTP_REQUEST_CANCELED', 'net/http: request canceled');
/** Go's `errRequestCanceledConn`: legacy cancellation while the request waited for a connection. */
export const errRequestCanceledConn = frozen(
  'ERR_HTTP_REQUEST_CANCELED_CONN',
  'net/http: request canceled while waiting for connection',
);
/** Go's `errRequestDone`: the internal cause ending a request scope that succeeded. */
export const errRequestDone = frozen('ERR_HTTP_REQUEST_DONE', 'net/http: request completed');
/** Go's `errReadOnClosedResBody`: a read after the response body was closed. */
export const errReadOnClosedResBody = frozen(
  'ERR_HTTP_READ_ON_CLOSED_RES_BODY',
  'http: read on closed response body',
);
/** Go's `errConcurrentReadOnResBody`: two reads of a decompressing body at once. */
export const errConcurrentReadOnResBody = frozen(
  'ERR_HTTP_CONCURRENT_READ_ON_RES_BODY',
  'http: concurrent read on response body',
);
/** Go's `errCallerOwnsConn`: the read loop ended because a 101 response handed the conn to the caller. */
export const errCallerOwnsConn = frozen(
  'ERR_HTTP_CALLER_OWNS_CONN',
  'read loop ending; caller owns writable underlying conn',
);

/**
 * Go's unexported `timeoutError`: a `net.Error` whose `timeout()` is true and which matches
 * {@link DeadlineExceeded} with `is`. Used for the response-header timeout and for the
 * Client.Timeout decorations.
 */
export class TimeoutError extends GoError {
  constructor(message: string) {
    super('ERR_HTTP_TIMEOUT', message);
    this.name = 'TimeoutError';
  }
  override timeout(): boolean {
    return true;
  }
  override temporary(): boolean {
    return true;
  }
  /** Go: `(*timeoutError).Is` — it is `context.DeadlineExceeded`. */
  is(target: unknown): boolean {
    return target === DeadlineExceeded;
  }
}

/** Go's `errTimeout`: `ResponseHeaderTimeout` expired. */
export const errTimeout: TimeoutError = Object.freeze(
  new TimeoutError('net/http: timeout awaiting response headers'),
);

/** Go's `tlsHandshakeTimeoutError`. */
export class TLSHandshakeTimeoutError extends GoError {
  constructor() {
    super('ERR_HTTP_TLS_HANDSHAKE_TIMEOUT', 'net/http: TLS handshake timeout');
    this.name = 'TLSHandshakeTimeoutError';
  }
  override timeout(): boolean {
    return true;
  }
  override temporary(): boolean {
    return true;
  }
}

function text(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Go's `transportReadFromServerError`: the one-byte peek for a response failed (usually the
 * keep-alive race: the server closed as we wrote). Unwrapped before reaching the caller.
 */
export class TransportReadFromServerError extends GoError {
  constructor(readonly err: unknown) {
    super(
      'ERR_HTTP_TRANSPORT_READ_FROM_SERVER',
      `net/http: Transport failed to read from server: ${text(err)}`,
      { cause: err },
    );
    this.name = 'TransportReadFromServerError';
  }
}

/**
 * Go's `nothingWrittenError`: the connection failed before a single byte of the request went
 * out, so any request that can resend its body may be retried. Same text as the wrapped error.
 */
export class NothingWrittenError extends GoError {
  constructor(readonly err: unknown) {
    super('ERR_HTTP_NOTHING_WRITTEN', text(err), { cause: err });
    this.name = 'NothingWrittenError';
  }
}

/** A `fmt.Errorf("…%w", err)`-style error: `message` already includes the cause's text. */
export function wrapError(code: string, message: string, cause: unknown): GoError {
  return new GoError(code, message, { cause });
}

/** A plain `errors.New` / `fmt.Errorf` error with a code. */
export function newError(code: string, message: string): GoError {
  return new GoError(code, message);
}
