// Go: net/url url.go — Go's URL model (not WHATWG): parsing, escaping, query values.
//
// Strings here are Unicode text. Escaping works on their UTF-8 bytes, and unescaped bytes are
// decoded as UTF-8 (an invalid sequence becomes U+FFFD; `rawPath` then keeps the original
// escaping so `escapedPath()` still reproduces the wire form).
import { GoError } from '@ka/io';
import { EscapeError, InvalidHostError, URLError } from './errors.js';
import { quoteText, stringContainsCTLByte } from './internal/ascii.js';
import { parseAddr } from './internal/netip.js';

// Go: url encoding modes (a bit per mode in the table below).
const encodePath = 1;
const encodePathSegment = 2;
const encodeHost = 4;
const encodeZone = 8;
const encodeUserPassword = 16;
const encodeQueryComponent = 32;
const encodeFragment = 64;
const hexChar = 128;
type Mode = number;

// Go: shouldEscape's rules (RFC 3986 §2–§4), evaluated once per byte into a table whose bit
// for a mode is set when the byte may stay unescaped in that mode.
function computeShouldEscape(c: number, mode: Mode): boolean {
  const ch = String.fromCharCode(c);
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) {
    return false;
  }
  if ((mode === encodeHost || mode === encodeZone) && `!$&'()*+,;=:[]<>"`.includes(ch)) {
    return false;
  }
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    switch (mode) {
      case encodePath:
        return ch === '?';
      case encodePathSegment:
        return ch === '/' || ch === ';' || ch === ',' || ch === '?';
      case encodeUserPassword:
        return ch === '@' || ch === '/' || ch === '?' || ch === ':';
      case encodeQueryComponent:
        return true;
      case encodeFragment:
        return false;
    }
  }
  if (mode === encodeFragment && '!()*'.includes(ch)) return false;
  return true;
}

const table = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  let bits = 0;
  if (c < 0x80 && /[0-9a-fA-F]/.test(String.fromCharCode(c))) bits |= hexChar;
  for (let mode = 1; mode < hexChar; mode <<= 1) {
    if (c < 0x80 && !computeShouldEscape(c, mode)) bits |= mode;
  }
  table[c] = bits;
}

function shouldEscape(c: number, mode: Mode): boolean {
  return (table[c]! & mode) === 0;
}

function ishex(c: number): boolean {
  return c < 0x80 && (table[c]! & hexChar) !== 0;
}

function unhex(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10;
}

const UPPERHEX = '0123456789ABCDEF';
const utf8Decoder = new TextDecoder();

// Go: url.unescape — checks every %XX (and, for hosts, which bytes may appear), then decodes.
function unescapeMode(s: string, mode: Mode): string {
  let n = 0;
  let hasPlus = false;
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === 0x25) {
      n++;
      if (i + 2 >= s.length || !ishex(s.charCodeAt(i + 1)) || !ishex(s.charCodeAt(i + 2))) {
        throw new EscapeError(Buffer.from(s.slice(i), 'utf8').subarray(0, 3));
      }
      const v = (unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2));
      const three = s.slice(i, i + 3);
      if (mode === encodeHost && unhex(s.charCodeAt(i + 1)) < 8 && three !== '%25') {
        throw new EscapeError(three);
      }
      if (mode === encodeZone && three !== '%25' && v !== 0x20 && shouldEscape(v, encodeHost)) {
        throw new EscapeError(three);
      }
      i += 3;
    } else if (c === 0x2b) {
      hasPlus = mode === encodeQueryComponent;
      i++;
    } else {
      if ((mode === encodeHost || mode === encodeZone) && c < 0x80 && shouldEscape(c, mode)) {
        throw new InvalidHostError(s[i]!);
      }
      i++;
    }
  }
  if (n === 0 && !hasPlus) return s;

  const b = Buffer.from(s, 'utf8');
  const out = new Uint8Array(b.length);
  let j = 0;
  const plus = mode === encodeQueryComponent ? 0x20 : 0x2b;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x25) {
      out[j++] = (unhex(b[i + 1]!) << 4) | unhex(b[i + 2]!);
      i += 2;
    } else if (c === 0x2b) {
      out[j++] = plus;
    } else {
      out[j++] = c;
    }
  }
  return utf8Decoder.decode(out.subarray(0, j));
}

