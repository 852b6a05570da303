// Go: client.go — the Client: redirects, the whole-exchange timeout, basic auth from the URL,
// and errors wrapped as url.Error.

import {
  type Body,
  BodyBase,
  canonicalHeaderKey,
  Header,
  NoBody,
  newRequest,
  parseURL,
  Request,
  type RequestBodyInit,
  type Response,
  type URL,
  URLError,
  type Values,
} from '@ka/http';
import { quote } from '@ka/http/internal';
import { copyN, Discard, isGoError, type Reader } from '@ka/io';
import { Dialer } from '@ka/net';
import { basicAuth, idnaASCIIFromURL } from './connect-method.js';
import { DeadlineExceeded } from './context.js';
import { ErrSchemeMismatch, ErrUseLastResponse, newError, TimeoutError } from './errors.js';
import { proxyFromEnvironment } from './proxy.js';
import { RecordHeaderError } from './tls.js';
import { copyClientTrace } from './trace.js';
import { type RoundTripper, Transport } from './transport.js';

// Go: DefaultTransport's dialer — 30 s timeout, 30 s keep-alive.
const defaultDialer = new Dialer({ timeout: 30_000, keepAlive: 30_000 });

/**
 * Go's `http.DefaultTransport`: proxies from the environment, 30 s dial timeout, at most 100
 * idle connections, 90 s idle timeout, 10 s TLS handshake timeout, 1 s 100-continue wait.
 */
export const DefaultTransport: Transport = new Transport({
  proxy: proxyFromEnvironment,
  dial: (network, address, options) => defaultDialer.dial(network, address, options),
  maxIdleConns: 100,
  idleConnTimeout: 90_000,
  tlsHandshakeTimeout: 10_000,
  expectContinueTimeout: 1_000,
});

/**
 * A redirect policy (Go's `CheckRedirect`): called before following a redirect with the next
 * request and the requests made so far, oldest first. Return (or throw) an error to stop:
 * {@link ErrUseLastResponse} returns the redirect response with its body unread; any other
 * error fails the request (the error's `response` is the redirect, body closed).
 */
export type CheckRedirectFunc = (req: Request, via: readonly Request[]) => unknown;

/** Settings of a {@link Client}. */
export interface ClientOptions {
  /** Go's `Transport`; default {@link DefaultTransport}. */
  transport?: RoundTripper | undefined;
  /** Go's `CheckRedirect`; default: stop after 10 redirects. */
  checkRedirect?: CheckRedirectFunc | undefined;
  /** Go's `Timeout` (ms): limit for the whole exchange, reading the body included (0 = none). */
  timeout?: number;
}

/**
 * Go's `*url.Error` as the Client returns it: `Get "http://…": <err>`, with `op`, `url`,
 * `cause` (Go's `Err`) and `timeout()`. When a redirect policy failed, `response` is the
 * last response (its body already closed).
 */
export class ClientError extends URLError {
  /** The last response, when a `checkRedirect` error stopped the redirects. */
  response: Response | undefined = undefined;
  constructor(op: string, url: string, err: unknown) {
    super(op, url, err instanceof Error ? err : new Error(String(err)));
    this.name = 'URLError';
  }
}

// Go: urlErrorOp — "GET" → "Get".
/** The `op` of a request's URL error: the method with only its first letter upper case. */
export function urlErrorOp(method: string): string {
  if (method === '') return 'Get';
  // Go: ascii.ToLower refuses anything but printable ASCII; then the method stays as it is.
  for (let i = 0; i < method.length; i++) {
    const c = method.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return method;
  }
  return method[0] + method.slice(1).toLowerCase();
}

// Go: stripPassword — hide the password of a URL shown in an error.
/** `u` as text with any password replaced by `***`. */
export function stripPassword(u: URL): string {
  const s = u.toString();
  if (u.user?.passwordSet) {
    return s.replace(`${u.user.toString()}@`, `${u.user.username}:***@`);
  }
  return s;
}

// Go: refererForURL.
/**
 * The Referer for a redirect from `lastReq` to `newReq`: none from https to http, the
 * explicit one if set, else the previous URL without user info.
 */
export function refererForURL(lastReq: URL, newReq: URL, explicitRef: string): string {
  if (lastReq.scheme === 'https' && newReq.scheme === 'http') return '';
  if (explicitRef !== '') return explicitRef;
  let referer = lastReq.toString();
  if (lastReq.user !== undefined) referer = referer.replace(`${lastReq.user.toString()}@`, '');
  return referer;
}

