// Test support for the mux tests (built, but not shipped: `*.test.*` is excluded from the
// package). A tiny in-memory ResponseWriter that records status, header and body, and
// a request factory, so the mux and helpers are tested without the server loop.
import { Header, parseRequestURI, parseURL, Request, URL } from '@ka/http';
import type { Handler, ResponseWriter } from '../handler.js';

/** Records what a handler wrote (like Go's httptest.ResponseRecorder, minus sniffing). */
export class Recorder implements ResponseWriter {
  /** Status sent; 200 if none was (as Go's httptest.ResponseRecorder). */
  code = 200;
  /** Body bytes as a string (UTF-8 decoded). */
  body = '';
  /** The header map as the handler left it. */
  readonly headerMap = new Header();
  /** Whether writeHeader or write was called. */
  wroteHeader = false;

  /** The header map. */
  header(): Header {
    return this.headerMap;
  }

  /** Records the first status; later calls are ignored, as by a real response. */
  writeHeader(code: number): void {
    if (this.wroteHeader) return;
    this.wroteHeader = true;
    this.code = code;
  }

  /** Appends to the body (a write implies status 200 if none was set). */
  async write(p: Uint8Array | string): Promise<number> {
    if (!this.wroteHeader) this.writeHeader(200);
    const s = typeof p === 'string' ? p : new TextDecoder().decode(p);
    this.body += s;
    return typeof p === 'string' ? new TextEncoder().encode(p).length : p.length;
  }

  /** The header as sorted `Key=value1|value2` lines, for compact assertions. */
  headerLines(): string[] {
    const out: string[] = [];
    for (const k of [...this.headerMap.keys()].sort()) {
      out.push(`${k}=${this.headerMap.values(k).join('|')}`);
    }
    return out;
  }
}

/** Options for {@link newRequest}. */
export interface RequestOptions {
  /** Host header (default `example.com`); an absolute-form target's host wins, as in Go. */
  host?: string;
  /** Protocol (default `HTTP/1.1`). */
  proto?: string;
}

/**
 * The request the server would hand to the mux for the request line `method target proto`
 * (origin-form, absolute-form, CONNECT authority-form, or `*`), parsed as @ka/http's
 * readRequest does. A target that is not a valid request URI (Go tests sometimes feed
 * `url.Parse` results, like `test/?q`) is parsed as a URL reference instead.
 */
export function newRequest(method: string, target: string, opts: RequestOptions = {}): Request {
  const proto = opts.proto ?? 'HTTP/1.1';
  const m = /^HTTP\/(\d)\.(\d)$/.exec(proto);
  let rawurl = target;
  // (an absolute URL stays one, as with Go's NewRequest in tests)
  const justAuthority =
    method === 'CONNECT' && !rawurl.startsWith('/') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(rawurl);
  if (justAuthority) rawurl = `http://${rawurl}`;
  let url: URL;
  try {
    url = parseRequestURI(rawurl);
  } catch {
    url = parseURL(rawurl);
  }
  if (justAuthority) url.scheme = '';
  return new Request({
    method,
    url,
    requestURI: target,
    proto,
    protoMajor: Number(m?.[1] ?? 1),
    protoMinor: Number(m?.[2] ?? 1),
    host: url.host !== '' ? url.host : (opts.host ?? 'example.com'),
    header: new Header(),
  });
}

/** A request with the URL fields given directly (like Go tests building `&url.URL{...}`). */
export function requestWithUrl(
  method: string,
  host: string,
  url: { path?: string; rawPath?: string; rawQuery?: string; host?: string },
): Request {
  const u = new URL(url);
  return new Request({ method, host, url: u, requestURI: u.toString() });
}

/** Runs `h` on a fresh recorder. */
export async function serve(h: Handler, r: Request): Promise<Recorder> {
  const w = new Recorder();
  await h.serveHttp(w, r);
  return w;
}
