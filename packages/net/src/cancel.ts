// Go: context.WithCancel, for AbortSignal — a child signal that aborts with its parent or on
// cancel(), and stops listening to the parent as soon as it is done, so a long-lived parent
// (a server's base signal) does not collect one listener per request. AbortSignal.any is not
// used: it keeps its sources' listeners around as long as the composite signal lives.

/** A derived signal and the functions that end it. See {@link withCancel}. */
export interface CancelScope {
  /** Aborts when the parent aborts (with the parent's reason) or when {@link cancel} is called. */
  readonly signal: AbortSignal;
  /** Aborts {@link signal} with `reason` (default: an `AbortError`) and detaches from the parent. */
  cancel(reason?: unknown): void;
  /** Detaches from the parent without aborting; {@link signal} then only ends through cancel. */
  dispose(): void;
}

/**
 * Go's `context.WithCancel(parent)`: a child signal that follows `parent` and can be cancelled
 * on its own. Call `cancel()` or `dispose()` when the child's work is over.
 *
 * @example
 * ```ts
 * const { signal, cancel } = withCancel(server.signal);
 * try { await handle(req, { signal }); } finally { cancel(); }
 * ```
 */
export function withCancel(parent?: AbortSignal): CancelScope {
  const ac = new AbortController();
  let onAbort: (() => void) | undefined;
  const dispose = (): void => {
    if (onAbort !== undefined) {
      parent!.removeEventListener('abort', onAbort);
      onAbort = undefined;
    }
  };
  if (parent !== undefined) {
    if (parent.aborted) ac.abort(parent.reason);
    else {
      onAbort = () => {
        onAbort = undefined; // `once` already removed it
        ac.abort(parent.reason);
      };
      parent.addEventListener('abort', onAbort, { once: true });
    }
  }
  return {
    signal: ac.signal,
    cancel(reason?: unknown): void {
      dispose();
      if (reason === undefined) ac.abort();
      else ac.abort(reason);
    },
    dispose,
  };
}
