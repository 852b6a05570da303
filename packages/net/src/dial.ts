// Go: net.Dialer, net.Dial — connect to a TCP or Unix address.
//
// The dial ends at the earliest of `timeout` after the start, `deadline`, and the signal's
// abort. A name is resolved first (dns.lookup; a pending lookup cannot be cancelled in Node,
// so it is abandoned instead), then its addresses are tried one after another as Go's
// dialSerial does, each with an equal share of the remaining time (at least 2 s when there is
// that much). Go also races IPv6 against IPv4 ("Happy Eyeballs") for dual-stack names; we
// don't: addresses are tried in resolver order.

import { connect, type Socket, type TcpNetConnectOpts } from 'node:net';
import type { GoError } from '@ka/io';
import { ipVersion, splitHostPort, splitHostZone, TCPAddr, UnixAddr } from './addr.js';
import {
  type KeepAliveConfig,
  resolveKeepAlive,
  TCPConn,
  UnixConn,
  unnamedUnixAddr,
} from './conn.js';
import {
  DNSError,
  errDialTimeout,
  errFromAbort,
  fromNodeError,
  OpError,
  UnknownNetworkError,
} from './errors.js';
import { DirectReads, setDirectReads } from './internal/direct-reads.js';
import { testHooks } from './internal/hooks.js';
import { resolveTCP } from './internal/resolve.js';

/** Options of a {@link Dialer} (Go's `net.Dialer` fields; durations in ms). */
export interface DialerOptions {
  /** Give up after this many ms (0 = no limit besides the OS's own). */
  timeout?: number;
  /** Give up at this absolute time (ms since epoch or a Date; 0 = none). */
  deadline?: number | Date;
  /** Keep-alive idle time: 0 (default) → 15 s, negative → off. Ignored when `keepAliveConfig.enable`. */
  keepAlive?: number;
  /** Full keep-alive configuration; wins over `keepAlive` when `enable` is true. */
  keepAliveConfig?: KeepAliveConfig;
  /** Local address to bind before connecting (TCP only; port 0 = any). */
  localAddr?: TCPAddr;
}

/** Per-call options of {@link Dialer.dial} (Go's context). */
export interface DialOptions {
  /** Aborting cancels the dial (`operation was canceled`; a `TimeoutError` reason gives `i/o timeout`). */
  signal?: AbortSignal;
}

// Go: partialDeadline's saneMinimum.
const saneMinimumMs = 2_000;

/**
 * Go's `net.Dialer`. Fields may be changed between dials, like Go's struct.
 *
 * @example
 * ```ts
 * const d = new Dialer({ timeout: 5_000 });
 * const conn = await d.dial('tcp', '127.0.0.1:8080', { signal });
 * ```
 */
export class Dialer {
  /** Max ms for the whole dial; 0 = none. */
  timeout: number;
  /** Absolute time (ms since epoch) after which the dial fails; 0 = none. */
  deadline: number;
  /** Keep-alive idle time: 0 → 15 s, negative → off. */
  keepAlive: number;
  /** Full keep-alive configuration, used when `enable` is true. */
  keepAliveConfig: KeepAliveConfig | undefined;
  /** Local address to bind to (TCP). */
  localAddr: TCPAddr | undefined;

  /** A dialer with the given fields (all optional, Go's zero values by default). */
  constructor(options: DialerOptions = {}) {
    this.timeout = options.timeout ?? 0;
    const dl = options.deadline ?? 0;
    this.deadline = typeof dl === 'number' ? dl : dl.getTime();
    this.keepAlive = options.keepAlive ?? 0;
    this.keepAliveConfig = options.keepAliveConfig;
    this.localAddr = options.localAddr;
  }