// Go: redirectBehavior.
/**
 * What a 3xx answer to `reqMethod` means: 301/302/303 follow with GET (HEAD stays HEAD) and
 * no body; 307/308 keep method and body, but are not followed when the body cannot be
 * replayed (no `getBody`). Other statuses do not redirect.
 */
export function redirectBehavior(
  reqMethod: string,
  resp: Response,
  ireq: Request,
): { redirectMethod: string; shouldRedirect: boolean; includeBody: boolean } {
  let redirectMethod = '';
  let shouldRedirect = false;
  let includeBody = false;
  switch (resp.statusCode) {
    case 301:
    case 302:
    case 303:
      redirectMethod = reqMethod;
      shouldRedirect = true;
      includeBody = false;
      // Only GET and HEAD survive these redirects (Go issue 18570).
      if (reqMethod !== 'GET' && reqMethod !== 'HEAD') redirectMethod = 'GET';
      break;
    case 307:
    case 308:
      redirectMethod = reqMethod;
      shouldRedirect = true;
      includeBody = true;
      // The body must be sent again but cannot be: hand the 307/308 to the caller.
      if (ireq.getBody === undefined && ireq.outgoingLength() !== 0) shouldRedirect = false;
      break;
  }
  return { redirectMethod, shouldRedirect, includeBody };
}

// Go: defaultCheckRedirect.
/** The default redirect policy: fails with `stopped after 10 redirects`. */
export function defaultCheckRedirect(_req: Request, via: readonly Request[]): unknown {
  if (via.length >= 10)
    return newError('ERR_HTTP_TOO_MANY_REDIRECTS', 'stopped after 10 redirects');
  return undefined;
}

// Go: isDomainOrSubdomain.
/** Whether `sub` equals `parent` or is a subdomain of it (both canonical host names). */
export function isDomainOrSubdomain(sub: string, parent: string): boolean {
  if (sub === parent) return true;
  // An IPv6 address (or a zone) is never a subdomain of anything.
  if (sub.includes(':') || sub.includes('%')) return false;
  if (!sub.endsWith(parent)) return false;
  return sub[sub.length - parent.length - 1] === '.';
}

// Go: shouldCopyHeaderOnRedirect — credentials may follow to the same host or a subdomain.
/** Whether sensitive headers set for `initial` may be sent to `dest`. */
export function shouldCopyHeaderOnRedirect(initial: URL, dest: URL): boolean {
  return isDomainOrSubdomain(idnaASCIIFromURL(dest), idnaASCIIFromURL(initial));
}

const sensitiveHeaders = new Set([
  'Authorization',
  'Www-Authenticate',
  'Cookie',
  'Cookie2',
  'Proxy-Authorization',
  'Proxy-Authenticate',
]);
const bodyHeaders = new Set([
  'Content-Encoding',
  'Content-Language',
  'Content-Location',
  'Content-Type',
]);

function copyNoHeaders(): void {}

// Go: (*Client).makeHeadersCopier (without the cookie jar part).
/**
 * Returns a function that copies the headers of `ireq` (as they are now) into each
 * redirected request, leaving out credentials when `stripSensitiveHeaders` and body headers
 * when `stripBodyHeaders`.
 */
export function makeHeadersCopier(
  ireq: Request,
): (req: Request, stripSensitiveHeaders: boolean, stripBodyHeaders: boolean) => void {
  // Nothing to copy now means nothing to copy later (most requests have no headers).
  if (ireq.header.size === 0) return copyNoHeaders;
  const ireqhdr = ireq.header.clone();
  return (req, stripSensitiveHeaders, stripBodyHeaders) => {
    for (const [k, vv] of ireqhdr) {
      const ck = canonicalHeaderKey(k);
      const sensitive = sensitiveHeaders.has(ck);
      const body = bodyHeaders.has(ck);
      if (!(sensitive && stripSensitiveHeaders) && !(body && stripBodyHeaders)) {
        req.header.rawSet(k, vv.slice());
      }
    }
  };
}

/**
 * Go's `cancelTimerBody`: the body of a response under `Client.timeout`; a read failing
 * after the deadline says so, and closing the body (or reading it to the end) stops the
 * timer.
 */
