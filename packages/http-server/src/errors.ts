// Go: the server's sentinel errors, with Go's exact texts.
import { sentinel } from '@ka/io';

/** Go's `http.ErrServerClosed`: `serve` after `shutdown` or `close`. */
export const ErrServerClosed = sentinel('ERR_SERVER_CLOSED', 'http: Server closed');
/** Go's `http.ErrHijacked`: use of a response whose connection was hijacked. */
export const ErrHijacked = sentinel('ERR_HIJACKED', 'http: connection has been hijacked');
/** Go's `http.ErrBodyNotAllowed`: a body write for HEAD or a 1xx/204/304 status. */
export const ErrBodyNotAllowed = sentinel(
  'ERR_BODY_NOT_ALLOWED',
  'http: request method or response status code does not allow body',
);
/** Go's `http.ErrContentLength`: more bytes written than the declared Content-Length. */
export const ErrContentLength = sentinel(
  'ERR_CONTENT_LENGTH',
  'http: wrote more than the declared Content-Length',
);
/**
 * Go's `http.ErrAbortHandler`: throw it from a handler to abort the response (the connection
 * is closed) without the server logging the error.
 */
export const ErrAbortHandler = sentinel('ERR_ABORT_HANDLER', 'net/http: abort Handler');
/** Go's `http.ErrHandlerTimeout`: writes after `timeoutHandler` gave up. */
export const ErrHandlerTimeout = sentinel('ERR_HANDLER_TIMEOUT', 'http: Handler timeout');
/** Go's `http.ErrNotSupported` (one value, defined in @ka/http, re-exported here). */
export { ErrNotSupported } from '@ka/http';
/** Returned by `write` after the handler returned (Go leaves this undefined). */
export const ErrWriteAfterFinish = sentinel(
  'ERR_WRITE_AFTER_FINISH',
  'http: response.Write after the handler returned',
);
/** Go's `context.Canceled`: the reason a request's signal carries once its handler returned. */
export const ErrContextCanceled = sentinel('ERR_CONTEXT_CANCELED', 'context canceled');
