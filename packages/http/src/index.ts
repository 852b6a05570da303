// @ka/http — Go's net/http message layer: headers, requests, responses, framing.
export {
  type Body,
  BodyBase,
  NoBody,
  toBody,
} from './body.js';
export { ChunkedReader, ChunkedWriter, type ChunkedWriterOptions } from './chunked.js';
export { DefaultMaxHeaderBytes, TrailerPrefix } from './constants.js';
export { formatHttpDate, parseHttpDate, TimeFormat } from './date.js';
export {
  BadStringError,
  ErrBodyReadAfterClose,
  ErrLineTooLong,
  ErrMessageTooLarge,
  ErrMissingBoundary,
  ErrMissingFile,
  ErrNotMultipart,
  ErrNotSupported,
  ErrUnexpectedTrailer,
  EscapeError,
  InvalidHostError,
  isUnsupportedTEError,
  MaxBytesError,
  ProtocolError,
  TextprotoProtocolError,
  UnsupportedTEError,
  URLError,
} from './errors.js';
export { canonicalHeaderKey, Header, type HeaderInit } from './header.js';
export {
  validHeaderFieldName,
  validHeaderFieldValue,
  validHostHeader,
} from './internal/ascii.js';
export {
  defaultUserAgent,
  maxBytesReader,
  newRequest,
  parseHTTPVersion,
  Request,
  type RequestBodyInit,
  type RequestInit,
  type RequestTooLargeNotifier,
  readRequest,
  type WriteRequestOptions,
  type WriteTrace,
  writeRequest,
} from './request.js';
export { Response, type ResponseInit, readResponse } from './response.js';
export { detectContentType, sniffLen } from './sniff.js';
export * from './status.js';
export { type MIMEHeaderLimits, readMIMEHeader } from './textproto.js';
export {
  parseQuery,
  parseQueryLax,
  parseRequestURI,
  parseURL,
  pathEscape,
  pathUnescape,
  queryEscape,
  queryUnescape,
  URL,
  type URLInit,
  Userinfo,
  user,
  userPassword,
  Values,
} from './url.js';
