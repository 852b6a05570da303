// Go: http.Header (header.go) and textproto.CanonicalMIMEHeaderKey — the header map.
import type { BufWriter } from '@ka/io';
import {
  isTokenByte,
  latin1,
  latin1Bytes,
  trimString,
  validHeaderFieldName,
} from './internal/ascii.js';

/** Anything {@link Header.from} accepts. */
export type HeaderInit =
  | Header
  | Record<string, string | readonly string[]>
  | Iterable<readonly [string, string | readonly string[]]>;

/**
 * Go's `http.Header`: canonical key → list of values, in the order added.
 *
 * Keys given to `get`/`set`/`add`/`del`/`has`/`values` are canonicalized with
 * {@link canonicalHeaderKey}; the `raw*` methods use the key as given, like indexing Go's
 * map directly. Values are byte strings (one char per wire byte, latin1).
 *
 * @example
 * ```ts
 * const h = new Header();
 * h.add('content-type', 'text/plain');
 * h.get('Content-Type'); // 'text/plain'
 * ```
 */
export class Header {
  #m: Map<string, string[]>;

  constructor(init?: HeaderInit) {
    this.#m = new Map();
    if (init !== undefined) fill(this, init);
  }

  /** Builds a header from a record, an entry list or another header (values are copied). */
  static from(init: HeaderInit): Header {
    return new Header(init);
  }

  /** Number of keys. */
  get size(): number {
    return this.#m.size;
  }

