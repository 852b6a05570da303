// Go: net/http/httputil reverseproxy.go — ReverseProxy, a Handler that sends each request it
// gets to another server and streams the answer back, on @ka/http-server + @ka/client.
//
// What carries over from Go: hop-by-hop headers (the fixed list and whatever the Connection
// header names) are dropped in both directions; `Te: trailers` survives; X-Forwarded-For is
// appended to (Director) or set from scratch (Rewrite + setXForwarded); an upstream failure
// is a bare 502 with `http: proxy error: …` in the log; bodies stream both ways; responses
// of unknown length and server-sent events are flushed at once, others every
// `flushInterval`; trailers (announced or not) reach the client; 1xx responses are relayed;
// a 101 Switching Protocols turns into a two-way byte pipe over the hijacked connection.
import { Canceled, DefaultTransport, type RoundTripper, withClientTrace } from '@ka/client';
import {
  type Body,
  BodyBase,
  type Header,
  NoBody,
  parseQueryLax,
  type Request,
  type Response,
  TrailerPrefix,
  type URL,
} from '@ka/http';
import {
  ErrAbortHandler,
  ErrNotSupported,
  type Handler,
  ResponseController,
  type ResponseWriter,
} from '@ka/http-server';
import { is, type Reader } from '@ka/io';
import { type CloseWriter, type Conn, splitHostPort } from '@ka/net';

/**
 * Go's `httputil.ProxyRequest`: what a {@link ReverseProxyOptions.rewrite} function gets —
 * the request as received (`in`, not to be changed) and the request to send (`out`, already
 * stripped of hop-by-hop and forwarding headers).
 */
export class ProxyRequest {
  /** The request the proxy received. Do not modify it. */
  readonly in: Request;
  /** The request the proxy will send; may be modified or replaced. */
  out: Request;

  constructor(inReq: Request, out: Request) {
    this.in = inReq;
    this.out = out;
  }

  // Go: (*ProxyRequest).SetURL — route to target, and let the Host header follow the URL.
  /**
   * Routes `out` to the scheme, host and base path of `target` (`/base` + `/dir` →
   * `/base/dir`; queries are joined with `&`) and clears `out.host`, so the Host header sent
   * is the target's. Set `out.host = in.host` afterwards to keep the client's.
   */
  setURL(target: URL): void {
    rewriteRequestURL(this.out, target);
    this.out.host = '';
  }

  // Go: (*ProxyRequest).SetXForwarded — the three X-Forwarded-* headers from `in`.
  /**
   * Sets `X-Forwarded-For` to the client IP (appended to any value `out` already has),
   * `X-Forwarded-Host` to the host the client asked for and `X-Forwarded-Proto` to `https`
   * when the request came over TLS (`in.tls`), else `http`. A remote address that is not
   * `host:port` removes `X-Forwarded-For`.
   */
  setXForwarded(): void {
    const h = this.out.header;
    const clientIP = hostOf(this.in.remoteAddr);
    if (clientIP !== undefined) {
      const prior = h.values('X-Forwarded-For');
      h.set('X-Forwarded-For', prior.length > 0 ? `${prior.join(', ')}, ${clientIP}` : clientIP);
    } else {
      h.del('X-Forwarded-For');
    }
    h.set('X-Forwarded-Host', this.in.host);
    h.set('X-Forwarded-Proto', this.in.tls === null ? 'http' : 'https');
  }
}

/** Fields of a {@link ReverseProxy}; durations in milliseconds, as everywhere in ka. */
export interface ReverseProxyOptions {
  /**
   * Go's `Rewrite`: turns the incoming request into the outgoing one. Runs after hop-by-hop
   * headers and `Forwarded` / `X-Forwarded-*` were removed from `out`. Exactly one of
   * `rewrite` and `director` must be set.
   */
  rewrite?: ((pr: ProxyRequest) => void | Promise<void>) | undefined;
  /**
   * Go's `Director` (deprecated there in favour of `rewrite`): modifies the copy of the
   * incoming request in place. Hop-by-hop headers are removed after it runs and the client
   * IP is appended to `X-Forwarded-For`, unless the director left that header present with
   * no values (`out.header.rawSet('X-Forwarded-For', [])`, Go's nil slice).
   */
  director?: ((out: Request) => void | Promise<void>) | undefined;
  /** Go's `Transport`: how requests reach the upstream; default `DefaultTransport`. */
  transport?: RoundTripper | undefined;
  /**
   * Go's `FlushInterval` (ms): 0 flushes only at the end; negative flushes after every
   * write. Ignored (immediate) for `text/event-stream` and for bodies of unknown length.
   */
  flushInterval?: number | undefined;
  /** Go's `ErrorLog`: where proxy errors are logged; default `console.error`. */
  errorLog?: ((message: string) => void) | undefined;
  /**
   * Go's `ModifyResponse`: sees every upstream response (hop-by-hop headers already gone).
   * Throwing (or rejecting) sends the error to `errorHandler` and closes the body.
   */
  modifyResponse?: ((res: Response) => void | Promise<void>) | undefined;
  /** Go's `ErrorHandler`: default logs `http: proxy error: …` and answers 502 with no body. */
  errorHandler?:
    | ((w: ResponseWriter, r: Request, err: unknown) => void | Promise<void>)
    | undefined;
}

