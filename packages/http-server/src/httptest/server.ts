// Go: httptest.Server (net/http/httptest/server.go) — a real HTTP server on a loopback port
// for end-to-end tests, which tracks its connections through the ConnState hook so that
// close() can drop the idle ones and wait for the busy ones.
import { type Conn, type Listener, listen } from '@ka/net';
import { ConnState, connStateString } from '../conn-state.js';
import type { HandlerLike } from '../handler.js';
import { Server as HttpServer } from '../server.js';

const noop = () => {};

// Go: sync.WaitGroup, as far as close() needs it.
class WaitGroup {
  #n = 0;
  #waiters: (() => void)[] = [];

  add(delta: number): void {
    this.#n += delta;
    if (this.#n < 0) throw new Error('sync: negative WaitGroup counter');
    if (this.#n === 0) for (const w of this.#waiters.splice(0)) w();
  }

  done(): void {
    this.add(-1);
  }

  wait(): Promise<void> {
    if (this.#n === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

// Go: newLocalListener — IPv4 loopback, else IPv6 loopback.
async function newLocalListener(): Promise<Listener> {
  try {
    return await listen('tcp', '127.0.0.1:0');
  } catch (err) {
    try {
      return await listen('tcp6', '[::1]:0');
    } catch {
      throw new Error(`httptest: failed to listen on a port: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
}

/** What {@link Server} is made of (Go's exported fields, for building one by hand). */
export interface ServerInit {
  /** Where the server accepts connections. */
  listener: Listener;
  /** The HTTP server that serves them. */
  config: HttpServer;
}

/**
 * Go's `httptest.Server`: an HTTP server listening on a system-chosen loopback port, for
 * end-to-end tests. Make one with {@link newServer} (started) or {@link newUnstartedServer}
 * (configure {@link Server.config}, then {@link Server.start}); always {@link Server.close}
 * it.
 *
 * It keeps track of its connections through `config.connState` (wrapping any hook set before
 * `start`), so `close` can drop the idle ones and wait for the busy ones. There is no TLS and
 * no built-in client (Go's `Client()`): dial {@link Server.url} with the client of your choice.
 *
 * @example
 * ```ts
 * const ts = await newServer((w) => w.write('hello'));
 * try {
 *   const res = await fetch(ts.url); // any HTTP/1.1 client
 *   console.log(await res.text()); // hello
 * } finally {
 *   await ts.close();
 * }
 * ```
 */
export class Server {
  /** Base URL, `http://ipaddr:port` without a trailing slash; `''` until started. */
  url = '';
  /** The listener the server accepts on. */
  listener: Listener;
  /** The HTTP server; change it between {@link newUnstartedServer} and {@link Server.start}. */
  config: HttpServer;

  // Outstanding work close() waits for: the serve task and every tracked connection.
  readonly #wg = new WaitGroup();
  #closed = false;
  // Connections and their last state, terminal states excepted.
  readonly #conns = new Map<Conn, ConnState>();

  /** Builds a server from its parts without starting it (Go's `&httptest.Server{...}`). */
  constructor(init: ServerInit) {
    this.listener = init.listener;
    this.config = init.config;
  }

  /**
   * Starts serving (Go's `Start`) and sets {@link Server.url}. Throws `Server already started`
   * if it was.
   */
  start(): void {
    if (this.url !== '') throw new Error('Server already started');
    this.url = `http://${this.listener.addr().toString()}`;
    this.#wrap();
    this.#goServe();
  }

  /**
   * Shuts the server down and waits until every outstanding request has finished (Go's
   * `Close`): closes the listener, turns keep-alives off, closes the connections that are idle
   * or have sent nothing yet, and waits for the rest to finish their request and close. Hijacked
   * connections are not waited for. If it still waits after 5 s, it logs (through the server's
   * `errorLog`) which connections it waits for. Calling it again just waits again.
   */
  async close(): Promise<void> {
    let hang: ReturnType<typeof setTimeout> | undefined;
    if (!this.#closed) {
      this.#closed = true;
      await this.listener.close().catch(noop);
      this.config.setKeepAlivesEnabled(false);
      for (const [c, st] of this.#conns) {
        // Idle conns sit between requests and new ones have sent nothing (a client's dial that
        // lost a race, usually): neither is doing anything. Active ones finish their request.
        if (st === ConnState.StateIdle || st === ConnState.StateNew) this.#closeConn(c);
      }
      hang = setTimeout(() => this.#logCloseHangDebugInfo(), 5_000);
    }
    // (Go also closes idle connections of DefaultTransport and of its own client; ka's server
    // package has neither.)
    try {
      await this.#wg.wait();
    } finally {
      if (hang !== undefined) clearTimeout(hang);
    }
  }

  /**
   * Closes every open connection to the server, busy or not, and waits (at most 5 s) for the
   * closes to complete (Go's `CloseClientConnections`).
   */
  async closeClientConnections(): Promise<void> {
    const closes = [...this.#conns.keys()].map((c) => this.#closeConn(c));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tooSlow = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 5_000);
    });
    try {
      await Promise.race([Promise.allSettled(closes), tooSlow]);
    } finally {
      clearTimeout(timer);
    }
  }

  // Go: (*Server).logCloseHangDebugInfo
  #logCloseHangDebugInfo(): void {
    let msg = 'httptest.Server blocked in Close after 5 seconds, waiting for connections:\n';
    for (const [c, st] of this.#conns) {
      let remote = '?';
      try {
        remote = c.remoteAddr().toString();
      } catch {
        // unknown address
      }
      msg += `  ${c.constructor.name} ${remote} in state ${connStateString(st)}\n`;
    }
    this.config.logf(msg);
  }

  // Go: (*Server).goServe
  #goServe(): void {
    // The task is owned through #wg: close() waits for it.
    this.#wg.add(1);
    void this.config
      .serve(this.listener)
      .catch(noop) // ends with the listener's error once close() closed it
      .finally(() => this.#wg.done());
  }

  // Go: (*Server).wrap — track each connection's state, keeping the user's hook.
  #wrap(): void {
    const oldHook = this.config.connState;
    this.config.connState = (c: Conn, cs: ConnState) => {
      let finished = false;
      switch (cs) {
        case ConnState.StateNew:
          if (this.#conns.has(c)) throw new Error('invalid state transition');
          this.#wg.add(1);
          this.#conns.set(c, cs);
          // A connection that arrives after close() (a dial that lost the race) is of no use.
          if (this.#closed) this.#closeConn(c);
          break;
        case ConnState.StateActive: {
          const old = this.#conns.get(c);
          if (old !== undefined) {
            if (old !== ConnState.StateNew && old !== ConnState.StateIdle) {
              throw new Error('invalid state transition');
            }
            this.#conns.set(c, cs);
          }
          break;
        }
        case ConnState.StateIdle: {
          const old = this.#conns.get(c);
          if (old !== undefined) {
            if (old !== ConnState.StateActive) throw new Error('invalid state transition');
            this.#conns.set(c, cs);
          }
          if (this.#closed) this.#closeConn(c);
          break;
        }
        case ConnState.StateHijacked:
        case ConnState.StateClosed:
          // Stop tracking it (unless that happened already); close() may return once the
          // user's hook, below, has run.
          finished = this.#conns.delete(c);
          break;
      }
      try {
        oldHook?.(c, cs);
      } finally {
        if (finished) this.#wg.done();
      }
    };
  }

  // Go: (*Server).closeConn / closeConnChan
  #closeConn(c: Conn): Promise<void> {
    return c.close().catch(noop);
  }
}

/**
 * Go's `httptest.NewUnstartedServer`: a {@link Server} listening on `127.0.0.1:0` (or
 * `[::1]:0`) but not serving yet. Adjust `config` (timeouts, `connState`, `errorLog`, …), then
 * call `start()`; call `close()` when done.
 */
export async function newUnstartedServer(handler: HandlerLike): Promise<Server> {
  const listener = await newLocalListener();
  return new Server({ listener, config: new HttpServer({ handler }) });
}

/**
 * Go's `httptest.NewServer`: a started {@link Server} on a loopback port; its base URL is
 * `url` (`http://127.0.0.1:PORT`). Call `close()` when done.
 */
export async function newServer(handler: HandlerLike): Promise<Server> {
  const ts = await newUnstartedServer(handler);
  ts.start();
  return ts;
}
