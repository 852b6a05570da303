// Go: transport.go Transport — the connection pool and the RoundTrip retry loop.
//
// A request asks getConn for a connection of its pool key: it queues for an idle connection
// and, if none is idle, for permission to dial (MaxConnsPerHost). Whichever comes first wins;
// a dial that loses still completes and its connection joins the pool. After the response,
// the connection's readLoop puts it back (tryPutIdleConn), handing it straight to a waiting
// request if there is one, else into the per-key idle list (most recent last) and the
// transport-wide LRU that enforces MaxIdleConns.
import type { ConnectionOptions } from 'node:tls';
import {
  BadStringError,
  type Body,
  BodyBase,
  type Header,
  NoBody,
  type Request,
  type Response,
  type URL,
  validHeaderFieldName,
  validHeaderFieldValue,
} from '@ka/http';
import { BytesBody, quote, validMethod } from '@ka/http/internal';
import { GoError } from '@ka/io';
import { Dialer, tlsStateOf } from '@ka/net';
import { ConnLRU } from './conn-lru.js';
import { ConnectMethod, canonicalAddr, requiresHTTP1 } from './connect-method.js';
import { CancelScope } from './context.js';
import { type Conn, closeQuietly, type DialFunc } from './dial.js';
import {
  errCannotRewind,
  errCloseIdle,
  errCloseIdleConns,
  errConnBroken,
  errIdleConnTimeout,
  errKeepAlivesDisabled,
  errRequestCanceled,
  errRequestCanceledConn,
  errTooManyIdle,
  errTooManyIdleHost,
  NothingWrittenError,
  newError,
  TransportReadFromServerError,
} from './errors.js';
import { race, spawn } from './internal/sync.js';
import { PersistConn, type PersistConnOwner, TransportRequest } from './persist-conn.js';
import { connectViaProxy } from './proxy-connect.js';
import { addTLS } from './tls.js';
import { type ClientTrace, contextClientTrace } from './trace.js';
import { WantConn, WantConnQueue } from './want-conn.js';

/** Go's `http.DefaultMaxIdleConnsPerHost`: idle connections kept per host when unset. */
export const DefaultMaxIdleConnsPerHost = 2;

/** Go's `http.RoundTripper`: executes one HTTP transaction. */
export interface RoundTripper {
  /** Sends `req` and resolves the response (its body still streaming), or rejects. */
  roundTrip(req: Request): Promise<Response>;
}

/** A proxy selector (Go's `Transport.Proxy`): the proxy URL for `req`, or undefined for none. */
export type ProxyFunc = (req: Request) => URL | undefined | null | Promise<URL | undefined | null>;

/**
 * Settings of a {@link Transport}; every field is optional and 0 / false / undefined means
 * what Go's zero value means. Durations are milliseconds.
 */
export interface TransportOptions {
  /** Go's `Proxy`: chooses a proxy per request (see `proxyFromEnvironment`, `proxyURL`). */
  proxy?: ProxyFunc | undefined;
  /** Go's `DialContext`: opens TCP connections. Default: a TCP dial (Go's zero `net.Dialer`). */
  dial?: DialFunc | undefined;
  /**
   * Go's `DialTLSContext`: opens TLS connections for https targets without a proxy. A conn
   * with a `connectionState()` method gives its result to each response's `tls`.
   */
  dialTLS?: DialFunc | undefined;
  /** Go's `TLSClientConfig`: node:tls options for https (e.g. `ca`, `rejectUnauthorized`). */
  tlsClientConfig?: ConnectionOptions | undefined;
  /** Go's `TLSHandshakeTimeout` (0 = none). */
  tlsHandshakeTimeout?: number;
  /** Go's `DisableKeepAlives`: one request per connection, `Connection: close` sent. */
  disableKeepAlives?: boolean;
  /** Go's `DisableCompression`: no automatic `Accept-Encoding: gzip` / transparent gunzip. */
  disableCompression?: boolean;
  /** Go's `MaxIdleConns`: idle connections across all hosts (0 = no limit). */
  maxIdleConns?: number;
  /** Go's `MaxIdleConnsPerHost`: idle connections per pool key (0 → 2; negative → none). */
  maxIdleConnsPerHost?: number;
  /** Go's `MaxConnsPerHost`: dialing + active + idle connections per key (0 = no limit). */
  maxConnsPerHost?: number;
  /** Go's `IdleConnTimeout`: close connections idle this long (0 = never). */
  idleConnTimeout?: number;
  /** Go's `ResponseHeaderTimeout`: after the request is written, wait this long for the head. */
  responseHeaderTimeout?: number;
  /** Go's `ExpectContinueTimeout`: with `Expect: 100-continue`, wait this long before sending the body. */
  expectContinueTimeout?: number;
  /** Go's `ProxyConnectHeader`: headers for CONNECT requests. */
  proxyConnectHeader?: Header | undefined;
  /** Go's `GetProxyConnectHeader`: computes CONNECT headers per proxy and target. */
  getProxyConnectHeader?:
    | ((proxyURL: URL, target: string) => Header | undefined | Promise<Header | undefined>)
    | undefined;
  /** Go's `OnProxyConnectResponse`: inspects a CONNECT response; throwing fails the dial. */
  onProxyConnectResponse?:
    | ((proxyURL: URL, connectReq: Request, resp: Response) => void | Promise<void>)
    | undefined;
  /** Go's `MaxResponseHeaderBytes` (0 → 10 MiB). */
  maxResponseHeaderBytes?: number;
  /** Go's `WriteBufferSize` (0 → 4 KiB). */
  writeBufferSize?: number;
  /** Go's `ReadBufferSize` (0 → 4 KiB). */
  readBufferSize?: number;
  /** Where the transport logs (Go's `log.Printf`); default `console.error`. */
  errorLog?: ((msg: string) => void) | undefined;
}

