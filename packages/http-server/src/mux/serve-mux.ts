// Go: server.go ServeMux (Go 1.22+ patterns) — registration with conflict detection,
// request matching (host, method, path), trailing-slash and clean-path redirects, 405 with
// Allow, the mux's own 404.
import {
  type Request,
  StatusBadRequest,
  StatusMethodNotAllowed,
  StatusTemporaryRedirect,
  statusText,
} from '@ka/http';
import {
  type Handler,
  type HandlerFunc,
  type HandlerLike,
  type ResponseWriter,
  toHandler,
} from '../handler.js';
import { error, notFoundHandler, RedirectHandler } from './helpers.js';
import {
  cleanPath,
  fromByteString,
  isAscii,
  pathQueryString,
  quote,
  stripHostPort,
  toByteString,
} from './internal.js';
import { describeConflict, type Pattern, parsePattern } from './pattern.js';
import { RoutingIndex } from './routing-index.js';
import { RoutingNode } from './routing-tree.js';

// The status of the mux's own redirects (trailing slash, clean path): Go 1.26 uses 307
// StatusTemporaryRedirect; Go 1.22–1.25 used 301 StatusMovedPermanently.
const muxRedirectCode = StatusTemporaryRedirect;

/** What {@link ServeMux.handler} returns: the handler to use and the pattern it was chosen by. */
export interface MuxMatch {
  /** The handler: a registered one, or the mux's redirect, 404 or 405 handler. */
  handler: Handler;
  /**
   * The registered pattern that matched; for a mux redirect the pattern the redirected
   * request will match (or, for CONNECT, the target path); `""` for 404 and 405.
   */
  pattern: string;
}

// Go: the result of (*ServeMux).findHandler — also the parsed pattern and wildcard values
// (byte strings) when a registered handler was found.
interface Found extends MuxMatch {
  pat: Pattern | null;
  matches: string[] | null;
}

// Go: the 405 handler findHandler builds — Allow lists the methods that would have
// matched, then a plain-text "Method Not Allowed".
class MethodNotAllowedHandler implements Handler {
  private readonly allow: string;
  constructor(allow: string) {
    this.allow = allow;
  }
  serveHttp(w: ResponseWriter, _r: Request): Promise<void> {
    w.header().set('Allow', this.allow);
    return error(w, statusText(StatusMethodNotAllowed), StatusMethodNotAllowed);
  }
}

// Go: runtime.Caller(3) in registerErr — "file:line" of the user code that registered the
// pattern, for conflict messages: the first stack frame outside this module.
const thisFile = import.meta.url;
const thisPath = thisFile.startsWith('file://') ? decodeURIComponent(thisFile.slice(7)) : thisFile;
const frameLocation = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):\d+\)?$/;

function callerLocation(): string {
  const stack = new Error().stack;
  if (stack !== undefined) {
    const lines = stack.split('\n');
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (!line.startsWith('at ') || line.includes(thisFile) || line.includes(thisPath)) continue;
      const m = frameLocation.exec(line);
      if (m !== null) {
        const file = m[1]!.startsWith('file://') ? decodeURIComponent(m[1]!.slice(7)) : m[1]!;
        return `${file}:${m[2]}`;
      }
    }
  }
  return 'unknown location';
}

/**
 * Go's `http.ServeMux` with Go 1.22+ patterns: an HTTP request multiplexer.
 *
 * Patterns are `[METHOD ][HOST]/[PATH]`. A path segment may be a wildcard `{name}` (one
 * segment), a final `{name...}` (the rest of the path) or a final `{$}` (the path ends
 * here); a path ending in `/` matches the whole subtree. A pattern without a method matches
 * every method, `GET` also matches `HEAD`; a pattern without a host matches every host.
 * Literal segments are compared after unescaping, segment by segment.
 *
 * Among the patterns that match a request the most specific wins (the one matching a strict
 * subset of the other's requests), and a pattern with a host wins over one without;
 * registering two patterns where neither rule decides throws. The handler sees the matched
 * pattern in `r.pattern` and the wildcard values through `r.pathValue(name)`.
 *
 * The mux cleans paths (`.`, `..`, repeated slashes) and ignores the port of the Host,
 * redirecting (307, as Go 1.26) to the cleaned path, and to `/tree/` for `/tree` when only
 * the subtree is registered. A request that matches only with another method gets
 * `405 Method Not Allowed` with `Allow`; anything else `404 page not found`.
 */