  // Go: (*Dialer).deadline — the earliest of now+timeout and the fixed deadline.
  #deadline(now: number): number {
    let at = this.timeout !== 0 ? now + this.timeout : 0;
    if (this.deadline !== 0 && (at === 0 || this.deadline < at)) at = this.deadline;
    return at;
  }

  /**
   * Go's `(*Dialer).DialContext`: connects to `address` on `network` (`tcp`, `tcp4`, `tcp6`:
   * `host:port`; `unix`: a path). Rejects with an {@link OpError} whose op is `dial`:
   * `dial tcp 127.0.0.1:1: connect: connection refused`, `dial tcp 127.0.0.1:80: i/o timeout`
   * (`timeout()` true), `dial tcp 127.0.0.1:80: operation was canceled`.
   */
  async dial(
    network: string,
    address: string,
    options: DialOptions = {},
  ): Promise<TCPConn | UnixConn> {
    const signal = options.signal;
    const deadline = this.#deadline(Date.now());
    if (network === 'unix') return this.#dialUnix(address, deadline, signal);
    if (network !== 'tcp' && network !== 'tcp4' && network !== 'tcp6') {
      throw new OpError({ op: 'dial', net: network, err: new UnknownNetworkError(network) });
    }
    const source = this.localAddr;
    let hosts: string[];
    let port: number;
    try {
      // Only a name lookup can take time; literals resolve at once and end-of-dial errors
      // then carry the address, as in Go.
      const resolving = resolveTCP(network, address, false);
      ({ hosts, port } = await (needsLookup(address)
        ? withLimits(resolving, deadline, signal)
        : resolving));
    } catch (err) {
      // Go reports resolution failures without addresses.
      throw new OpError({ op: 'dial', net: network, err: asLookupError(err, address) });
    }
    const ka = resolveKeepAlive(this.keepAlive, this.keepAliveConfig);
    let first: OpError | undefined;
    for (let i = 0; i < hosts.length; i++) {
      const [ip, zone] = splitHostZone(hosts[i]!);
      const raddr = new TCPAddr(ip, port, zone);
      const fail = (err: unknown) =>
        new OpError({ op: 'dial', net: network, source, addr: raddr, err });
      if (signal?.aborted) throw fail(errFromAbort(signal.reason));
      // Go: partialDeadline — share what is left among the remaining addresses.
      let at = deadline;
      if (deadline !== 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw fail(errDialTimeout());
        let share = left / (hosts.length - i);
        if (share < saneMinimumMs) share = Math.min(left, saneMinimumMs);
        at = Date.now() + share;
      }
      const opts: TcpNetConnectOpts = {
        // Go: an empty host dials the local system.
        host: ip !== '' ? hosts[i]! : network === 'tcp6' ? '::1' : '127.0.0.1',
        port,
        allowHalfOpen: true,
        noDelay: true,
      };
      if (network === 'tcp4') opts.family = 4;
      else if (network === 'tcp6') opts.family = 6;
      if (source !== undefined) {
        if (source.ip !== '') opts.localAddress = source.ip;
        if (source.port !== 0) opts.localPort = source.port;
      }
      try {
        const socket = await connectSocket(opts, at, signal);
        return new TCPConn(socket, network, ka);
      } catch (err) {
        const e = fail(err);
        // The caller's signal ends the whole dial; an address's own failure moves on.
        if (signal?.aborted) throw e;
        first ??= e;
      }
    }
    throw first!;
  }

  async #dialUnix(
    path: string,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<UnixConn> {
    const raddr = new UnixAddr(path);
    const fail = (err: unknown) => new OpError({ op: 'dial', net: 'unix', addr: raddr, err });
    if (signal?.aborted) throw fail(errFromAbort(signal.reason));
    if (deadline !== 0 && deadline <= Date.now()) throw fail(errDialTimeout());
    try {
      const socket = await connectSocket({ path, allowHalfOpen: true }, deadline, signal);
      return new UnixConn(socket, 'unix', unnamedUnixAddr, raddr);
    } catch (err) {
      throw fail(err);
    }
  }
}

/**
 * Go's `net.Dial` / `DialContext` with a one-off {@link Dialer}: `options` holds the dialer's
 * fields and the signal.
 *
 * @example
 * ```ts
 * const conn = await dial('tcp', '127.0.0.1:8080', { timeout: 1_000 });
 * ```
 */
export function dial(
  network: string,
  address: string,
  options: DialerOptions & DialOptions = {},
): Promise<TCPConn | UnixConn> {
  return new Dialer(options).dial(network, address, { signal: options.signal });
}

function needsLookup(address: string): boolean {
  try {
    const host = splitHostPort(address)[0];
    return host !== '' && ipVersion(host) === 0;
  } catch {
    return false;
  }
}

// A failed name lookup: Go reports the context's end as the DNSError text.
function asLookupError(err: unknown, address: string): unknown {
  if (err instanceof LimitError) {
    let host = address;
    try {
      host = splitHostPort(address)[0];
    } catch {
      // keep the whole address
    }
    return new DNSError({
      err: err.cause.message,
      name: host,
      isTimeout: err.cause.timeout(),
      cause: err.cause,
    });
  }
  return err;
}

class LimitError extends Error {
  override readonly cause: GoError;
  constructor(cause: GoError) {
    super(cause.message);
    this.cause = cause;
  }
}

// Races `p` against the deadline and the signal (the loser is abandoned, not cancelled).
function withLimits<T>(
  p: Promise<T>,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (deadline === 0 && signal === undefined) return p;
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(new LimitError(errFromAbort(signal!.reason)));
    };
    if (signal?.aborted) return onAbort();
    if (deadline !== 0) {
      const left = deadline - Date.now();
      if (left <= 0) return reject(new LimitError(errDialTimeout()));
      timer = setTimeout(() => {
        done();
        reject(new LimitError(errDialTimeout()));
      }, left);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        done();
        resolve(v);
      },
      (e: unknown) => {
        done();
        reject(e);
      },
    );
  });
}

// One connect(2): resolves with the connected socket, or rejects with what Go would wrap
// (SyscallError `connect: ...`, i/o timeout, operation was canceled). The socket is destroyed
// on failure.
function connectSocket(
  opts: TcpNetConnectOpts | { path: string; allowHalfOpen: boolean },
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    // Reads go straight to the conn (see DirectReads), not through the socket's stream.
    const reads = new DirectReads();
    const socket = testHooks.connect?.(opts) ?? connect({ ...opts, onread: reads.onread });
    setDirectReads(socket, reads);
    let timer: NodeJS.Timeout | undefined;
    const cleanup = () => {
      socket.off('connect', onConnect);
      socket.off('error', onError);
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: unknown) => {
      cleanup();
      // Swallow anything the dying socket still reports.
      socket.on('error', noop);
      socket.destroy();
      reject(err);
    };
    const onConnect = () => {
      cleanup();
      resolve(socket);
    };
    const onError = (err: Error) => fail(fromNodeError(err, 'connect'));
    const onAbort = () => fail(errFromAbort(signal!.reason));
    socket.once('connect', onConnect);
    socket.once('error', onError);
    if (signal !== undefined) {
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
    }
    if (deadline !== 0) {
      timer = setTimeout(() => fail(errDialTimeout()), Math.max(0, deadline - Date.now()));
    }
  });
}

function noop(): void {}
