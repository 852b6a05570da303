// Go: net/http request.go — the Request type, reading a request off the wire (ReadRequest)
// and writing a client request onto it ((*Request).write).
import { domainToASCII } from 'node:url';
import { type BufReader, type BufWriter, EOF, ErrUnexpectedEOF, type Reader } from '@ka/io';
import type { ConnectionState } from '@ka/net';
import { type Body, BytesBody, MaxBytesBody, NoBody, toBody } from './body.js';
import { BadStringError, goError, MaxBytesError } from './errors.js';
import { Header, headerValueForWire, writeBytes } from './header.js';
import {
  hasToken,
  isASCII,
  latin1,
  quoteText,
  stringContainsCTLByte,
  utf8,
  validHeaderFieldName,
  validHostHeader,
} from './internal/ascii.js';
import type { Response } from './response.js';
import {
  readLineBytes,
  readMIMEHeader,
  readMIMEHeaderEager,
  tryReadLineBytes,
} from './textproto.js';
import { readTransfer, shouldClose, TransferWriter } from './transfer.js';
import { parseRequestURI, parseURL, URL } from './url.js';

/** Go's `defaultUserAgent`, sent by clients that set none. */
export const defaultUserAgent = 'Go-http-client/1.1';

// A signal that never aborts: the `context.Background()` of requests made without one.
const background: AbortSignal = new AbortController().signal;

/** @internal Whether `s` is the never-aborting signal of requests made without one. */
export function isBackgroundSignal(s: AbortSignal): boolean {
  return s === background;
}

/** Fields accepted by the {@link Request} constructor; all optional. */
export interface RequestInit {
  method?: string;
  url?: URL;
  proto?: string;
  protoMajor?: number;
  protoMinor?: number;
  header?: Header;
  body?: Body;
  getBody?: (() => Body | Promise<Body>) | undefined;
  contentLength?: number;
  transferEncoding?: string[];
  close?: boolean;
  host?: string;
  trailer?: Header | null;
  remoteAddr?: string;
  tls?: ConnectionState | null;
  requestURI?: string;
  signal?: AbortSignal;
  pattern?: string;
}

/**
 * Go's `http.Request`: a request received by a server or to be sent by a client.
 *
 * Server side, {@link readRequest} fills it from the wire; client side, build it with
 * {@link newRequest}. Header values are byte strings (latin1), the URL is Unicode text.
 */
export class Request {
  /** The method, e.g. `GET` (case-sensitive; `''` means `GET` for clients). */
  method = 'GET';
  /** The parsed request target (server) or the URL to fetch (client). */
  url: URL = new URL();
  /** The protocol version, e.g. `HTTP/1.1`. */
  proto = 'HTTP/1.1';
  /** Major protocol version. */
  protoMajor = 1;
  /** Minor protocol version. */
  protoMinor = 1;
  /** The header fields (server: `Host` removed; see {@link Request.host}). */
  header: Header = new Header();
  /** The body; {@link NoBody} when there is none. */
  body: Body = NoBody;
  /** Client: returns a fresh copy of the body, for redirects and retries. */
  getBody: (() => Body | Promise<Body>) | undefined = undefined;
  /** Body length; -1 when unknown (chunked or not declared). */
  contentLength = 0;
  /** Transfer codings, outermost first (`['chunked']` or `[]`). */
  transferEncoding: string[] = [];
  /** Server: close after replying; client: close after this request. */
  close = false;
  /** The host from the absolute URI or the Host header (server), or to send (client). */
  host = '';
  /** Trailer fields: declared names first, values filled at the body's EOF; or null. */
  trailer: Header | null = null;
  /** Server: the peer's `ip:port`. */
  remoteAddr = '';
  /**
   * Server: the TLS state of the connection the request came on (Go's `Request.TLS`), `null`
   * over plain TCP. The server sets it; a client ignores it.
   */
  tls: ConnectionState | null = null;
  /** Server: the request target exactly as sent. Must be empty in client requests. */
  requestURI = '';
  /** Cancellation for the request's lifetime (Go's `Context()`). */
  get signal(): AbortSignal {
    if (this.#signal === undefined) {
      const make = this.#makeSignal;
      this.#makeSignal = undefined;
      this.#signal = make !== undefined ? make() : background;
    }
    return this.#signal;
  }
  set signal(v: AbortSignal) {
    this.#signal = v;
    this.#makeSignal = undefined;
  }
  #signal: AbortSignal | undefined = undefined;
  #makeSignal: (() => AbortSignal) | undefined = undefined;
  /** Server: the mux pattern that matched. */
  pattern = '';
  /** Client: the redirect response that caused this request, if any. */
  response: Response | undefined = undefined;
  #pathValues: Map<string, string> | undefined;