// Go: url.escape — %XX for every UTF-8 byte the mode does not allow; '+' for spaces in query
// components.
function escapeMode(s: string, mode: Mode): string {
  let clean = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || shouldEscape(c, mode)) {
      clean = false;
      break;
    }
  }
  if (clean) return s;
  const b = Buffer.from(s, 'utf8');
  let out = '';
  for (const c of b) {
    if (c === 0x20 && mode === encodeQueryComponent) out += '+';
    else if (shouldEscape(c, mode)) out += `%${UPPERHEX[c >> 4]}${UPPERHEX[c & 15]}`;
    else out += String.fromCharCode(c);
  }
  return out;
}

/** Go's `url.QueryUnescape`: decodes `%XX` and `+` (as space). Throws {@link EscapeError}. */
export function queryUnescape(s: string): string {
  return unescapeMode(s, encodeQueryComponent);
}

/** Go's `url.PathUnescape`: decodes `%XX` (a `+` stays a `+`). Throws {@link EscapeError}. */
export function pathUnescape(s: string): string {
  return unescapeMode(s, encodePathSegment);
}

/** Go's `url.QueryEscape`: escapes `s` for use inside a query component. */
export function queryEscape(s: string): string {
  return escapeMode(s, encodeQueryComponent);
}

/** Go's `url.PathEscape`: escapes `s` for use as one path segment (so `/` becomes `%2F`). */
export function pathEscape(s: string): string {
  return escapeMode(s, encodePathSegment);
}

/** Go's `url.Userinfo`: an immutable username and optional password. */
export class Userinfo {
  /** The username (decoded). */
  readonly username: string;
  /** The password (decoded); meaningful when {@link Userinfo.passwordSet}. */
  readonly password: string;
  /** Whether a password was given. */
  readonly passwordSet: boolean;

  constructor(username: string, password?: string) {
    this.username = username;
    this.password = password ?? '';
    this.passwordSet = password !== undefined;
  }

  /** Go's `Userinfo.String`: `user[:password]`, escaped. */
  toString(): string {
    let s = escapeMode(this.username, encodeUserPassword);
    if (this.passwordSet) s += `:${escapeMode(this.password, encodeUserPassword)}`;
    return s;
  }
}

/** Go's `url.User`. */
export function user(username: string): Userinfo {
  return new Userinfo(username);
}

/** Go's `url.UserPassword`. */
export function userPassword(username: string, password: string): Userinfo {
  return new Userinfo(username, password);
}

/** Fields accepted by the {@link URL} constructor. */
export interface URLInit {
  scheme?: string;
  opaque?: string;
  user?: Userinfo;
  host?: string;
  path?: string;
  rawPath?: string;
  omitHost?: boolean;
  forceQuery?: boolean;
  rawQuery?: string;
  fragment?: string;
  rawFragment?: string;
}

/**
 * Go's `url.URL`: `[scheme:][//[userinfo@]host][/]path[?query][#fragment]`, or
 * `scheme:opaque[?query][#fragment]`. `path` and `fragment` are decoded; `rawPath` /
 * `rawFragment` keep a non-default original encoding; `rawQuery` stays encoded.
 *
 * This is not the WHATWG `URL`: no normalization, no default ports, Go's error texts.
 */
export class URL {
  /** Lower-case scheme, e.g. `http`, or `''`. */
  scheme = '';
  /** Encoded opaque data (`mailto:x@y` → `x@y`). */
  opaque = '';
  /** User information, if any. */
  user: Userinfo | undefined = undefined;
  /** `host` or `host:port`. */
  host = '';
  /** The decoded path. */
  path = '';
  /** The original encoding of `path` when it is not the default one; else `''`. */
  rawPath = '';
  /** Whether the URL had an empty authority (`http:///x`… `scheme:/path`). */
  omitHost = false;
  /** Whether the URL ended in `?` with an empty query. */
  forceQuery = false;
  /** The encoded query, without `?`. */
  rawQuery = '';
  /** The decoded fragment, without `#`. */
  fragment = '';
  /** The original encoding of `fragment` when it is not the default one; else `''`. */
  rawFragment = '';

  constructor(init?: URLInit) {
    if (init !== undefined) Object.assign(this, init);
  }

  /** A shallow copy. */
  clone(): URL {
    return Object.assign(new URL(), this);
  }

  // Go: (*URL).setPath — store the decoded path, keep the raw form only when it differs from
  // the default escaping.
  /** @internal */
  setPath(p: string): void {
    const path = unescapeMode(p, encodePath);
    this.path = path;
    this.rawPath = escapeMode(path, encodePath) === p ? '' : p;
  }

