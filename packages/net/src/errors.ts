// Go: package net errors — the sentinels and error types every other module raises.
//
// Go's net returns `*OpError` from nearly every call; it says which operation failed (`read`,
// `accept`, `dial`, ...), on which network and between which addresses, and wraps the cause:
// a sentinel (`ErrClosed`, `ErrDeadlineExceeded`), an `*os.SyscallError` carrying an errno,
// an `*AddrError`, a `*DNSError`. The texts here are Go's, byte for byte; the classes keep
// Node's error reachable through `cause` (and its errno name through `code`).

import { getSystemErrorMessage } from 'node:util';
import { GoError, isTemporary, isTimeout } from '@ka/io';
import type { Addr } from './addr.js';

// Go: internal/poll.DeadlineExceededError — the one error whose timeout() is true by nature.
class DeadlineExceededError extends GoError {
  constructor() {
    super('ERR_DEADLINE_EXCEEDED', 'i/o timeout');
    this.name = 'DeadlineExceededError';
  }
  override timeout(): boolean {
    return true;
  }
  override temporary(): boolean {
    return true;
  }
}

function freezeSentinel<T extends GoError>(e: T): T {
  // A sentinel is a value, not a throw site: its stack is noise.
  e.stack = `${e.name} [${e.code}]: ${e.message}`;
  return Object.freeze(e);
}

/**
 * Go's `net.ErrClosed`: I/O on a connection or listener that was closed locally. Match it
 * with `is(err, ErrClosed)`; it is normally wrapped in an {@link OpError}.
 */
export const ErrClosed: GoError = freezeSentinel(
  new GoError('ERR_NET_CLOSED', 'use of closed network connection'),
);

/**
 * Go's `os.ErrDeadlineExceeded`: a read or write deadline passed. `timeout()` is true. Match it
 * with `is(err, ErrDeadlineExceeded)`; it is normally wrapped in an {@link OpError}.
 */
export const ErrDeadlineExceeded: GoError = freezeSentinel(new DeadlineExceededError());

// Go: net.errTimeout — what a dial reports when its timeout, deadline or a timeout signal ends
// it first. Same text as ErrDeadlineExceeded but a different value (Go keeps them apart too:
// errors.Is(dialTimeoutErr, os.ErrDeadlineExceeded) is false).
class DialTimeoutError extends GoError {
  constructor(cause?: unknown) {
    super('ERR_NET_TIMEOUT', 'i/o timeout', { cause });
    this.name = 'DialTimeoutError';
  }
  override timeout(): boolean {
    return true;
  }
  override temporary(): boolean {
    return true;
  }
}

// Go: net.errCanceled — a dial whose context (here: AbortSignal) was canceled.
class CanceledError extends GoError {
  constructor(cause?: unknown) {
    super('ERR_NET_CANCELED', 'operation was canceled', { cause });
    this.name = 'CanceledError';
  }
  override timeout(): boolean {
    return false;
  }
  override temporary(): boolean {
    return false;
  }
}

/** @internal Go's mapErr for an aborted signal: a timeout reason maps to `i/o timeout`, anything else to `operation was canceled`. The reason stays reachable as `cause`. */
export function errFromAbort(reason: unknown): GoError {
  if (reason instanceof Error && reason.name === 'TimeoutError')
    return new DialTimeoutError(reason);
  return new CanceledError(reason);
}

/** @internal A fresh dial timeout error (`i/o timeout`, timeout() true). */
export function errDialTimeout(): GoError {
  return new DialTimeoutError();
}

/** Fields of an {@link OpError}. */
export interface OpErrorInit {
  /** The operation: `read`, `write`, `accept`, `dial`, `listen`, `close`, `set`. */
  op: string;
  /** The network: `tcp`, `tcp4`, `tcp6`, `unix`, `pipe`. */
  net: string;
  /** The local address, for operations on a connection. */
  source?: Addr | undefined;
  /** The remote address of a connection, or the local address of a listener. */
  addr?: Addr | undefined;
  /** What went wrong. */
  err: unknown;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Go's `*net.OpError`: the error almost every operation of this package fails with. The message
 * is Go's (`read tcp 127.0.0.1:5000->127.0.0.1:6000: i/o timeout`); `cause` is {@link err}, so
 * `is(e, ErrClosed)` and `is(e, ErrDeadlineExceeded)` look through it.
 */
export class OpError extends GoError {
  /** The operation: `read`, `write`, `accept`, `dial`, `listen`, `close`, `set`. */
  readonly op: string;
  /** The network: `tcp`, `tcp4`, `tcp6`, `unix`, `pipe`. */
  readonly net: string;
  /** The local end, when the operation was on a connection. */
  readonly source: Addr | undefined;
  /** The remote end of a connection, or a listener's own address. */
  readonly addr: Addr | undefined;
  /** The wrapped error (the same value as `cause`). */
  readonly err: unknown;

