// Go: http.Handler, http.HandlerFunc, http.ResponseWriter — the contract between the server
// and user code.
import type { Header, Request } from '@ka/http';

/**
 * Go's `http.ResponseWriter`: what a handler uses to build the response.
 *
 * `header()` is the map that `writeHeader` (or the first `write`) sends; changes after that
 * are ignored, except for declared trailers. `write` resolves with the number of bytes taken
 * and rejects with Go's errors (`ErrBodyNotAllowed`, `ErrContentLength`, `ErrHijacked`, a
 * network error).
 */
export interface ResponseWriter {
  /** The response header map (Go's `Header()`). */
  header(): Header;
  /** Sends the status line and headers (Go's `WriteHeader`); 1xx codes may be sent first. */
  writeHeader(statusCode: number): void;
  /** Writes body bytes (a string is UTF-8 encoded), sending the header first if needed. */
  write(p: Uint8Array | string): Promise<number>;
}

/** Go's `http.Handler`. May return a Promise (its value is ignored); the response is finished when it settles. */
export interface Handler {
  /** Handles one request (Go's `ServeHTTP`). */
  serveHttp(w: ResponseWriter, r: Request): unknown;
}

/** Go's `http.HandlerFunc` as a plain function type. */
export type HandlerFunc = (w: ResponseWriter, r: Request) => unknown;

/** Go's `http.HandlerFunc(f)` conversion: wraps a function as a {@link Handler}. */
export function handlerFunc(f: HandlerFunc): Handler {
  return { serveHttp: f };
}

/** Accepts a {@link Handler} or a bare function where an API takes either. */
export type HandlerLike = Handler | HandlerFunc;

/** Normalises a {@link HandlerLike} to a {@link Handler}. */
export function toHandler(h: HandlerLike): Handler {
  return typeof h === 'function' ? { serveHttp: h } : h;
}