// Go: validateHeaders — the first bad name or value, described for the error.
function validateHeaders(h: Header | null): string {
  if (h === null || h.size === 0) return '';
  for (const [k, vv] of h) {
    if (!validHeaderFieldName(k)) return `field name ${quote(k)}`;
    for (const v of vv) {
      // The value is not quoted: it may be secret.
      if (!validHeaderFieldValue(v)) return `field value for ${quote(k)}`;
    }
  }
  return '';
}

async function closeBody(req: Request): Promise<void> {
  try {
    await req.closeBody();
  } catch {
    // Go ignores Close errors here
  }
}

// Go: readTrackingBody — knows whether the body was read or closed, so a retry knows
// whether it must ask GetBody for a fresh copy.
interface ReadTracking {
  didRead: boolean;
  didClose: boolean;
}

class ReadTrackingBody extends BodyBase implements ReadTracking {
  didRead = false;
  didClose = false;
  constructor(readonly inner: Body) {
    super();
  }
  read(p: Uint8Array): Promise<number | null> {
    this.didRead = true;
    return this.inner.read(p);
  }
  async close(): Promise<void> {
    if (this.didClose) return;
    this.didClose = true;
    await this.inner.close();
  }
}

// The same for an in-memory body: it stays recognizable as one (a BytesBody), so the request
// head and body still go out in one write (Go's isKnownInMemoryReader looks through
// readTrackingBody).
class InMemoryReadTrackingBody extends BytesBody implements ReadTracking {
  didRead = false;
  didClose = false;
  constructor(readonly inner: Body) {
    super(new Uint8Array(0));
  }
  override read(p: Uint8Array): Promise<number | null> {
    this.didRead = true;
    return this.inner.read(p);
  }
  override async close(): Promise<void> {
    if (this.didClose) return;
    this.didClose = true;
    await this.inner.close();
  }
  override get length(): number {
    return (this.inner as BytesBody).length;
  }
}

function trackBody(body: Body): Body & ReadTracking {
  return body instanceof BytesBody
    ? new InMemoryReadTrackingBody(body)
    : new ReadTrackingBody(body);
}

function tracking(body: Body): ReadTracking | undefined {
  return body instanceof ReadTrackingBody || body instanceof InMemoryReadTrackingBody
    ? body
    : undefined;
}

function copyRequest(req: Request, body: Body): Request {
  const r2 = req.withSignal(req.signal);
  r2.body = body;
  return r2;
}

// Go: setupRewindBody.
/** A copy of `req` whose body records reads and closes (for {@link rewindBody}). */
export function setupRewindBody(req: Request): Request {
  if (req.body === NoBody) return req;
  return copyRequest(req, trackBody(req.body));
}

// Go: rewindBody — before a retry, replace a used body with a fresh one from getBody.
/**
 * The request to retry with: `req` itself if its body was never touched, else a copy with a
 * fresh body from `getBody`. Rejects with `net/http: cannot rewind body after connection
 * loss` when the body was used and there is no `getBody`.
 */
export async function rewindBody(req: Request): Promise<Request> {
  const tb = tracking(req.body);
  if (req.body === NoBody || tb === undefined || (!tb.didRead && !tb.didClose)) return req;
  if (!tb.didClose) await closeBody(req);
  if (req.getBody === undefined) throw errCannotRewind;
  const body = await req.getBody();
  return copyRequest(req, trackBody(body));
}

/**
 * Go's `http.Transport`: an HTTP/1.1 client transport with a pool of persistent connections.
 *
 * Connections are kept per (proxy, scheme, host:port) and reused most-recent-first. A
 * response body returns its connection to the pool when read to EOF; closing it early closes
 * the connection. Create one transport and share it: it is the pool.
 *
 * @example
 * ```ts
 * const t = new Transport({ maxIdleConnsPerHost: 4, idleConnTimeout: 90_000 });
 * const resp = await t.roundTrip(newRequest('GET', 'http://127.0.0.1:8080/'));
 * console.log(resp.statusCode, await resp.body.text());
 * t.closeIdleConnections();
 * ```
 */