  /** Builds the error and its Go message from `init`. */
  constructor(init: OpErrorInit) {
    // Go: (*OpError).Error — "op net source->addr: err"; each part only when present.
    let s = init.op;
    if (init.net !== '') s += ` ${init.net}`;
    if (init.source !== undefined) s += ` ${init.source.toString()}`;
    if (init.addr !== undefined) {
      s += init.source !== undefined ? '->' : ' ';
      s += init.addr.toString();
    }
    super('ERR_NET_OP', `${s}: ${errText(init.err)}`, { cause: init.err });
    this.name = 'OpError';
    this.op = init.op;
    this.net = init.net;
    this.source = init.source;
    this.addr = init.addr;
    this.err = init.err;
  }

  // Go: (*OpError).Timeout — asks the wrapped error (through a SyscallError).
  override timeout(): boolean {
    return isTimeout(this.err);
  }

  // Go: (*OpError).Temporary — a reset or aborted connection during accept counts as
  // temporary (Go issue 6163); otherwise the wrapped error decides. Go tests the bare errno;
  // ours always arrives inside a SyscallError, so the errno inside it is what we look at.
  override temporary(): boolean {
    if (this.op === 'accept') {
      const code = this.err instanceof SyscallError ? this.err.code : undefined;
      if (code === 'ECONNRESET' || code === 'ECONNABORTED') return true;
    }
    return isTemporary(this.err);
  }
}

// Go: syscall.Errno.Error — the texts Go prints for the errnos a socket program meets (Linux).
const errnoText: Record<string, string> = {
  EACCES: 'permission denied',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EAFNOSUPPORT: 'address family not supported by protocol',
  EAGAIN: 'resource temporarily unavailable',
  EALREADY: 'operation already in progress',
  EBADF: 'bad file descriptor',
  ECANCELED: 'operation canceled',
  ECONNABORTED: 'software caused connection abort',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EHOSTDOWN: 'host is down',
  EHOSTUNREACH: 'no route to host',
  EINPROGRESS: 'operation now in progress',
  EINTR: 'interrupted system call',
  EINVAL: 'invalid argument',
  EISCONN: 'transport endpoint is already connected',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
  ENETDOWN: 'network is down',
  ENETRESET: 'network dropped connection on reset',
  ENETUNREACH: 'network is unreachable',
  ENFILE: 'too many open files in system',
  ENOBUFS: 'no buffer space available',
  ENOENT: 'no such file or directory',
  ENOMEM: 'cannot allocate memory',
  ENOTCONN: 'transport endpoint is not connected',
  ENOTDIR: 'not a directory',
  ENOTSOCK: 'socket operation on non-socket',
  EPERM: 'operation not permitted',
  EPIPE: 'broken pipe',
  EPROTO: 'protocol error',
  ETIMEDOUT: 'connection timed out',
};

// Go: syscall.Errno.Timeout / Temporary.
const timeoutErrnos = new Set(['EAGAIN', 'EWOULDBLOCK', 'ETIMEDOUT']);
const temporaryErrnos = new Set(['EINTR', 'EMFILE', 'ENFILE']);

/** A Node system error as raised by `node:net` (`code`, `errno`, `syscall`). */
interface NodeSystemError extends Error {
  code?: string;
  errno?: number;
  syscall?: string;
}

/**
 * Go's `*os.SyscallError`: a failed system call and its errno, printed Go's way
 * (`connect: connection refused`, `read: connection reset by peer`). `code` is the errno name
 * Node reported (`ECONNREFUSED`); `cause` is Node's original error when there was one.
 */
export class SyscallError extends GoError {
  /** The system call as Go names it: `connect`, `read`, `write`, `accept4`, `bind`. */
  readonly syscall: string;
  /** Node's numeric errno (negative on Linux), when known. */
  readonly errno: number | undefined;

  /** `syscall` as Go names it, `code` the errno name (`ECONNRESET`). */
  constructor(syscall: string, code: string, options?: { errno?: number; cause?: unknown }) {
    super(code, `${syscall}: ${errnoMessage(code, options?.errno)}`, { cause: options?.cause });
    this.name = 'SyscallError';
    this.syscall = syscall;
    this.errno = options?.errno;
  }

  // Go: (*os.SyscallError).Timeout via syscall.Errno.Timeout.
  override timeout(): boolean {
    return timeoutErrnos.has(this.code);
  }

