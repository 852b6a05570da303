// Small text helpers shared by the mux files: byte strings, Go-style path cleaning and
// escaping, Go's %q quoting, host-port splitting. Not part of the package's public surface.
//
// Byte strings. Go compares pattern segments and request path segments as bytes after
// %-unescaping, so "%C3%A9" and "é" are the same segment and "%FF" is a byte that is not
// valid UTF-8. To keep that exact, the mux works on "byte strings": JS strings whose
// char codes are all 0..255, one per byte of the UTF-8 form. For ASCII text (nearly every
// path) a byte string is the string itself, so the hot path converts nothing.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** Reports whether every char code of `s` is below 0x80. */
export function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) return false;
  }
  return true;
}

/** The byte string of `s`'s UTF-8 encoding (identity for ASCII). */
export function toByteString(s: string): string {
  if (isAscii(s)) return s;
  const b = encoder.encode(s);
  let out = '';
  for (let i = 0; i < b.length; i++) out += String.fromCharCode(b[i]!);
  return out;
}

/** Decodes a byte string as UTF-8 (invalid sequences become U+FFFD; identity for ASCII). */
export function fromByteString(b: string): string {
  if (isAscii(b)) return b;
  const u = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) u[i] = b.charCodeAt(i) & 0xff;
  return decoder.decode(u);
}

function unhex(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

// Go: url.PathUnescape via the mux's pathUnescape — decode %XX escapes of a byte string;
// a malformed escape anywhere leaves the whole input unchanged (Go's fallback).
/** Unescapes `%XX` sequences of a byte string; returns it unchanged if an escape is malformed. */
export function pathUnescape(s: string): string {
  let i = s.indexOf('%');
  if (i < 0) return s;
  let out = s.slice(0, i);
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c !== 0x25) {
      out += s[i];
      i++;
      continue;
    }
    if (i + 2 >= s.length) return s;
    const hi = unhex(s.charCodeAt(i + 1));
    const lo = unhex(s.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) return s;
    out += String.fromCharCode((hi << 4) | lo);
    i += 3;
  }
  return out;
}

// Go: path.Clean — lexical cleanup: collapse repeated slashes, drop "." elements, resolve
// ".." against the preceding element (never above the root), drop a trailing slash; the
// empty result is ".".
/** Go's `path.Clean`. */
export function pathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.charCodeAt(0) === 0x2f;
  const n = p.length;
  // out holds the cleaned elements; dotdot is where ".." can no longer back up.
  let out = rooted ? '/' : '';
  let r = rooted ? 1 : 0;
  let dotdot = rooted ? 1 : 0;
  while (r < n) {
    const c = p.charCodeAt(r);
    if (c === 0x2f) {
      r++;
    } else if (c === 0x2e && (r + 1 === n || p.charCodeAt(r + 1) === 0x2f)) {
      r++;
    } else if (
      c === 0x2e &&
      p.charCodeAt(r + 1) === 0x2e &&
      (r + 2 === n || p.charCodeAt(r + 2) === 0x2f)
    ) {
      r += 2;
      if (out.length > dotdot) {
        // back up to the previous slash (or to dotdot)
        let w = out.length - 1;
        while (w > dotdot && out.charCodeAt(w) !== 0x2f) w--;
        out = out.slice(0, w);
      } else if (!rooted) {
        out += out.length > 0 ? '/..' : '..';
        dotdot = out.length;
      }
    } else {
      if ((rooted && out.length !== 1) || (!rooted && out.length !== 0)) out += '/';
      let e = p.indexOf('/', r);
      if (e < 0) e = n;
      out += p.slice(r, e);
      r = e;
    }
  }
  return out === '' ? '.' : out;
}