// Go: hopHeaders — RFC 2616 §13.5.1's list (canonical spellings), kept alongside the
// RFC 9110 rule that whatever Connection names is hop-by-hop too.
/** The fixed hop-by-hop headers removed in both directions (plus those Connection names). */
export const hopHeaders: readonly string[] = Object.freeze([
  'Connection',
  'Proxy-Connection', // not standard, but libcurl still sends it
  'Keep-Alive',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Te', // canonical form of TE
  'Trailer', // singular: the header, not the "trailers" token
  'Transfer-Encoding',
  'Upgrade',
]);

/**
 * Go's `httputil.ReverseProxy`: a {@link Handler} that forwards each request to an upstream
 * through a {@link RoundTripper} and copies the response back, streaming both bodies.
 *
 * @example
 * ```ts
 * import { parseURL } from '@ka/http';
 * import { Server } from '@ka/http-server';
 * import { Transport } from '@ka/client';
 *
 * const proxy = newSingleHostReverseProxy(parseURL('http://127.0.0.1:9000'));
 * proxy.transport = new Transport({ maxIdleConnsPerHost: 64 });
 * const srv = new Server({ handler: proxy });
 * ```
 */
export class ReverseProxy implements Handler {
  rewrite: ReverseProxyOptions['rewrite'];
  director: ReverseProxyOptions['director'];
  transport: RoundTripper | undefined;
  flushInterval: number;
  errorLog: ((message: string) => void) | undefined;
  modifyResponse: ReverseProxyOptions['modifyResponse'];
  errorHandler: ReverseProxyOptions['errorHandler'];

  constructor(options: ReverseProxyOptions = {}) {
    this.rewrite = options.rewrite;
    this.director = options.director;
    this.transport = options.transport;
    this.flushInterval = options.flushInterval ?? 0;
    this.errorLog = options.errorLog;
    this.modifyResponse = options.modifyResponse;
    this.errorHandler = options.errorHandler;
  }

  /** Go's `logf`. */
  logf(message: string): void {
    (this.errorLog ?? console.error)(message);
  }

