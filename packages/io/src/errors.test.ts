import { describe, expect, it } from 'vitest';
import {
  as,
  EOF,
  ErrUnexpectedEOF,
  GoError,
  is,
  isGoError,
  isTemporary,
  isTimeout,
  sentinel,
} from './errors.js';

class TimeoutError extends GoError {
  constructor() {
    super('ERR_TEST_TIMEOUT', 'i/o timeout');
  }
  override timeout(): boolean {
    return true;
  }
}

describe('errors', () => {
  it('sentinels carry Go texts and stable codes', () => {
    expect(EOF.message).toBe('EOF');
    expect(ErrUnexpectedEOF.message).toBe('unexpected EOF');
    expect(ErrUnexpectedEOF.code).toBe('ERR_UNEXPECTED_EOF');
    expect(Object.isFrozen(EOF)).toBe(true);
  });

  it('is walks the cause chain like errors.Is walks Unwrap', () => {
    const wrapped = new GoError('ERR_OUTER', 'outer: unexpected EOF', {
      cause: new Error('mid', { cause: ErrUnexpectedEOF }),
    });
    expect(is(wrapped, ErrUnexpectedEOF)).toBe(true);
    expect(is(wrapped, EOF)).toBe(false);
    expect(is(null, EOF)).toBe(false);
    expect(is(ErrUnexpectedEOF, ErrUnexpectedEOF)).toBe(true);
  });

  it('a sentinel from another copy of the package matches by code', () => {
    // Two copies of @ka/io in one process each create their own sentinel object.
    const otherCopy = sentinel('ERR_UNEXPECTED_EOF', 'unexpected EOF');
    expect(otherCopy).not.toBe(ErrUnexpectedEOF);
    expect(is(new Error('x', { cause: otherCopy }), ErrUnexpectedEOF)).toBe(true);
    // A non-sentinel with the same code is not the sentinel itself being matched as target.
    expect(is(ErrUnexpectedEOF, new GoError('ERR_UNEXPECTED_EOF', 'x'))).toBe(false);
  });

  it('is honours an is(target) method on a link, like Go Is methods', () => {
    const target = new Error('target');
    const e = { is: (t: unknown) => t === target };
    expect(is(e, target)).toBe(true);
  });

  it('as finds the first instance of a class in the chain', () => {
    const inner = new TimeoutError();
    const outer = new Error('outer', { cause: inner });
    expect(as(outer, TimeoutError)).toBe(inner);
    expect(as(outer, RangeError)).toBeUndefined();
  });

  it('timeout and temporary look through causes', () => {
    const outer = new GoError('ERR_OUTER', 'read: i/o timeout', { cause: new TimeoutError() });
    expect(outer.timeout()).toBe(true);
    expect(isTimeout(outer)).toBe(true);
    expect(isTemporary(outer)).toBe(false);
    expect(isTimeout(new Error('plain'))).toBe(false);
  });

  it('isGoError recognises ka errors by a Symbol.for marker', () => {
    expect(isGoError(EOF)).toBe(true);
    expect(isGoError(new Error('x'))).toBe(false);
    expect(isGoError({ [Symbol.for('ka.error')]: true })).toBe(true);
  });

  it('a cycle in cause does not hang is()', () => {
    const a: { cause?: unknown } = {};
    const b = { cause: a };
    a.cause = b;
    expect(is(a, EOF)).toBe(false);
  });
});
