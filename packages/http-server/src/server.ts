// Go: http.Server — Serve's accept loop, the connection registry, Shutdown and Close.

import type { TlsOptions } from 'node:tls';
import type { Request } from '@ka/http';
import { copyN, Discard, is } from '@ka/io';
import { type Conn, type ListenConfig, type Listener, listen, serveListener } from '@ka/net';
import { ServerConn } from './conn.js';
import { ConnState } from './conn-state.js';
import { ErrServerClosed } from './errors.js';
import { type Handler, type HandlerLike, toHandler } from './handler.js';
import type { Response } from './response-writer.js';

/** Go's `http.DefaultMaxHeaderBytes`: 1 MiB. */
export const DefaultMaxHeaderBytes = 1 << 20;
/** Go's `shutdownPollIntervalMax`. */
export const shutdownPollIntervalMax = 500;

/** Options for {@link Server}; durations in milliseconds, 0 meaning what Go's zero means. */
export interface ServerOptions {
  /** Serves every request. Required (Go falls back to DefaultServeMux; ka has none). */
  handler: HandlerLike;
  /** Address for {@link Server.listenAndServe}; default `:http` → `:80`. */
  addr?: string;
  /** Whole-request read limit, head and body (Go's `ReadTimeout`). */
  readTimeout?: number;
  /** Header read limit; 0 falls back to `readTimeout` (Go's `ReadHeaderTimeout`). */
  readHeaderTimeout?: number;
  /** Response write limit, from the end of the request head (Go's `WriteTimeout`). */
  writeTimeout?: number;
  /** Wait for the next request on a keep-alive conn; 0 falls back to `readTimeout`. */
  idleTimeout?: number;
  /** Request head limit in bytes; 0 = {@link DefaultMaxHeaderBytes} (Go adds 4096 of slop). */
  maxHeaderBytes?: number;
  /** Called on every connection state change (Go's `ConnState`). */
  connState?: (conn: Conn, state: ConnState) => void;
  /** Where the server logs; default `console.error` (Go's `ErrorLog`). */
  errorLog?: (message: string) => void;
  /** Answer `OPTIONS *` with the handler instead of Go's built-in 200 (Go's field of that name). */
  disableGeneralOptionsHandler?: boolean;
  /** Listener options for {@link Server.listenAndServe}. */
  listenConfig?: ListenConfig;
  /**
   * Go's `BaseContext`: the root signal of every connection accepted on `l`; aborting it
   * aborts the signals of all their requests. Must return a signal (Go panics on nil).
   */
  baseSignal?: (l: Listener) => AbortSignal;
  /**
   * Go's `ConnContext`: derives the signal of one connection from the base signal. Must
   * return a signal.
   */
  connSignal?: (base: AbortSignal, conn: Conn) => AbortSignal;
}

// The `context.Background()` of connections when no baseSignal is given: never aborts.
const background: AbortSignal = new AbortController().signal;

/**
 * Go's `http.Server`: HTTP/1.1 with Go's keep-alive rules, timeouts, graceful shutdown and
 * connection-state hooks.
 *
 * @example
 * ```ts
 * import { Server } from '@ka/http-server';
 * import { listen } from '@ka/net';
 *
 * const srv = new Server({
 *   handler: (w, r) => { w.write(`hello ${r.url.path}\n`); },
 *   readHeaderTimeout: 5_000,
 *   idleTimeout: 60_000,
 * });
 * const ln = await listen('tcp', '127.0.0.1:0');
 * srv.serve(ln).catch(() => {}); // rejects with ErrServerClosed after shutdown
 * // ...
 * await srv.shutdown();
 * ```
 */
export class Server {
  handler: Handler;
  addr: string;
  readTimeout: number;
  readHeaderTimeout: number;
  writeTimeout: number;
  idleTimeout: number;
  maxHeaderBytes: number;
  connState: ((conn: Conn, state: ConnState) => void) | undefined;
  errorLog: (message: string) => void;
  disableGeneralOptionsHandler: boolean;
  listenConfig: ListenConfig | undefined;
  baseSignal: ((l: Listener) => AbortSignal) | undefined;
  connSignal: ((base: AbortSignal, conn: Conn) => AbortSignal) | undefined;

  #inShutdown = false;
  #disableKeepAlives = false;
  readonly #listeners = new Set<Listener>();
  readonly #serving = new Set<Promise<unknown>>();
  // Go's activeConn map, as an intrusive list through the conns (no hashing per connection).
  #activeConn: ServerConn | null = null;
  readonly #onShutdown: (() => void)[] = [];
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(options: ServerOptions) {
    this.handler = toHandler(options.handler);
    this.addr = options.addr ?? '';
    this.readTimeout = options.readTimeout ?? 0;
    this.readHeaderTimeout = options.readHeaderTimeout ?? 0;
    this.writeTimeout = options.writeTimeout ?? 0;
    this.idleTimeout = options.idleTimeout ?? 0;
    this.maxHeaderBytes = options.maxHeaderBytes ?? 0;
    this.connState = options.connState;
    this.errorLog = options.errorLog ?? ((m) => console.error(m));
    this.disableGeneralOptionsHandler = options.disableGeneralOptionsHandler ?? false;
    this.listenConfig = options.listenConfig;
    this.baseSignal = options.baseSignal;
    this.connSignal = options.connSignal;
  }