export class ServeMux implements Handler {
  readonly #tree = new RoutingNode();
  readonly #index = new RoutingIndex();

  // Go: (*ServeMux).Handle → register
  /**
   * Registers `handler` for `pattern`. Throws (where Go panics) if the pattern is invalid
   * (`parsing "/{x": at offset 1: bad wildcard segment (must end with '}')`), empty
   * (`http: invalid pattern`), the handler is missing (`http: nil handler`), or the pattern
   * conflicts with one already registered (`pattern "/a" (registered at f.ts:3) conflicts
   * with pattern "/a" (registered at f.ts:2):` and an explanation).
   */
  handle(pattern: string, handler: HandlerLike): void {
    const err = this.#registerErr(pattern, handler);
    if (err !== undefined) throw err;
  }

  // Go: (*ServeMux).HandleFunc
  /** Registers a handler function for `pattern`; see {@link handle}. */
  handleFunc(pattern: string, handler: HandlerFunc): void {
    const err = this.#registerErr(pattern, handler);
    if (err !== undefined) throw err;
  }

  // Go: (*ServeMux).registerErr — validate, parse, check the possibly conflicting patterns
  // from the index, then add to the tree and the index.
  #registerErr(patstr: string, handler: HandlerLike | null | undefined): Error | undefined {
    if (patstr === '') return new Error('http: invalid pattern');
    if (handler == null || (typeof handler !== 'function' && typeof handler !== 'object')) {
      return new Error('http: nil handler');
    }
    const h = toHandler(handler);
    if (typeof h.serveHttp !== 'function') return new Error('http: nil handler');

    let pat: Pattern;
    try {
      pat = parsePattern(patstr);
    } catch (e) {
      return new Error(`parsing ${quote(patstr)}: ${(e as Error).message}`, { cause: e });
    }
    pat.loc = callerLocation();