  // Go: (*ReverseProxy).defaultErrorHandler — log, then a bare 502.
  #defaultErrorHandler = (w: ResponseWriter, _r: Request, err: unknown): void => {
    this.logf(`http: proxy error: ${errorText(err)}`);
    w.writeHeader(502);
  };

  // Go: (*ReverseProxy).getErrorHandler
  async #fail(w: ResponseWriter, r: Request, err: unknown): Promise<void> {
    await (this.errorHandler ?? this.#defaultErrorHandler)(w, r, err);
  }

  // Go: (*ReverseProxy).modifyResponse — false: the error handler has answered.
  async #modify(w: ResponseWriter, res: Response, r: Request): Promise<boolean> {
    if (this.modifyResponse === undefined) return true;
    try {
      await this.modifyResponse(res);
      return true;
    } catch (err) {
      await res.body.close().catch(() => {});
      await this.#fail(w, r, err);
      return false;
    }
  }

  // Go: (*ReverseProxy).ServeHTTP — clone, strip, forward, copy back.
  /** Go's `ServeHTTP`: proxies one request. */
  async serveHttp(w: ResponseWriter, req: Request): Promise<void> {
    const transport = this.transport ?? DefaultTransport;

    // The outgoing request shares the incoming one's signal: a client that goes away
    // cancels the upstream request.
    let outreq = req.clone(req.signal);
    if (req.contentLength === 0) outreq.body = NoBody; // Go issue 16036: no body, retryable
    // The transport always closes the body it is given; closing the server's request body
    // early would spoil the client connection (or hang on an unsent 100-continue body), so it
    // gets a body whose close only forbids further reads (Go: noopCloseReader).
    let guard: NoopCloseBody | undefined;
    if (outreq.body !== NoBody) {
      guard = new NoopCloseBody(outreq.body);
      outreq.body = guard;
    }
    try {
      if ((this.director !== undefined) === (this.rewrite !== undefined)) {
        await this.#fail(
          w,
          req,
          new Error('ReverseProxy must have exactly one of Director or Rewrite set'),
        );
        return;
      }
      if (this.director !== undefined) await this.director(outreq);
      outreq.close = false;

      const reqUpType = upgradeType(outreq.header);
      if (!isPrint(reqUpType)) {
        await this.#fail(
          w,
          req,
          new Error(`client tried to switch to invalid protocol ${quote(reqUpType)}`),
        );
        return;
      }
      removeHopByHopHeaders(outreq.header);

      // Go issue 21096: tell the upstream we take trailers if the client said it does (the
      // incoming header: the outgoing one lost Te above).
      if (headerValuesContainsToken(req.header.values('Te'), 'trailers')) {
        outreq.header.set('Te', 'trailers');
      }
      // Protocol upgrades need their hop-by-hop pair back.
      if (reqUpType !== '') {
        outreq.header.set('Connection', 'Upgrade');
        outreq.header.set('Upgrade', reqUpType);
      }

      if (this.rewrite !== undefined) {
        // Forwarding headers from the client are not trusted: setXForwarded makes new ones.
        outreq.header.del('Forwarded');
        outreq.header.del('X-Forwarded-For');
        outreq.header.del('X-Forwarded-Host');
        outreq.header.del('X-Forwarded-Proto');
        outreq.url.rawQuery = cleanQueryParams(outreq.url.rawQuery);
        const pr = new ProxyRequest(req, outreq);
        await this.rewrite(pr);
        outreq = pr.out;
      } else {
        // Go: the Director path's X-Forwarded-For — append, fold several into one line, and
        // leave it alone when present with no values (Go issue 38079).
        const clientIP = hostOf(req.remoteAddr);
        if (clientIP !== undefined) {
          const prior = outreq.header.rawGet('X-Forwarded-For');
          const omit = prior !== undefined && prior.length === 0;
          if (!omit) {
            outreq.header.set(
              'X-Forwarded-For',
              prior !== undefined ? `${prior.join(', ')}, ${clientIP}` : clientIP,
            );
          }
        }
      }
      // No User-Agent from the client: send none, not the client library's default.
      if (!outreq.header.rawHas('User-Agent')) outreq.header.set('User-Agent', '');

      // Go: the Got1xxResponse trace — relay informational responses until the final one.
      let roundTripDone = false;
      const traced = withClientTrace(outreq, {
        got1xxResponse: (code, header) => {
          if (roundTripDone) return;
          const h = w.header();
          copyHeader(h, header);
          w.writeHeader(code);
          h.clear(); // a 1xx does not reset the header map by itself
        },
      });

      let res: Response;
      try {
        res = await transport.roundTrip(traced);
      } catch (err) {
        roundTripDone = true;
        await this.#fail(w, outreq, err);
        return;
      }
      roundTripDone = true;

      // 101 Switching Protocols (WebSocket, h2c, …): hop-by-hop headers stay, they are the point.
      if (res.statusCode === 101) {
        if (!(await this.#modify(w, res, outreq))) return;
        await this.#handleUpgradeResponse(w, outreq, res);
        return;
      }

      removeHopByHopHeaders(res.header);
      if (!(await this.#modify(w, res, outreq))) return;
      copyHeader(w.header(), res.header);

      // The transport moved the Trailer header into res.trailer: announce those names again.
      const announcedTrailers = res.trailer?.size ?? 0;
      if (res.trailer !== null && announcedTrailers > 0) {
        w.header().add('Trailer', [...res.trailer.keys()].join(', '));
      }

      w.writeHeader(res.statusCode);

      const err = await this.#copyResponse(w, res.body, this.#flushIntervalFor(res));
      if (err !== undefined) {
        await res.body.close().catch(() => {});
        // Go issue 23643: mid-body, all that is left is to cut the client connection.
        throw ErrAbortHandler;
      }
      await res.body.close(); // the trailer is complete now

      const trailer = res.trailer;
      if (trailer !== null && trailer.size > 0) {
        // Force chunked framing, so the trailer has somewhere to go (no Content-Length for a
        // short body).
        await new ResponseController(w).flush().catch(() => {});
      }
      if (trailer === null) return;
      if (trailer.size === announcedTrailers) {
        copyHeader(w.header(), trailer);
        return;
      }
      for (const [k, vv] of trailer) {
        for (const v of vv) w.header().add(TrailerPrefix + k, v);
      }
    } finally {
      guard?.markClosed();
    }
  }

  // Go: (*ReverseProxy).flushInterval — SSE and unknown lengths flush at once.
  #flushIntervalFor(res: Response): number {
    if (baseMediaType(res.header.get('Content-Type')) === 'text/event-stream') return -1;
    if (res.contentLength === -1) return -1;
    return this.flushInterval;
  }

  // Go: (*ReverseProxy).copyResponse + copyBuffer — resolves the error that ended the copy
  // (a write error, or a read error other than EOF), or undefined.
  async #copyResponse(
    w: ResponseWriter,
    src: Reader,
    flushInterval: number,
  ): Promise<unknown | undefined> {
    const mlw = flushInterval !== 0 ? new MaxLatencyWriter(w, flushInterval) : undefined;
    const buf = new Uint8Array(32 * 1024);
    try {
      for (;;) {
        let n: number | null;
        try {
          n = await src.read(buf);
        } catch (rerr) {
          if (!is(rerr, Canceled)) {
            this.logf(`httputil: ReverseProxy read error during body copy: ${errorText(rerr)}`);
          }
          return rerr ?? new Error('read error');
        }
        if (n === null) return undefined;
        if (n === 0) continue;
        const chunk = buf.subarray(0, n);
        try {
          if (mlw !== undefined) await mlw.write(chunk);
          else await w.write(chunk);
        } catch (werr) {
          return werr ?? new Error('write error');
        }
      }
    } finally {
      mlw?.stop();
    }
  }

  // Go: (*ReverseProxy).handleUpgradeResponse — check the protocols match, hijack the client
  // connection, send the 101 head, then copy bytes both ways until both sides are done.
  async #handleUpgradeResponse(w: ResponseWriter, req: Request, res: Response): Promise<void> {
    const reqUpType = upgradeType(req.header);
    const resUpType = upgradeType(res.header);
    if (!isPrint(resUpType)) {
      await res.body.close().catch(() => {});
      await this.#fail(
        w,
        req,
        new Error(`backend tried to switch to invalid protocol ${quote(resUpType)}`),
      );
      return;
    }
    if (reqUpType.toLowerCase() !== resUpType.toLowerCase()) {
      await res.body.close().catch(() => {});
      await this.#fail(
        w,
        req,
        new Error(
          `backend tried to switch protocol ${quote(resUpType)} when ${quote(reqUpType)} was requested`,
        ),
      );
      return;
    }
    const backConn = res.body as Body & Partial<DuplexBody>;
    if (typeof backConn.write !== 'function') {
      await res.body.close().catch(() => {});
      await this.#fail(
        w,
        req,
        new Error('internal error: 101 switching protocols response with non-writable body'),
      );
      return;
    }
    const back = backConn as Body & DuplexBody;

    let hj: Awaited<ReturnType<ResponseController['hijack']>>;
    try {
      hj = await new ResponseController(w).hijack();
    } catch (err) {
      await back.close().catch(() => {});
      if (is(err, ErrNotSupported)) {
        await this.#fail(
          w,
          req,
          new Error("can't switch protocols using non-Hijacker ResponseWriter type"),
        );
      } else {
        await this.#fail(w, req, new Error(`Hijack failed on protocol switch: ${errorText(err)}`));
      }
      return;
    }
    // A canceled request closes the upstream side (Go issue 35559).
    const onAbort = () => void back.close().catch(() => {});
    req.signal.addEventListener('abort', onAbort, { once: true });
    try {
      copyHeader(w.header(), res.header);
      let head = `HTTP/${res.protoMajor}.${res.protoMinor} ${res.status || '101 Switching Protocols'}\r\n`;
      w.header().write((line) => {
        head += line;
      });
      head += '\r\n';
      try {
        await hj.writer.write(Buffer.from(head, 'latin1'));
        await hj.writer.flush();
      } catch (err) {
        await this.#fail(w, req, new Error(`response write: ${errorText(err)}`));
        return;
      }
      // Go: switchProtocolCopier — each direction half-closes its destination at EOF; stop
      // when one direction fails or both have finished.
      const user = hj.conn as Conn & Partial<CloseWriter>;
      const toBackend = pump(hj.reader, back, () => back.closeWrite?.());
      const fromBackend = pump(back, user, () => user.closeWrite?.());
      await new Promise<void>((resolve) => {
        let pending = 2;
        const settle = (failed: boolean) => {
          if (failed || --pending === 0) resolve();
        };
        toBackend.then(settle, () => settle(true));
        fromBackend.then(settle, () => settle(true));
      });
    } finally {
      req.signal.removeEventListener('abort', onAbort);
      await back.close().catch(() => {});
      await hj.conn.close().catch(() => {});
    }
  }
}