  constructor(init?: RequestInit) {
    if (init !== undefined) Object.assign(this, init);
  }

  /** Go's `Request.Context().Done()` analogue: the request's {@link AbortSignal}. */
  get context(): AbortSignal {
    return this.signal;
  }

  /** Go's `WithContext`: a shallow copy using `signal`. */
  withSignal(signal: AbortSignal): Request {
    const r2 = this.#copy();
    r2.signal = signal;
    return r2;
  }

  /** Go's `Clone`: a deep copy (URL, header, trailer, path values) using `signal`. */
  clone(signal: AbortSignal = this.signal): Request {
    const r2 = this.#copy();
    r2.signal = signal;
    r2.url = this.url.clone();
    r2.header = this.header.clone();
    r2.trailer = this.trailer?.clone() ?? null;
    r2.transferEncoding = this.transferEncoding.slice();
    if (this.#pathValues !== undefined) r2.#pathValues = new Map(this.#pathValues);
    return r2;
  }

  #copy(): Request {
    const r2 = Object.assign(new Request(), this);
    r2.#pathValues = this.#pathValues;
    r2.signal = this.signal; // an accessor: Object.assign does not copy it
    return r2;
  }

  /**
   * @internal Set by the request reader when every header line was read by the strict path
   * (token keys, values without control bytes): a server need not check them again.
   */
  headerWireChecked = false;

  /**
   * @internal For the server: the signal is made by `make` on first use (most handlers never
   * look at it, and an AbortController per request is a measurable cost).
   */
  setLazySignal(make: () => AbortSignal): void {
    this.#signal = undefined;
    this.#makeSignal = make;
  }

  /** Go's `PathValue`: the value of a path wildcard set by the mux, or `''`. */
  pathValue(name: string): string {
    return this.#pathValues?.get(name) ?? '';
  }

  /** Go's `SetPathValue`. */
  setPathValue(name: string, value: string): void {
    (this.#pathValues ??= new Map()).set(name, value);
  }

  /** Go's `ProtoAtLeast`. */
  protoAtLeast(major: number, minor: number): boolean {
    return this.protoMajor > major || (this.protoMajor === major && this.protoMinor >= minor);
  }

  /** Go's `UserAgent`: the `User-Agent` header. */
  userAgent(): string {
    return this.header.get('User-Agent');
  }

  /** Go's `Referer`: the `Referer` header. */
  referer(): string {
    return this.header.get('Referer');
  }

  /** Go's `expectsContinue`: `Expect` holds the token `100-continue`. */
  expectsContinue(): boolean {
    return hasToken(this.header.rawGet('Expect')?.[0] ?? '', '100-continue');
  }

  /** Go's `wantsHttp10KeepAlive`: an HTTP/1.0 request with `Connection: keep-alive`. */
  wantsHttp10KeepAlive(): boolean {
    if (this.protoMajor !== 1 || this.protoMinor !== 0) return false;
    return hasToken(this.header.rawGet('Connection')?.[0] ?? '', 'keep-alive');
  }

  /** Go's `wantsClose`: `close` is set or `Connection` holds `close`. */
  wantsClose(): boolean {
    if (this.close) return true;
    return hasToken(this.header.rawGet('Connection')?.[0] ?? '', 'close');
  }

  /** Go's `isH2Upgrade`: the HTTP/2 connection preface `PRI * HTTP/2.0`. */
  isH2Upgrade(): boolean {
    return (
      this.method === 'PRI' &&
      this.header.size === 0 &&
      this.url.path === '*' &&
      this.proto === 'HTTP/2.0'
    );
  }

  /** Go's `isReplayable`: whether a client may resend it after a connection failure. */
  isReplayable(): boolean {
    if (this.body === NoBody || this.getBody !== undefined) {
      switch (this.method || 'GET') {
        case 'GET':
        case 'HEAD':
        case 'OPTIONS':
        case 'TRACE':
          return true;
      }
      if (this.header.rawHas('Idempotency-Key') || this.header.rawHas('X-Idempotency-Key')) {
        return true;
      }
    }
    return false;
  }

  /** Go's `outgoingLength`: the client Content-Length; 0 with a body means unknown (-1). */
  outgoingLength(): number {
    if (this.body === NoBody) return 0;
    if (this.contentLength !== 0) return this.contentLength;
    return -1;
  }

  /** Go's `closeBody`. */
  async closeBody(): Promise<void> {
    await this.body.close();
  }

  /** Go's `BasicAuth`: the credentials of an `Authorization: Basic …` header, if valid. */
  basicAuth(): { username: string; password: string } | undefined {
    const auth = this.header.get('Authorization');
    const prefix = 'Basic ';
    if (auth.length < prefix.length || auth.slice(0, 6).toLowerCase() !== 'basic ') return;
    const enc = auth.slice(prefix.length);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(enc) || enc.length % 4 !== 0) return;
    const cs = Buffer.from(enc, 'base64').toString('latin1');
    const colon = cs.indexOf(':');
    if (colon < 0) return;
    return { username: cs.slice(0, colon), password: cs.slice(colon + 1) };
  }

