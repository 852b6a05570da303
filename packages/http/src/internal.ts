// @ka/http/internal — NOT public API. The pieces of Go's unexported net/http machinery that
// @ka/http-server and @ka/client share with this package (Go keeps them in one package).
// No compatibility promise: may change in any release.
export {
  BytesBody,
  ErrSuspiciousTrailer,
  ErrTrailerEOF,
  isKnownInMemoryBody,
  isMessageBody,
  MaxBytesBody,
  MessageBody,
  type MessageBodyInit,
  maxPostHandlerReadBytes,
  type TrailerHolder,
  unwrapBody,
} from './body.js';
export {
  ErrChunkedBareLF,
  ErrChunkedInvalidCR,
  ErrChunkedTooMuchNonData,
  ErrChunkLengthEmpty,
  ErrChunkLengthInvalidByte,
  ErrChunkLengthTooLarge,
  ErrMalformedChunkedEncoding,
  maxLineLength,
  parseHexUint,
} from './chunked.js';
export { goError } from './errors.js';
export { headerValueForWire, writeBytes } from './header.js';
export {
  equalFold,
  foreachHeaderElement,
  hasToken,
  headerValuesContainsToken,
  isTokenByte,
  latin1,
  latin1Bytes,
  quote,
  quoteBytes,
  quoteText,
  stringContainsCTLByte,
  trimString,
} from './internal/ascii.js';
export {
  ErrMissingHost,
  fixPragmaCacheControl,
  isBackgroundSignal,
  RequestBodyReadError,
  readRequestKeepHost,
  readRequestKeepHostEager,
  reqWriteExcludeHeader,
  validMethod,
  writeRequestEager,
} from './request.js';
export {
  ErrNoLocation,
  isProtocolSwitchHeader,
  isProtocolSwitchResponse,
  readResponseEager,
} from './response.js';
export { readLine, readLineBytes } from './textproto.js';
export {
  bodyAllowedForStatus,
  fixLength,
  fixTrailer,
  isChunked,
  isIdentity,
  noResponseBodyExpected,
  type OutgoingRequest,
  parseContentLength,
  probeRequestBodyTimeout,
  readTransfer,
  requestMethodUsuallyLacksBody,
  shouldClose,
  suppressedHeaders,
  type TransferKind,
  type TransferMessage,
  TransferWriter,
} from './transfer.js';