/** The writable side of a 101 response body (@ka/client's `ReadWriteCloserBody`). */
interface DuplexBody {
  write(p: Uint8Array): Promise<number>;
  closeWrite?(): Promise<void>;
}

// Copies src to dst until EOF, then half-closes dst; resolves false, or rejects on error.
async function pump(
  src: Reader,
  dst: { write(p: Uint8Array): Promise<number> },
  closeWrite: () => Promise<void> | undefined,
): Promise<false> {
  const buf = new Uint8Array(32 * 1024);
  for (;;) {
    const n = await src.read(buf);
    if (n === null) break;
    if (n > 0) await dst.write(buf.slice(0, n));
  }
  await closeWrite();
  return false;
}

// Go: noopCloseReader — close marks the body done for the proxy; the server owns the real one.
class NoopCloseBody extends BodyBase {
  readonly #body: Body;
  #closed = false;

  constructor(body: Body) {
    super();
    this.#body = body;
  }

  read(p: Uint8Array): Promise<number | null> {
    if (this.#closed) {
      return Promise.reject(new Error('ReverseProxy does an invalid Read on closed Body'));
    }
    return this.#body.read(p);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  markClosed(): void {
    this.#closed = true;
  }
}

// Go: maxLatencyWriter — flushes after each write (latency < 0) or at most `latency` ms
// after the first unflushed write. A first flush is armed at once so the header leaves
// even when the body is slow to start.
class MaxLatencyWriter {
  readonly #w: ResponseWriter;
  readonly #rc: ResponseController;
  readonly #latency: number;
  #timer: NodeJS.Timeout | undefined;
  #flushPending = false;