class CancelTimerBody extends BodyBase {
  constructor(
    readonly stop: () => void,
    readonly rc: Body,
    readonly reqDidTimeout: () => boolean,
  ) {
    super();
  }

  async read(p: Uint8Array): Promise<number | null> {
    let n: number | null;
    try {
      n = await this.rc.read(p);
    } catch (err) {
      if (this.reqDidTimeout()) {
        throw new TimeoutError(
          `${errText(err)} (Client.Timeout or context cancellation while reading body)`,
        );
      }
      throw err;
    }
    // Unlike Go, the timer also stops at EOF: a pending timer would keep the process alive.
    if (n === null) this.stop();
    return n;
  }

  async close(): Promise<void> {
    try {
      await this.rc.close();
    } finally {
      this.stop();
    }
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sameSentinel(err: unknown, target: unknown): boolean {
  if (err === target) return true;
  return isGoError(err) && isGoError(target) && Object.isFrozen(err) && err.code === target.code;
}

const noRequestCancel = { stopTimer: () => {}, didTimeout: () => false };

// Go: setRequestCancel — under a deadline, the request gets a signal that aborts with
// DeadlineExceeded when the deadline passes (or with the caller's reason before).
function setRequestCancel(
  req: Request,
  deadline: number,
): { stopTimer: () => void; didTimeout: () => boolean } {
  if (deadline === 0) return noRequestCancel;
  const parent = req.signal;
  const ac = new AbortController();
  let timedOut = false;
  const onAbort = () => ac.abort(parent.reason);
  if (parent.aborted) ac.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(
    () => {
      timedOut = true;
      ac.abort(DeadlineExceeded);
    },
    Math.max(0, deadline - performance.now()),
  );
  // The request's sockets keep the process alive while it runs; the timer alone must not
  // (a body nobody closes would otherwise hold the process until the deadline).
  timer.unref();
  req.signal = ac.signal;
  let stopped = false;
  return {
    stopTimer: () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
    },
    didTimeout: () => timedOut || performance.now() >= deadline,
  };
}

interface SendResult {
  resp?: Response;
  err?: unknown;
  didTimeout: () => boolean;
}

const alwaysFalse = () => false;

// Go: send — one hop: basic auth from the URL, the deadline, the RoundTrip, and the checks
// on what the RoundTripper returned.
async function send(
  ireq: Request,
  rt: RoundTripper | undefined,
  deadline: number,
): Promise<SendResult> {
  let req = ireq;
  if (rt === undefined) {
    await req.closeBody().catch(() => {});
    return {
      err: newError('ERR_HTTP_NO_TRANSPORT', 'http: no Client.Transport or DefaultTransport'),
      didTimeout: alwaysFalse,
    };
  }
  if (req.requestURI !== '') {
    await req.closeBody().catch(() => {});
    return {
      err: newError(
        'ERR_HTTP_REQUEST_URI_SET',
        "http: Request.RequestURI can't be set in client requests",
      ),
      didTimeout: alwaysFalse,
    };
  }
  // Shallow copy of the caller's request, made the first time it must change.
  const forkReq = () => {
    if (req === ireq) {
      req = ireq.withSignal(ireq.signal);
      copyClientTrace(ireq, req);
    }
  };
  const u = req.url.user;
  if (u !== undefined && req.header.get('Authorization') === '') {
    forkReq();
    req.header = ireq.header.clone();
    req.header.set('Authorization', `Basic ${basicAuth(u.username, u.password)}`);
  }
  if (deadline !== 0) forkReq();
  const { stopTimer, didTimeout } = setRequestCancel(req, deadline);

  let resp: Response | undefined;
  try {
    resp = await rt.roundTrip(req);
  } catch (e) {
    stopTimer();
    let err = e;
    // A plain HTTP answer to the TLS handshake: say so (Go issue 11111).
    if (
      err instanceof RecordHeaderError &&
      Buffer.from(err.recordHeader).toString('latin1') === 'HTTP/'
    ) {
      err = ErrSchemeMismatch;
    }
    return { err, didTimeout };
  }
  if (resp == null) {
    stopTimer();
    return {
      err: newError(
        'ERR_HTTP_NIL_RESPONSE',
        `http: RoundTripper implementation (${rt.constructor.name}) returned a nil *Response with a nil error`,
      ),
      didTimeout,
    };
  }
  if ((resp.body as Body | undefined) == null) {
    // A RoundTripper may mean "empty" by no body; give the caller a real empty one.
    if (resp.contentLength > 0 && req.method !== 'HEAD') {
      stopTimer();
      return {
        err: newError(
          'ERR_HTTP_NIL_BODY',
          `http: RoundTripper implementation (${rt.constructor.name}) returned a *Response with content length ${resp.contentLength} but a nil Body`,
        ),
        didTimeout,
      };
    }
    resp.body = NoBody;
  }
  if (deadline !== 0) {
    resp.body = new CancelTimerBody(stopTimer, resp.body, didTimeout);
  }
  return { resp, didTimeout };
}

/** Go's `maxBodySlurpSize`: how much of a redirect body is read so the conn can be reused. */
const maxBodySlurpSize = 2 << 10;

/**
 * Go's `http.Client`: sends requests through a {@link RoundTripper} (default
 * {@link DefaultTransport}), following redirects, applying `timeout` to the whole exchange
 * and wrapping every error as a {@link ClientError} (`Get "url": …`).
 *
 * Read the response body to the end (or close it) so its connection can be reused.
 *
 * @example
 * ```ts
 * const client = new Client({ transport: new Transport(), timeout: 5_000 });
 * const resp = await client.get('http://127.0.0.1:8080/');
 * console.log(resp.statusCode, await resp.body.text());
 * client.closeIdleConnections();
 * ```
 */
export class Client {
  /** See {@link ClientOptions.transport}. */
  transport: RoundTripper | undefined;
  /** See {@link ClientOptions.checkRedirect}. */
  checkRedirect: CheckRedirectFunc | undefined;
  /** See {@link ClientOptions.timeout}. */
  timeout: number;