  /** Go's `SetBasicAuth`. */
  setBasicAuth(username: string, password: string): void {
    const enc = Buffer.from(`${username}:${password}`, 'latin1').toString('base64');
    this.header.set('Authorization', `Basic ${enc}`);
  }
}

/**
 * Go's `ParseHTTPVersion`: `HTTP/1.0` → `[1, 0]`. Only `HTTP/` followed by one digit, a dot
 * and one digit is valid; anything else (`HTTP/2`, `HTTP/1.x`, `HTTP/10.0`) is undefined.
 */
export function parseHTTPVersion(vers: string): [number, number] | undefined {
  if (vers === 'HTTP/1.1') return [1, 1];
  if (vers === 'HTTP/1.0') return [1, 0];
  if (vers.length !== 8 || !vers.startsWith('HTTP/') || vers[6] !== '.') return undefined;
  const maj = vers.charCodeAt(5) - 0x30;
  const min = vers.charCodeAt(7) - 0x30;
  if (maj < 0 || maj > 9 || min < 0 || min > 9) return undefined;
  return [maj, min];
}

/** Go's `validMethod`: a method is a non-empty token (any case). */
export function validMethod(method: string): boolean {
  return validHeaderFieldName(method);
}

/** Go's `fixPragmaCacheControl`: `Pragma: no-cache` implies `Cache-Control: no-cache`. */
export function fixPragmaCacheControl(header: Header): void {
  const hp = header.rawGet('Pragma');
  if (hp !== undefined && hp.length > 0 && hp[0] === 'no-cache') {
    if (!header.rawHas('Cache-Control')) header.rawSet('Cache-Control', ['no-cache']);
  }
}

/**
 * Go's `http.ReadRequest`: reads one request head from `br` and frames its body (the body
 * reads from `br`). The `Host` header is removed from `header` (it is in `host`).
 *
 * Rejects with: `EOF` (from @ka/io) when the stream ended before any byte of a request line;
 * `ErrUnexpectedEOF` when it ended inside the head; {@link BadStringError} for
 * `malformed HTTP request "…"`, `invalid method "…"`, `malformed HTTP version "…"`,
 * `bad Content-Length "…"`, `bad trailer key "…"`; `URLError` for a bad target
 * (`parse "…": invalid URI for request`); `TextprotoProtocolError` for header syntax;
 * `UnsupportedTEError` for a Transfer-Encoding other than `chunked`; plain errors for
 * `too many Host headers` and multiple differing Content-Lengths; or the reader's error.
 */
export async function readRequest(br: BufReader): Promise<Request> {
  const req = await readRequestKeepHost(br);
  req.header.rawDel('Host');
  return req;
}

/**
 * Go's unexported `readRequest`: as {@link readRequest} but leaves `Host` in the header, for
 * a server that validates it afterwards.
 */
