// Go: net.Listen, net.ListenConfig, *net.TCPListener, *net.UnixListener over a node:net Server.
//
// Node accepts connections eagerly; Go leaves them in the kernel's backlog until Accept is
// called. We bridge the two with a FIFO: sockets accepted by Node before anyone calls
// `accept()` wait there, paused (`pauseOnConnect`: nothing is read from them, so each costs a
// file descriptor and a few objects, no buffered data). A socket is wrapped into a Conn — and
// starts reading — only when `accept()` hands it out. Node offers no way to stop accepting
// without closing the port, so the FIFO is bounded by `maxPendingAccepts` (default 512): past
// it, new arrivals are closed at once, much as a kernel drops connections when the backlog is
// full. Accept errors reported by Node while listening (EMFILE, ENFILE, ...) go through the
// same FIFO, as Go's Accept would return them.

import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { type Addr, splitHostZone, TCPAddr, UnixAddr } from './addr.js';
import {
  type Conn,
  type KeepAliveConfig,
  keepAliveArgs,
  resolveKeepAlive,
  TCPConn,
  tcpAddrOf,
  UnixConn,
  unnamedUnixAddr,
} from './conn.js';
import { ErrClosed, fromNodeError, OpError, UnknownNetworkError } from './errors.js';
import { resolveTCP } from './internal/resolve.js';

/**
 * Go's `net.Listener`: a source of incoming connections. `C` is the connection type handed
 * out (the listeners of {@link listen} give {@link TCPConn} or {@link UnixConn}).
 */
export interface Listener<C extends Conn = Conn> {
  /** Waits for the next connection (FIFO). After close, rejects with an OpError wrapping {@link ErrClosed}. */
  accept(): Promise<C>;
  /** Stops listening; pending accepts fail. A second close rejects (`close tcp ...: use of closed network connection`). */
  close(): Promise<void>;
  /** The address listened on (with the real port when 0 was asked for). */
  addr(): Addr;
}

/**
 * Go's `net.ListenConfig` (durations in ms), plus Node-specific knobs.
 */
export interface ListenConfig {
  /**
   * Keep-alive idle time for accepted TCP connections: 0 (default) → 15 s, negative → off.
   * Ignored when `keepAliveConfig.enable` is true.
   */
  keepAlive?: number;
  /** Full keep-alive configuration; wins over `keepAlive` when `enable` is true. */
  keepAliveConfig?: KeepAliveConfig;
  /** The listen(2) backlog (Node's default 511). */
  backlog?: number;
  /** Connections accepted by Node but not yet by `accept()` before new ones are dropped (default 512). */
  maxPendingAccepts?: number;
  /**
   * Serve TLS (Go's `tls.NewListener`): options for `node:tls` (`cert`, `key`, `ca`, …).
   * `accept()` then yields conns whose TLS handshake has completed; a failed handshake is
   * dropped and reported through `onTlsError`.
   */
  tls?: TlsOptions;
  /** Called with each failed TLS handshake (default: ignored). */
  onTlsError?: (err: Error) => void;
}

/** Default bound of the not-yet-accepted connection FIFO. */
export const DefaultMaxPendingAccepts = 512;

const tcpNetworks = new Set(['tcp', 'tcp4', 'tcp6']);

/**
 * Go's `net.Listen`: listens on `tcp`, `tcp4`, `tcp6` (`host:port`; port 0 picks one; an empty
 * host means every interface) or `unix` (a socket path, removed again on close). Accepted TCP
 * connections have TCP_NODELAY on and keep-alive per `config` (15 s by default).
 *
 * @example
 * ```ts
 * const ln = await listen('tcp', '127.0.0.1:0');
 * const conn = await ln.accept();
 * ```
 */
export async function listen(
  network: string,
  address: string,
  config: ListenConfig = {},
): Promise<Listener<TCPConn | UnixConn>> {
  if (network === 'unix') return listenUnix(address, config);
  if (!tcpNetworks.has(network)) {
    throw new OpError({ op: 'listen', net: network, err: new UnknownNetworkError(network) });
  }
  let resolved: { hosts: string[]; port: number };
  try {
    resolved = await resolveTCP(network, address, true);
  } catch (err) {
    throw new OpError({ op: 'listen', net: network, err });
  }
  const host = resolved.hosts[0]!;
  const port = resolved.port;
  const [ip, zone] = splitHostZone(host);
  const server =
    config.tls !== undefined
      ? createTlsServer({ ...config.tls, allowHalfOpen: true, noDelay: true })
      : createServer({ pauseOnConnect: true, allowHalfOpen: true });
  if (config.tls !== undefined) {
    const report = config.onTlsError;
    server.on('tlsClientError', (err: Error) => report?.(err));
  }
  const options: Parameters<Server['listen']>[0] = {
    port,
    exclusive: true,
    backlog: config.backlog ?? 511,
  };
  // Go: an empty host on "tcp" is a dual-stack wildcard, "tcp4" is 0.0.0.0, "tcp6" is [::] only.
  if (host !== '') options.host = host;
  else if (network === 'tcp4') options.host = '0.0.0.0';
  else if (network === 'tcp6') Object.assign(options, { host: '::', ipv6Only: true });
  try {
    await serverListen(server, options);
  } catch (err) {
    throw new OpError({
      op: 'listen',
      net: network,
      addr: new TCPAddr(ip, port, zone),
      err: fromNodeError(err, 'bind'),
    });
  }
  const a = server.address();
  const laddr =
    a !== null && typeof a === 'object' ? tcpAddrOf(a.address, a.port) : new TCPAddr(ip, port);
  const ka = resolveKeepAlive(config.keepAlive, config.keepAliveConfig);
  // Go reads every accepted conn's local address (getsockname); for a listener bound to one
  // address that is the listener's own, so pass it and save a syscall per connection.
  const own = laddr.ip !== '' && laddr.ip !== '0.0.0.0' && laddr.ip !== '::' && laddr.zone === '';
  const inherited = config.tls === undefined && setListenerOptions(server, ka);
  return new SocketListener(
    server,
    network,
    laddr,
    config,
    (s) => new TCPConn(s, network, ka, own ? laddr : undefined, undefined, inherited),
  );
}