export class Transport implements RoundTripper {
  /** See {@link TransportOptions.proxy}. */
  proxy: ProxyFunc | undefined;
  /** See {@link TransportOptions.dial}. */
  dial: DialFunc | undefined;
  /** See {@link TransportOptions.dialTLS}. */
  dialTLS: DialFunc | undefined;
  /** See {@link TransportOptions.tlsClientConfig}. */
  tlsClientConfig: ConnectionOptions | undefined;
  /** See {@link TransportOptions.tlsHandshakeTimeout}. */
  tlsHandshakeTimeout: number;
  /** See {@link TransportOptions.disableKeepAlives}. */
  disableKeepAlives: boolean;
  /** See {@link TransportOptions.disableCompression}. */
  disableCompression: boolean;
  /** See {@link TransportOptions.maxIdleConns}. */
  maxIdleConns: number;
  /** See {@link TransportOptions.maxIdleConnsPerHost}. */
  maxIdleConnsPerHost: number;
  /** See {@link TransportOptions.maxConnsPerHost}. */
  maxConnsPerHost: number;
  /** See {@link TransportOptions.idleConnTimeout}. */
  idleConnTimeout: number;
  /** See {@link TransportOptions.responseHeaderTimeout}. */
  responseHeaderTimeout: number;
  /** See {@link TransportOptions.expectContinueTimeout}. */
  expectContinueTimeout: number;
  /** See {@link TransportOptions.proxyConnectHeader}. */
  proxyConnectHeader: Header | undefined;
  /** See {@link TransportOptions.getProxyConnectHeader}. */
  getProxyConnectHeader: TransportOptions['getProxyConnectHeader'];
  /** See {@link TransportOptions.onProxyConnectResponse}. */
  onProxyConnectResponse: TransportOptions['onProxyConnectResponse'];
  /** See {@link TransportOptions.maxResponseHeaderBytes}. */
  maxResponseHeaderBytes: number;
  /** See {@link TransportOptions.writeBufferSize}. */
  writeBufferSize: number;
  /** See {@link TransportOptions.readBufferSize}. */
  readBufferSize: number;
  /** See {@link TransportOptions.errorLog}. */
  errorLog: ((msg: string) => void) | undefined;

  // Go: guarded by idleMu.
  #idleConn = new Map<string, PersistConn[]>(); // most recently used at the end
  #closeIdle = false; // CloseIdleConnections was called: close newly idle conns
  #idleLRU = new ConnLRU<PersistConn>();
  #idleConnWait = new Map<string, WantConnQueue<PersistConn>>();
  // Go: guarded by connsPerHostMu.
  #connsPerHost = new Map<string, number>();
  #connsPerHostWait = new Map<string, WantConnQueue<PersistConn>>();
  #dialsInProgress = new WantConnQueue<PersistConn>();
  // Go: reqCanceler — the legacy CancelRequest map: each request's scope while it runs.
  #reqCanceler = new Map<Request, CancelScope>();
  readonly #owner: PersistConnOwner;
  #lastCM: { host: string; cm: ConnectMethod } | undefined = undefined;
  readonly #pool = { putOrCloseIdleConn: (pc: PersistConn) => this.#putOrCloseIdleConn(pc) };

