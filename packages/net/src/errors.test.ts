import { is, isTemporary, isTimeout } from '@ka/io';
import { describe, expect, test } from 'vitest';
import { TCPAddr, UnixAddr } from './addr.js';
import {
  AddrError,
  DNSError,
  ErrClosed,
  ErrDeadlineExceeded,
  errDialTimeout,
  errFromAbort,
  fromNodeError,
  OpError,
  SyscallError,
  UnknownNetworkError,
} from './errors.js';

const a = new TCPAddr('127.0.0.1', 5000);
const b = new TCPAddr('127.0.0.1', 6000);

function sysErr(code: string, syscall: string, errno?: number): Error {
  return Object.assign(new Error(`${syscall} ${code}`), { code, syscall, errno });
}

describe('OpError', () => {
  // Texts checked against go1.26 (small programs printing err.Error()).
  test.each([
    [
      { op: 'read', net: 'tcp', source: a, addr: b, err: ErrDeadlineExceeded },
      'read tcp 127.0.0.1:5000->127.0.0.1:6000: i/o timeout',
    ],
    [
      { op: 'accept', net: 'tcp', addr: a, err: ErrClosed },
      'accept tcp 127.0.0.1:5000: use of closed network connection',
    ],
    [
      {
        op: 'dial',
        net: 'tcp',
        addr: new TCPAddr('127.0.0.1', 1),
        err: new SyscallError('connect', 'ECONNREFUSED'),
      },
      'dial tcp 127.0.0.1:1: connect: connection refused',
    ],
    [
      {
        op: 'dial',
        net: 'tcp',
        source: new TCPAddr('127.0.0.1', 0),
        addr: new TCPAddr('127.0.0.1', 1),
        err: new SyscallError('connect', 'ECONNREFUSED'),
      },
      'dial tcp 127.0.0.1:0->127.0.0.1:1: connect: connection refused',
    ],
    [
      { op: 'dial', net: 'tcp', err: new AddrError('missing port in address', '127.0.0.1') },
      'dial tcp: address 127.0.0.1: missing port in address',
    ],
    [
      { op: 'dial', net: 'foo', err: new UnknownNetworkError('foo') },
      'dial foo: unknown network foo',
    ],
    [
      { op: 'dial', net: 'tcp', err: new DNSError({ err: 'unknown port', name: 'tcp/abc' }) },
      'dial tcp: lookup tcp/abc: unknown port',
    ],
    [{ op: 'read', net: 'pipe', err: ErrDeadlineExceeded }, 'read pipe: i/o timeout'],
    [
      {
        op: 'read',
        net: 'unix',
        source: new UnixAddr('@'),
        addr: new UnixAddr('/tmp/s'),
        err: ErrDeadlineExceeded,
      },
      'read unix @->/tmp/s: i/o timeout',
    ],
    [
      { op: 'set', net: 'tcp', addr: a, err: ErrClosed },
      'set tcp 127.0.0.1:5000: use of closed network connection',
    ],
    [
      {
        op: 'listen',
        net: 'tcp',
        addr: new TCPAddr('::1', 80),
        err: new SyscallError('bind', 'EADDRINUSE'),
      },
      'listen tcp [::1]:80: bind: address already in use',
    ],
  ])('message %#', (init, want) => {
    const e = new OpError(init);
    expect(e.message).toBe(want);
    expect(e.cause).toBe(init.err);
    expect(e.err).toBe(init.err);
  });

  test('NET-04 a deadline error is a timeout that wraps ErrDeadlineExceeded', () => {
    const e = new OpError({ op: 'read', net: 'tcp', source: a, addr: b, err: ErrDeadlineExceeded });
    expect(e.timeout()).toBe(true);
    expect(e.temporary()).toBe(true);
    expect(isTimeout(e)).toBe(true);
    expect(is(e, ErrDeadlineExceeded)).toBe(true);
    expect(is(e, ErrClosed)).toBe(false);
  });

  test('NET-02 a closed error is neither timeout nor temporary', () => {
    const e = new OpError({ op: 'accept', net: 'tcp', addr: a, err: ErrClosed });
    expect(e.timeout()).toBe(false);
    expect(e.temporary()).toBe(false);
    expect(is(e, ErrClosed)).toBe(true);
  });

  // Go: syscall.Errno.Temporary (EINTR, EMFILE, ENFILE, timeouts) plus OpError's rule that a
  // reset or aborted connection during accept is temporary.
  test.each([
    [
      'accept',
      'accept4',
      'EMFILE',
      true,
      false,
      'accept tcp 127.0.0.1:5000: accept4: too many open files',
    ],
    [
      'accept',
      'accept4',
      'ENFILE',
      true,
      false,
      'accept tcp 127.0.0.1:5000: accept4: too many open files in system',
    ],
    [
      'accept',
      'accept4',
      'ECONNABORTED',
      true,
      false,
      'accept tcp 127.0.0.1:5000: accept4: software caused connection abort',
    ],
    [
      'accept',
      'accept4',
      'ECONNRESET',
      true,
      false,
      'accept tcp 127.0.0.1:5000: accept4: connection reset by peer',
    ],
    [
      'accept',
      'accept4',
      'EINTR',
      true,
      false,
      'accept tcp 127.0.0.1:5000: accept4: interrupted system call',
    ],
    [
      'accept',
      'accept4',
      'EINVAL',
      false,
      false,
      'accept tcp 127.0.0.1:5000: accept4: invalid argument',
    ],
    [
      'read',
      'read',
      'ECONNRESET',
      false,
      false,
      'read tcp 127.0.0.1:5000: read: connection reset by peer',
    ],
    [
      'read',
      'read',
      'ETIMEDOUT',
      true,
      true,
      'read tcp 127.0.0.1:5000: read: connection timed out',
    ],
    [
      'read',
      'read',
      'EAGAIN',
      true,
      true,
      'read tcp 127.0.0.1:5000: read: resource temporarily unavailable',
    ],
  ])('NET-12 %s %s %s: temporary=%s timeout=%s', (op, syscall, code, temp, timeout, text) => {
    const e = new OpError({ op, net: 'tcp', addr: a, err: new SyscallError(syscall, code) });
    expect(e.message).toBe(text);
    expect(e.temporary()).toBe(temp);
    expect(isTemporary(e)).toBe(temp);
    expect(e.timeout()).toBe(timeout);
  });
});