  // Go: (*URL).setFragment — as setPath, for the fragment.
  /** @internal */
  setFragment(f: string): void {
    const frag = unescapeMode(f, encodeFragment);
    this.fragment = frag;
    this.rawFragment = escapeMode(frag, encodeFragment) === f ? '' : f;
  }

  /** Go's `URL.EscapedPath`: `rawPath` when it is a valid encoding of `path`, else computed. */
  escapedPath(): string {
    if (this.rawPath !== '' && validEncoded(this.rawPath, encodePath)) {
      try {
        if (unescapeMode(this.rawPath, encodePath) === this.path) return this.rawPath;
      } catch {
        // fall through to the computed form
      }
    }
    if (this.path === '*') return '*';
    return escapeMode(this.path, encodePath);
  }

  /** Go's `URL.EscapedFragment`. */
  escapedFragment(): string {
    if (this.rawFragment !== '' && validEncoded(this.rawFragment, encodeFragment)) {
      try {
        if (unescapeMode(this.rawFragment, encodeFragment) === this.fragment)
          return this.rawFragment;
      } catch {
        // fall through
      }
    }
    return escapeMode(this.fragment, encodeFragment);
  }

  /** Go's `URL.String`: the URL reassembled in its encoded form. */
  toString(): string {
    let buf = '';
    if (this.scheme !== '') buf += `${this.scheme}:`;
    if (this.opaque !== '') {
      buf += this.opaque;
    } else {
      if (this.scheme !== '' || this.host !== '' || this.user !== undefined) {
        if (!(this.omitHost && this.host === '' && this.user === undefined)) {
          if (this.host !== '' || this.path !== '' || this.user !== undefined) buf += '//';
          if (this.user !== undefined) buf += `${this.user.toString()}@`;
          if (this.host !== '') buf += escapeMode(this.host, encodeHost);
        }
      }
      const path = this.escapedPath();
      if (path !== '' && path[0] !== '/' && this.host !== '') buf += '/';
      if (buf.length === 0) {
        const slash = path.indexOf('/');
        const segment = slash < 0 ? path : path.slice(0, slash);
        if (segment.includes(':')) buf += './';
      }
      buf += path;
    }
    if (this.forceQuery || this.rawQuery !== '') buf += `?${this.rawQuery}`;
    if (this.fragment !== '') buf += `#${this.escapedFragment()}`;
    return buf;
  }

  /** Go's `URL.Redacted`: {@link URL.toString} with any password replaced by `xxxxx`. */
  redacted(): string {
    if (this.user?.passwordSet) {
      const u = this.clone();
      u.user = new Userinfo(this.user.username, 'xxxxx');
      return u.toString();
    }
    return this.toString();
  }

  /** Go's `URL.RequestURI`: the encoded `path?query` (or `opaque?query`) for a request line. */
  requestURI(): string {
    let result = this.opaque;
    if (result === '') {
      result = this.escapedPath();
      if (result === '') result = '/';
    } else if (result.startsWith('//')) {
      result = `${this.scheme}:${result}`;
    }
    if (this.forceQuery || this.rawQuery !== '') result += `?${this.rawQuery}`;
    return result;
  }

  /** Go's `URL.Query`: the parsed `rawQuery`; malformed pairs are dropped silently. */
  query(): Values {
    const v = new Values();
    parseQueryInto(v, this.rawQuery);
    return v;
  }

  /** Go's `URL.IsAbs`: whether the scheme is set. */
  isAbs(): boolean {
    return this.scheme !== '';
  }

  /** Go's `URL.Hostname`: the host without port and without IPv6 brackets. */
  hostname(): string {
    return splitHostPort(this.host)[0];
  }

  /** Go's `URL.Port`: the numeric port, or `''`. */
  port(): string {
    return splitHostPort(this.host)[1];
  }

  /** Go's `URL.Parse`: parses `ref` and resolves it against this URL. */
  parse(ref: string): URL {
    return this.resolveReference(parseURL(ref));
  }