  /** Go's `Header.Get`: the first value for `key`, or `''`. */
  get(key: string): string {
    if (this.#m.size === 0) return ''; // most response headers: no key to canonicalize
    const v = this.#m.get(canonicalHeaderKey(key));
    return v !== undefined && v.length > 0 ? v[0]! : '';
  }

  /** Go's `Header.Values`: all values for `key` (the stored array, not a copy), or `[]`. */
  values(key: string): readonly string[] {
    if (this.#m.size === 0) return EMPTY;
    return this.#m.get(canonicalHeaderKey(key)) ?? EMPTY;
  }

  /** Go's `Header.Set`: replaces the values for `key` with the single `value`. */
  set(key: string, value: string): void {
    this.#m.set(canonicalHeaderKey(key), [value]);
  }

  /** Go's `Header.Add`: appends `value` to the values for `key`. */
  add(key: string, value: string): void {
    key = canonicalHeaderKey(key);
    const v = this.#m.get(key);
    if (v === undefined) this.#m.set(key, [value]);
    else v.push(value);
  }

  /** Go's `Header.Del`: removes `key`. */
  del(key: string): void {
    if (this.#m.size !== 0) this.#m.delete(canonicalHeaderKey(key));
  }

  /** Whether `key` is present, even with no values (Go's `_, ok := h[key]`). */
  has(key: string): boolean {
    return this.#m.size !== 0 && this.#m.has(canonicalHeaderKey(key));
  }

  /** Direct map read without canonicalization (Go's `h[key]`). */
  rawGet(key: string): string[] | undefined {
    return this.#m.get(key);
  }

  /** Direct map write without canonicalization (Go's `h[key] = values`). */
  rawSet(key: string, values: string[]): void {
    this.#m.set(key, values);
  }

  /** Direct map delete without canonicalization (Go's `delete(h, key)`). */
  rawDel(key: string): void {
    this.#m.delete(key);
  }

  /** Direct presence test without canonicalization. */
  rawHas(key: string): boolean {
    return this.#m.has(key);
  }

  /** Keys in insertion order (Go's map order is random; never rely on it). */
  keys(): IterableIterator<string> {
    return this.#m.keys();
  }

  /** `[key, values]` pairs in insertion order. */
  entries(): IterableIterator<[string, string[]]> {
    return this.#m.entries();
  }

  /** Same as {@link Header.entries}. */
  [Symbol.iterator](): IterableIterator<[string, string[]]> {
    return this.#m.entries();
  }

  /** Removes every key. */
  clear(): void {
    this.#m.clear();
  }

  /** Go's `Header.Clone`: a deep copy (value arrays are copied). */
  clone(): Header {
    const h = new Header();
    for (const [k, v] of this.#m) h.#m.set(k, v.slice());
    return h;
  }

  /**
   * Go's `sortedKeyValues`: `[key, values]` pairs sorted by key (byte order), leaving out keys
   * in `exclude` (compared as given, not canonicalized).
   */
  sortedKeyValues(exclude?: ReadonlySet<string>): [string, string[]][] {
    const m = this.#m;
    return this.#sortedKeys(exclude).map((k) => [k, m.get(k)!]);
  }

  /**
   * Go's `Header.WriteSubset`: writes `Key: value\r\n` lines sorted by key, skipping `exclude`
   * keys and keys that are not valid field names; CR and LF in values become spaces and
   * surrounding whitespace is trimmed. With a function, each line is passed to it
   * synchronously; with a {@link BufWriter}, the block is written (latin1) and the promise
   * settles when it is buffered.
   */
  writeSubset(w: (line: string) => void, exclude?: ReadonlySet<string>): void;
  writeSubset(w: BufWriter, exclude?: ReadonlySet<string>): Promise<void>;
  writeSubset(
    w: BufWriter | ((line: string) => void),
    exclude?: ReadonlySet<string>,
  ): Promise<void> | void {
    if (typeof w === 'function') {
      this.#each(w, exclude);
      return;
    }
    return writeBytes(w, this.subsetLines(exclude));
  }

  /**
   * {@link Header.writeSubset} into a string: the `Key: value\r\n` lines it writes, in its
   * order, joined. Empty for an empty header.
   */
  subsetLines(exclude?: ReadonlySet<string>): string {
    const m = this.#m;
    let s = '';
    for (const k of this.#sortedKeys(exclude)) {
      const vv = m.get(k);
      if (vv === undefined || !validHeaderFieldName(k)) continue;
      for (const v of vv) s += `${k}: ${headerValueForWire(v)}\r\n`;
    }
    return s;
  }

  // The keys in byte order, less `exclude`. Keys are byte strings, so the default sort (by
  // UTF-16 code unit) is byte order; a key outside latin1 is not a valid field name anyway.
  #sortedKeys(exclude: ReadonlySet<string> | undefined): string[] {
    const keys: string[] = [];
    for (const k of this.#m.keys()) {
      if (exclude === undefined || !exclude.has(k)) keys.push(k);
    }
    if (keys.length > 1) keys.sort();
    return keys;
  }

  /** Go's `Header.Write`: {@link Header.writeSubset} without exclusions. */
  write(w: (line: string) => void): void;
  write(w: BufWriter): Promise<void>;
  write(w: BufWriter | ((line: string) => void)): Promise<void> | void {
    return typeof w === 'function' ? this.writeSubset(w) : this.writeSubset(w);
  }

  // The callback form works from a snapshot of the pairs, as Go's sortedKeyValues does: a
  // callback that changes the header does not change what it is given.
  #each(fn: (line: string) => void, exclude?: ReadonlySet<string>): void {
    for (const [k, vv] of this.sortedKeyValues(exclude)) {
      if (!validHeaderFieldName(k)) continue;
      for (const v of vv) fn(`${k}: ${headerValueForWire(v)}\r\n`);
    }
  }

  /** Go's `fmt` rendering of the map, e.g. `map[A:[1 2] B:[x]]` (keys sorted). */
  toString(): string {
    const parts: string[] = [];
    for (const [k, v] of this.sortedKeyValues()) parts.push(`${k}:[${v.join(' ')}]`);
    return `map[${parts.join(' ')}]`;
  }

  /** A plain object copy (key → values), for logging and tests. */
  toJSON(): Record<string, string[]> {
    const o: Record<string, string[]> = {};
    for (const [k, v] of this.#m) o[k] = v.slice();
    return o;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

function fill(h: Header, init: HeaderInit): void {
  if (init instanceof Header) {
    for (const [k, v] of init) h.rawSet(k, v.slice());
    return;
  }
  const entries: Iterable<readonly [string, string | readonly string[]]> =
    Symbol.iterator in init
      ? (init as Iterable<readonly [string, string | readonly string[]]>)
      : Object.entries(init as Record<string, string | readonly string[]>);
  for (const [k, v] of entries) {
    if (typeof v === 'string') h.add(k, v);
    else for (const x of v) h.add(k, x);
  }
}

/**
 * Go: headerNewlineToSpace + textproto.TrimString — how a value goes on the wire: CR and LF
 * become spaces, then surrounding whitespace is trimmed.
 */
export function headerValueForWire(v: string): string {
  if (v.includes('\r') || v.includes('\n')) v = v.replace(/[\r\n]/g, ' ');
  return trimString(v);
}

/** Writes a byte string to `bw` without a Promise when it fits the buffer. */
export function writeBytes(bw: BufWriter, s: string): Promise<void> | void {
  // Copied straight into the buffer when it fits (the common case): no intermediate bytes.
  let bytes = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) {
      bytes = false;
      break;
    }
  }
  if (bytes ? bw.tryWriteLatin1(s) : bw.tryWriteString(s)) return;
  const b = latin1Bytes(s);
  return bw.write(b).then(() => {});
}

// Go: textproto commonHeader — interned canonical forms of common keys, by lowercase key.
const common = new Map<string, string>();
for (const k of [
  'Accept',
  'Accept-Charset',
  'Accept-Encoding',
  'Accept-Language',
  'Accept-Ranges',
  'Cache-Control',
  'Cc',
  'Connection',
  'Content-Id',
  'Content-Language',
  'Content-Length',
  'Content-Transfer-Encoding',
  'Content-Type',
  'Cookie',
  'Date',
  'Dkim-Signature',
  'Etag',
  'Expect',
  'Expires',
  'From',
  'Host',
  'If-Modified-Since',
  'If-None-Match',
  'In-Reply-To',
  'Keep-Alive',
  'Last-Modified',
  'Location',
  'Message-Id',
  'Mime-Version',
  'Pragma',
  'Received',
  'Return-Path',
  'Server',
  'Set-Cookie',
  'Subject',
  'To',
  'Trailer',
  'Transfer-Encoding',
  'User-Agent',
  'Via',
  'X-Forwarded-For',
  'X-Imforwards',
  'X-Powered-By',
]) {
  common.set(k.toLowerCase(), k);
}

// Interned canonical forms of frequent keys, found from raw bytes without building a string:
// bucketed by length and the lower-cased first and last bytes.
const internTable = new Map<number, string[]>();
for (const k of [
  ...common.values(),
  'Accept-Datetime',
  'Access-Control-Allow-Origin',
  'Access-Control-Request-Headers',
  'Access-Control-Request-Method',
  'Age',
  'Allow',
  'Authorization',
  'Content-Disposition',
  'Content-Encoding',
  'Content-Location',
  'Content-Range',
  'Dnt',
  'Forwarded',
  'If-Match',
  'If-Range',
  'If-Unmodified-Since',
  'Link',
  'Origin',
  'Priority',
  'Proxy-Authorization',
  'Proxy-Connection',
  'Range',
  'Referer',
  'Retry-After',
  'Sec-Ch-Ua',
  'Sec-Ch-Ua-Mobile',
  'Sec-Ch-Ua-Platform',
  'Sec-Fetch-Dest',
  'Sec-Fetch-Mode',
  'Sec-Fetch-Site',
  'Sec-Fetch-User',
  'Sec-Websocket-Key',
  'Sec-Websocket-Version',
  'Strict-Transport-Security',
  'Te',
  'Upgrade',
  'Upgrade-Insecure-Requests',
  'Vary',
  'Www-Authenticate',
  'X-Forwarded-Host',
  'X-Forwarded-Proto',
  'X-Real-Ip',
  'X-Request-Id',
  'X-Requested-With',
]) {
  const h = internHash(k.length, k.charCodeAt(0), k.charCodeAt(k.length - 1));
  const bucket = internTable.get(h);
  if (bucket === undefined) internTable.set(h, [k]);
  else if (!bucket.includes(k)) bucket.push(k);
}

function internHash(len: number, first: number, last: number): number {
  return (len << 16) | ((first | 0x20) << 8) | (last | 0x20);
}

/**
 * The canonical key for `b[start:end]` when it is a case variant of a frequent key (the bytes
 * must be token characters); undefined otherwise.
 */
export function internedKey(b: Uint8Array, start: number, end: number): string | undefined {
  const len = end - start;
  if (len === 0) return undefined;
  const bucket = internTable.get(internHash(len, b[start]!, b[end - 1]!));
  if (bucket === undefined) return undefined;
  outer: for (const k of bucket) {
    for (let i = 0; i < len; i++) {
      const c = b[start + i]!;
      const kc = k.charCodeAt(i);
      if (c !== kc && (c | 0x20) !== (kc | 0x20)) continue outer;
      if ((c | 0x20) < 0x61 || (c | 0x20) > 0x7a) {
        if (c !== kc) continue outer; // only letters may differ in case
      }
    }
    return k;
  }
  return undefined;
}

/**
 * Go's `http.CanonicalHeaderKey` (`textproto.CanonicalMIMEHeaderKey`): upper-cases the first
 * letter and each letter after a hyphen, lower-cases the rest (`accept-encoding` →
 * `Accept-Encoding`). A key holding a space or any byte that is not a token character is
 * returned unchanged.
 */
export function canonicalHeaderKey(s: string): string {
  // Go: CanonicalMIMEHeaderKey — most keys are already canonical; check before building.
  let upper = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isTokenByte(c)) return s;
    if (upper && c >= 0x61 && c <= 0x7a) return canonicalize(s);
    if (!upper && c >= 0x41 && c <= 0x5a) return canonicalize(s);
    upper = c === 0x2d;
  }
  return s;
}

// Recently canonicalized keys (raw → canonical); cleared when it grows past its bound.
const canonicalCache = new Map<string, string>();

// Go: textproto.canonicalMIMEHeaderKey (the rewriting half) — a key with any byte that is not
// a token character (a space included) stays as it is.
function canonicalize(s: string): string {
  const cached = canonicalCache.get(s);
  if (cached !== undefined) return cached;
  for (let i = 0; i < s.length; i++) if (!isTokenByte(s.charCodeAt(i))) return s;
  let out = common.get(s.toLowerCase());
  if (out === undefined) out = rewrite(s);
  if (canonicalCache.size >= 512) canonicalCache.clear();
  canonicalCache.set(s, out);
  return out;
}

function rewrite(s: string): string {
  let out = '';
  let upper = true;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (upper && c >= 0x61 && c <= 0x7a) c -= 0x20;
    else if (!upper && c >= 0x41 && c <= 0x5a) c += 0x20;
    out += String.fromCharCode(c);
    upper = c === 0x2d;
  }
  return out;
}

/**
 * Go's textproto `canonicalMIMEHeaderKey` over raw bytes, as the header parser needs it:
 * resolves with the key and whether it is acceptable. Keys with a space are accepted but not
 * canonicalized; an empty key or any other non-token byte is rejected.
 */
export function canonicalKeyFromBytes(
  b: Uint8Array,
  start: number,
  end: number,
): string | undefined {
  if (end <= start) return undefined;
  let noCanon = false;
  let canonical = true;
  let upper = true;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (isTokenByte(c)) {
      if ((upper && c >= 0x61 && c <= 0x7a) || (!upper && c >= 0x41 && c <= 0x5a)) {
        canonical = false;
      }
      upper = c === 0x2d;
      continue;
    }
    if (c === 0x20) {
      noCanon = true;
      continue;
    }
    return undefined;
  }
  const raw = latin1(b, start, end);
  if (noCanon || canonical) return raw;
  return canonicalize(raw);
}
