// Go: net/http, net/textproto and net/url error values and types used by the message layer.
//
// Every error's `message` is Go's `err.Error()` text exactly. Sentinels are frozen values
// compared with `is()` from @ka/io; error types are classes matched with `instanceof` / `as()`.
import { GoError } from '@ka/io';
import { quote, quoteBytes, quoteText } from './internal/ascii.js';

function frozen<T extends GoError>(e: T): T {
  e.stack = `${e.name} [${e.code}]: ${e.message}`;
  return Object.freeze(e);
}

/**
 * Go's `http.ProtocolError`: a protocol violation. Go's exported sentinels of this type
 * ({@link ErrNotSupported}, {@link ErrUnexpectedTrailer}, …) are frozen instances.
 */
export class ProtocolError extends GoError {
  constructor(message: string, code = 'ERR_HTTP_PROTOCOL') {
    super(code, message);
    this.name = 'ProtocolError';
  }
}

/** Go's `http.ErrNotSupported`: `feature not supported`. */
export const ErrNotSupported = frozen(
  new ProtocolError('feature not supported', 'ERR_NOT_SUPPORTED'),
);
/** Go's `http.ErrUnexpectedTrailer` (deprecated in Go; nothing returns it). */
export const ErrUnexpectedTrailer = frozen(
  new ProtocolError(
    'trailer header without chunked transfer encoding',
    'ERR_HTTP_UNEXPECTED_TRAILER',
  ),
);
/** Go's `http.ErrMissingBoundary`. */
export const ErrMissingBoundary = frozen(
  new ProtocolError('no multipart boundary param in Content-Type', 'ERR_HTTP_MISSING_BOUNDARY'),
);
/** Go's `http.ErrNotMultipart`. */
export const ErrNotMultipart = frozen(
  new ProtocolError("request Content-Type isn't multipart/form-data", 'ERR_HTTP_NOT_MULTIPART'),
);

/**
 * Go's `textproto.ProtocolError`: a malformed header block (`malformed MIME header line: …`,
 * `malformed MIME header initial line: …`, `malformed MIME header: missing colon: …`).
 * A server answers it with a plain 400.
 */
export class TextprotoProtocolError extends GoError {
  constructor(message: string) {
    super('ERR_TEXTPROTO_PROTOCOL', message);
    this.name = 'TextprotoProtocolError';
  }
}

/**
 * Go's `badStringError(what, val)`: `what "val"` — e.g. `malformed HTTP request "…"`,
 * `invalid method "…"`, `malformed HTTP version "…"`, `bad Content-Length "…"`,
 * `bad trailer key "…"`. `what` tells the cases apart. A server answers it with a plain 400.
 */
export class BadStringError extends GoError {
  /** The description, e.g. `malformed HTTP version`. */
  readonly what: string;
  /** The offending value (a byte string). */
  readonly value: string;
  constructor(what: string, value: string) {
    super('ERR_HTTP_BAD_STRING', `${what} ${quote(value)}`);
    this.name = 'BadStringError';
    this.what = what;
    this.value = value;
  }
}

/**
 * Go's `unsupportedTEError`: a Transfer-Encoding other than a single `chunked`
 * (`unsupported transfer encoding: "gzip"`, `too many transfer encodings: [...]`). A Go
 * server answers it with `501 Not Implemented` and the body `Unsupported transfer encoding`.
 */
export class UnsupportedTEError extends GoError {
  constructor(message: string) {
    super('ERR_HTTP_UNSUPPORTED_TE', message);
    this.name = 'UnsupportedTEError';
  }
}

/** Go's `isUnsupportedTEError`. */
export function isUnsupportedTEError(err: unknown): err is UnsupportedTEError {
  return err instanceof GoError && err.code === 'ERR_HTTP_UNSUPPORTED_TE';
}

/** Go's `http.ErrBodyReadAfterClose`: a body read after `close()`. */
export const ErrBodyReadAfterClose = frozen(
  new GoError('ERR_BODY_READ_AFTER_CLOSE', 'http: invalid Read on closed Body'),
);
/** Go's `http.ErrLineTooLong` (= internal `ErrLineTooLong`): a chunk-size line too long. */
export const ErrLineTooLong = frozen(new GoError('ERR_LINE_TOO_LONG', 'header line too long'));
/** Go's textproto `errMessageTooLarge`: a header block over its count or memory limit. */
export const ErrMessageTooLarge = frozen(new GoError('ERR_MESSAGE_TOO_LARGE', 'message too large'));
/** Go's `http.ErrMissingFile`. */
export const ErrMissingFile = frozen(new GoError('ERR_MISSING_FILE', 'http: no such file'));

/** Go's `http.MaxBytesError`: a body read past the limit of {@link maxBytesReader}. */
export class MaxBytesError extends GoError {
  /** The limit that was exceeded. */
  readonly limit: number;
  constructor(limit: number) {
    super('ERR_MAX_BYTES', 'http: request body too large');
    this.name = 'MaxBytesError';
    this.limit = limit;
  }
}

// ---- net/url ----

/**
 * Go's `url.Error`: `op "url": err`, e.g. `parse "x": invalid URI for request`. The
 * underlying error is `cause` (Go's `Err`).
 */
export class URLError extends GoError {
  /** The operation, `parse` for the parsers. */
  readonly op: string;
  /** The URL (Unicode text). */
  readonly url: string;
  constructor(op: string, url: string, err: Error) {
    super('ERR_URL', `${op} ${quoteText(url)}: ${err.message}`, { cause: err });
    this.name = 'URLError';
    this.op = op;
    this.url = url;
  }
  /** The wrapped error (Go's `Err`). */
  get err(): Error {
    return this.cause as Error;
  }
}

/** Go's `url.EscapeError`: `invalid URL escape "%zz"`. */
export class EscapeError extends GoError {
  /** @param s the bad escape: text, or the raw bytes Go would quote. */
  constructor(s: string | Uint8Array) {
    super(
      'ERR_URL_ESCAPE',
      `invalid URL escape ${typeof s === 'string' ? quoteText(s) : quoteBytes(s)}`,
    );
    this.name = 'EscapeError';
  }
}

/** Go's `url.InvalidHostError`: `invalid character " " in host name`. */
export class InvalidHostError extends GoError {
  /** @param s the offending character. */
  constructor(s: string) {
    super('ERR_URL_INVALID_HOST', `invalid character ${quoteText(s)} in host name`);
    this.name = 'InvalidHostError';
  }
}

/** A plain Go `errors.New` / `fmt.Errorf` value with a stable code. */
export function goError(code: string, message: string, cause?: unknown): GoError {
  return new GoError(code, message, cause === undefined ? undefined : { cause });
}