// Reports whether a path starting with "/" is already in cleanPath's canonical form: no
// empty, "." or ".." elements. A trailing slash is allowed (cleanPath keeps it).
function isCleanRooted(p: string): boolean {
  if (p.charCodeAt(0) !== 0x2f) return false;
  let i = p.indexOf('/', 1);
  let start = 1;
  while (true) {
    const end = i < 0 ? p.length : i;
    const len = end - start;
    if (len === 0 && i >= 0) return false; // "//"
    if (len === 1 && p.charCodeAt(start) === 0x2e) return false; // "."
    if (len === 2 && p.charCodeAt(start) === 0x2e && p.charCodeAt(start + 1) === 0x2e) {
      return false; // ".."
    }
    if (i < 0) return true;
    start = i + 1;
    i = p.indexOf('/', start);
  }
}

// Go: cleanPath (server.go) — the mux's canonical path: rooted, path.Clean'ed, with a
// trailing slash kept when the input had one.
/** Go's `cleanPath`: `path.Clean` of the rooted path, keeping a trailing slash. */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  if (isCleanRooted(p)) return p;
  if (p.charCodeAt(0) !== 0x2f) p = `/${p}`;
  let np = pathClean(p);
  if (p.charCodeAt(p.length - 1) === 0x2f && np !== '/') np += '/';
  return np;
}

// Bytes that Go's URL.EscapedPath leaves alone when escaping a path (go1.26 table):
// letters, digits and $&*+,-./:;=@_~
const pathSafe = (() => {
  const t = new Uint8Array(128);
  const keep = '$&*+,-./:;=@_~';
  for (let c = 0; c < 128; c++) {
    const isAlnum =
      (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    if (isAlnum || keep.includes(String.fromCharCode(c))) t[c] = 1;
  }
  return t;
})();

const upperHex = '0123456789ABCDEF';

// Go: url.escape(s, encodePath) — %-escape (upper-case hex) every byte that may not
// appear literally in a URL path.
/** Escapes a byte string for use as a URL path (Go's `escape(s, encodePath)`). */
export function escapePath(b: string): string {
  let i = 0;
  while (i < b.length) {
    const c = b.charCodeAt(i);
    if (c >= 128 || pathSafe[c] === 0) break;
    i++;
  }
  if (i === b.length) return b;
  let out = b.slice(0, i);
  for (; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (c < 128 && pathSafe[c] === 1) out += b[i];
    else out += `%${upperHex[c >> 4]}${upperHex[c & 15]}`;
  }
  return out;
}

// Go: url.URL{Path: p, RawQuery: q}.String() — the only URL shape the mux builds for its
// redirects: the escaped path ("./" in front if its first segment has a colon) and the
// query when there is one.
/** `url.URL{Path, RawQuery}.String()` for a path given as a byte string. */
export function pathQueryString(pathBytes: string, rawQuery: string): string {
  const p = pathBytes === '*' ? '*' : escapePath(pathBytes);
  let s = p;
  const slash = p.indexOf('/');
  if ((slash < 0 ? p : p.slice(0, slash)).includes(':')) s = `./${p}`;
  if (rawQuery !== '') s += `?${rawQuery}`;
  return s;
}

// Go: hexEscapeNonASCII — %-escape (lower-case hex, as Go's strconv.AppendInt writes it)
// every byte of the UTF-8 form that is not ASCII; leave existing escapes alone.
/** Go's `hexEscapeNonASCII`: `%xx` for each non-ASCII byte, lower-case hex. */
export function hexEscapeNonAscii(s: string): string {
  if (isAscii(s)) return s;
  const b = toByteString(s);
  let out = '';
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    out += c < 0x80 ? b[i] : `%${c.toString(16)}`;
  }
  return out;
}

// Go: httpguts.IsTokenRune table — tchar of RFC 9110.
/** Reports whether `s` is a non-empty RFC 9110 token (Go's `validMethod`). */
export function isToken(s: string): boolean {
  if (s === '') return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      "!#$%&'*+-.^_`|~".includes(s[i]!);
    if (!ok) return false;
  }
  return true;
}