  /** Go's `URL.ResolveReference` (RFC 3986 §5.2). Always returns a new URL. */
  resolveReference(ref: URL): URL {
    const url = ref.clone();
    if (ref.scheme === '') url.scheme = this.scheme;
    if (ref.scheme !== '' || ref.host !== '' || ref.user !== undefined) {
      url.setPath(resolvePath(ref.escapedPath(), ''));
      return url;
    }
    if (ref.opaque !== '') {
      url.user = undefined;
      url.host = '';
      url.path = '';
      return url;
    }
    if (ref.path === '' && !ref.forceQuery && ref.rawQuery === '') {
      url.rawQuery = this.rawQuery;
      if (ref.fragment === '') {
        url.fragment = this.fragment;
        url.rawFragment = this.rawFragment;
      }
    }
    if (ref.path === '' && this.opaque !== '') {
      url.opaque = this.opaque;
      url.user = undefined;
      url.host = '';
      url.path = '';
      return url;
    }
    url.host = this.host;
    url.user = this.user;
    url.setPath(resolvePath(this.escapedPath(), ref.escapedPath()));
    return url;
  }
}

// Go: url.validEncoded — only bytes that escaping would leave alone, plus sub-delims and '%'.
function validEncoded(s: string, mode: Mode): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ("!$&'()*+,;=:@[]%".includes(s[i]!)) continue;
    if (c >= 0x80 || shouldEscape(c, mode)) return false;
  }
  return true;
}

// Go: url.resolvePath — merge and remove dot segments.
function resolvePath(base: string, ref: string): string {
  let full: string;
  if (ref === '') full = base;
  else if (ref[0] !== '/') full = base.slice(0, base.lastIndexOf('/') + 1) + ref;
  else full = ref;
  if (full === '') return '';

  let dst = '/';
  let elem = '';
  let remaining = full;
  let found = true;
  let first = true;
  while (found) {
    const i = remaining.indexOf('/');
    found = i >= 0;
    elem = found ? remaining.slice(0, i) : remaining;
    remaining = found ? remaining.slice(i + 1) : '';
    if (elem === '.') {
      first = false;
      continue;
    }
    if (elem === '..') {
      const j = dst.slice(1).lastIndexOf('/');
      dst = j >= 0 ? dst.slice(0, j + 1) : dst.slice(0, 1);
      first = dst.length === 1;
    } else {
      if (!first) dst += '/';
      dst += elem;
      first = false;
    }
  }
  if (elem === '.' || elem === '..') dst += '/';
  if (dst.length > 1 && dst[1] === '/') return dst.slice(1);
  return dst;
}

// Go: url.splitHostPort — a numeric port after the last colon; brackets removed.
function splitHostPort(hostPort: string): [string, string] {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return [host, port];
}

// Go: url.validOptionalPort — '' or ':' followed by digits.
function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  for (let i = 1; i < port.length; i++) {
    const c = port.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function plainError(message: string): GoError {
  return new GoError('ERR_URL_PARSE', message);
}

// Go: url.getScheme — a scheme is [a-zA-Z][a-zA-Z0-9+.-]* before the first ':'.
function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) throw plainError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function countChar(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

// The common request target, "/path" or "/path?query" whose path has only bytes that need no
// escaping and no decoding (letters, digits, "-._~/"): what url.parse would produce, without
// its general machinery. Undefined for anything else.
function parseSimpleRequestPath(raw: string): URL | undefined {
  if (raw.charCodeAt(0) !== 0x2f) return undefined;
  let i = 1;
  for (; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x2d && c <= 0x39) || // - . / 0-9
      c === 0x5f ||
      c === 0x7e
    ) {
      continue;
    }
    if (c === 0x3f) break; // '?'
    return undefined;
  }
  const url = new URL();
  if (i === raw.length) {
    url.path = raw;
    return url;
  }
  for (let j = i + 1; j < raw.length; j++) {
    const c = raw.charCodeAt(j);
    if (c < 0x20 || c === 0x7f) return undefined; // Go's CTL check, with its error
  }
  url.path = raw.slice(0, i);
  if (i === raw.length - 1) url.forceQuery = true;
  else url.rawQuery = raw.slice(i + 1);
  return url;
}

