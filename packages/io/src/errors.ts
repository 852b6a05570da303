// Go-shaped errors for TypeScript.
//
// Go distinguishes sentinel values (`io.EOF`, `net.ErrClosed`), compared by identity, from
// error types (`*net.OpError`), matched by type; wrapping is `Unwrap`. Here a sentinel is a
// frozen `GoError` instance with a stable `code`, an error type is a class, and wrapping is
// the standard `cause` property. `is` / `as` walk the `cause` chain the way Go's
// `errors.Is` / `errors.As` walk `Unwrap`.
//
// Identity must survive two copies of a package in one process (a dependency duplicated by
// the package manager): sentinels are therefore compared by `code`, and error classes carry
// a `Symbol.for` marker so `instanceof`-free checks still work across copies.

const KA_ERROR = Symbol.for('ka.error');

/** Options accepted by {@link GoError}. */
export interface GoErrorOptions {
  /** The wrapped error, exposed as `cause` (Go's `Unwrap`). */
  cause?: unknown;
}

/**
 * Base class of every error ka raises. `code` is stable across releases and across copies of
 * the package; `message` is Go's error text, exactly.
 */
export class GoError extends Error {
  /** Stable machine-readable code, e.g. `ERR_CLOSED`. */
  readonly code: string;
  /** Marker that survives two copies of `@ka/io` in one process. */
  readonly [KA_ERROR] = true;

  constructor(code: string, message: string, options?: GoErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = 'GoError';
  }

  /** Go's `net.Error.Timeout()`; false unless a subclass or a wrapped error says otherwise. */
  timeout(): boolean {
    return isTimeout(this.cause);
  }

  /** Go's deprecated `net.Error.Temporary()`; used only by the accept loop's backoff. */
  temporary(): boolean {
    return isTemporary(this.cause);
  }
}

/** True when `err` is an error created by any copy of ka. */
export function isGoError(err: unknown): err is GoError {
  return (
    typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[KA_ERROR] === true
  );
}

/**
 * A sentinel: one shared error value, as Go's package-level `var ErrX = errors.New(...)`.
 * Compare with {@link is}, never with `===` against a copy from another package instance.
 *
 * @example
 * ```ts
 * export const ErrShortWrite = sentinel('ERR_SHORT_WRITE', 'short write');
 * ```
 */
export function sentinel(code: string, message: string): GoError {
  const e = new GoError(code, message);
  // A sentinel is a value, not a throw site: its stack is noise.
  e.stack = `${e.name} [${code}]: ${message}`;
  return Object.freeze(e);
}

/**
 * Go's `errors.Is`: true when `err` or any error in its `cause` chain is `target` (same object,
 * or a ka error with the same `code` when `target` is a sentinel). Also honours a
 * `is(target)` method on a link of the chain, as Go's `Is` method.
 */
export function is(err: unknown, target: unknown): boolean {
  for (let e = err, depth = 0; e != null && depth < 100; depth++) {
    if (e === target) return true;
    if (isGoError(e) && isGoError(target) && Object.isFrozen(target) && e.code === target.code) {
      return true;
    }
    const m = (e as { is?: unknown }).is;
    if (typeof m === 'function' && (m as (t: unknown) => boolean).call(e, target)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Go's `errors.As`: the first error in the `cause` chain that is an instance of `ctor`, or
 * `undefined`.
 */
export function as<T>(err: unknown, ctor: abstract new (...args: never[]) => T): T | undefined {
  for (let e = err, depth = 0; e != null && depth < 100; depth++) {
    if (e instanceof ctor) return e as T;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** True when `err` (or its chain) reports a timeout, like Go's `net.Error.Timeout()`. */
export function isTimeout(err: unknown): boolean {
  if (err == null || typeof err !== 'object') return false;
  const t = (err as { timeout?: unknown }).timeout;
  if (typeof t === 'function') return Boolean((t as () => boolean).call(err));
  return isTimeout((err as { cause?: unknown }).cause);
}

/** True when `err` (or its chain) reports a temporary condition (`Temporary()` in Go). */
export function isTemporary(err: unknown): boolean {
  if (err == null || typeof err !== 'object') return false;
  const t = (err as { temporary?: unknown }).temporary;
  if (typeof t === 'function') return Boolean((t as () => boolean).call(err));
  return isTemporary((err as { cause?: unknown }).cause);
}

// Go: io package sentinels.

/** Go's `io.EOF`. ka's readers signal EOF by returning `null`; this value exists for APIs that must throw it. */
export const EOF = sentinel('ERR_EOF', 'EOF');
/** Go's `io.ErrUnexpectedEOF`: EOF in the middle of a fixed-size block or structure. */
export const ErrUnexpectedEOF = sentinel('ERR_UNEXPECTED_EOF', 'unexpected EOF');
/** Go's `io.ErrShortWrite`: a write accepted fewer bytes than requested without an error. */
export const ErrShortWrite = sentinel('ERR_SHORT_WRITE', 'short write');
/** Go's `io.ErrShortBuffer`: a read needed a larger buffer than was provided. */
export const ErrShortBuffer = sentinel('ERR_SHORT_BUFFER', 'short buffer');
/** Go's `io.ErrNoProgress`: a reader returned no data and no error many times in a row. */
export const ErrNoProgress = sentinel(
  'ERR_NO_PROGRESS',
  'multiple Read calls return no data or error',
);
/** Go's `io.ErrClosedPipe`: read or write on a closed pipe. */
export const ErrClosedPipe = sentinel('ERR_CLOSED_PIPE', 'io: read/write on closed pipe');

// Go: bufio package sentinels.

/** Go's `bufio.ErrBufferFull`: `peek`/`readSlice` asked for more than the buffer holds. */
export const ErrBufferFull = sentinel('ERR_BUFFER_FULL', 'bufio: buffer full');
/** Go's `bufio.ErrNegativeCount`: a negative count was passed. */
export const ErrNegativeCount = sentinel('ERR_NEGATIVE_COUNT', 'bufio: negative count');
/** Go's `bufio.ErrInvalidUnreadByte`: `unreadByte` not right after a read. */
export const ErrInvalidUnreadByte = sentinel(
  'ERR_INVALID_UNREAD_BYTE',
  'bufio: invalid use of UnreadByte',
);
/** Go's `bufio.ErrNegativeRead`: a reader returned a negative count. */
export const ErrNegativeRead = sentinel(
  'ERR_NEGATIVE_READ',
  'bufio: reader returned negative count from Read',
);