  constructor(w: ResponseWriter, latency: number) {
    this.#w = w;
    this.#rc = new ResponseController(w);
    this.#latency = latency;
    this.#flushPending = true;
    this.#timer = setTimeout(this.#delayedFlush, Math.max(latency, 0));
  }

  async write(p: Uint8Array): Promise<void> {
    await this.#w.write(p);
    if (this.#latency < 0) {
      await this.#rc.flush().catch(() => {}); // Go ignores the flush error here
      return;
    }
    if (this.#flushPending) return;
    this.#flushPending = true;
    this.#timer = setTimeout(this.#delayedFlush, this.#latency);
  }

  readonly #delayedFlush = (): void => {
    this.#timer = undefined;
    if (!this.#flushPending) return;
    this.#flushPending = false;
    this.#rc.flush().catch(() => {});
  };

  stop(): void {
    this.#flushPending = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

// Go: NewSingleHostReverseProxy — a Director that only rewrites the URL.
/**
 * Go's `httputil.NewSingleHostReverseProxy`: a {@link ReverseProxy} that sends every request
 * to `target`'s scheme and host, under its base path (`/base` + `/dir` → `/base/dir`),
 * joining queries. Like Go's, it uses a director: the client's `Host` header is kept and
 * client-sent `X-Forwarded-*` headers are kept (the client IP is appended to
 * `X-Forwarded-For`).
 */
export function newSingleHostReverseProxy(
  target: URL,
  options: Omit<ReverseProxyOptions, 'director' | 'rewrite'> = {},
): ReverseProxy {
  return new ReverseProxy({ ...options, director: (req) => rewriteRequestURL(req, target) });
}

// Go: rewriteRequestURL
function rewriteRequestURL(req: Request, target: URL): void {
  const targetQuery = target.rawQuery;
  req.url.scheme = target.scheme;
  req.url.host = target.host;
  [req.url.path, req.url.rawPath] = joinURLPath(target, req.url);
  if (targetQuery === '' || req.url.rawQuery === '') {
    req.url.rawQuery = targetQuery + req.url.rawQuery;
  } else {
    req.url.rawQuery = `${targetQuery}&${req.url.rawQuery}`;
  }
}

// Go: singleJoiningSlash — exactly one slash between a and b.
/** Joins two paths with exactly one slash between them. */
export function singleJoiningSlash(a: string, b: string): string {
  const aslash = a.endsWith('/');
  const bslash = b.startsWith('/');
  if (aslash && bslash) return a + b.slice(1);
  if (!aslash && !bslash) return `${a}/${b}`;
  return a + b;
}

// Go: joinURLPath — as singleJoiningSlash, deciding on the escaped forms when either URL
// has a raw path.
/** Joins the paths of two URLs; resolves `[path, rawPath]`. */
export function joinURLPath(a: URL, b: URL): [path: string, rawPath: string] {
  if (a.rawPath === '' && b.rawPath === '') return [singleJoiningSlash(a.path, b.path), ''];
  const apath = a.escapedPath();
  const bpath = b.escapedPath();
  const aslash = apath.endsWith('/');
  const bslash = bpath.startsWith('/');
  if (aslash && bslash) return [a.path + b.path.slice(1), apath + bpath.slice(1)];
  if (!aslash && !bslash) return [`${a.path}/${b.path}`, `${apath}/${bpath}`];
  return [a.path + b.path, apath + bpath];
}

// Go: copyHeader — add, never replace.
function copyHeader(dst: Header, src: Header): void {
  for (const [k, vv] of src) for (const v of vv) dst.add(k, v);
}

// Go: removeHopByHopHeaders — first what Connection names (RFC 9110 §7.6.1), then the list.
/** Removes the hop-by-hop headers from `h`: those `Connection` names, then {@link hopHeaders}. */
export function removeHopByHopHeaders(h: Header): void {
  for (const f of h.values('Connection')) {
    for (const part of f.split(',')) {
      const name = trimString(part);
      if (name !== '') h.del(name);
    }
  }
  for (const k of hopHeaders) h.del(k);
}

// Go: upgradeType — the Upgrade value, only when Connection lists "upgrade".
function upgradeType(h: Header): string {
  if (!headerValuesContainsToken(h.values('Connection'), 'Upgrade')) return '';
  return h.get('Upgrade');
}

// Go: httpguts.HeaderValuesContainsToken — comma lists, optional whitespace, any case.
function headerValuesContainsToken(values: readonly string[], token: string): boolean {
  const t = token.toLowerCase();
  for (const v of values) {
    for (const part of v.split(',')) {
      if (part.replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase() === t) return true;
    }
  }
  return false;
}

// Go: textproto.TrimString — ASCII space, tab, CR, LF.
function trimString(s: string): string {
  return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

// Go: ascii.IsPrint — every byte printable ASCII.
function isPrint(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// Go: mime.ParseMediaType, as far as the media type itself: lower-cased, parameters dropped.
function baseMediaType(ct: string): string {
  const semi = ct.indexOf(';');
  return (semi < 0 ? ct : ct.slice(0, semi)).trim().toLowerCase();
}

// Go: cleanQueryParams — a query Go's parser would not take as is (a `;`, a bad `%` escape,
// more than 10000 parameters) is parsed leniently and re-encoded.
/** Re-encodes a raw query that holds `;`, a bad `%` escape or over 10000 parameters. */
export function cleanQueryParams(s: string): string {
  const reencode = () => parseQueryLax(s).values.encode();
  if (s.split('&').length > 10_000) return reencode();
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c === ';') return reencode();
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]!) || !isHex(s[i + 2]!)) return reencode();
      i += 3;
    } else {
      i++;
    }
  }
  return s;
}

function isHex(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

// Go: net.SplitHostPort(r.RemoteAddr) for X-Forwarded-For — the host, or undefined.
function hostOf(remoteAddr: string): string | undefined {
  try {
    return splitHostPort(remoteAddr)[0];
  } catch {
    return undefined;
  }
}

// Go's %q, near enough for the ASCII these messages quote.
function quote(s: string): string {
  return JSON.stringify(s);
}

/** The text Go's `%v` would print for an error. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