  // Go: syscall.Errno.Temporary — EINTR, EMFILE, ENFILE, or a timeout.
  override temporary(): boolean {
    return temporaryErrnos.has(this.code) || this.timeout();
  }
}

function errnoMessage(code: string, errno: number | undefined): string {
  const known = errnoText[code];
  if (known !== undefined) return known;
  if (errno !== undefined) {
    try {
      const m = getSystemErrorMessage(errno);
      // glibc capitalizes; Go's table is the same text in lower case.
      if (m !== '') return m.charAt(0).toLowerCase() + m.slice(1);
    } catch {
      // not a system errno: fall through
    }
  }
  return code;
}

// Node names some system calls differently from Go on Linux.
function goSyscall(nodeSyscall: string | undefined, code: string, fallback: string): string {
  switch (nodeSyscall) {
    case 'accept':
      return 'accept4';
    case 'writev':
    case 'writeBuffer':
    case 'writeUtf8String':
      return 'write';
    case 'listen':
      // libuv binds inside uv_listen's caller; Go reports these errnos from bind(2).
      return code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES'
        ? 'bind'
        : 'listen';
    case undefined:
    case '':
      return fallback;
    default:
      return nodeSyscall;
  }
}

/** @internal True when `err` looks like a Node system error (has an `E…` code). */
export function isSystemError(err: unknown): err is NodeSystemError {
  return (
    err instanceof Error &&
    typeof (err as NodeSystemError).code === 'string' &&
    /^E[A-Z0-9]+$/.test((err as NodeSystemError).code!)
  );
}

/**
 * @internal Turns a Node error into what Go would wrap in an OpError: a {@link SyscallError}
 * for system errors (syscall renamed the Go way, `fallback` when Node gave none), the error
 * itself otherwise.
 */
export function fromNodeError(err: unknown, fallback: string): unknown {
  if (!isSystemError(err)) return err;
  const code = err.code!;
  return new SyscallError(goSyscall(err.syscall, code, fallback), code, {
    errno: err.errno,
    cause: err,
  });
}

/**
 * Go's `*net.AddrError`: a malformed or unusable address (`address 1.2.3.4: missing port in
 * address`). Neither a timeout nor temporary.
 */
export class AddrError extends GoError {
  /** What is wrong, e.g. `missing port in address`. */
  readonly err: string;
  /** The offending address text (may be empty). */
  readonly addr: string;

  /** `err` is the problem, `addr` the offending text. */
  constructor(err: string, addr: string) {
    super('ERR_NET_ADDR', addr !== '' ? `address ${addr}: ${err}` : err);
    this.name = 'AddrError';
    this.err = err;
    this.addr = addr;
  }
  override timeout(): boolean {
    return false;
  }
  override temporary(): boolean {
    return false;
  }
}

/** Go's `net.UnknownNetworkError`: `unknown network foo`. */
export class UnknownNetworkError extends GoError {
  /** The network name that was asked for. */
  readonly network: string;

  /** `network` is the name that was asked for. */
  constructor(network: string) {
    super('ERR_NET_UNKNOWN_NETWORK', `unknown network ${network}`);
    this.name = 'UnknownNetworkError';
    this.network = network;
  }
  override timeout(): boolean {
    return false;
  }
  override temporary(): boolean {
    return false;
  }
}

/** Fields of a {@link DNSError}. */
export interface DNSErrorInit {
  /** Description, e.g. `no such host`, `unknown port`. */
  err: string;
  /** The name looked up (`example.invalid`, `tcp/abc`). */
  name: string;
  /** The server used, if known. */
  server?: string;
  /** The lookup timed out. */
  isTimeout?: boolean;
  /** The failure is known to be temporary. */
  isTemporary?: boolean;
  /** The name was not found. */
  isNotFound?: boolean;
  /** Node's original error, if any. */
  cause?: unknown;
}

/** Go's `*net.DNSError`: `lookup example.invalid: no such host`. */
export class DNSError extends GoError {
  /** Description, e.g. `no such host`. */
  readonly err: string;
  /** The name looked up. */
  readonly dnsName: string;
  /** The server used, or empty. */
  readonly server: string;
  /** The lookup timed out. */
  readonly isTimeout: boolean;
  /** The failure is known to be temporary. */
  readonly isTemporary: boolean;
  /** The name was not found. */
  readonly isNotFound: boolean;

  /** Builds the error and its Go message from `init`. */
  constructor(init: DNSErrorInit) {
    const server = init.server ?? '';
    super(
      'ERR_NET_DNS',
      `lookup ${init.name}${server !== '' ? ` on ${server}` : ''}: ${init.err}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = 'DNSError';
    this.err = init.err;
    this.dnsName = init.name;
    this.server = server;
    this.isTimeout = init.isTimeout ?? false;
    this.isTemporary = init.isTemporary ?? false;
    this.isNotFound = init.isNotFound ?? false;
  }
  override timeout(): boolean {
    return this.isTimeout;
  }
  override temporary(): boolean {
    return this.isTimeout || this.isTemporary;
  }
}

/** @internal Maps a failed `dns.lookup` to Go's DNSError. */
export function dnsErrorFromNode(err: unknown, host: string): DNSError {
  const code = isSystemError(err) || err instanceof Error ? (err as NodeSystemError).code : '';
  switch (code) {
    case 'ENOTFOUND':
    case 'ENODATA':
      return new DNSError({ err: 'no such host', name: host, isNotFound: true, cause: err });
    case 'EAI_AGAIN':
    case 'ETIMEOUT':
      return new DNSError({
        err: 'temporary failure in name resolution',
        name: host,
        isTemporary: true,
        isTimeout: code === 'ETIMEOUT',
        cause: err,
      });
    default:
      return new DNSError({ err: errText(err), name: host, cause: err });
  }
}