describe('SyscallError from Node errors', () => {
  test.each([
    [sysErr('ECONNREFUSED', 'connect', -111), 'connect', 'connect: connection refused'],
    [sysErr('ECONNRESET', 'read', -104), 'read', 'read: connection reset by peer'],
    [sysErr('EPIPE', 'write', -32), 'write', 'write: broken pipe'],
    [sysErr('EPIPE', 'writev', -32), 'write', 'write: broken pipe'],
    [sysErr('EMFILE', 'accept', -24), 'accept4', 'accept4: too many open files'],
    [sysErr('EADDRINUSE', 'listen', -98), 'bind', 'bind: address already in use'],
    [sysErr('EADDRNOTAVAIL', 'listen', -99), 'bind', 'bind: cannot assign requested address'],
    [sysErr('ENOENT', 'connect', -2), 'connect', 'connect: no such file or directory'],
    [sysErr('ETIMEDOUT', 'connect', -110), 'connect', 'connect: connection timed out'],
    [sysErr('EHOSTUNREACH', 'connect', -113), 'connect', 'connect: no route to host'],
    // Not in the table: the system's message, lower-cased like Go's.
    [sysErr('EMSGSIZE', 'write', -90), 'write', 'write: message too long'],
  ])('%s', (nodeErr, syscall, text) => {
    const e = fromNodeError(nodeErr, 'x') as SyscallError;
    expect(e).toBeInstanceOf(SyscallError);
    expect(e.syscall).toBe(syscall);
    expect(e.message).toBe(text);
    expect(e.code).toBe((nodeErr as Error & { code: string }).code);
    expect(e.cause).toBe(nodeErr);
  });

  test('non-system errors pass through', () => {
    const e = new Error('boom');
    expect(fromNodeError(e, 'read')).toBe(e);
  });
});

describe('dial-side errors', () => {
  test('a dial timeout is a timeout but not ErrDeadlineExceeded (as in Go)', () => {
    const e = new OpError({ op: 'dial', net: 'tcp', addr: a, err: errDialTimeout() });
    expect(e.message).toBe('dial tcp 127.0.0.1:5000: i/o timeout');
    expect(e.timeout()).toBe(true);
    expect(is(e, ErrDeadlineExceeded)).toBe(false);
  });

  test('an abort maps to operation was canceled, keeping the reason', () => {
    const reason = new Error('stop');
    const e = new OpError({ op: 'dial', net: 'tcp', addr: a, err: errFromAbort(reason) });
    expect(e.message).toBe('dial tcp 127.0.0.1:5000: operation was canceled');
    expect(e.timeout()).toBe(false);
    expect(is(e, reason)).toBe(true);
  });

  test('a TimeoutError reason maps to i/o timeout', () => {
    const reason = new DOMException('signal timed out', 'TimeoutError');
    const e = errFromAbort(reason);
    expect(e.message).toBe('i/o timeout');
    expect(e.timeout()).toBe(true);
  });

  test('DNSError', () => {
    const e = new DNSError({ err: 'no such host', name: 'x.invalid', isNotFound: true });
    expect(e.message).toBe('lookup x.invalid: no such host');
    expect(new DNSError({ err: 'x', name: 'h', server: '127.0.0.53:53' }).message).toBe(
      'lookup h on 127.0.0.53:53: x',
    );
    expect(new DNSError({ err: 'x', name: 'h', isTimeout: true }).temporary()).toBe(true);
  });
});