// What a listening node:net Server's handle offers (Node's TCP wrap, not a public type).
interface TCPHandle {
  setNoDelay(enable: boolean): number;
  setKeepAlive(enable: boolean, idle: number, interval?: number, count?: number): number;
}

/**
 * Go sets TCP_NODELAY and keep-alive on each accepted conn (newTCPConn: five setsockopt calls).
 * Linux copies a listening socket's TCP options to every socket it accepts, so on Linux ka
 * sets them once on the listening socket: the same options on the wire, none of the calls per
 * connection. True when that worked; otherwise each conn sets its own, as Go does.
 */
function setListenerOptions(server: Server, ka: Required<KeepAliveConfig> | null): boolean {
  if (process.platform !== 'linux') return false;
  const h = (server as unknown as { _handle?: Partial<TCPHandle> | null })._handle;
  if (typeof h?.setNoDelay !== 'function' || typeof h.setKeepAlive !== 'function') return false;
  if (h.setNoDelay(true) !== 0) return false;
  if (ka === null) return true;
  const [idle, interval, count] = keepAliveArgs(ka);
  return h.setKeepAlive(true, idle, interval, count) === 0;
}

async function listenUnix(
  path: string,
  config: ListenConfig,
): Promise<Listener<TCPConn | UnixConn>> {
  const laddr = new UnixAddr(path);
  const server = createServer({ pauseOnConnect: true, allowHalfOpen: true });
  try {
    await serverListen(server, { path, exclusive: true, backlog: config.backlog ?? 511 });
  } catch (err) {
    throw new OpError({ op: 'listen', net: 'unix', addr: laddr, err: fromNodeError(err, 'bind') });
  }
  return new SocketListener(
    server,
    'unix',
    laddr,
    config,
    (s) => new UnixConn(s, 'unix', laddr, unnamedUnixAddr),
  );
}

function serverListen(server: Server, options: Parameters<Server['listen']>[0]): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options);
  });
}

interface AcceptWaiter {
  resolve(c: TCPConn | UnixConn): void;
  reject(e: unknown): void;
}

// Go: *TCPListener / *UnixListener.
class SocketListener implements Listener<TCPConn | UnixConn> {
  readonly #server: Server;
  readonly #net: string;
  readonly #addr: Addr;
  readonly #wrap: (s: Socket) => TCPConn | UnixConn;
  readonly #maxPending: number;
  // Accepted-by-Node sockets and accept errors, oldest first.
  #pending: (Socket | OpError)[] = [];
  #waiters: AcceptWaiter[] = [];
  #closed = false;

  constructor(
    server: Server,
    net: string,
    addr: Addr,
    config: ListenConfig,
    wrap: (s: Socket) => TCPConn | UnixConn,
  ) {
    this.#server = server;
    this.#net = net;
    this.#addr = addr;
    this.#wrap = wrap;
    this.#maxPending = config.maxPendingAccepts ?? DefaultMaxPendingAccepts;
    // A TLS server hands over sockets once their handshake is done.
    server.on(config.tls !== undefined ? 'secureConnection' : 'connection', this.#onConnection);
    server.on('error', this.#onError);
  }

  readonly #onConnection = (socket: Socket): void => {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    // TLS sockets arrive flowing; hold their data until a conn reads it.
    socket.pause();
    const w = this.#waiters.shift();
    if (w !== undefined) {
      w.resolve(this.#wrap(socket));
      return;
    }
    if (this.#pending.length >= this.#maxPending) {
      socket.destroy();
      return;
    }
    // A peer may reset a queued connection before accept(); keep Node from throwing.
    socket.on('error', noop);
    this.#pending.push(socket);
  };

  // Node reports accept(2) failures on the server once it is listening.
  readonly #onError = (err: Error): void => {
    if (this.#closed) return;
    const e = new OpError({
      op: 'accept',
      net: this.#net,
      addr: this.#addr,
      err: fromNodeError(err, 'accept4'),
    });
    const w = this.#waiters.shift();
    if (w !== undefined) w.reject(e);
    else if (this.#pending.length < this.#maxPending) this.#pending.push(e);
  };

  // Go: (*TCPListener).Accept — the oldest waiting connection, else wait for one.
  accept(): Promise<TCPConn | UnixConn> {
    if (this.#closed) return Promise.reject(this.#opError('accept'));
    const next = this.#pending.shift();
    if (next === undefined) {
      return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
    }
    if (next instanceof OpError) return Promise.reject(next);
    next.off('error', noop);
    return Promise.resolve(this.#wrap(next));
  }

  // Go: (*TCPListener).Close — stop listening; queued connections are dropped, waiting
  // accepts fail with ErrClosed.
  close(): Promise<void> {
    if (this.#closed) return Promise.reject(this.#opError('close'));
    this.#closed = true;
    // Node's close callback waits for every accepted connection to end; Go's Close does not,
    // so nothing waits for it. The listening handle itself is closed right here.
    this.#server.close();
    for (const p of this.#pending) if (!(p instanceof OpError)) p.destroy();
    this.#pending = [];
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(this.#opError('accept'));
    return Promise.resolve();
  }

  addr(): Addr {
    return this.#addr;
  }

  #opError(op: string): OpError {
    return new OpError({ op, net: this.#net, addr: this.#addr, err: ErrClosed });
  }
}

function noop(): void {}
