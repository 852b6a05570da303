export { type Hijacked, rstAvoidanceDelay } from './conn.js';
export {
  ConnState,
  connStateString,
  StateActive,
  StateClosed,
  StateHijacked,
  StateIdle,
  StateNew,
} from './conn-state.js';
export {
  ErrAbortHandler,
  ErrBodyNotAllowed,
  ErrContentLength,
  ErrHandlerTimeout,
  ErrHijacked,
  ErrNotSupported,
  ErrServerClosed,
  ErrWriteAfterFinish,
} from './errors.js';
export {
  BytesReadSeeker,
  type Content,
  Dir,
  type DirEntry,
  dir,
  ErrNotExist,
  ErrPermission,
  type File,
  FileHandleReadSeeker,
  type FileInfo,
  type FileSystem,
  fileServer,
  type ModTime,
  type ReadSeeker,
  SeekCurrent,
  SeekEnd,
  SeekStart,
  serveContent,
  serveFile,
  typeByExtension,
} from './fs/index.js';
export {
  type Handler,
  type HandlerFunc,
  type HandlerLike,
  handlerFunc,
  type ResponseWriter,
  toHandler,
} from './handler.js';
export {
  allowQuerySemicolons,
  error,
  maxBytesHandler,
  notFound,
  notFoundHandler,
  RedirectHandler,
  redirect,
  redirectHandler,
  stripPrefix,
} from './mux/helpers.js';
export { type MuxMatch, ServeMux } from './mux/serve-mux.js';
export { ResponseController, type ResponseWriterUnwrapper } from './response-controller.js';
export {
  bufferBeforeChunkingSize,
  maxPostHandlerReadBytes,
  Response,
  TrailerPrefix,
} from './response-writer.js';
export {
  DefaultMaxHeaderBytes,
  isServerClosed,
  Server,
  type ServerOptions,
  shutdownPollIntervalMax,
} from './server.js';
export { ErrContextDeadlineExceeded, timeoutHandler } from './timeout-handler.js';