    const err = this.#index.possiblyConflictingPatterns(pat, (pat2) => {
      if (!pat.conflictsWith(pat2)) return undefined;
      const d = describeConflict(pat, pat2);
      return new Error(
        `pattern ${quote(pat.str)} (registered at ${pat.loc}) conflicts with pattern ` +
          `${quote(pat2.str)} (registered at ${pat2.loc}):\n${d}`,
      );
    });
    if (err !== undefined) return err;
    this.#tree.addPattern(pat, h);
    this.#index.addPattern(pat);
    return undefined;
  }

  // Go: (*ServeMux).Handler
  /**
   * The handler the mux would use for `r` and its pattern (Go's `Handler`), consulting
   * `r.method`, `r.host` and `r.url`. Always returns a handler: a registered one, or one
   * that redirects, answers 405 or answers 404. Does not modify `r` (path values are only
   * set by {@link serveHttp}).
   */
  handler(r: Request): MuxMatch {
    const f = this.#findHandler(r);
    return { handler: f.handler, pattern: f.pattern };
  }

  // Go: (*ServeMux).ServeHTTP — "*" as request target is a 400 (the server answers
  // "OPTIONS *" before the mux); otherwise record the pattern and wildcard values on the
  // request and call the chosen handler.
  /** Dispatches the request to the handler whose pattern matches it best. */
  serveHttp(w: ResponseWriter, r: Request): unknown {
    if (r.requestURI === '*') {
      if (r.protoAtLeast(1, 1)) w.header().set('Connection', 'close');
      w.writeHeader(StatusBadRequest);
      return;
    }
    const f = this.#findHandler(r);
    r.pattern = f.pattern;
    if (f.pat !== null && f.matches !== null) {
      const names = f.pat.wildcardNames;
      for (let i = 0; i < names.length; i++) {
        r.setPathValue(names[i]!, fromByteString(f.matches[i] ?? ''));
      }
    }
    return f.handler.serveHttp(w, r);
  }

  // Go: (*ServeMux).findHandler — CONNECT keeps host and path as they are (only the
  // trailing-slash redirect applies, matched against URL.Host, then a second match against
  // Host); every other method matches the port-less Host against the cleaned path,
  // redirecting to add a trailing slash or to the cleaned path. With no match, 405 if
  // another method would match, else 404.
  #findHandler(r: Request): Found {
    let host = r.url.host;
    let escapedPath = r.url.escapedPath();
    if (!isAscii(escapedPath)) escapedPath = toByteString(escapedPath);
    let path = escapedPath;
    let n: RoutingNode | null;
    let matches: string[];

    if (r.method === 'CONNECT') {
      const first = this.#matchOrRedirect(host, r.method, path, r.url);
      if (first.redirect !== null) {
        return this.#redirect(first.redirect, first.redirectPath);
      }
      const second = this.#matchOrRedirect(r.host, r.method, path, null);
      n = second.node;
      matches = second.matches;
    } else {
      host = stripHostPort(r.host);
      path = cleanPath(path);
      const m = this.#matchOrRedirect(host, r.method, path, r.url);
      if (m.redirect !== null) {
        return this.#redirect(m.redirect, m.node!.pattern!.str);
      }
      if (path !== escapedPath) {
        const patStr = m.node !== null ? m.node.pattern!.str : '';
        return this.#redirect(pathQueryString(path, r.url.rawQuery), patStr);
      }
      n = m.node;
      matches = m.matches;
    }

    if (n === null) {
      const allowed = this.#matchingMethods(host, path);
      if (allowed.length > 0) {
        return {
          handler: new MethodNotAllowedHandler(allowed.join(', ')),
          pattern: '',
          pat: null,
          matches: null,
        };
      }
      return { handler: notFoundHandler(), pattern: '', pat: null, matches: null };
    }
    return { handler: n.handler!, pattern: n.pattern!.str, pat: n.pattern, matches };
  }

  #redirect(url: string, pattern: string): Found {
    return {
      handler: new RedirectHandler(url, muxRedirectCode),
      pattern,
      pat: null,
      matches: null,
    };
  }

  // Go: (*ServeMux).matchOrRedirect — match; if the match is not exact and redirects are
  // allowed (u given), the path has no trailing slash and is not empty, try again with a
  // slash appended and, on an exact match, redirect there (the URL's own path, cleaned,
  // plus "/", and its query).
  #matchOrRedirect(
    host: string,
    method: string,
    path: string,
    u: Request['url'] | null,
  ): {
    node: RoutingNode | null;
    matches: string[];
    redirect: string | null;
    redirectPath: string;
  } {
    const matches: string[] = [];
    const n = this.#tree.match(host, method, path, matches);
    if (!exactMatch(n, path) && u !== null && !path.endsWith('/') && path !== '') {
      const path2 = `${path}/`;
      const n2 = this.#tree.match(host, method, path2, []);
      if (exactMatch(n2, path2)) {
        const target = `${cleanPath(u.path)}/`;
        return {
          node: n2,
          matches: [],
          redirect: pathQueryString(toByteString(target), u.rawQuery),
          redirectPath: target,
        };
      }
    }
    return { node: n, matches, redirect: null, redirectPath: '' };
  }

  // Go: (*ServeMux).matchingMethods — sorted methods that would match host and path, or
  // path plus "/" (the trailing-slash redirect would have tried that).
  #matchingMethods(host: string, path: string): string[] {
    const ms = new Set<string>();
    this.#tree.matchingMethods(host, path, ms);
    if (!path.endsWith('/')) this.#tree.matchingMethods(host, `${path}/`, ms);
    return [...ms].sort(compareBytes);
  }
}

// Go's string order (bytes); methods are tokens, so UTF-16 order is the same.
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Go: exactMatch — whether the matched pattern consumed the whole path: always without a
// final multi wildcard; with one, only if the path ends in "/" and has exactly as many
// slashes as the pattern has segments (the multi matched the empty string).
/** Reports whether node `n`'s pattern matches `path` exactly (no non-empty multi match). */
export function exactMatch(n: RoutingNode | null, path: string): boolean {
  if (n === null) return false;
  const pat = n.pattern!;
  if (!pat.lastSegment().multi) return true;
  if (path.length > 0 && path.charCodeAt(path.length - 1) !== 0x2f) return false;
  let slashes = 0;
  for (let i = 0; i < path.length; i++) if (path.charCodeAt(i) === 0x2f) slashes++;
  return pat.segments.length === slashes;
}