// Go: url.parse — viaRequest restricts the input to an absolute URI or an absolute path.
function parse(raw: string, viaRequest: boolean): URL {
  if (stringContainsCTLByte(raw)) throw plainError('net/url: invalid control character in URL');
  if (raw === '' && viaRequest) throw plainError('empty url');
  const url = new URL();
  if (raw === '*') {
    url.path = '*';
    return url;
  }
  let rest: string;
  [url.scheme, rest] = getScheme(raw);
  url.scheme = url.scheme.toLowerCase();

  if (rest.endsWith('?') && countChar(rest, '?') === 1) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      url.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }

  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      url.opaque = rest;
      return url;
    }
    if (viaRequest) throw plainError('invalid URI for request');
    const slash = rest.indexOf('/');
    const segment = slash < 0 ? rest : rest.slice(0, slash);
    if (segment.includes(':')) {
      throw plainError('first path segment in URL cannot contain colon');
    }
  }

  if ((url.scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const i = authority.indexOf('/');
    if (i >= 0) {
      rest = authority.slice(i);
      authority = authority.slice(0, i);
    }
    [url.user, url.host] = parseAuthority(url.scheme, authority);
  } else if (url.scheme !== '' && rest.startsWith('/')) {
    url.omitHost = true;
  }
  url.setPath(rest);
  return url;
}

// Go: url.parseAuthority — [userinfo@]host; the last '@' separates them.
function parseAuthority(scheme: string, authority: string): [Userinfo | undefined, string] {
  const i = authority.lastIndexOf('@');
  const host = parseHost(scheme, i < 0 ? authority : authority.slice(i + 1));
  if (i < 0) return [undefined, host];
  const userinfo = authority.slice(0, i);
  if (!validUserinfo(userinfo)) throw plainError('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  if (colon < 0) return [new Userinfo(unescapeMode(userinfo, encodeUserPassword)), host];
  const username = unescapeMode(userinfo.slice(0, colon), encodeUserPassword);
  const password = unescapeMode(userinfo.slice(colon + 1), encodeUserPassword);
  return [new Userinfo(username, password), host];
}

// Go: url.parseHost — host[:port], with IP-literal and zone rules.
function parseHost(scheme: string, host: string): string {
  const open = host.lastIndexOf('[');
  if (open > 0) throw plainError('invalid IP-literal');
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw plainError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) {
      throw plainError(`invalid port ${quoteText(colonPort)} after host`);
    }
    const unescapedColonPort = unescapeMode(colonPort, encodeHost);
    const hostname = host.slice(1, close);
    let unescapedHostname: string;
    const zoneIdx = hostname.indexOf('%25');
    if (zoneIdx >= 0) {
      unescapedHostname =
        unescapeMode(hostname.slice(0, zoneIdx), encodeHost) +
        unescapeMode(hostname.slice(zoneIdx), encodeZone);
    } else {
      unescapedHostname = unescapeMode(hostname, encodeHost);
    }
    let kind: string;
    try {
      kind = parseAddr(unescapedHostname);
    } catch (e) {
      throw plainError(`invalid host: ${(e as Error).message}`);
    }
    if (kind === 'ipv4') throw plainError('invalid IP-literal');
    return `[${unescapedHostname}]${unescapedColonPort}`;
  }
  let i = host.indexOf(':');
  if (i !== -1) {
    const last = host.lastIndexOf(':');
    if (last !== i && scheme !== 'http' && scheme !== 'https') i = last;
    const colonPort = host.slice(i);
    if (!validOptionalPort(colonPort)) {
      throw plainError(`invalid port ${quoteText(colonPort)} after host`);
    }
  }
  return unescapeMode(host, encodeHost);
}

// Go: url.validUserinfo — RFC 3986 userinfo characters (plus '@' and '%').
function validUserinfo(s: string): boolean {
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) continue;
    if ("-._:~!$&'()*+,;=%@".includes(ch)) continue;
    return false;
  }
  return true;
}

/**
 * Go's `url.Parse`: parses an absolute or relative URL (with an optional `#fragment`).
 * Throws {@link URLError} (`parse "…": …`).
 */
export function parseURL(rawURL: string): URL {
  const hash = rawURL.indexOf('#');
  const u = hash < 0 ? rawURL : rawURL.slice(0, hash);
  let url: URL;
  try {
    url = parse(u, false);
  } catch (e) {
    throw new URLError('parse', u, e as Error);
  }
  if (hash < 0) return url;
  const frag = rawURL.slice(hash + 1);
  if (frag === '') return url;
  try {
    url.setFragment(frag);
  } catch (e) {
    throw new URLError('parse', rawURL, e as Error);
  }
  return url;
}

/**
 * Go's `url.ParseRequestURI`: parses a request target — an absolute URI or an absolute path
 * (or `*`); no fragment. Throws {@link URLError}, e.g. `parse "foo": invalid URI for request`.
 */