  constructor(options: ClientOptions = {}) {
    this.transport = options.transport;
    this.checkRedirect = options.checkRedirect;
    this.timeout = options.timeout ?? 0;
  }

  #transport(): RoundTripper {
    return this.transport ?? DefaultTransport;
  }

  /** Go's `Client.Get`. Rejects with the URL parse error or a {@link ClientError}. */
  get(url: string): Promise<Response> {
    return this.do(newRequest('GET', url));
  }

  /** Go's `Client.Head`. */
  head(url: string): Promise<Response> {
    return this.do(newRequest('HEAD', url));
  }

  /**
   * Go's `Client.Post`: a string or byte body can be replayed on 307/308 redirects and
   * retries; a streaming `Reader` body cannot.
   */
  post(url: string, contentType: string, body: RequestBodyInit | Reader): Promise<Response> {
    const req = newRequest('POST', url, body);
    req.header.set('Content-Type', contentType);
    return this.do(req);
  }

  /** Go's `Client.PostForm`: posts `data` URL-encoded. */
  postForm(url: string, data: Values): Promise<Response> {
    return this.post(url, 'application/x-www-form-urlencoded', data.encode());
  }

  // Go: (*Client).CloseIdleConnections.
  /** Closes the transport's idle connections, if it has such a method. */
  closeIdleConnections(): void {
    const t = this.#transport() as Partial<Pick<Transport, 'closeIdleConnections'>>;
    t.closeIdleConnections?.();
  }