  /** Logs through `errorLog` (Go's `logf`). */
  logf(message: string): void {
    this.errorLog(message);
  }

  // Go: (*Server).maxHeaderBytes / initialReadLimitSize
  /** @internal */
  initialReadLimitSize(): number {
    return (this.maxHeaderBytes > 0 ? this.maxHeaderBytes : DefaultMaxHeaderBytes) + 4096;
  }
  /** @internal Go's `idleTimeout()`: IdleTimeout, else ReadTimeout. */
  idleTimeoutOrRead(): number {
    return this.idleTimeout !== 0 ? this.idleTimeout : this.readTimeout;
  }
  /** @internal Go's `readHeaderTimeout()`: ReadHeaderTimeout, else ReadTimeout. */
  readHeaderTimeoutOrRead(): number {
    return this.readHeaderTimeout !== 0 ? this.readHeaderTimeout : this.readTimeout;
  }
  /** @internal Go's `doKeepAlives`. */
  doKeepAlives(): boolean {
    return !this.#disableKeepAlives && !this.#inShutdown;
  }
  /** @internal Go's `shuttingDown`. */
  shuttingDown(): boolean {
    return this.#inShutdown;
  }

  /** @internal A timer the server owns, cleared by `close`. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        resolve();
      }, ms);
      this.#timers.add(t);
    });
  }

  // Go: serverHandler.ServeHTTP — `OPTIONS *` gets Go's global handler unless disabled.
  // Returns what the handler returned (a Promise to wait for, or not).
  /** @internal */
  serveRequest(w: Response, req: Request): unknown {
    if (!this.disableGeneralOptionsHandler && req.requestURI === '*' && req.method === 'OPTIONS') {
      // Go: globalOptionsHandler — Content-Length: 0, and drain a small body.
      w.header().set('Content-Length', '0');
      if (req.contentLength !== 0) {
        return copyN(Discard, req.body, 4 << 10).catch(() => 0);
      }
      return undefined;
    }
    return this.handler.serveHttp(w, req);
  }

