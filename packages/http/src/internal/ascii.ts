// Byte-level helpers shared by the parsers and writers of @ka/http.
//
// Strings convention: everything that travels in a message head (header names and values,
// status text, method, proto) is a *byte string*: one UTF-16 code unit per wire byte
// (latin1), as Go's strings are bytes and as Node's http module does. URLs are the exception:
// they are Unicode text and are UTF-8 encoded when escaped (see url.ts).

const latin1Slice = (
  Buffer.prototype as unknown as { latin1Slice: (s: number, e: number) => string }
).latin1Slice;

/** Decodes `b[start:end]` byte for byte (latin1): the inverse of {@link latin1Bytes}. */
export function latin1(b: Uint8Array, start = 0, end = b.length): string {
  const n = end - start;
  if (n <= 0) return '';
  if (n <= 8) {
    // Short strings are cheaper to build in JS than through the native call.
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
    return s;
  }
  return latin1Slice.call(b, start, end);
}

/**
 * Encodes a byte string for the wire: each code unit 0–255 becomes one byte. A string that
 * holds code units above 255 is not a byte string; it is sent as UTF-8 instead.
 */
export function latin1Bytes(s: string): Uint8Array {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) return Buffer.from(s, 'utf8');
  }
  return Buffer.from(s, 'latin1');
}

/** Bytes of a byte string (latin1), without the UTF-8 fallback: used for quoting. */
export function byteStringBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** True when every code unit of `s` is below 0x80. */
export function isASCII(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

// Go: httpguts isTokenTable — RFC 7230 tchar.
const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;

/** Go: textproto validHeaderFieldByte / httpguts isTokenTable — is `c` a tchar? */
export function isTokenByte(c: number): boolean {
  return c < 256 && TOKEN[c] === 1;
}

/** Go: textproto validHeaderValueByte — VCHAR, SP, HTAB and obs-text (0x80–0xFF) are allowed. */
export function validHeaderValueByte(c: number): boolean {
  return c >= 0x80 || c === 0x20 || c === 0x09 || (c >= 0x21 && c <= 0x7e);
}

/** Go's `httpguts.ValidHeaderFieldName`: a non-empty token. */
export function validHeaderFieldName(v: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 256 || TOKEN[c] !== 1) return false;
  }
  return true;
}

/**
 * Go's `httpguts.ValidHeaderFieldValue`: no control bytes other than horizontal tab and
 * space. Bytes ≥ 0x80 (obs-text) are allowed.
 */
export function validHeaderFieldValue(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return false;
  }
  return true;
}

// Go: httpguts validHostByte — the bytes RFC 3986 allows in a host[:port], plus '%' and '[]'.
const HOST = new Uint8Array(256);
for (const c of "!$%&()*+,-.:;=[]'_~") HOST[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) HOST[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) HOST[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) HOST[c] = 1;

/** Go's `httpguts.ValidHostHeader`: only characters a host (and port) may contain. */
export function validHostHeader(h: string): boolean {
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    if (c >= 256 || HOST[c] !== 1) return false;
  }
  return true;
}

/** Go's `textproto.TrimString`: strips ASCII space, tab, CR and LF from both ends. */
export function trimString(s: string): string {
  let i = 0;
  let j = s.length;
  while (i < j && isASCIISpace(s.charCodeAt(i))) i++;
  while (j > i && isASCIISpace(s.charCodeAt(j - 1))) j--;
  return i === 0 && j === s.length ? s : s.slice(i, j);
}

function isASCIISpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

// Go: httpguts trimOWS — only space and tab.
function trimOWS(s: string): string {
  let i = 0;
  let j = s.length;
  while (i < j && (s.charCodeAt(i) === 0x20 || s.charCodeAt(i) === 0x09)) i++;
  while (j > i && (s.charCodeAt(j - 1) === 0x20 || s.charCodeAt(j - 1) === 0x09)) j--;
  return s.slice(i, j);
}

function lowerASCII(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
}