export async function readRequestKeepHost(br: BufReader): Promise<Request> {
  const line = await readLineBytes(br);
  if (line === null) throw EOF;
  try {
    return await parseRequest(line, br);
  } catch (e) {
    if (e === EOF) throw ErrUnexpectedEOF;
    throw e;
  }
}

/**
 * @internal {@link readRequestKeepHost} that returns the Request synchronously when its whole
 * head is already in `br`'s buffer and parses by the common path, else the Promise
 * `readRequestKeepHost` would return. Same results; a synchronous failure throws.
 */
export function readRequestKeepHostEager(br: BufReader): Request | Promise<Request> {
  const line = tryReadLineBytes(br);
  if (line === undefined) return readRequestKeepHost(br);
  const req = parseRequestLine(line);
  const h = readMIMEHeaderEager(br);
  if (h instanceof Header) {
    req.headerWireChecked = true; // readMIMEHeaderEager's synchronous result: all strict lines
    return finishParse(req, h, br);
  }
  return h.then(
    (header) => finishParse(req, header, br),
    (e: unknown) => {
      throw e === EOF ? ErrUnexpectedEOF : e;
    },
  );
}

async function parseRequest(line: Uint8Array, br: BufReader): Promise<Request> {
  const req = parseRequestLine(line);
  return finishParse(req, await readMIMEHeader(br), br);
}

// The next space at or after `from`, or -1 (a loop beats the indexOf builtin on short lines).
function indexSP(b: Uint8Array, from: number): number {
  for (let i = from; i < b.length; i++) if (b[i] === 0x20) return i;
  return -1;
}

// The common methods as constant strings, so the hot path builds none: `b[0:n]` when it is
// GET, HEAD, POST, PUT or DELETE, else undefined.
function knownMethod(b: Uint8Array, n: number): string | undefined {
  switch (n) {
    case 3:
      if (b[0] === 0x47 && b[1] === 0x45 && b[2] === 0x54) return 'GET';
      if (b[0] === 0x50 && b[1] === 0x55 && b[2] === 0x54) return 'PUT';
      return undefined;
    case 4:
      if (b[0] === 0x50 && b[1] === 0x4f && b[2] === 0x53 && b[3] === 0x54) return 'POST';
      if (b[0] === 0x48 && b[1] === 0x45 && b[2] === 0x41 && b[3] === 0x44) return 'HEAD';
      return undefined;
    case 6:
      return latin1(b, 0, 6) === 'DELETE' ? 'DELETE' : undefined;
    default:
      return undefined;
  }
}

// True when b[at:] is exactly "HTTP/1.1".
function isHTTP11(b: Uint8Array, at: number): boolean {
  return (
    b.length - at === 8 &&
    b[at] === 0x48 &&
    b[at + 1] === 0x54 &&
    b[at + 2] === 0x54 &&
    b[at + 3] === 0x50 &&
    b[at + 4] === 0x2f &&
    b[at + 5] === 0x31 &&
    b[at + 6] === 0x2e &&
    b[at + 7] === 0x31
  );
}

// Go: parseRequestLine and the URL checks after it.
function parseRequestLine(line: Uint8Array): Request {
  const req = new Request();
  // Go: parseRequestLine — method SP request-target SP proto (the proto keeps any spaces).
  const sp1 = indexSP(line, 0);
  const sp2 = sp1 < 0 ? -1 : indexSP(line, sp1 + 1);
  if (sp1 < 0 || sp2 < 0) throw new BadStringError('malformed HTTP request', latin1(line));
  const known = knownMethod(line, sp1);
  req.method = known ?? latin1(line, 0, sp1);
  req.requestURI = utf8(line, sp1 + 1, sp2);
  if (known === undefined && !validMethod(req.method)) {
    throw new BadStringError('invalid method', req.method);
  }
  if (isHTTP11(line, sp2 + 1)) {
    req.proto = 'HTTP/1.1';
    req.protoMajor = 1;
    req.protoMinor = 1;
  } else {
    req.proto = latin1(line, sp2 + 1, line.length);
    const version = parseHTTPVersion(req.proto);
    if (version === undefined) throw new BadStringError('malformed HTTP version', req.proto);
    [req.protoMajor, req.protoMinor] = version;
  }

  // CONNECT targets are an authority (host:port), except net/rpc's "CONNECT /path".
  let rawurl = req.requestURI;
  const justAuthority = req.method === 'CONNECT' && !rawurl.startsWith('/');
  if (justAuthority) rawurl = `http://${rawurl}`;
  req.url = parseRequestURI(rawurl);
  if (justAuthority) req.url.scheme = '';
  return req;
}

