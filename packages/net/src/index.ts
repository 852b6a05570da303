export {
  acceptRetryFirstDelay,
  acceptRetryMaxDelay,
  OnceCloseListener,
  type ServeListenerOptions,
  serveListener,
} from './accept-loop.js';
export {
  type Addr,
  joinHostPort,
  PipeAddr,
  splitHostPort,
  TCPAddr,
  UnixAddr,
} from './addr.js';
export { type CancelScope, withCancel } from './cancel.js';
export { canonicalAddr } from './canonical-addr.js';
export {
  type ChunkReader,
  type CloseWriter,
  type Conn,
  DefaultKeepAliveCount,
  DefaultKeepAliveIdle,
  DefaultKeepAliveInterval,
  isReadableWatcher,
  type KeepAliveConfig,
  type ReadableState,
  type ReadableWait,
  type ReadableWatcher,
  readHighWaterMark,
  SocketConn,
  TCPConn,
  UnixConn,
} from './conn.js';
export { Dialer, type DialerOptions, type DialOptions, dial } from './dial.js';
export {
  AddrError,
  DNSError,
  type DNSErrorInit,
  ErrClosed,
  ErrDeadlineExceeded,
  OpError,
  type OpErrorInit,
  SyscallError,
  UnknownNetworkError,
} from './errors.js';
export { formatDuration } from './internal/duration.js';
export { DefaultMaxPendingAccepts, type ListenConfig, type Listener, listen } from './listen.js';
export { pipe } from './pipe.js';
export { type ConnectionState, connectionStateOf, tlsStateOf } from './tls-state.js';
