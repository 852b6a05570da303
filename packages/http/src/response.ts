// Go: net/http response.go — the Response type and reading one off the wire (ReadResponse).
import { type BufReader, EOF, ErrUnexpectedEOF } from '@ka/io';
import type { ConnectionState } from '@ka/net';
import { type Body, NoBody } from './body.js';
import { BadStringError, goError } from './errors.js';
import { Header } from './header.js';
import { headerValuesContainsToken, latin1 } from './internal/ascii.js';
import { fixPragmaCacheControl, parseHTTPVersion, type Request } from './request.js';
import {
  readLineBytes,
  readMIMEHeader,
  readMIMEHeaderEager,
  tryReadLineBytes,
} from './textproto.js';
import { readTransfer } from './transfer.js';
import { parseURL, type URL } from './url.js';

/** Fields accepted by the {@link Response} constructor; all optional. */
export interface ResponseInit {
  status?: string;
  statusCode?: number;
  proto?: string;
  protoMajor?: number;
  protoMinor?: number;
  header?: Header;
  body?: Body;
  contentLength?: number;
  transferEncoding?: string[];
  close?: boolean;
  uncompressed?: boolean;
  trailer?: Header | null;
  request?: Request;
}

/**
 * Go's `http.Response`: a response read by a client. The body streams from the connection
 * as it is read.
 */
export class Response {
  /** The status line after the protocol, e.g. `200 OK`. */
  status = '';
  /** The status code, e.g. 200. */
  statusCode = 0;
  /** The protocol, e.g. `HTTP/1.1`. */
  proto = '';
  /** Major protocol version. */
  protoMajor = 0;
  /** Minor protocol version. */
  protoMinor = 0;
  /** The header fields (`Connection: close` removed when it made {@link Response.close} true). */
  header: Header = new Header();
  /** The body; {@link NoBody} when the response has none. */
  body: Body = NoBody;
  /** Body length; -1 when unknown. For HEAD responses, the advertised Content-Length. */
  contentLength = 0;
  /** Transfer codings, outermost first. */
  transferEncoding: string[] = [];
  /** Whether the connection closes after this response. */
  close = false;
  /** Whether the transport transparently decompressed the body. */
  uncompressed = false;
  /** Trailer fields: declared names first, values filled at the body's EOF; or null. */
  trailer: Header | null = null;
  /** The request this answers (its method decides the framing). */
  /**
   * Client: the TLS state of the connection the response came on (Go's `Response.TLS`), `null`
   * over plain TCP.
   */
  tls: ConnectionState | null = null;
  request: Request | undefined = undefined;

  constructor(init?: ResponseInit) {
    if (init !== undefined) Object.assign(this, init);
  }

  /** Go's `ProtoAtLeast`. */
  protoAtLeast(major: number, minor: number): boolean {
    return this.protoMajor > major || (this.protoMajor === major && this.protoMinor >= minor);
  }

  /**
   * Go's `Location`: the `Location` header resolved against the request URL. Throws
   * `http: no Location header in response` when absent, or the URL parse error.
   */
  location(): URL {
    const lv = this.header.get('Location');
    if (lv === '') throw ErrNoLocation;
    if (this.request?.url !== undefined) return this.request.url.parse(lv);
    return parseURL(lv);
  }

  /** Go's `bodyIsWritable`: a 101 response whose body is the raw connection. */
  isProtocolSwitch(): boolean {
    return isProtocolSwitchResponse(this.statusCode, this.header);
  }
}

/** Go's `ErrNoLocation`. */
export const ErrNoLocation = Object.freeze(
  goError('ERR_HTTP_NO_LOCATION', 'http: no Location header in response'),
);

/** Go's `isProtocolSwitchResponse`: 101 with `Connection: upgrade`. */
export function isProtocolSwitchResponse(code: number, h: Header): boolean {
  return code === 101 && isProtocolSwitchHeader(h);
}

/** Go's `isProtocolSwitchHeader`: `Upgrade` set and `Connection` holds `upgrade`. */
export function isProtocolSwitchHeader(h: Header): boolean {
  return (
    (h.rawGet('Upgrade')?.[0] ?? '') !== '' &&
    headerValuesContainsToken(h.rawGet('Connection'), 'Upgrade')
  );
}

/**
 * Go's `http.ReadResponse`: reads a response head from `br` and frames its body. `req` is the
 * request it answers (for HEAD, the body is empty whatever the head says); omit it for GET.
 * 1xx responses are returned like any other: skipping them is the caller's job.
 *
 * Rejects with `ErrUnexpectedEOF` when the stream ends in (or before) the head;
 * {@link BadStringError} for `malformed HTTP response "…"`, `malformed HTTP status code "…"`,
 * `malformed HTTP version "…"`, `bad Content-Length "…"`; `TextprotoProtocolError` for
 * header syntax; `UnsupportedTEError`; or the reader's error. A body cut short fails its read
 * with `unexpected EOF`.
 */