export function parseRequestURI(rawURL: string): URL {
  const simple = parseSimpleRequestPath(rawURL);
  if (simple !== undefined) return simple;
  try {
    return parse(rawURL, true);
  } catch (e) {
    throw new URLError('parse', rawURL, e as Error);
  }
}

/**
 * Go's `url.Values`: query parameters, key → values (keys are case-sensitive).
 */
export class Values {
  #m = new Map<string, string[]>();

  constructor(init?: Record<string, string | readonly string[]>) {
    if (init !== undefined) {
      for (const [k, v] of Object.entries(init)) {
        this.#m.set(k, typeof v === 'string' ? [v] : v.slice());
      }
    }
  }

  /** Number of keys. */
  get size(): number {
    return this.#m.size;
  }
  /** The first value for `key`, or `''`. */
  get(key: string): string {
    const v = this.#m.get(key);
    return v !== undefined && v.length > 0 ? v[0]! : '';
  }
  /** All values for `key` (the stored array), or `[]`. */
  values(key: string): readonly string[] {
    return this.#m.get(key) ?? [];
  }
  /** Replaces the values for `key`. */
  set(key: string, value: string): void {
    this.#m.set(key, [value]);
  }
  /** Appends a value for `key`. */
  add(key: string, value: string): void {
    const v = this.#m.get(key);
    if (v === undefined) this.#m.set(key, [value]);
    else v.push(value);
  }
  /** Removes `key`. */
  del(key: string): void {
    this.#m.delete(key);
  }
  /** Whether `key` is present. */
  has(key: string): boolean {
    return this.#m.has(key);
  }
  /** Keys in insertion order. */
  keys(): IterableIterator<string> {
    return this.#m.keys();
  }
  /** `[key, values]` pairs in insertion order. */
  entries(): IterableIterator<[string, string[]]> {
    return this.#m.entries();
  }
  /** Same as {@link Values.entries}. */
  [Symbol.iterator](): IterableIterator<[string, string[]]> {
    return this.#m.entries();
  }
  /** Go's `Values.Encode`: `a=1&b=2`, sorted by key, query-escaped. */
  encode(): string {
    const keys = [...this.#m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const parts: string[] = [];
    for (const k of keys) {
      const ke = queryEscape(k);
      for (const v of this.#m.get(k)!) parts.push(`${ke}=${queryEscape(v)}`);
    }
    return parts.join('&');
  }
  /** A plain object copy. */
  toJSON(): Record<string, string[]> {
    return Object.fromEntries([...this.#m].map(([k, v]) => [k, v.slice()]));
  }
}

/** Go's `url.defaultMaxParams`: most `&`-separated parameters a query may have. */
const defaultMaxParams = 10000;

// Go: url.parseQuery — fills m with every valid pair; returns the first error seen.
function parseQueryInto(m: Values, query: string): GoError | undefined {
  if (countChar(query, '&') + 1 > defaultMaxParams) {
    return plainError('number of URL query parameters exceeded limit');
  }
  let err: GoError | undefined;
  while (query !== '') {
    const amp = query.indexOf('&');
    let key = amp < 0 ? query : query.slice(0, amp);
    query = amp < 0 ? '' : query.slice(amp + 1);
    if (key.includes(';')) {
      err = plainError('invalid semicolon separator in query');
      continue;
    }
    if (key === '') continue;
    const eq = key.indexOf('=');
    let value = eq < 0 ? '' : key.slice(eq + 1);
    if (eq >= 0) key = key.slice(0, eq);
    try {
      key = queryUnescape(key);
      value = queryUnescape(value);
    } catch (e) {
      err ??= e as GoError;
      continue;
    }
    m.add(key, value);
  }
  return err;
}

/**
 * Go's `url.ParseQuery`: parses `a=1&b=2`. Throws the first error (e.g.
 * `invalid semicolon separator in query`, an {@link EscapeError}); use
 * {@link parseQueryLax} to also get the pairs that did parse.
 */
export function parseQuery(query: string): Values {
  const m = new Values();
  const err = parseQueryInto(m, query);
  if (err !== undefined) throw err;
  return m;
}

/** Go's `url.ParseQuery` with both results: every valid pair and the first error, if any. */
export function parseQueryLax(query: string): { values: Values; error: GoError | undefined } {
  const values = new Values();
  const error = parseQueryInto(values, query);
  return { values, error };
}