// The rest of Go's readRequest once the header block is read.
function finishParse(req: Request, header: Header, br: BufReader): Request {
  req.header = header;
  const hosts = req.header.rawGet('Host');
  if (hosts !== undefined && hosts.length > 1) {
    throw goError('ERR_HTTP_TOO_MANY_HOSTS', 'too many Host headers');
  }
  // An absolute-form target's host wins over the Host header (RFC 9112 §3.2.2).
  req.host = req.url.host;
  if (req.host === '') req.host = hosts?.[0] ?? '';

  fixPragmaCacheControl(req.header);
  req.close = shouldClose(req.protoMajor, req.protoMinor, req.header, false);
  readTransfer(req, { isResponse: false, statusCode: 200, requestMethod: req.method }, br);

  if (req.isH2Upgrade()) {
    // Neither chunked nor declared; the server closes after the handler unless it hijacks.
    req.contentLength = -1;
    req.close = true;
  }
  return req;
}

/** Body sources {@link newRequest} accepts. */
export type RequestBodyInit = string | Uint8Array | Reader | Body | null | undefined;

function isBody(x: object): x is Body {
  return typeof (x as Body).close === 'function' && typeof (x as Body).bytes === 'function';
}

// Go: removeEmptyPort — "host:" → "host".
function removeEmptyPort(host: string): string {
  const hasPort = host.lastIndexOf(':') > host.lastIndexOf(']');
  return hasPort && host.endsWith(':') ? host.slice(0, -1) : host;
}

/**
 * Go's `NewRequestWithContext` for clients and tests: method (`''` → `GET`), URL and an
 * optional body. A string or byte-array body sets `contentLength` and a replaying `getBody`
 * (an empty one becomes {@link NoBody}); another reader leaves the length 0 (unknown when
 * sent). Throws `net/http: invalid method "…"` or the URL's parse error.
 */
export function newRequest(
  method: string,
  url: string,
  body?: RequestBodyInit,
  options?: { signal?: AbortSignal },
): Request {
  if (method === '') method = 'GET';
  if (!validMethod(method)) {
    throw goError('ERR_HTTP_INVALID_METHOD', `net/http: invalid method ${quoteText(method)}`);
  }
  const u = parseURL(url);
  u.host = removeEmptyPort(u.host);
  const req = new Request({
    method,
    url: u,
    header: new Header(),
    host: u.host,
    signal: options?.signal ?? background,
  });
  if (body == null) return req;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    req.contentLength = bytes.length;
    if (bytes.length === 0) {
      req.getBody = () => NoBody;
      return req;
    }
    req.body = new BytesBody(bytes);
    req.getBody = () => new BytesBody(bytes);
    return req;
  }
  req.body = isBody(body) ? body : toBody(body);
  return req;
}

// ---- writing a client request ----

/** Go's `reqWriteExcludeHeader`: headers {@link writeRequest} writes itself. */
export const reqWriteExcludeHeader: ReadonlySet<string> = new Set([
  'Host',
  'User-Agent',
  'Content-Length',
  'Transfer-Encoding',
  'Trailer',
]);

/** Client trace hooks {@link writeRequest} calls (a subset of Go's `httptrace.ClientTrace`). */
export interface WriteTrace {
  /** A header field was written (with its formatted values). */
  wroteHeaderField?(key: string, values: string[]): void;
  /** The header block was written. */
  wroteHeaders?(): void;
  /** The head was flushed and the writer now waits for `100 Continue`. */
  wait100Continue?(): void;
  /** Writing finished, with the error if it failed. */
  wroteRequest?(info: { err: unknown }): void;
}

/** Options of {@link writeRequest}. */
export interface WriteRequestOptions {
  /** Write the absolute-form target for a proxy (Go's `WriteProxy`). */
  usingProxy?: boolean;
  /** Headers written after the request's own (e.g. the transport's `Accept-Encoding`). */
  extraHeaders?: Header;
  /**
   * With `Expect: 100-continue`: called after the head is flushed; resolve `true` to send the
   * body, `false` to skip it (the body is closed).
   */
  waitForContinue?: () => Promise<boolean>;
  /** Trace hooks. */
  trace?: WriteTrace;
}