export async function readResponse(br: BufReader, req?: Request): Promise<Response> {
  const lineBytes = await readLineBytes(br);
  if (lineBytes === null) throw ErrUnexpectedEOF;
  const resp = parseStatusLine(lineBytes, req);
  let header: Header;
  try {
    header = await readMIMEHeader(br);
  } catch (e) {
    if (e === EOF) throw ErrUnexpectedEOF;
    throw e;
  }
  return finishResponse(resp, header, br, req);
}

/**
 * @internal {@link readResponse} that returns the Response synchronously when its whole head
 * is already in `br`'s buffer and parses by the common path, else the Promise `readResponse`
 * would return. Same results and errors; a synchronous failure throws.
 */
export function readResponseEager(br: BufReader, req?: Request): Response | Promise<Response> {
  const lineBytes = tryReadLineBytes(br);
  if (lineBytes === undefined) return readResponse(br, req);
  const resp = parseStatusLine(lineBytes, req);
  const h = readMIMEHeaderEager(br);
  if (h instanceof Header) return finishResponse(resp, h, br, req);
  return h.then(
    (header) => finishResponse(resp, header, br, req),
    (e: unknown) => {
      throw e === EOF ? ErrUnexpectedEOF : e;
    },
  );
}

// Go: ReadResponse's status line — protocol, status text, three-digit code.
function parseStatusLine(lineBytes: Uint8Array, req: Request | undefined): Response {
  const resp = new Response();
  resp.request = req;
  // The usual `HTTP/1.1 200 OK` (or 1.0) without the string work; what the general path
  // below would make of it, field for field.
  const n = lineBytes.length;
  if (
    n >= 12 &&
    lineBytes[0] === 0x48 && // H
    lineBytes[1] === 0x54 && // T
    lineBytes[2] === 0x54 && // T
    lineBytes[3] === 0x50 && // P
    lineBytes[4] === 0x2f && // /
    lineBytes[5] === 0x31 && // 1
    lineBytes[6] === 0x2e && // .
    (lineBytes[7] === 0x31 || lineBytes[7] === 0x30) &&
    lineBytes[8] === 0x20 &&
    isDigit(lineBytes[9]!) &&
    isDigit(lineBytes[10]!) &&
    isDigit(lineBytes[11]!) &&
    (n === 12 || lineBytes[12] === 0x20)
  ) {
    const minor = lineBytes[7]! - 0x30;
    resp.proto = minor === 1 ? 'HTTP/1.1' : 'HTTP/1.0';
    resp.protoMajor = 1;
    resp.protoMinor = minor;
    resp.statusCode =
      (lineBytes[9]! - 0x30) * 100 + (lineBytes[10]! - 0x30) * 10 + (lineBytes[11]! - 0x30);
    resp.status = latin1(lineBytes.subarray(9));
    return resp;
  }
  const line = latin1(lineBytes);
  const sp = line.indexOf(' ');
  if (sp < 0) throw new BadStringError('malformed HTTP response', line);
  resp.proto = line.slice(0, sp);
  resp.status = line.slice(sp + 1).replace(/^ +/, '');

  const sp2 = resp.status.indexOf(' ');
  const statusCode = sp2 < 0 ? resp.status : resp.status.slice(0, sp2);
  if (statusCode.length !== 3) throw new BadStringError('malformed HTTP status code', statusCode);
  // Go: strconv.Atoi accepts a sign; a negative code is rejected below.
  if (!/^[+-]?[0-9]+$/.test(statusCode)) {
    throw new BadStringError('malformed HTTP status code', statusCode);
  }
  resp.statusCode = Number.parseInt(statusCode, 10);
  if (resp.statusCode < 0) throw new BadStringError('malformed HTTP status code', statusCode);
  const version = parseHTTPVersion(resp.proto);
  if (version === undefined) throw new BadStringError('malformed HTTP version', resp.proto);
  [resp.protoMajor, resp.protoMinor] = version;
  return resp;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

// The rest of ReadResponse once the header block is read: Pragma, then the body's framing.
function finishResponse(
  resp: Response,
  header: Header,
  br: BufReader,
  req: Request | undefined,
): Response {
  resp.header = header;
  fixPragmaCacheControl(resp.header);
  readTransfer(
    resp,
    {
      isResponse: true,
      statusCode: resp.statusCode,
      requestMethod: req === undefined ? 'GET' : req.method || 'GET',
    },
    br,
  );
  return resp;
}
