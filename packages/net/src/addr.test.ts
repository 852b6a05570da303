import { describe, expect, test } from 'vitest';
import { joinHostPort, parsePort, splitHostPort, TCPAddr, UnixAddr, unmapIPv4 } from './addr.js';
import { AddrError } from './errors.js';

describe('splitHostPort', () => {
  // Go 1.26's answers, recorded from net.SplitHostPort.
  test.each([
    ['127.0.0.1:80', '127.0.0.1', '80'],
    ['127.0.0.1:abc', '127.0.0.1', 'abc'],
    ['[::1]:80x', '::1', '80x'],
    [':80', '', '80'],
    ['[::1%eth0]:80', '::1%eth0', '80'],
    ['[127.0.0.1]:80', '127.0.0.1', '80'],
    ['host:', 'host', ''],
  ])('%s', (in_, host, port) => {
    expect(splitHostPort(in_)).toEqual([host, port]);
  });

  test.each([
    ['127.0.0.1', 'address 127.0.0.1: missing port in address'],
    ['[::1]', 'address [::1]: missing port in address'],
    ['::1:80', 'address ::1:80: too many colons in address'],
    ['a:b:c', 'address a:b:c: too many colons in address'],
    ['[a]b:80', 'address [a]b:80: missing port in address'],
    ['[a:80', "address [a:80: missing ']' in address"],
    ['a]:80', "address a]:80: unexpected ']' in address"],
    ['[a]:80]', "address [a]:80]: unexpected ']' in address"],
    ['a[b:80', "address a[b:80: unexpected '[' in address"],
    ['', 'missing port in address'],
  ])('%s fails', (in_, text) => {
    let err: unknown;
    try {
      splitHostPort(in_);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AddrError);
    expect((err as Error).message).toBe(text);
  });
});

test('joinHostPort brackets hosts with colons', () => {
  expect(joinHostPort('::1', '80')).toBe('[::1]:80');
  expect(joinHostPort('h', '80')).toBe('h:80');
  expect(joinHostPort('fe80::1%eth0', '80')).toBe('[fe80::1%eth0]:80');
});

test('TCPAddr and UnixAddr print like Go', () => {
  expect(new TCPAddr('127.0.0.1', 80).toString()).toBe('127.0.0.1:80');
  expect(`${new TCPAddr('::1', 80)}`).toBe('[::1]:80');
  expect(`${new TCPAddr('', 1)}`).toBe(':1');
  expect(`${new TCPAddr('fe80::1', 1, 'eth0')}`).toBe('[fe80::1%eth0]:1');
  expect(new TCPAddr('::', 1).network()).toBe('tcp');
  expect(`${new UnixAddr('/tmp/s')}`).toBe('/tmp/s');
  expect(new UnixAddr('/tmp/s').network()).toBe('unix');
  expect(unmapIPv4('::ffff:127.0.0.1')).toBe('127.0.0.1');
  expect(unmapIPv4('::1')).toBe('::1');
});

test('parsePort follows Go LookupPort', () => {
  expect(parsePort('')).toBe(0);
  expect(parsePort('80')).toBe(80);
  expect(parsePort('+80')).toBe(80);
  expect(parsePort('http')).toBe(80);
  expect(parsePort('HTTPS')).toBe(443);
  expect(parsePort('abc')).toEqual({ unknownService: 'abc' });
  expect(() => parsePort('99999')).toThrow('address 99999: invalid port');
  expect(() => parsePort('-1')).toThrow('address -1: invalid port');
});