  // Go: (*Server).trackConn
  /** @internal */
  trackConn(c: ServerConn, add: boolean): void {
    if (add) {
      if (c.trackPrev !== null || this.#activeConn === c) return; // tracked already
      c.trackNext = this.#activeConn;
      if (this.#activeConn !== null) this.#activeConn.trackPrev = c;
      this.#activeConn = c;
      return;
    }
    if (c.trackPrev === null && this.#activeConn !== c) return; // not tracked
    if (c.trackPrev !== null) c.trackPrev.trackNext = c.trackNext;
    else this.#activeConn = c.trackNext;
    if (c.trackNext !== null) c.trackNext.trackPrev = c.trackPrev;
    c.trackPrev = null;
    c.trackNext = null;
  }

  /**
   * Go's `(*Server).Serve`: accepts connections on `l` and serves each in its own task.
   * Always rejects: with {@link ErrServerClosed} after `shutdown`/`close`, else with the
   * listener's error. The listener is closed when it returns.
   */
  serve(l: Listener): Promise<never> {
    const p = this.#serve(l);
    this.#serving.add(p);
    const done = () => this.#serving.delete(p);
    p.then(done, done);
    return p;
  }

  async #serve(l: Listener): Promise<never> {
    if (this.#inShutdown) {
      await l.close().catch(() => {});
      throw ErrServerClosed;
    }
    let tracked: Listener | null = null;
    // Go: BaseContext is asked once per Serve, ConnContext once per accepted conn; a missing
    // value is a programming error there (a panic) and makes serve reject here.
    const base = this.baseSignal !== undefined ? this.baseSignal(l) : background;
    if (!(base instanceof AbortSignal)) throw new TypeError('BaseContext returned a nil context');
    let hookErr: unknown;
    try {
      return await serveListener(
        l,
        (rwc) => {
          let parent = base;
          if (this.connSignal !== undefined) {
            const s = this.connSignal(base, rwc);
            if (!(s instanceof AbortSignal)) {
              hookErr = new TypeError('ConnContext returned nil');
              void rwc.close().catch(() => {});
              void tracked?.close().catch(() => {});
              return;
            }
            parent = s;
          }
          // The background signal never aborts: nothing to follow (and no listener on it
          // per connection).
          const c = new ServerConn(this, rwc, parent === background ? undefined : parent);
          c.setState(ConnState.StateNew, true); // before serve can return
          void c.serve();
        },
        {
          log: (m) => this.logf(m),
          shuttingDown: () => this.#inShutdown,
          closedError: ErrServerClosed,
          // Go: trackListener — shutdown closes the once-closing wrapper Serve also closes.
          onListener: (ol) => {
            tracked = ol;
            this.#listeners.add(ol);
          },
        },
      );
    } catch (err) {
      if (hookErr !== undefined) throw hookErr;
      if (this.#inShutdown) throw ErrServerClosed;
      throw err;
    } finally {
      if (tracked !== null) this.#listeners.delete(tracked);
    }
  }

  /**
   * Go's `ListenAndServe`: listens on TCP `addr` (default `:80`) and serves. Rejects like
   * {@link Server.serve}.
   */
  async listenAndServe(): Promise<never> {
    if (this.#inShutdown) throw ErrServerClosed;
    let addr = this.addr;
    if (addr === '') addr = ':http';
    const ln = await listen('tcp', addr, this.listenConfig);
    return this.serve(ln);
  }

  /**
   * Go's `ListenAndServeTLS`: like {@link Server.listenAndServe} (default `:443`) over TLS
   * with `tls` (`cert`, `key`, … for `node:tls`). Keep-alive works the same inside TLS. To
   * serve TLS on a listener of your own, make it with `listen('tcp', addr, { tls })` and pass
   * it to {@link Server.serve}.
   */
  async listenAndServeTls(tls: TlsOptions): Promise<never> {
    if (this.#inShutdown) throw ErrServerClosed;
    const addr = this.addr === '' ? ':https' : this.addr;
    const ln = await listen('tcp', addr, {
      ...this.listenConfig,
      tls,
      onTlsError: (err) => this.logf(`http: TLS handshake error: ${err.message}`),
    });
    return this.serve(ln);
  }

  /**
   * Go's `(*Server).Close`: closes listeners and every connection now, hijacked ones
   * excepted. Does not wait for handlers.
   */
  async close(): Promise<void> {
    this.#inShutdown = true;
    const err = await this.#closeListeners();
    await this.#drainServing();
    for (let c = this.#activeConn; c !== null; ) {
      const next = c.trackNext;
      void c.rwc.close().catch(() => {});
      this.trackConn(c, false);
      c = next;
    }
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (err !== undefined) throw err;
  }

  /**
   * Go's `(*Server).Shutdown`: stops accepting, closes idle connections, then waits until
   * every connection has gone idle and is closed (in-flight responses finish, with
   * `Connection: close`). Polls from 1 ms up to every 500 ms. A connection that has sent
   * nothing for 5 s counts as idle. Rejects with the signal's reason if `signal` aborts first;
   * hijacked connections are not waited for.
   */
  async shutdown(options: { signal?: AbortSignal } = {}): Promise<void> {
    this.#inShutdown = true;
    const lnErr = await this.#closeListeners();
    for (const f of this.#onShutdown) queueMicrotask(f);
    await this.#drainServing();

    const { signal } = options;
    let pollBase = 1;
    const nextPoll = () => {
      const interval = pollBase + Math.random() * (pollBase / 10);
      pollBase = Math.min(pollBase * 2, shutdownPollIntervalMax);
      return interval;
    };
    for (;;) {
      if (this.#closeIdleConns()) {
        if (lnErr !== undefined) throw lnErr;
        return;
      }
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          clearTimeout(t);
          reject(signal!.reason);
        };
        const t = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, nextPoll());
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  /** Go's `RegisterOnShutdown`: `f` runs (in its own task) when `shutdown` starts. */
  registerOnShutdown(f: () => void): void {
    this.#onShutdown.push(f);
  }

  /**
   * Go's `SetKeepAlivesEnabled`. Disabling closes idle connections and makes every response
   * end its connection.
   */
  setKeepAlivesEnabled(v: boolean): void {
    this.#disableKeepAlives = !v;
    if (!v) this.#closeIdleConns();
  }

  // Go: (*Server).closeIdleConns — close idle conns; report whether none are left busy.
  #closeIdleConns(): boolean {
    let quiescent = true;
    const nowSec = Math.floor(Date.now() / 1000);
    for (let c = this.#activeConn, next = c?.trackNext ?? null; c !== null; c = next) {
      next = c.trackNext;
      let st = c.state;
      // A new conn that has not sent a request for over 5 s counts as idle (Go issue 22682).
      if (st === ConnState.StateNew && c.stateUnixSec < nowSec - 5) st = ConnState.StateIdle;
      if (st !== ConnState.StateIdle || c.stateUnixSec === 0) {
        quiescent = false;
        continue;
      }
      void c.rwc.close().catch(() => {});
      this.trackConn(c, false);
    }
    return quiescent;
  }

  async #closeListeners(): Promise<unknown> {
    let first: unknown;
    for (const l of this.#listeners) {
      try {
        await l.close();
      } catch (err) {
        first ??= err;
      }
    }
    return first;
  }

  async #drainServing(): Promise<void> {
    // Go waits on listenerGroup: every Serve has seen its listener close.
    await Promise.allSettled([...this.#serving]);
  }
}

/** True when `err` is {@link ErrServerClosed} (a convenience for `serve().catch`). */
export function isServerClosed(err: unknown): boolean {
  return is(err, ErrServerClosed);
}