// Go: net.SplitHostPort, reduced to "is this host:port, and what is the host". Mirrors its
// error cases (missing port, too many colons, bad brackets) so stripHostPort falls back to
// the unchanged input exactly when Go's does.
function splitHost(hostport: string): string | null {
  const i = hostport.lastIndexOf(':');
  if (i < 0) return null;
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.charCodeAt(0) === 0x5b) {
    const end = hostport.indexOf(']');
    if (end < 0) return null;
    if (end + 1 === hostport.length) return null;
    if (end + 1 !== i) return null;
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return null;
  }
  if (hostport.indexOf('[', j) >= 0) return null;
  if (hostport.indexOf(']', k) >= 0) return null;
  return host;
}

// Go: stripHostPort — drop a ":port" suffix; anything SplitHostPort rejects is returned
// unchanged.
/** Go's `stripHostPort`: the host without a trailing `:port`. */
export function stripHostPort(h: string): string {
  const i = h.indexOf(':');
  if (i < 0) return h;
  // Common case "name:port": one colon, no brackets anywhere.
  if (h.indexOf(':', i + 1) < 0 && h.indexOf('[') < 0 && h.indexOf(']') < 0) {
    return h.slice(0, i);
  }
  return splitHost(h) ?? h;
}

// --- Go's %q -------------------------------------------------------------------------

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

// Decodes one UTF-8 sequence at b[i] with Go's rules (no overlongs, no surrogates, at most
// U+10FFFF); returns [rune, size] or [-1, 1] for an invalid byte.
function decodeRune(b: string, i: number): [number, number] {
  const c0 = b.charCodeAt(i);
  if (c0 < 0x80) return [c0, 1];
  const cont = (k: number): number => {
    const c = b.charCodeAt(i + k);
    return c >= 0x80 && c <= 0xbf ? c & 0x3f : -1;
  };
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    const c1 = cont(1);
    if (c1 >= 0) return [((c0 & 0x1f) << 6) | c1, 2];
  } else if (c0 >= 0xe0 && c0 <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    if (c1 >= 0 && c2 >= 0) {
      const r = ((c0 & 0x0f) << 12) | (c1 << 6) | c2;
      if (r >= 0x800 && (r < 0xd800 || r > 0xdfff)) return [r, 3];
    }
  } else if (c0 >= 0xf0 && c0 <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
      const r = ((c0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
      if (r >= 0x10000 && r <= 0x10ffff) return [r, 4];
    }
  }
  return [-1, 1];
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

// Go: strconv.Quote over bytes — double quotes; \" and \\; printable runes as they are;
// \a \b \f \n \r \t \v; other control bytes and invalid UTF-8 as \xNN; other non-printable
// runes as \uNNNN or \UNNNNNNNN.
/** Go's `%q` of a byte string. */
export function quoteBytes(b: string): string {
  let out = '"';
  for (let i = 0; i < b.length; ) {
    const [r, size] = decodeRune(b, i);
    if (r < 0) {
      out += `\\x${hex(b.charCodeAt(i), 2)}`;
    } else if (r === 0x22 || r === 0x5c) {
      out += `\\${String.fromCharCode(r)}`;
    } else if (r < 0x80 ? r >= 0x20 && r < 0x7f : printable.test(String.fromCodePoint(r))) {
      out += String.fromCodePoint(r);
    } else {
      switch (r) {
        case 0x07:
          out += '\\a';
          break;
        case 0x08:
          out += '\\b';
          break;
        case 0x0c:
          out += '\\f';
          break;
        case 0x0a:
          out += '\\n';
          break;
        case 0x0d:
          out += '\\r';
          break;
        case 0x09:
          out += '\\t';
          break;
        case 0x0b:
          out += '\\v';
          break;
        default:
          if (r < 0x20 || r === 0x7f) out += `\\x${hex(r, 2)}`;
          else if (r < 0x10000) out += `\\u${hex(r, 4)}`;
          else out += `\\U${hex(r, 8)}`;
      }
    }
    i += size;
  }
  return `${out}"`;
}

/** Go's `%q` of a (UTF-16) string, quoted as its UTF-8 bytes. */
export function quote(s: string): string {
  return quoteBytes(toByteString(s));
}
