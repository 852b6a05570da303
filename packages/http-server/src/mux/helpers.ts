// Go: server.go helper handlers — Error, NotFound, NotFoundHandler, Redirect,
// RedirectHandler, StripPrefix, AllowQuerySemicolons, htmlEscape.
import {
  maxBytesReader,
  parseURL,
  type Request,
  type RequestTooLargeNotifier,
  StatusNotFound,
  statusText,
  type URL,
} from '@ka/http';
import type { Handler, ResponseWriter } from '../handler.js';
import { hexEscapeNonAscii, pathClean } from './internal.js';

// Go: fmt.Fprintln(w, ...) — the helpers write their one body chunk and, like Go, ignore
// the write's error (a HEAD request, a 304, a hijacked or broken connection).
async function writeIgnoringError(w: ResponseWriter, s: string): Promise<void> {
  try {
    await w.write(s);
  } catch {
    // Go discards Fprintln's error here too.
  }
}

// Go: Error — reset the headers a success response may have prepared (Content-Length
// goes, Content-Encoding stays), mark the body as plain text that must not be sniffed,
// send the status, write the message and a newline.
/**
 * Replies with `message + "\n"` as a plain-text error with the given status (Go's
 * `http.Error`). Deletes `Content-Length`, sets `Content-Type: text/plain; charset=utf-8`
 * and `X-Content-Type-Options: nosniff`; keeps `Content-Encoding`. The caller should write
 * nothing more.
 */
export async function error(w: ResponseWriter, message: string, code: number): Promise<void> {
  const h = w.header();
  h.del('Content-Length');
  h.set('Content-Type', 'text/plain; charset=utf-8');
  h.set('X-Content-Type-Options', 'nosniff');
  w.writeHeader(code);
  await writeIgnoringError(w, `${message}\n`);
}

/** Replies `404 page not found` (Go's `http.NotFound`). */
export function notFound(w: ResponseWriter, _r: Request): Promise<void> {
  return error(w, '404 page not found', StatusNotFound);
}

const notFoundH: Handler = { serveHttp: notFound };

/** A handler that answers every request with {@link notFound} (Go's `http.NotFoundHandler`). */
export function notFoundHandler(): Handler {
  return notFoundH;
}

// Go: htmlReplacer — the five characters that matter in HTML text and attributes, with
// the short numeric forms for the quotes.
const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
};

/** Escapes `& < > " '` as Go's `htmlEscape` does (`&amp; &lt; &gt; &#34; &#39;`). */
export function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => htmlEscapes[c]!);
}

// Go: path.Split — everything up to and including the last slash.
function pathDir(p: string): string {
  return p.slice(0, p.lastIndexOf('/') + 1);
}

// Go: Redirect — a reference without scheme and host is made absolute against the
// request's path (relative ones join its directory), then cleaned with its trailing slash
// and query kept. Location gets the URL with non-ASCII bytes %-escaped. For GET and HEAD,
// when the handler set no Content-Type (even an empty one), it becomes text/html and GET
// gets `<a href="URL">Status Text</a>.` plus two newlines.
/**
 * Replies with a redirect to `url`, which may be relative to the request path (Go's
 * `http.Redirect`). `code` should be a 3xx status, usually 301, 302 or 303. A preset
 * `Content-Type` header (present under that key at all) suppresses the HTML body.
 */
export async function redirect(
  w: ResponseWriter,
  r: Request,
  url: string,
  code: number,
): Promise<void> {
  let relative = false;
  try {
    const u = parseURL(url);
    relative = u.scheme === '' && u.host === '';
  } catch {
    // unparsable: Go uses the text as it is
  }
  if (relative) {
    let oldpath = r.url.escapedPath();
    if (oldpath === '') oldpath = '/'; // should not happen; avoid surprises
    if (url === '' || url[0] !== '/') url = pathDir(oldpath) + url;
    let query = '';
    const q = url.indexOf('?');
    if (q >= 0) {
      query = url.slice(q);
      url = url.slice(0, q);
    }
    const trailing = url.endsWith('/');
    url = pathClean(url);
    if (trailing && !url.endsWith('/')) url += '/';
    url += query;
  }

  const h = w.header();
  const hadCT = h.has('Content-Type');
  h.set('Location', hexEscapeNonAscii(url));
  if (!hadCT && (r.method === 'GET' || r.method === 'HEAD')) {
    h.set('Content-Type', 'text/html; charset=utf-8');
  }
  w.writeHeader(code);
  // No body for HEAD (nothing would be sent) or other methods.
  if (!hadCT && r.method === 'GET') {
    await writeIgnoringError(w, `<a href="${htmlEscape(url)}">${statusText(code)}</a>.\n\n`);
  }
}