/**
 * Go's `requestBodyReadError`: writing failed because reading `Request.body` failed (so the
 * transport knows the connection itself is fine). The body's error is `cause`.
 */
export class RequestBodyReadError extends Error {
  constructor(cause: unknown) {
    super((cause as Error)?.message ?? String(cause), { cause });
    this.name = 'RequestBodyReadError';
  }
}

/** Go's `errMissingHost`. */
export const ErrMissingHost = Object.freeze(
  goError('ERR_HTTP_MISSING_HOST', 'http: Request.Write on Request with no Host or URL set'),
);

// Go: httpguts.PunycodeHostPort — IDNA-encode a non-ASCII host, keeping the port.
function punycodeHostPort(v: string): string {
  if (isASCII(v)) return v;
  let host = v;
  let port = '';
  const colon = v.lastIndexOf(':');
  if (colon > v.lastIndexOf(']')) {
    host = v.slice(0, colon);
    port = v.slice(colon + 1);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const ascii = domainToASCII(host);
  if (ascii === '') throw goError('ERR_IDNA', `idna: invalid label ${quoteText(host)}`);
  return port === '' ? ascii : `${ascii.includes(':') ? `[${ascii}]` : ascii}:${port}`;
}

// Go: removeZone — "[fe80::1%en0]:8080" → "[fe80::1]:8080".
function removeZone(host: string): string {
  if (!host.startsWith('[')) return host;
  const i = host.lastIndexOf(']');
  if (i < 0) return host;
  const j = host.slice(0, i).lastIndexOf('%');
  if (j < 0) return host;
  return host.slice(0, j) + host.slice(i);
}

/**
 * Go's `(*Request).write`: writes a client request to `bw` — request line, `Host`,
 * `User-Agent` (default {@link defaultUserAgent}; an empty header value suppresses it),
 * framing (`Connection: close`, `Content-Length` or `Transfer-Encoding: chunked`, `Trailer`),
 * the other headers sorted, `extraHeaders`, the body and trailers. The body is always
 * closed. The head is flushed before a body that might block; the caller flushes at the
 * end. A failing body read rejects with {@link RequestBodyReadError}.
 */
export async function writeRequest(
  r: Request,
  bw: BufWriter,
  options: WriteRequestOptions = {},
): Promise<void> {
  const trace = options.trace;
  let err: unknown;
  try {
    await writeRequestInner(r, bw, options);
  } catch (e) {
    err = e;
    throw e;
  } finally {
    trace?.wroteRequest?.({ err });
  }
}

/**
 * @internal {@link writeRequest} that finishes synchronously when it can — a request without
 * a body, traces or an `Expect: 100-continue` wait, whose head fits in `bw` — and otherwise
 * returns the Promise `writeRequest` would. The same bytes and errors.
 */
export function writeRequestEager(
  r: Request,
  bw: BufWriter,
  options: WriteRequestOptions = {},
): void | Promise<void> {
  if (
    r.body !== NoBody ||
    r.contentLength !== 0 ||
    options.trace !== undefined ||
    options.waitForContinue !== undefined
  ) {
    return writeRequest(r, bw, options);
  }
  let head: string;
  let tw: TransferWriter;
  try {
    head = requestHeadStart(r, options.usingProxy ?? false, undefined);
    tw = TransferWriter.forRequest(r) as TransferWriter; // no body: no probe, no Promise
    head = requestHeadRest(head, tw, r, options.extraHeaders, undefined);
  } catch (e) {
    return Promise.reject(e);
  }
  const wrote = writeBytes(bw, head);
  if (wrote !== undefined) return wrote.then(() => tw.writeBody(bw));
  try {
    return tw.writeBody(bw); // nothing to copy: synchronous
  } catch (e) {
    return Promise.reject(e);
  }
}

// Go: the start of (*Request).write — request line, Host and User-Agent.
function requestHeadStart(r: Request, usingProxy: boolean, trace: WriteTrace | undefined): string {
  let host = r.host === '' ? r.url.host : r.host;
  host = punycodeHostPort(host);
  if (!validHostHeader(host)) {
    // Never send an altered Host (a smuggling vector); send none unless a proxy needs it.
    if (!usingProxy) host = '';
    else throw goError('ERR_HTTP_INVALID_HOST', 'http: invalid Host header');
  }
  host = removeZone(host);

  let ruri = r.url.requestURI();
  if (usingProxy && r.url.scheme !== '' && r.url.opaque === '') {
    ruri = `${r.url.scheme}://${host}${ruri}`;
  } else if (r.method === 'CONNECT' && r.url.path === '') {
    ruri = r.url.opaque !== '' ? r.url.opaque : host;
  }
  if (stringContainsCTLByte(ruri)) {
    throw goError('ERR_HTTP_CTL_IN_URL', "net/http: can't write control character in Request.URL");
  }

  let head = `${r.method || 'GET'} ${ruri} HTTP/1.1\r\nHost: ${host}\r\n`;
  trace?.wroteHeaderField?.('Host', [host]);

  let userAgent = defaultUserAgent;
  if (r.header.rawHas('User-Agent')) userAgent = r.header.rawGet('User-Agent')?.[0] ?? '';
  if (userAgent !== '') {
    userAgent = headerValueForWire(userAgent);
    head += `User-Agent: ${userAgent}\r\n`;
    trace?.wroteHeaderField?.('User-Agent', [userAgent]);
  }
  return head;
}

// Go: the rest of the head — framing lines, the request's headers, the extra ones, the blank
// line.
function requestHeadRest(
  head: string,
  tw: TransferWriter,
  r: Request,
  extraHeaders: Header | undefined,
  trace: WriteTrace | undefined,
): string {
  head += tw.headerLines(trace);
  head += r.header.subsetLines(reqWriteExcludeHeader);
  if (trace?.wroteHeaderField !== undefined) traceFields(r.header, reqWriteExcludeHeader, trace);
  if (extraHeaders !== undefined) {
    head += extraHeaders.subsetLines();
    if (trace?.wroteHeaderField !== undefined) traceFields(extraHeaders, undefined, trace);
  }
  return `${head}\r\n`;
}

async function writeRequestInner(
  r: Request,
  bw: BufWriter,
  options: WriteRequestOptions,
): Promise<void> {
  const { usingProxy = false, extraHeaders, waitForContinue, trace } = options;
  let closed = false;
  try {
    let head = requestHeadStart(r, usingProxy, trace);
    const tw = await TransferWriter.forRequest(r);
    head = requestHeadRest(head, tw, r, extraHeaders, trace);
    await writeBytes(bw, head);
    trace?.wroteHeaders?.();

    if (waitForContinue !== undefined) {
      await bw.flush();
      trace?.wait100Continue?.();
      if (!(await waitForContinue())) {
        closed = true;
        await r.closeBody().catch(() => {});
        return;
      }
    }
    if (tw.flushHeaders) await bw.flush();

    closed = true;
    try {
      await tw.writeBody(bw);
    } catch (e) {
      if (tw.bodyReadError !== undefined && e === tw.bodyReadError) {
        throw new RequestBodyReadError(e);
      }
      throw e;
    }
  } finally {
    if (!closed) await r.closeBody().catch(() => {});
  }
}

function traceFields(h: Header, exclude: ReadonlySet<string> | undefined, trace: WriteTrace) {
  for (const [k, vv] of h.sortedKeyValues(exclude)) {
    if (!validHeaderFieldName(k)) continue;
    trace.wroteHeaderField?.(k, vv.map(headerValueForWire));
  }
}

// ---- MaxBytesReader ----

/** What {@link maxBytesReader} tells when the limit is hit (Go: the server's response). */
export interface RequestTooLargeNotifier {
  /** Called once when a read goes past the limit (Go's `requestTooLarge`). */
  requestTooLarge?(): void;
}

/**
 * Go's `http.MaxBytesReader`: a body that fails with {@link MaxBytesError} once more than
 * `n` bytes are read, and tells `w` (a server response) so it can close the connection.
 * Closing it closes `r`.
 */
export function maxBytesReader(
  w: RequestTooLargeNotifier | object | undefined,
  r: Body,
  n: number,
): Body {
  return new MaxBytesBody(w, r, Math.max(n, 0), (limit) => new MaxBytesError(limit));
}
