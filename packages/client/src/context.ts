// Go: package context, the part the client needs — cancellation with a cause.
//
// A request's context is its AbortSignal. Go's errors for a finished context are
// `context canceled` and `context deadline exceeded`; an AbortSignal carries a `reason`
// instead. contextError maps one onto the other: the default reasons of `abort()` and
// `AbortSignal.timeout()` become Go's two sentinels, any other reason is the cause itself
// (Go's `context.WithCancelCause`).
import { isBackgroundSignal } from '@ka/http/internal';
import { GoError } from '@ka/io';
import { Latch } from './internal/sync.js';

// Go: context.deadlineExceededError — a timeout by nature.
class DeadlineExceededError extends GoError {
  constructor() {
    super('ERR_CONTEXT_DEADLINE_EXCEEDED', 'context deadline exceeded');
    this.name = 'DeadlineExceededError';
  }
  override timeout(): boolean {
    return true;
  }
  override temporary(): boolean {
    return true;
  }
}

function freeze<T extends GoError>(e: T): T {
  e.stack = `${e.name} [${e.code}]: ${e.message}`;
  return Object.freeze(e);
}

/** Go's `context.Canceled`: the request's signal was aborted. */
export const Canceled: GoError = freeze(new GoError('ERR_CONTEXT_CANCELED', 'context canceled'));

/** Go's `context.DeadlineExceeded`: the request's deadline passed. `timeout()` is true. */
export const DeadlineExceeded: GoError = freeze(new DeadlineExceededError());

/**
 * Go's `context.Cause` for an aborted signal: the default `abort()` reason is
 * {@link Canceled}, a `TimeoutError` (from `AbortSignal.timeout`) is {@link DeadlineExceeded},
 * any other reason is returned as is.
 */
export function contextError(reason: unknown): unknown {
  if (reason === undefined) return Canceled;
  if (reason instanceof Error) {
    if (reason.name === 'AbortError' && !(reason instanceof GoError)) return Canceled;
    if (reason.name === 'TimeoutError' && !(reason instanceof GoError)) return DeadlineExceeded;
  }
  return reason;
}

/**
 * Go: `context.WithCancelCause(parent)` — a child scope that ends when `parent` aborts (with
 * the parent's cause) or when {@link CancelScope.cancel} is called. Only one listener is put
 * on the parent, and it is removed when the scope ends; inside the package, waiters subscribe
 * to {@link CancelScope.done}.
 */
export class CancelScope {
  /** Fires with the cause when the scope ends (Go: `ctx.Done()` + `context.Cause`). */
  readonly done = new Latch<unknown>();
  #parent: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;
  #controller: AbortController | undefined;
  // The map the scope is registered in until it ends (see register), and its key there.
  #registry: Map<unknown, CancelScope> | undefined = undefined;
  #key: unknown = undefined;

  constructor(parent?: AbortSignal) {
    // A request made without a signal has one that never aborts: nothing to listen to.
    if (parent === undefined || isBackgroundSignal(parent)) return;
    if (parent.aborted) {
      this.done.fire(contextError(parent.reason));
      return;
    }
    this.#parent = parent;
    this.#onAbort = () => this.cancel(contextError(parent.reason));
    parent.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Whether the scope has ended. */
  get aborted(): boolean {
    return this.done.fired;
  }

  /** Why the scope ended (Go's `context.Cause`), or undefined while it lives. */
  get cause(): unknown {
    return this.done.value;
  }

  /** Ends the scope with `cause` (first call wins) and detaches from the parent. */
  cancel(cause: unknown): void {
    if (!this.done.fire(cause)) return;
    if (this.#parent !== undefined && this.#onAbort !== undefined) {
      this.#parent.removeEventListener('abort', this.#onAbort);
    }
    this.#parent = undefined;
    this.#onAbort = undefined;
    const registry = this.#registry;
    if (registry !== undefined) {
      if (registry.get(this.#key) === this) registry.delete(this.#key);
      this.#registry = undefined;
      this.#key = undefined;
    }
    this.#controller?.abort(cause);
  }

  /**
   * Puts the scope in `registry` under `key` until it ends, when it takes itself out (Go:
   * `prepareTransportCancel`, the map behind the legacy `Transport.CancelRequest`). A scope
   * that has ended already is not put in.
   */
  register<K>(registry: Map<K, CancelScope>, key: K): void {
    if (this.done.fired) return;
    registry.set(key, this);
    this.#registry = registry as Map<unknown, CancelScope>;
    this.#key = key;
  }

  /** An AbortSignal that aborts (with the cause as reason) when the scope ends. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.done.fired) this.#controller.abort(this.done.value);
    }
    return this.#controller.signal;
  }
}