/** A handler that redirects every request to `url` with `code` (Go's `http.RedirectHandler`). */
export function redirectHandler(url: string, code: number): Handler {
  return new RedirectHandler(url, code);
}

// Go: redirectHandler — a fixed target; a class so the mux's own redirects are recognisable
// (and inspectable in tests, as Go's TestFindHandler does with %#v).
/** The handler returned by {@link redirectHandler}. */
export class RedirectHandler implements Handler {
  /** The redirect target. */
  readonly url: string;
  /** The status code. */
  readonly code: number;

  /** See {@link redirectHandler}. */
  constructor(url: string, code: number) {
    this.url = url;
    this.code = code;
  }

  /** Redirects via {@link redirect}. */
  serveHttp(w: ResponseWriter, r: Request): Promise<void> {
    return redirect(w, r, this.url, this.code);
  }
}

// Go: `r2 := new(Request); *r2 = *r; r2.URL = new(url.URL); *r2.URL = *r.URL` — a shallow
// copy of the request (sharing body, header and path values, as in Go) with its own URL, so
// the caller's request is never modified.
function withUrl(r: Request, edit: (u: URL) => void): Request {
  const r2 = r.withSignal(r.signal);
  r2.url = r.url.clone();
  edit(r2.url);
  return r2;
}

// Go: StripPrefix — serve with the prefix removed from Path and, when set, from RawPath; if
// either lacks the prefix (an escaped prefix does not count), 404.
/**
 * Serves requests with `prefix` removed from the URL's path (and raw path, when set) by
 * calling `h` on a copy of the request; a request whose path lacks the prefix gets a 404
 * (Go's `http.StripPrefix`). An empty prefix returns `h` itself.
 */
export function stripPrefix(prefix: string, h: Handler): Handler {
  if (prefix === '') return h;
  return {
    serveHttp(w: ResponseWriter, r: Request): unknown {
      const path = r.url.path;
      const rawPath = r.url.rawPath;
      const p = path.startsWith(prefix) ? path.slice(prefix.length) : path;
      const rp = rawPath.startsWith(prefix) ? rawPath.slice(prefix.length) : rawPath;
      if (p.length < path.length && (rawPath === '' || rp.length < rawPath.length)) {
        return h.serveHttp(
          w,
          withUrl(r, (u) => {
            u.path = p;
            u.rawPath = rp;
          }),
        );
      }
      return notFound(w, r);
    },
  };
}

// Go: AllowQuerySemicolons — before the handler (and any form parsing) sees the query,
// turn every ';' into '&', on a copy of the request.
/**
 * Serves requests with every `;` in the raw query turned into `&` (Go's
 * `http.AllowQuerySemicolons`), restoring the pre-Go 1.17 splitting on both. Wrap the
 * handler before anything parses the form.
 */
export function allowQuerySemicolons(h: Handler): Handler {
  return {
    serveHttp(w: ResponseWriter, r: Request): unknown {
      if (!r.url.rawQuery.includes(';')) return h.serveHttp(w, r);
      return h.serveHttp(
        w,
        withUrl(r, (u) => {
          u.rawQuery = u.rawQuery.replaceAll(';', '&');
        }),
      );
    },
  };
}

// Go: MaxBytesHandler — every request's body wrapped in MaxBytesReader (reporting to the
// response writer, so the server can close the connection), on a shallow copy of the request.
/**
 * Serves requests with the body limited to `n` bytes (Go's `http.MaxBytesHandler`): reading
 * past the limit fails with `MaxBytesError` and tells the response writer (when it has a
 * `requestTooLarge()` method) so the server closes the connection afterwards.
 */
export function maxBytesHandler(h: Handler, n: number): Handler {
  return {
    serveHttp(w: ResponseWriter, r: Request): unknown {
      const r2 = r.withSignal(r.signal);
      r2.body = maxBytesReader(w as RequestTooLargeNotifier, r.body, n);
      return h.serveHttp(w, r2);
    },
  };
}