  async #checkRedirect(req: Request, via: Request[]): Promise<unknown> {
    const fn = this.checkRedirect ?? defaultCheckRedirect;
    try {
      return (await fn(req, via)) ?? undefined;
    } catch (e) {
      return e;
    }
  }

  // Go: (*Client).do — send, and follow redirects as the policy allows.
  /**
   * Go's `Client.Do`: sends `req` and follows redirects (301/302/303 become GET without a
   * body, 307/308 resend method and body via `getBody`, at most 10 by default). A 3xx without
   * `Location` is returned as is. The request body is always closed. Rejects with a
   * {@link ClientError}; when `checkRedirect` stopped with an error, its `response` field is
   * the last response.
   */
  async do(req: Request): Promise<Response> {
    const deadline = this.timeout > 0 ? performance.now() + this.timeout : 0;
    const reqs: Request[] = [];
    let resp: Response | undefined;
    const copyHeaders = makeHeadersCopier(req);
    let reqBodyClosed = false;
    let redirectMethod = '';
    let includeBody = true;
    let stripSensitiveHeaders = false;

    for (;;) {
      // Every request but the first is a redirect hop built from the previous response.
      if (reqs.length > 0 && resp !== undefined) {
        const loc = resp.header.get('Location');
        if (loc === '') {
          // A 3xx without Location happens in the wild: return it (Go issues 17773, 49281).
          return resp;
        }
        let u: URL;
        try {
          u = req.url.parse(loc);
        } catch (e) {
          await resp.body.close().catch(() => {});
          const err = newError(
            'ERR_HTTP_BAD_LOCATION',
            `failed to parse Location header ${quote(loc)}: ${errText(e)}`,
          );
          throw await urlErrorOf(err, undefined, req, resp, reqs, reqBodyClosed);
        }
        let host = '';
        if (req.host !== '' && req.host !== req.url.host) {
          // A custom Host survives relative redirects only (Go issue 22233).
          try {
            if (!parseURL(loc).isAbs()) host = req.host;
          } catch {
            // keep ''
          }
        }
        const ireq = reqs[0]!;
        const next = new Request({
          method: redirectMethod,
          url: u,
          header: new Header(),
          host,
          signal: ireq.signal,
        });
        next.response = resp;
        copyClientTrace(ireq, next);
        req = next;
        if (includeBody && ireq.getBody !== undefined) {
          try {
            req.body = await ireq.getBody();
          } catch (e) {
            await resp.body.close().catch(() => {});
            throw await urlErrorOf(e, undefined, req, resp, reqs, reqBodyClosed);
          }
          req.getBody = ireq.getBody;
          req.contentLength = ireq.contentLength;
        }

        // Copy the original headers before the Referer, in case the caller set one.
        if (!stripSensitiveHeaders && reqs[0]!.url.host !== req.url.host) {
          if (!shouldCopyHeaderOnRedirect(reqs[0]!.url, req.url)) stripSensitiveHeaders = true;
        }
        copyHeaders(req, stripSensitiveHeaders, !includeBody);
        const ref = refererForURL(reqs[reqs.length - 1]!.url, req.url, req.header.get('Referer'));
        if (ref !== '') req.header.set('Referer', ref);

        const err = await this.#checkRedirect(req, reqs);
        if (sameSentinel(err, ErrUseLastResponse)) return resp;

        // Read a little of a small redirect body so its connection can be reused; errors
        // only mean it will not be.
        if (resp.contentLength === -1 || resp.contentLength <= maxBodySlurpSize) {
          await copyN(Discard, resp.body, maxBodySlurpSize).catch(() => {});
        }
        await resp.body.close().catch(() => {});

        if (err !== undefined) {
          // Go 1 compatibility: the response (body closed) comes with the error, and the
          // error shows the Location value.
          const ue = await urlErrorOf(err, loc, req, resp, reqs, reqBodyClosed);
          ue.response = resp;
          throw ue;
        }
      }

      reqs.push(req);
      const r = await send(req, this.#transport(), deadline);
      if (r.err !== undefined || r.resp === undefined) {
        // send always closes the body.
        reqBodyClosed = true;
        let err = r.err;
        if (deadline !== 0 && r.didTimeout()) {
          err = new TimeoutError(
            `${errText(err)} (Client.Timeout exceeded while awaiting headers)`,
          );
        }
        throw await urlErrorOf(err, undefined, req, resp, reqs, reqBodyClosed);
      }
      resp = r.resp;

      const b = redirectBehavior(req.method, resp, reqs[0]!);
      redirectMethod = b.redirectMethod;
      if (!b.shouldRedirect) return resp;
      // Once a hop drops the body, it is never sent again.
      if (!b.includeBody) includeBody = false;
      await req.closeBody().catch(() => {});
    }
  }
}

// Go: the uerr closure of (*Client).do. The body may have been closed already by send.
async function urlErrorOf(
  err: unknown,
  url: string | undefined,
  req: Request,
  resp: Response | undefined,
  reqs: readonly Request[],
  reqBodyClosed: boolean,
): Promise<ClientError> {
  if (!reqBodyClosed) await req.closeBody().catch(() => {});
  const urlStr =
    url ?? (resp?.request !== undefined ? stripPassword(resp.request.url) : stripPassword(req.url));
  return new ClientError(urlErrorOp((reqs[0] ?? req).method), urlStr, err);
}

/** Go's `http.DefaultClient`: a Client using {@link DefaultTransport}. */
export const DefaultClient: Client = new Client();