// Go: httpguts tokenEqual — ASCII case-insensitive; a non-ASCII byte never matches.
function tokenEqual(t1: string, t2: string): boolean {
  if (t1.length !== t2.length) return false;
  for (let i = 0; i < t1.length; i++) {
    const b = t1.charCodeAt(i);
    if (b >= 0x80) return false;
    if (lowerASCII(b) !== lowerASCII(t2.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * Go's `httpguts.HeaderValuesContainsToken`: whether any comma-separated element of any of
 * `values` equals `token` (ASCII case-insensitive, surrounding spaces ignored).
 */
export function headerValuesContainsToken(values: readonly string[] | undefined, token: string) {
  if (values === undefined) return false;
  for (const v of values) {
    let rest = v;
    for (let comma = rest.indexOf(','); comma !== -1; comma = rest.indexOf(',')) {
      if (tokenEqual(trimOWS(rest.slice(0, comma)), token)) return true;
      rest = rest.slice(comma + 1);
    }
    if (tokenEqual(trimOWS(rest), token)) return true;
  }
  return false;
}

/** Go: http.isTokenBoundary. */
function isTokenBoundary(c: number): boolean {
  return c === 0x20 || c === 0x2c || c === 0x09;
}

/**
 * Go's `http.hasToken`: whether the lowercase `token` appears in `v` (ASCII
 * case-insensitive) bounded by space, comma, tab or the ends.
 */
export function hasToken(v: string, token: string): boolean {
  if (token.length > v.length || token === '') return false;
  if (v === token) return true;
  const t0 = token.charCodeAt(0);
  for (let sp = 0; sp <= v.length - token.length; sp++) {
    const b = v.charCodeAt(sp);
    if (b !== t0 && (b | 0x20) !== t0) continue;
    if (sp > 0 && !isTokenBoundary(v.charCodeAt(sp - 1))) continue;
    const end = sp + token.length;
    if (end !== v.length && !isTokenBoundary(v.charCodeAt(end))) continue;
    if (equalFold(v.slice(sp, end), token)) return true;
  }
  return false;
}

/** Go's `ascii.EqualFold`: ASCII-only case-insensitive comparison. */
export function equalFold(s: string, t: string): boolean {
  if (s.length !== t.length) return false;
  for (let i = 0; i < s.length; i++) {
    if (lowerASCII(s.charCodeAt(i)) !== lowerASCII(t.charCodeAt(i))) return false;
  }
  return true;
}

/** Go's `http.foreachHeaderElement`: calls `fn` for each trimmed non-empty comma element. */
export function foreachHeaderElement(v: string, fn: (element: string) => void): void {
  v = trimString(v);
  if (v === '') return;
  if (!v.includes(',')) {
    fn(v);
    return;
  }
  for (let f of v.split(',')) {
    f = trimString(f);
    if (f !== '') fn(f);
  }
}

/** Go: http.stringContainsCTLByte — any byte below 0x20 or DEL. */
export function stringContainsCTLByte(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

// ---- Go's %q (strconv.Quote) ----

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const HEX = '0123456789abcdef';

// Go: strconv.appendQuotedWith — quote one decoded rune.
function quoteRune(r: number): string {
  switch (r) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (r >= 0x20 && r < 0x7f) return String.fromCharCode(r);
  if (r < 0x20 || r === 0x7f) return `\\x${HEX[r >> 4]}${HEX[r & 15]}`;
  const ch = String.fromCodePoint(r);
  if (printable.test(ch)) return ch;
  if (r < 0x10000) return `\\u${r.toString(16).padStart(4, '0')}`;
  return `\\U${r.toString(16).padStart(8, '0')}`;
}

/**
 * Go's `strconv.Quote` (`%q`) over raw bytes: valid UTF-8 sequences are decoded and kept when
 * printable, invalid bytes become `\xNN`.
 */
export function quoteBytes(b: Uint8Array): string {
  let out = '"';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      out += quoteRune(c);
      i++;
      continue;
    }
    const [r, size] = decodeRune(b, i);
    if (r < 0) {
      out += `\\x${HEX[c >> 4]}${HEX[c & 15]}`;
      i++;
    } else {
      out += quoteRune(r);
      i += size;
    }
  }
  return `${out}"`;
}

// Go: utf8.DecodeRune — strict decoding; returns [-1, 1] for an invalid sequence.
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c0 = b[i]!;
  const n = b.length - i;
  if (c0 >= 0xc2 && c0 <= 0xdf && n >= 2) {
    const c1 = b[i + 1]!;
    if ((c1 & 0xc0) === 0x80) return [((c0 & 0x1f) << 6) | (c1 & 0x3f), 2];
  } else if (c0 >= 0xe0 && c0 <= 0xef && n >= 3) {
    const c1 = b[i + 1]!;
    const c2 = b[i + 2]!;
    const lo = c0 === 0xe0 ? 0xa0 : 0x80;
    const hi = c0 === 0xed ? 0x9f : 0xbf;
    if (c1 >= lo && c1 <= hi && (c2 & 0xc0) === 0x80) {
      return [((c0 & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f), 3];
    }
  } else if (c0 >= 0xf0 && c0 <= 0xf4 && n >= 4) {
    const c1 = b[i + 1]!;
    const c2 = b[i + 2]!;
    const c3 = b[i + 3]!;
    const lo = c0 === 0xf0 ? 0x90 : 0x80;
    const hi = c0 === 0xf4 ? 0x8f : 0xbf;
    if (c1 >= lo && c1 <= hi && (c2 & 0xc0) === 0x80 && (c3 & 0xc0) === 0x80) {
      return [((c0 & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f), 4];
    }
  }
  return [-1, 1];
}

/** Go's `%q` of a byte string (latin1 code units are bytes). */
export function quote(s: string): string {
  return quoteBytes(byteStringBytes(s));
}

/** Go's `%q` of Unicode text (UTF-8 encoded first, as a Go string of that text would be). */
export function quoteText(s: string): string {
  return quoteBytes(Buffer.from(s, 'utf8'));
}

/** Go's `%q` of a `[]string`: `["a" "b"]`. */
export function quoteList(list: readonly string[]): string {
  return `[${list.map(quote).join(' ')}]`;
}

const utf8Decoder = new TextDecoder();

/** Decodes bytes as UTF-8 (invalid sequences become U+FFFD); ASCII takes a fast path. */
export function utf8(b: Uint8Array, start = 0, end = b.length): string {
  for (let i = start; i < end; i++) {
    if (b[i]! >= 0x80) return utf8Decoder.decode(b.subarray(start, end));
  }
  return latin1(b, start, end);
}