  constructor(options: TransportOptions = {}) {
    this.proxy = options.proxy;
    this.dial = options.dial;
    this.dialTLS = options.dialTLS;
    this.tlsClientConfig = options.tlsClientConfig;
    this.tlsHandshakeTimeout = options.tlsHandshakeTimeout ?? 0;
    this.disableKeepAlives = options.disableKeepAlives ?? false;
    this.disableCompression = options.disableCompression ?? false;
    this.maxIdleConns = options.maxIdleConns ?? 0;
    this.maxIdleConnsPerHost = options.maxIdleConnsPerHost ?? 0;
    this.maxConnsPerHost = options.maxConnsPerHost ?? 0;
    this.idleConnTimeout = options.idleConnTimeout ?? 0;
    this.responseHeaderTimeout = options.responseHeaderTimeout ?? 0;
    this.expectContinueTimeout = options.expectContinueTimeout ?? 0;
    this.proxyConnectHeader = options.proxyConnectHeader;
    this.getProxyConnectHeader = options.getProxyConnectHeader;
    this.onProxyConnectResponse = options.onProxyConnectResponse;
    this.maxResponseHeaderBytes = options.maxResponseHeaderBytes ?? 0;
    this.writeBufferSize = options.writeBufferSize ?? 0;
    this.readBufferSize = options.readBufferSize ?? 0;
    this.errorLog = options.errorLog;
    const t = this;
    // What a persistConn may touch: settings and the pool operations (Go calls these on
    // the Transport directly; here they stay off the public class surface).
    this.#owner = {
      get disableKeepAlives() {
        return t.disableKeepAlives;
      },
      get disableCompression() {
        return t.disableCompression;
      },
      get responseHeaderTimeout() {
        return t.responseHeaderTimeout;
      },
      get expectContinueTimeout() {
        return t.expectContinueTimeout;
      },
      maxHeaderResponseSize: () => t.#maxHeaderResponseSize(),
      readBufferSize: () => (t.readBufferSize > 0 ? t.readBufferSize : 4 << 10),
      writeBufferSize: () => (t.writeBufferSize > 0 ? t.writeBufferSize : 4 << 10),
      tryPutIdleConn: (pc) => t.#tryPutIdleConn(pc),
      removeIdleConn: (pc) => t.#removeIdleConn(pc),
      decConnsPerHost: (key) => t.#decConnsPerHost(key),
      logf: (msg) => (t.errorLog ?? console.error)(msg),
    };
  }

  // Go: (*Transport).Clone — settings only, not pool state.
  /** A new transport with the same settings and an empty pool. */
  clone(): Transport {
    return new Transport({
      proxy: this.proxy,
      dial: this.dial,
      dialTLS: this.dialTLS,
      tlsClientConfig: this.tlsClientConfig === undefined ? undefined : { ...this.tlsClientConfig },
      tlsHandshakeTimeout: this.tlsHandshakeTimeout,
      disableKeepAlives: this.disableKeepAlives,
      disableCompression: this.disableCompression,
      maxIdleConns: this.maxIdleConns,
      maxIdleConnsPerHost: this.maxIdleConnsPerHost,
      maxConnsPerHost: this.maxConnsPerHost,
      idleConnTimeout: this.idleConnTimeout,
      responseHeaderTimeout: this.responseHeaderTimeout,
      expectContinueTimeout: this.expectContinueTimeout,
      proxyConnectHeader: this.proxyConnectHeader?.clone(),
      getProxyConnectHeader: this.getProxyConnectHeader,
      onProxyConnectResponse: this.onProxyConnectResponse,
      maxResponseHeaderBytes: this.maxResponseHeaderBytes,
      writeBufferSize: this.writeBufferSize,
      readBufferSize: this.readBufferSize,
      errorLog: this.errorLog,
    });
  }

  // Go: (*Transport).maxHeaderResponseSize.
  #maxHeaderResponseSize(): number {
    return this.maxResponseHeaderBytes > 0 ? this.maxResponseHeaderBytes : 10 << 20;
  }

  // Go: (*Transport).maxIdleConnsPerHost.
  #maxIdleConnsPerHost(): number {
    return this.maxIdleConnsPerHost !== 0 ? this.maxIdleConnsPerHost : DefaultMaxIdleConnsPerHost;
  }

  // Go: (*Transport).roundTrip — validate, then get a connection and send, retrying on a
  // fresh connection when the failure allows it.
  /**
   * Go's `RoundTrip`: sends `req` and resolves the response once its head is read. The
   * request body is always closed. A trace attached with `withClientTrace` is reported to.
   * Rejects with the underlying error (Go's texts, e.g. `EOF`,
   * `net/http: timeout awaiting response headers`, `context canceled`); the `Client` wraps
   * errors as `URLError`.
   */
  async roundTrip(req: Request): Promise<Response> {
    const trace = contextClientTrace(req);
    const scheme = req.url.scheme;
    const isHTTP = scheme === 'http' || scheme === 'https';
    if (isHTTP) {
      let bad = validateHeaders(req.header);
      if (bad !== '') {
        await closeBody(req);
        throw newError('ERR_HTTP_INVALID_HEADER', `net/http: invalid header ${bad}`);
      }
      bad = validateHeaders(req.trailer);
      if (bad !== '') {
        await closeBody(req);
        throw newError('ERR_HTTP_INVALID_TRAILER', `net/http: invalid trailer ${bad}`);
      }
    }

    const origReq = req;
    req = setupRewindBody(req);

    if (!isHTTP) {
      await closeBody(req);
      throw new BadStringError('unsupported protocol scheme', scheme);
    }
    if (req.method !== '' && !validMethod(req.method)) {
      await closeBody(req);
      throw newError('ERR_HTTP_INVALID_METHOD', `net/http: invalid method ${quote(req.method)}`);
    }
    if (req.url.host === '') {
      await closeBody(req);
      throw newError('ERR_HTTP_NO_HOST', 'http: no Host in request URL');
    }

    // The transport's scope for this request: ends on error here, or from the readLoop once
    // the response body is done.
    const ctx = new CancelScope(req.signal);
    // Go: prepareTransportCancel — the legacy CancelRequest entry point; the scope leaves the
    // map when it ends, however it ends.
    ctx.register(this.#reqCanceler, origReq);

    try {
      for (;;) {
        if (ctx.aborted) {
          await closeBody(req);
          throw ctx.cause;
        }
        // treq is modified by the round trip: a new one per attempt.
        const treq = new TransportRequest(req, trace, ctx);
        let cm: ConnectMethod;
        let pconn: PersistConn;
        try {
          // Both are synchronous in the common case (no proxy hook; an idle connection).
          const cmOrWait = this.#connectMethodForRequest(treq);
          cm = cmOrWait instanceof Promise ? await cmOrWait : cmOrWait;
          const pcOrWait = this.#getConn(treq, cm);
          pconn = pcOrWait instanceof Promise ? await pcOrWait : pcOrWait;
        } catch (err) {
          await closeBody(req);
          throw err;
        }
        let resp: Response;
        try {
          resp = await pconn.roundTrip(treq);
        } catch (e) {
          let err = e;
          if (!pconn.shouldRetryRequest(req, err)) {
            // Return the underlying read or write error, as Go has always done.
            if (err instanceof NothingWrittenError) err = err.err;
            if (err instanceof TransportReadFromServerError) err = err.err;
            const tb = tracking(req.body);
            if (tb !== undefined && !tb.didClose) await closeBody(req);
            throw err;
          }
          req = await rewindBody(req);
          continue;
        }
        resp.request = origReq;
        return resp;
      }
    } catch (err) {
      ctx.cancel(err);
      throw err;
    }
  }

  // Go: (*Transport).CancelRequest (deprecated there too).
  /**
   * Cancels an in-flight request by closing its connection; prefer the request's `signal`.
   * The request fails with `net/http: request canceled` (or `…while waiting for connection`).
   */
  cancelRequest(req: Request): void {
    this.#reqCanceler.get(req)?.cancel(errRequestCanceled);
  }

  // Go: (*Transport).CloseIdleConnections.
  /**
   * Closes every idle connection, cancels dials no request waits for any more, and closes
   * connections that become idle until the next request looks for one. Connections in use
   * are not interrupted.
   */
  closeIdleConnections(): void {
    const m = this.#idleConn;
    this.#idleConn = new Map();
    this.#closeIdle = true;
    this.#idleLRU = new ConnLRU();
    for (const conns of m.values()) {
      for (const pc of conns) pc.close(errCloseIdleConns);
    }
    for (const w of this.#dialsInProgress.all()) {
      if (w.cancelCtx !== undefined && !w.waiting()) w.cancelCtx();
    }
  }

  /** Number of idle pooled connections (all keys, or one key). For tests and metrics. */
  idleConnCount(key?: string): number {
    if (key !== undefined) return this.#idleConn.get(key)?.length ?? 0;
    let n = 0;
    for (const l of this.#idleConn.values()) n += l.length;
    return n;
  }

  /** The pool keys that have idle connections (Go test helper `IdleConnKeysForTesting`). */
  idleConnKeys(): string[] {
    const keys: string[] = [];
    for (const [k, l] of this.#idleConn) if (l.length > 0) keys.push(k);
    return keys.sort();
  }

  // Go: (*Transport).connectMethodForRequest.
  #connectMethodForRequest(treq: TransportRequest): ConnectMethod | Promise<ConnectMethod> {
    if (this.proxy === undefined) return this.#connectMethod(treq, undefined);
    return this.#connectMethodViaProxy(treq, this.proxy);
  }

  async #connectMethodViaProxy(treq: TransportRequest, proxy: ProxyFunc): Promise<ConnectMethod> {
    return this.#connectMethod(treq, (await proxy(treq.req)) ?? undefined);
  }

  #connectMethod(treq: TransportRequest, proxyURL: URL | undefined): ConnectMethod {
    const url = treq.req.url;
    const onlyH1 = requiresHTTP1(treq.req);
    // A direct connection's method depends on the scheme and the URL's host only: the last
    // one (immutable) is reused while they repeat, with its pool key already built.
    const last = this.#lastCM;
    if (
      proxyURL === undefined &&
      last !== undefined &&
      last.host === url.host &&
      last.cm.targetScheme === url.scheme &&
      last.cm.onlyH1 === onlyH1
    ) {
      return last.cm;
    }
    const cm = new ConnectMethod({
      proxyURL,
      targetScheme: url.scheme,
      targetAddr: canonicalAddr(url),
      onlyH1,
    });
    if (proxyURL === undefined) this.#lastCM = { host: url.host, cm };
    return cm;
  }

  // Go: (*Transport).putOrCloseIdleConn.
  #putOrCloseIdleConn(pc: PersistConn): void {
    const err = this.#tryPutIdleConn(pc);
    if (err !== undefined) pc.close(err);
  }

  // Go: (*Transport).tryPutIdleConn — hand to a waiter, or pool, or say why not.
  #tryPutIdleConn(pc: PersistConn): unknown {
    if (this.disableKeepAlives || this.maxIdleConnsPerHost < 0) return errKeepAlivesDisabled;
    if (pc.isBroken()) return errConnBroken;
    pc.markReused();

    // A request waiting for this key gets the connection now, even if it is dialing
    // ("late binding").
    const key = pc.cacheKey;
    const q = this.#idleConnWait.get(key);
    if (q !== undefined) {
      let done = false;
      while (q.length > 0) {
        const w = q.popFront()!;
        if (w.tryDeliver(pc, undefined, 0)) {
          done = true;
          break;
        }
      }
      if (q.length === 0) this.#idleConnWait.delete(key);
      if (done) return undefined;
    }

    if (this.#closeIdle) return errCloseIdle;
    let idles = this.#idleConn.get(key);
    if (idles === undefined) {
      idles = [];
      this.#idleConn.set(key, idles);
    }
    if (idles.length >= this.#maxIdleConnsPerHost()) return errTooManyIdleHost;
    if (idles.includes(pc)) throw new Error(`dup idle pconn in freelist`);
    idles.push(pc);
    this.#idleLRU.add(pc);
    if (this.maxIdleConns !== 0 && this.#idleLRU.length > this.maxIdleConns) {
      const oldest = this.#idleLRU.removeOldest()!;
      oldest.close(errTooManyIdle);
      this.#removeIdleConnLocked(oldest);
    }

    pc.idleAt = performance.now();
    // Go resets a timer per idle period; here one timer per connection is armed lazily and
    // left running while the connection is busy: when it fires it closes the connection if
    // it has been idle long enough, or waits for the rest (no timer churn per request).
    if (this.idleConnTimeout > 0 && pc.idleTimer === undefined) {
      this.#armIdleTimer(pc, this.idleConnTimeout);
    }
    // An idle connection must not keep the process alive (a Go program exits with idle
    // connections open).
    pc.conn.unref?.();
    return undefined;
  }

  // Go: (*Transport).queueForIdleConn — take the most recently used idle connection, or
  // register to receive the next one that becomes idle.
  #queueForIdleConn(w: WantConn<PersistConn>): boolean {
    if (this.disableKeepAlives) return false;
    // A request wants connections again: stop closing the ones that become idle.
    this.#closeIdle = false;

    const oldTime = this.idleConnTimeout > 0 ? performance.now() - this.idleConnTimeout : 0;
    const list = this.#idleConn.get(w.key);
    if (list !== undefined) {
      let stop = false;
      let delivered = false;
      while (list.length > 0 && !stop) {
        const pc = list[list.length - 1]!;
        const tooOld = oldTime !== 0 && pc.idleAt < oldTime;
        if (tooOld) {
          // Expired: close it asynchronously (as its timer would) and look further.
          queueMicrotask(() => this.#closeConnIfStillIdle(pc));
        }
        if (pc.isBroken() || tooOld) {
          list.pop();
          continue;
        }
        delivered = w.tryDeliver(pc, undefined, pc.idleAt);
        if (delivered) {
          this.#idleLRU.remove(pc);
          list.pop();
          pc.conn.ref?.();
        }
        stop = true;
      }
      if (list.length === 0) this.#idleConn.delete(w.key);
      if (stop) return delivered;
    }

    let q = this.#idleConnWait.get(w.key);
    if (q === undefined) {
      q = new WantConnQueue();
      this.#idleConnWait.set(w.key, q);
    }
    q.cleanFrontNotWaiting();
    q.pushBack(w);
    return false;
  }

  // Go: (*Transport).removeIdleConn.
  #removeIdleConn(pc: PersistConn): boolean {
    return this.#removeIdleConnLocked(pc);
  }

  // Go: (*Transport).removeIdleConnLocked — keeps the rest in recency order.
  #removeIdleConnLocked(pc: PersistConn): boolean {
    if (pc.idleTimer !== undefined) {
      clearTimeout(pc.idleTimer);
      pc.idleTimer = undefined;
    }
    this.#idleLRU.remove(pc);
    const key = pc.cacheKey;
    const pconns = this.#idleConn.get(key);
    if (pconns === undefined) return false;
    const i = pconns.indexOf(pc);
    if (i < 0) return false;
    pconns.splice(i, 1);
    if (pconns.length === 0) this.#idleConn.delete(key);
    return true;
  }

  #armIdleTimer(pc: PersistConn, ms: number): void {
    pc.idleTimer = setTimeout(() => {
      pc.idleTimer = undefined;
      if (!this.#idleLRU.has(pc)) return; // busy: the next idle period arms it again
      const rest = pc.idleAt + this.idleConnTimeout - performance.now();
      if (rest > 1) this.#armIdleTimer(pc, rest);
      else this.#closeConnIfStillIdle(pc);
    }, ms);
    pc.idleTimer.unref();
  }

  // Go: (*persistConn).closeConnIfStillIdle — the idle timer.
  #closeConnIfStillIdle(pc: PersistConn): void {
    if (!this.#idleLRU.has(pc)) return;
    this.#removeIdleConnLocked(pc);
    pc.close(errIdleConnTimeout);
  }

  // Go: (*Transport).getConn — queue for an idle conn and for a dial; take whichever wins.
  // Returns the connection synchronously when an idle one was handed over at once.
  #getConn(treq: TransportRequest, cm: ConnectMethod): PersistConn | Promise<PersistConn> {
    const trace = treq.trace;
    trace?.getConn?.(cm.addr());

    // The dial is detached from the request (its own signal, see WantConn.getCtxForDial): if
    // the request goes away, the connection still serves a later one.
    const w = new WantConn<PersistConn>(cm, cm.key());
    w.trace = trace;
    let ok = false;
    try {
      if (!this.#queueForIdleConn(w)) this.#queueForDial(w);
      // Go's select: a result already there wins over the request's end.
      if (w.result.fired) {
        const pc = this.#takeConn(treq, w);
        ok = true;
        return pc;
      }
      if (treq.ctx.done.fired) throw canceledWaitingForConn(treq.ctx.cause);
      ok = true; // from here #waitConn owns w
      return this.#waitConn(treq, w);
    } finally {
      if (!ok) w.cancel(this.#pool);
    }
  }

  async #waitConn(treq: TransportRequest, w: WantConn<PersistConn>): Promise<PersistConn> {
    let ok = false;
    try {
      const ev = await race<'result' | 'ctx'>([
        ['result', w.result],
        ['ctx', treq.ctx.done],
      ]);
      if (ev.tag === 'result') {
        const pc = this.#takeConn(treq, w);
        ok = true;
        return pc;
      }
      throw canceledWaitingForConn(treq.ctx.cause);
    } finally {
      if (!ok) w.cancel(this.#pool);
    }
  }

  // getConn's result arm: report it to the trace, then return the connection or throw.
  #takeConn(treq: TransportRequest, w: WantConn<PersistConn>): PersistConn {
    const r = w.take()!;
    if (r.pc !== undefined) {
      treq.trace?.gotConn?.({
        conn: r.pc.conn,
        reused: r.pc.isReused(),
        wasIdle: r.idleAt !== 0,
        idleTime: r.idleAt !== 0 ? performance.now() - r.idleAt : 0,
      });
    }
    if (r.err !== undefined) {
      // A canceled request probably caused the error: report the cancellation.
      if (treq.ctx.aborted) throw canceledWaitingForConn(treq.ctx.cause);
      throw r.err;
    }
    return r.pc!;
  }

  // Go: (*Transport).queueForDial — dial now, or wait for a MaxConnsPerHost slot.
  #queueForDial(w: WantConn<PersistConn>): void {
    w.beforeDial();
    if (this.maxConnsPerHost <= 0) {
      this.#startDialConnForLocked(w);
      return;
    }
    const n = this.#connsPerHost.get(w.key) ?? 0;
    if (n < this.maxConnsPerHost) {
      this.#connsPerHost.set(w.key, n + 1);
      this.#startDialConnForLocked(w);
      return;
    }
    let q = this.#connsPerHostWait.get(w.key);
    if (q === undefined) {
      q = new WantConnQueue();
      this.#connsPerHostWait.set(w.key, q);
    }
    q.cleanFrontNotWaiting();
    q.pushBack(w);
  }

  // Go: (*Transport).startDialConnForLocked — the dial runs as its own task.
  #startDialConnForLocked(w: WantConn<PersistConn>): void {
    this.#dialsInProgress.cleanFrontCanceled();
    this.#dialsInProgress.pushBack(w);
    spawn(
      this.#dialConnFor(w).finally(() => {
        w.cancelCtx = undefined;
      }),
    );
  }

  // Go: (*Transport).dialConnFor — dial for w; if w no longer wants it, pool the conn.
  async #dialConnFor(w: WantConn<PersistConn>): Promise<void> {
    try {
      const signal = w.getCtxForDial();
      if (signal === undefined) {
        this.#decConnsPerHost(w.key);
        return;
      }
      let pc: PersistConn | undefined;
      let err: unknown;
      try {
        pc = await this.#dialConn(signal, w.cm, w.trace);
      } catch (e) {
        err = e ?? newError('ERR_HTTP_DIAL', 'dial failed');
      }
      const delivered = w.tryDeliver(pc, err, 0);
      if (pc !== undefined && !delivered) {
        // Nobody took it: it joins the pool.
        this.#putOrCloseIdleConn(pc);
      }
      if (err !== undefined) this.#decConnsPerHost(w.key);
    } finally {
      w.afterDial();
    }
  }

  // Go: (*Transport).decConnsPerHost — free a slot, or pass it to a waiting dialer.
  #decConnsPerHost(key: string): void {
    if (this.maxConnsPerHost <= 0) return;
    const n = this.#connsPerHost.get(key) ?? 0;
    if (n === 0) {
      // A counting bug would deadlock silently later: fail loudly now.
      throw new Error('net/http: internal error: connCount underflow');
    }
    const q = this.#connsPerHostWait.get(key);
    if (q !== undefined && q.length > 0) {
      let done = false;
      while (q.length > 0) {
        const w = q.popFront()!;
        if (w.waiting()) {
          this.#startDialConnForLocked(w);
          done = true;
          break;
        }
      }
      if (q.length === 0) this.#connsPerHostWait.delete(key);
      if (done) return;
    }
    if (n - 1 === 0) this.#connsPerHost.delete(key);
    else this.#connsPerHost.set(key, n - 1);
  }

  // Go: (*Transport).dial.
  async #dial(network: string, addr: string, signal: AbortSignal): Promise<Conn> {
    if (this.dial !== undefined) {
      const c = await this.dial(network, addr, { signal });
      if (c == null) {
        throw newError(
          'ERR_HTTP_DIAL_NIL',
          'net/http: Transport.DialContext hook returned (nil, nil)',
        );
      }
      return c;
    }
    return zeroDialer.dial(network, addr, { signal });
  }

  // Go: (*Transport).dialConn — connect, add TLS, set up the proxy, start the loops.
  async #dialConn(
    signal: AbortSignal,
    cm: ConnectMethod,
    trace: ClientTrace | undefined,
  ): Promise<PersistConn> {
    const pc = new PersistConn(this.#owner, cm.key());
    const wrapErr = (err: unknown): unknown => {
      if (cm.proxyURL === undefined) return err;
      // A typed error (Go issue 16997): the proxy failed, not the target.
      const msg = err instanceof Error ? err.message : String(err);
      return new GoError('ERR_NET_OP', `proxyconnect tcp: ${msg}`, { cause: err });
    };
    let conn: Conn;
    if (cm.scheme() === 'https' && this.dialTLS !== undefined) {
      try {
        conn = await this.dialTLS('tcp', cm.addr(), { signal });
      } catch (e) {
        throw wrapErr(e);
      }
      // Go: a *tls.Conn from DialTLS lends its state to the responses.
      pc.tlsState = tlsStateOf(conn);
    } else {
      const addr = cm.addr();
      trace?.connectStart?.('tcp', addr);
      try {
        conn = await this.#dial('tcp', addr, signal);
      } catch (e) {
        trace?.connectDone?.('tcp', addr, e);
        throw wrapErr(e);
      }
      trace?.connectDone?.('tcp', addr, undefined);
      if (cm.scheme() === 'https') {
        const colon = addr.lastIndexOf(':');
        let host = addr.slice(0, colon);
        if (host.startsWith('[')) host = host.slice(1, -1);
        try {
          ({ conn, state: pc.tlsState } = await addTLS(conn, host, this, cm.onlyH1, trace, signal));
        } catch (e) {
          throw wrapErr(e);
        }
      }
    }

    // Proxy setup.
    if (cm.proxyURL !== undefined) {
      const ps = cm.proxyURL.scheme;
      if (ps === 'socks5' || ps === 'socks5h') {
        await closeQuietly(conn);
        throw newError('ERR_HTTP_SOCKS_UNSUPPORTED', `proxy scheme ${ps} is not supported`);
      } else if (cm.targetScheme === 'http') {
        pc.isProxy = true;
        const pa = cm.proxyAuth();
        if (pa !== '') pc.mutateHeaderFunc = (h) => h.set('Proxy-Authorization', pa);
      } else if (cm.targetScheme === 'https') {
        await connectViaProxy(conn, cm, this, signal);
      }
    }
    if (cm.proxyURL !== undefined && cm.targetScheme === 'https') {
      ({ conn, state: pc.tlsState } = await addTLS(
        conn,
        cm.tlsHost(),
        this,
        cm.onlyH1,
        trace,
        signal,
      ));
    }

    pc.start(conn);
    return pc;
  }
}

// Go: zeroDialer — what a Transport without a dial hook uses (no timeout, 15 s keep-alive).
const zeroDialer = new Dialer();

function canceledWaitingForConn(cause: unknown): unknown {
  return cause === errRequestCanceled ? errRequestCanceledConn : cause;
}
