// Go: (*http.Server).Serve's accept loop and onceCloseListener — shared here so the HTTP server
// (and anything else that serves a Listener) gets Go's behavior: temporary accept errors are
// logged and retried with a backoff of 5 ms doubling to 1 s, reset by the next success; any
// other error ends the loop; the listener is closed exactly once, whoever closes it.

import { isTemporary } from '@ka/io';
import type { Conn } from './conn.js';
import { ErrClosed } from './errors.js';
import { formatDuration } from './internal/duration.js';
import type { Listener } from './listen.js';

// Go: onceCloseListener — Close runs the inner Close once and repeats its outcome.
/**
 * A {@link Listener} whose `close()` runs the wrapped listener's close at most once; every call
 * returns that one outcome (Go's `onceCloseListener`, NET-14).
 */
export class OnceCloseListener<C extends Conn = Conn> implements Listener<C> {
  /** The wrapped listener. */
  readonly listener: Listener<C>;
  #closing: Promise<void> | undefined;

  /** Wraps `listener`. */
  constructor(listener: Listener<C>) {
    this.listener = listener;
  }

  /** Accepts from the wrapped listener. */
  accept(): Promise<C> {
    return this.listener.accept();
  }

  /** Closes the wrapped listener the first time; later calls share the first call's result. */
  close(): Promise<void> {
    this.#closing ??= this.listener.close();
    return this.#closing;
  }

  /** The wrapped listener's address. */
  addr(): ReturnType<Listener['addr']> {
    return this.listener.addr();
  }
}

/** Options of {@link serveListener}. */
export interface ServeListenerOptions {
  /** Where `http: Accept error: ...; retrying in 5ms` lines go (default: `console.error`). */
  log?: (msg: string) => void;
  /**
   * Go's `srv.shuttingDown()`: when true before the loop starts or after an accept error, the
   * loop ends with {@link closedError} instead of the accept error.
   */
  shuttingDown?: () => boolean;
  /** The error to end with when shutting down (the HTTP server passes `ErrServerClosed`; default {@link ErrClosed}). */
  closedError?: unknown;
  /** Aborting closes the listener; the loop then ends with the signal's reason. */
  signal?: AbortSignal;
  /** Sleeps between retries (tests replace it). Default: a timer, cut short by `signal`. */
  sleep?: (ms: number) => Promise<void>;
  /** Called once with the once-closing wrapper, before the first accept (to track or close it elsewhere). */
  onListener?: (l: OnceCloseListener) => void;
}

/** First delay after a temporary accept error (Go: 5 ms). */
export const acceptRetryFirstDelay = 5;
/** Longest delay between accept retries (Go: 1 s). */
export const acceptRetryMaxDelay = 1_000;

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The skeleton of Go's `(*http.Server).Serve`: accepts connections from `listener` forever and
 * calls `onConn(conn)` synchronously for each (start the per-connection task there; compute
 * anything slow, such as the remote address string, inside that task). Never resolves: it
 * rejects with the error that ended it, and the listener is closed (once) by then.
 *
 * @example
 * ```ts
 * serveListener(ln, (c) => spawn(serveConn(c)), { shuttingDown: () => closing, closedError: ErrServerClosed })
 *   .catch((err) => { if (!is(err, ErrServerClosed)) throw err; });
 * ```
 */
export async function serveListener<C extends Conn>(
  listener: Listener<C>,
  onConn: (conn: C) => void,
  options: ServeListenerOptions = {},
): Promise<never> {
  const l = listener instanceof OnceCloseListener ? listener : new OnceCloseListener(listener);
  const log = options.log ?? ((msg: string) => console.error(msg));
  const shuttingDown = options.shuttingDown ?? (() => false);
  const closedError = options.closedError ?? ErrClosed;
  const signal = options.signal;
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms, signal));
  const onAbort = () => {
    l.close().catch(() => {});
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    options.onListener?.(l as OnceCloseListener);
    // Go: trackListener refuses a server that is already shutting down (NET-15).
    if (shuttingDown()) throw closedError;
    if (signal?.aborted) throw signal.reason;
    let tempDelay = 0; // ms; 0 after a success
    for (;;) {
      let conn: C;
      try {
        conn = await l.accept();
      } catch (err) {
        if (shuttingDown()) throw closedError;
        if (signal?.aborted) throw signal.reason;
        if (isTemporary(err)) {
          tempDelay = tempDelay === 0 ? acceptRetryFirstDelay : tempDelay * 2;
          if (tempDelay > acceptRetryMaxDelay) tempDelay = acceptRetryMaxDelay;
          log(`http: Accept error: ${errText(err)}; retrying in ${formatDuration(tempDelay)}`);
          await sleep(tempDelay);
          continue;
        }
        throw err;
      }
      tempDelay = 0;
      onConn(conn);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Go: defer l.Close() — its error is not Serve's concern.
    await l.close().catch(() => {});
  }
}

function sleepFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
