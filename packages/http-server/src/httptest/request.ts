// Go: httptest.NewRequest / NewRequestWithContext (net/http/httptest/httptest.go) — an
// incoming server request built from a method and a request target, for calling a handler
// directly.
import {
  BadStringError,
  type Body,
  Header,
  NoBody,
  parseHTTPVersion,
  parseRequestURI,
  Request,
  toBody,
} from '@ka/http';
import { validMethod } from '@ka/http/internal';
import { BytesReader, type Reader } from '@ka/io';

/** Bodies {@link newRequest} accepts: bytes, text, any reader or body, or none. */
export type TestRequestBody = string | Uint8Array | Reader | Body | null | undefined;

/** Options of {@link newRequest}. */
export interface NewRequestOptions {
  /** The request's signal (Go's `NewRequestWithContext`); default: one that never aborts. */
  signal?: AbortSignal;
}

function isBody(x: object): x is Body {
  return typeof (x as Body).close === 'function' && typeof (x as Body).bytes === 'function';
}

// Go: parseRequestLine + the URL part of readRequest, for the one line NewRequest feeds
// to http.ReadRequest: `METHOD TARGET HTTP/1.0`.
function parseLine(line: string): Request {
  const sp1 = line.indexOf(' ');
  const sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
  if (sp1 < 0 || sp2 < 0) throw new BadStringError('malformed HTTP request', line);
  const req = new Request({ header: new Header() });
  req.method = line.slice(0, sp1);
  req.requestURI = line.slice(sp1 + 1, sp2);
  req.proto = line.slice(sp2 + 1);
  if (!validMethod(req.method)) throw new BadStringError('invalid method', req.method);
  const version = parseHTTPVersion(req.proto);
  if (version === undefined) throw new BadStringError('malformed HTTP version', req.proto);
  [req.protoMajor, req.protoMinor] = version;
  // CONNECT targets are an authority (host:port), except net/rpc's "CONNECT /path".
  let rawurl = req.requestURI;
  const justAuthority = req.method === 'CONNECT' && !rawurl.startsWith('/');
  if (justAuthority) rawurl = `http://${rawurl}`;
  req.url = parseRequestURI(rawurl);
  if (justAuthority) req.url.scheme = '';
  req.host = req.url.host;
  return req;
}

/**
 * Go's `httptest.NewRequest` (and `NewRequestWithContext` through `options.signal`): a request
 * as a server would hand it to a handler, for calling the handler directly (typically with a
 * {@link ResponseRecorder}).
 *
 * `target` is a request-target: a path (`/a?b=c`) or an absolute URL, whose host then becomes
 * `host`; otherwise `host` is `example.com`. The method defaults to `GET`, the protocol is
 * always HTTP/1.1, `remoteAddr` is `192.0.2.1:1234` (TEST-NET-1). A string, byte array or
 * `BytesReader` body sets `contentLength` to its size, `NoBody` to 0, any other reader to -1
 * (unknown); a reader without `close` gets a no-op one.
 *
 * Throws `invalid NewRequest arguments; <reason>` for what `readRequest` would reject (Go
 * panics), e.g. `malformed HTTP version "b HTTP/1.0"` for a target with a space. A target
 * holding CR or LF is rejected too (Go would go on to parse what follows as header lines).
 * An `https://` target gets Go's stand-in TLS state in `tls` (TLS 1.2, handshake complete,
 * `serverName` = the host).
 *
 * @example
 * ```ts
 * const r = newRequest('POST', '/items?id=7', '{"name":"x"}');
 * r.header.set('Content-Type', 'application/json');
 * await handler(new ResponseRecorder(), r);
 * ```
 */
export function newRequest(
  method: string,
  target: string,
  body?: TestRequestBody,
  options: NewRequestOptions = {},
): Request {
  if (method === '') method = 'GET';
  // Go reads this through http.ReadRequest; its first line is what counts.
  const text = `${method} ${target} HTTP/1.0`;
  let line = text;
  const lf = text.indexOf('\n');
  if (lf >= 0) line = text.slice(0, lf > 0 && text[lf - 1] === '\r' ? lf - 1 : lf);
  let req: Request;
  try {
    req = parseLine(line);
    if (line !== text) throw new Error('net/http: request target contains CR or LF');
  } catch (err) {
    throw new Error(`invalid NewRequest arguments; ${(err as Error).message}`, { cause: err });
  }
  if (options.signal !== undefined) req.signal = options.signal;

  // HTTP/1.0 spared us a Host line; the request is HTTP/1.1 all the same.
  req.proto = 'HTTP/1.1';
  req.protoMinor = 1;
  req.close = false;

  if (body != null) {
    if (typeof body === 'string' || body instanceof Uint8Array) {
      const b = typeof body === 'string' ? new TextEncoder().encode(body) : body;
      req.contentLength = b.length;
      req.body = toBody(new BytesReader(b));
    } else {
      if (body === NoBody) req.contentLength = 0;
      else if (body instanceof BytesReader) {
        req.contentLength = body.length;
      } else req.contentLength = -1;
      if (isBody(body)) req.body = body;
      else {
        const c = (body as { close?: unknown }).close;
        req.body =
          typeof c === 'function'
            ? toBody(body, () => (c as () => void | Promise<void>).call(body))
            : toBody(body);
      }
    }
  }

  // 192.0.2.0/24 is TEST-NET-1 (RFC 5737), for documentation and examples only.
  req.remoteAddr = '192.0.2.1:1234';
  if (req.host === '') req.host = 'example.com';
  // Go: a stand-in TLS state for https targets, so handlers can tell them apart.
  if (target.startsWith('https://')) {
    req.tls = {
      version: 0x0303, // TLS 1.2
      handshakeComplete: true,
      didResume: false,
      cipherSuite: '',
      serverName: req.host,
      negotiatedProtocol: '',
      peerCertificates: [],
    };
  }
  return req;
}
