// Go: fs.go ServeContent and the conditional-request machinery (checkPreconditions and its
// checkIf* helpers, scanETag, writeNotModified, serveError).
import type { FileHandle } from 'node:fs/promises';
import {
  detectContentType,
  formatHttpDate,
  parseHttpDate,
  type Request,
  StatusInternalServerError,
  StatusNotModified,
  StatusOK,
  StatusPartialContent,
  StatusPreconditionFailed,
  StatusRequestedRangeNotSatisfiable,
  sniffLen,
} from '@ka/http';
import type { ResponseWriter } from '../handler.js';
import { error } from '../mux/helpers.js';
import { typeByExtension } from './mime.js';
import {
  closeDelimiter,
  contentRange,
  errNoOverlap,
  type HttpRange,
  parseRange,
  partHeader,
  randomBoundary,
  rangesMimeSize,
  sumRangesSize,
} from './range.js';

/** Go's `io.SeekStart`. */
export const SeekStart = 0;
/** Go's `io.SeekCurrent`. */
export const SeekCurrent = 1;
/** Go's `io.SeekEnd`. */
export const SeekEnd = 2;

/**
 * Go's `io.ReadSeeker`: `read` fills a prefix of `p` and resolves with the count, or `null` at
 * EOF; `seek` moves the offset (relative to start, current or end) and resolves with the new
 * absolute offset.
 */
export interface ReadSeeker {
  read(p: Uint8Array): Promise<number | null>;
  seek(offset: number, whence: 0 | 1 | 2): Promise<number>;
}

/**
 * What {@link serveContent} can serve: a {@link ReadSeeker}, a `FileHandle` from
 * `node:fs/promises` (read from its start; the caller still owns and closes it) or bytes in
 * memory.
 */
export type Content = ReadSeeker | FileHandle | Uint8Array;

// Go: the seek arithmetic every io.Seeker shares — a negative result is an error.
function seekTarget(offset: number, whence: number, cur: number, size: number): number {
  let abs: number;
  if (whence === SeekStart) abs = offset;
  else if (whence === SeekCurrent) abs = cur + offset;
  else if (whence === SeekEnd) abs = size + offset;
  else throw new Error('Seek: invalid whence');
  if (abs < 0) throw new Error('Seek: negative position');
  return abs;
}

// Go: bytes.Reader — a Uint8Array with a read offset.
/** A {@link ReadSeeker} over bytes in memory (Go's `bytes.Reader`). */
export class BytesReadSeeker implements ReadSeeker {
  readonly #b: Uint8Array;
  #off = 0;

  constructor(b: Uint8Array) {
    this.#b = b;
  }

  read(p: Uint8Array): Promise<number | null> {
    if (this.#off >= this.#b.length) return Promise.resolve(null);
    const n = Math.min(p.length, this.#b.length - this.#off);
    p.set(this.#b.subarray(this.#off, this.#off + n));
    this.#off += n;
    return Promise.resolve(n);
  }

  seek(offset: number, whence: 0 | 1 | 2): Promise<number> {
    try {
      this.#off = seekTarget(offset, whence, this.#off, this.#b.length);
      return Promise.resolve(this.#off);
    } catch (err) {
      return Promise.reject(err);
    }
  }
}

// Go: *os.File as an io.ReadSeeker — positional reads at an offset this object keeps, so
// the handle's own position is never relied on.
/** A {@link ReadSeeker} over a `node:fs/promises` `FileHandle`; it does not close the handle. */
export class FileHandleReadSeeker implements ReadSeeker {
  readonly #fh: FileHandle;
  #off = 0;

  constructor(fh: FileHandle) {
    this.#fh = fh;
  }

  async read(p: Uint8Array): Promise<number | null> {
    if (p.length === 0) return 0;
    const { bytesRead } = await this.#fh.read(p, 0, p.length, this.#off);
    if (bytesRead === 0) return null;
    this.#off += bytesRead;
    return bytesRead;
  }

  async seek(offset: number, whence: 0 | 1 | 2): Promise<number> {
    const size = whence === SeekEnd ? (await this.#fh.stat()).size : 0;
    this.#off = seekTarget(offset, whence, this.#off, size);
    return this.#off;
  }
}

function isFileHandle(c: Content): c is FileHandle {
  return typeof (c as FileHandle).fd === 'number' && typeof (c as FileHandle).stat === 'function';
}

/** Adapts any {@link Content} to a {@link ReadSeeker}. */
export function toReadSeeker(c: Content): ReadSeeker {
  if (c instanceof Uint8Array) return new BytesReadSeeker(c);
  if (isFileHandle(c)) return new FileHandleReadSeeker(c);
  return c;
}

/** Go's `errSeeker`. */
const errSeekerText = "seeker can't seek";

// Go: io.ReadFull, stopping quietly at EOF — how much of `p` the reader could fill.
async function readFull(r: ReadSeeker, p: Uint8Array): Promise<number> {
  let n = 0;
  while (n < p.length) {
    const m = await r.read(p.subarray(n));
    if (m === null) break;
    n += m;
  }
  return n;
}

// Go: serveError — Error, but first drop the headers that described the content that is
// no longer being sent (the default of GODEBUG httpservecontentkeepheaders).
/** Replies with a plain-text error after deleting Cache-Control, Content-Encoding, Etag and Last-Modified. */
export function serveError(w: ResponseWriter, text: string, code: number): Promise<void> {
  const h = w.header();
  for (const k of ['Cache-Control', 'Content-Encoding', 'Etag', 'Last-Modified']) h.rawDel(k);
  return error(w, text, code);
}

/** Modification times: `undefined`/`null`, an invalid date and the Unix epoch mean "unknown". */
export type ModTime = Date | null | undefined;

// Go: isZeroTime — the zero time and the Unix epoch both mean "no modification time".
function isZeroTime(t: ModTime): boolean {
  return t == null || Number.isNaN(t.getTime()) || t.getTime() === 0;
}

// Go: time.Truncate(time.Second) then Compare — comparisons are in whole seconds, since
// HTTP dates carry no fraction.
function unixSeconds(t: Date): number {
  return Math.floor(t.getTime() / 1000);
}

// Go: setLastModified.
/** @internal Sets Last-Modified unless the time is unknown. */
export function setLastModified(w: ResponseWriter, modtime: ModTime): void {
  if (!isZeroTime(modtime)) w.header().set('Last-Modified', formatHttpDate(modtime!));
}

// Go: condResult — a precondition absent, holding, or failing.
type Cond = 'none' | 'true' | 'false';

// Go: scanETag — one entity-tag (optionally W/-prefixed) at the start of `s` after
// trimming, and what follows it; ['', ''] when `s` does not start with one. Tag characters
// are %x21 / %x23-7E / obs-text (>= 0x80, here as UTF-16 units of a latin1/UTF-8 header).
/** Scans one entity-tag from the start of `s` (Go's `scanETag`). */
export function scanETag(s: string): [etag: string, remain: string] {
  s = s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  const start = s.startsWith('W/') ? 2 : 0;
  if (s.length - start < 2 || s[start] !== '"') return ['', ''];
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80) continue;
    if (c === 0x22) return [s.slice(0, i + 1), s.slice(i + 1)];
    return ['', ''];
  }
  return ['', ''];
}

// Go: etagStrongMatch / etagWeakMatch.
function etagStrongMatch(a: string, b: string): boolean {
  return a === b && a !== '' && a[0] === '"';
}

function etagWeakMatch(a: string, b: string): boolean {
  const strip = (s: string) => (s.startsWith('W/') ? s.slice(2) : s);
  return strip(a) === strip(b);
}

function trimLeft(s: string): string {
  return s.replace(/^[ \t\r\n]+/, '');
}

// Go: checkIfMatch — `*` or a strong match with our Etag makes it true.
function checkIfMatch(w: ResponseWriter, r: Request): Cond {
  let im = r.header.get('If-Match');
  if (im === '') return 'none';
  for (;;) {
    im = trimLeft(im);
    if (im.length === 0) break;
    if (im[0] === ',') {
      im = im.slice(1);
      continue;
    }
    if (im[0] === '*') return 'true';
    const [etag, remain] = scanETag(im);
    if (etag === '') break;
    if (etagStrongMatch(etag, w.header().get('Etag'))) return 'true';
    im = remain;
  }
  return 'false';
}

// Go: checkIfUnmodifiedSince — ignored without a modtime or with an unparsable date.
function checkIfUnmodifiedSince(r: Request, modtime: ModTime): Cond {
  const ius = r.header.get('If-Unmodified-Since');
  if (ius === '' || isZeroTime(modtime)) return 'none';
  const t = parseHttpDate(ius);
  if (t === undefined) return 'none';
  return unixSeconds(modtime!) * 1000 <= t.getTime() ? 'true' : 'false';
}

// Go: checkIfNoneMatch — `*` or a weak match means the client's copy is current (false).
function checkIfNoneMatch(w: ResponseWriter, r: Request): Cond {
  let buf = r.header.get('If-None-Match');
  if (buf === '') return 'none';
  for (;;) {
    buf = trimLeft(buf);
    if (buf.length === 0) break;
    if (buf[0] === ',') {
      buf = buf.slice(1);
      continue;
    }
    if (buf[0] === '*') return 'false';
    const [etag, remain] = scanETag(buf);
    if (etag === '') break;
    if (etagWeakMatch(etag, w.header().get('Etag'))) return 'false';
    buf = remain;
  }
  return 'true';
}

// Go: checkIfModifiedSince — only for GET and HEAD; false when not modified since.
function checkIfModifiedSince(r: Request, modtime: ModTime): Cond {
  if (r.method !== 'GET' && r.method !== 'HEAD') return 'none';
  const ims = r.header.get('If-Modified-Since');
  if (ims === '' || isZeroTime(modtime)) return 'none';
  const t = parseHttpDate(ims);
  if (t === undefined) return 'none';
  return unixSeconds(modtime!) * 1000 <= t.getTime() ? 'false' : 'true';
}

// Go: checkIfRange — an entity-tag must match strongly, a date must equal the modtime to
// the second; anything else (including a date with no modtime) disables the Range.
function checkIfRange(w: ResponseWriter, r: Request, modtime: ModTime): Cond {
  if (r.method !== 'GET' && r.method !== 'HEAD') return 'none';
  const ir = r.header.get('If-Range');
  if (ir === '') return 'none';
  const [etag] = scanETag(ir);
  if (etag !== '') {
    return etagStrongMatch(etag, w.header().get('Etag')) ? 'true' : 'false';
  }
  // Go tests IsZero here, not isZeroTime: the epoch is a real time for If-Range.
  if (modtime == null || Number.isNaN(modtime.getTime())) return 'false';
  const t = parseHttpDate(ir);
  if (t === undefined) return 'false';
  return unixSeconds(t) === unixSeconds(modtime) ? 'true' : 'false';
}

// Go: writeNotModified — a 304 carries no entity headers; Last-Modified goes too when an
// Etag is there to validate with (RFC 7232 section 4.1).
/** Sends `304 Not Modified` after deleting the headers a 304 must not carry. */
export function writeNotModified(w: ResponseWriter): void {
  const h = w.header();
  h.rawDel('Content-Type');
  h.rawDel('Content-Length');
  h.rawDel('Content-Encoding');
  if (h.get('Etag') !== '') h.rawDel('Last-Modified');
  w.writeHeader(StatusNotModified);
}

// Go: checkPreconditions — RFC 7232 section 6 order: If-Match (else If-Unmodified-Since)
// may fail with 412; If-None-Match (else If-Modified-Since) may answer 304, or 412 for
// unsafe methods; then If-Range decides whether the Range header still applies. Returns
// whether the response is done and the Range header to honour.
function checkPreconditions(w: ResponseWriter, r: Request, modtime: ModTime): [boolean, string] {
  let ch = checkIfMatch(w, r);
  if (ch === 'none') ch = checkIfUnmodifiedSince(r, modtime);
  if (ch === 'false') {
    w.writeHeader(StatusPreconditionFailed);
    return [true, ''];
  }
  switch (checkIfNoneMatch(w, r)) {
    case 'false':
      if (r.method === 'GET' || r.method === 'HEAD') writeNotModified(w);
      else w.writeHeader(StatusPreconditionFailed);
      return [true, ''];
    case 'none':
      if (checkIfModifiedSince(r, modtime) === 'false') {
        writeNotModified(w);
        return [true, ''];
      }
  }
  let rangeHeader = r.header.get('Range');
  if (rangeHeader !== '' && checkIfRange(w, r, modtime) === 'false') rangeHeader = '';
  return [false, rangeHeader];
}

/** @internal Go's `checkIfModifiedSince(...) == condFalse`, for directory listings. */
export function notModifiedSince(r: Request, modtime: ModTime): boolean {
  return checkIfModifiedSince(r, modtime) === 'false';
}

// Go: filepath.Ext — from the last dot of the last element, or ''.
function ext(name: string): string {
  for (let i = name.length - 1; i >= 0 && name[i] !== '/'; i--) {
    if (name[i] === '.') return name.slice(i);
  }
  return '';
}

const copyBufSize = 32 * 1024;

// Go: io.CopyN(w, r, n) with the error dropped — stops at EOF or a failed write.
async function copyN(w: ResponseWriter, r: ReadSeeker, n: number): Promise<boolean> {
  const buf = new Uint8Array(Math.min(copyBufSize, Math.max(n, 1)));
  while (n > 0) {
    const m = await r.read(buf.subarray(0, Math.min(buf.length, n)));
    if (m === null) return false;
    try {
      // the writer may keep a reference to what it is given until it settles
      await w.write(buf.slice(0, m));
    } catch {
      return false;
    }
    n -= m;
  }
  return true;
}

async function writeString(w: ResponseWriter, s: string): Promise<boolean> {
  try {
    await w.write(s);
    return true;
  } catch {
    return false;
  }
}

// Go: serveContent — everything after the caller supplied a name, modtime and a way to
// learn the size: Last-Modified, preconditions, Content-Type (preset, by extension, or
// sniffed and rewound), Range resolution, then the 200/206 header and body.
/** @internal The shared core of {@link serveContent} and the file server. */
export async function serveContentSized(
  w: ResponseWriter,
  r: Request,
  name: string,
  modtime: ModTime,
  sizeFunc: () => Promise<number>,
  content: ReadSeeker,
): Promise<void> {
  setLastModified(w, modtime);
  const [done, rangeReq] = checkPreconditions(w, r, modtime);
  if (done) return;

  let code = StatusOK;
  const h = w.header();
  // A Content-Type key the caller set, even with no values, disables detection.
  const ctypes = h.rawGet('Content-Type');
  let ctype = '';
  if (ctypes === undefined) {
    ctype = typeByExtension(ext(name));
    if (ctype === '') {
      const buf = new Uint8Array(sniffLen);
      let n = 0;
      try {
        n = await readFull(content, buf);
      } catch {
        // Go ignores the read error and sniffs what it got
      }
      ctype = detectContentType(buf.subarray(0, n));
      try {
        await content.seek(0, SeekStart); // rewind to send it all
      } catch {
        return serveError(w, errSeekerText, StatusInternalServerError);
      }
    }
    h.set('Content-Type', ctype);
  } else if (ctypes.length > 0) {
    ctype = ctypes[0]!;
  }

  let size: number;
  try {
    size = await sizeFunc();
  } catch (err) {
    return serveError(w, (err as Error).message, StatusInternalServerError);
  }
  if (size < 0) {
    return serveError(w, 'negative content size computed', StatusInternalServerError);
  }

  let sendSize = size;
  let ranges: HttpRange[];
  try {
    ranges = parseRange(rangeReq, size);
  } catch (err) {
    if (err === errNoOverlap) {
      if (size === 0) {
        // an empty file: Range is ignored and the (empty) content sent with 200
        ranges = [];
      } else {
        h.set('Content-Range', `bytes */${size}`);
        return serveError(w, (err as Error).message, StatusRequestedRangeNotSatisfiable);
      }
    } else {
      return serveError(w, (err as Error).message, StatusRequestedRangeNotSatisfiable);
    }
  }

  // Ranges asking for more than the whole (overlaps, repeats) get the whole instead: a
  // cheap defence against amplification.
  if (sumRangesSize(ranges) > size) ranges = [];

  let boundary = '';
  if (ranges.length === 1) {
    const ra = ranges[0]!;
    try {
      await content.seek(ra.start, SeekStart);
    } catch (err) {
      return serveError(w, (err as Error).message, StatusRequestedRangeNotSatisfiable);
    }
    sendSize = ra.length;
    code = StatusPartialContent;
    h.set('Content-Range', contentRange(ra, size));
  } else if (ranges.length > 1) {
    sendSize = rangesMimeSize(ranges, ctype, size);
    code = StatusPartialContent;
    boundary = randomBoundary();
    h.set('Content-Type', `multipart/byteranges; boundary=${boundary}`);
  }

  h.set('Accept-Ranges', 'bytes');
  // With a Content-Encoding the size of the encoded whole is unknown to us; a range
  // response always has an exact length.
  if (ranges.length > 0 || h.get('Content-Encoding') === '') {
    h.set('Content-Length', String(sendSize));
  }
  w.writeHeader(code);

  if (r.method === 'HEAD') return;
  if (ranges.length <= 1) {
    await copyN(w, content, sendSize);
    return;
  }
  // Go writes the parts through a pipe from a goroutine; written in sequence here, the
  // bytes are the same.
  for (let i = 0; i < ranges.length; i++) {
    const ra = ranges[i]!;
    if (!(await writeString(w, partHeader(boundary, i, ra, ctype, size)))) return;
    try {
      await content.seek(ra.start, SeekStart);
    } catch {
      return;
    }
    if (!(await copyN(w, content, ra.length))) return;
  }
  await writeString(w, closeDelimiter(boundary));
}

// Go: ServeContent — the size comes from seeking to the end and back.
/**
 * Replies to `r` with `content` (Go's `http.ServeContent`), handling Range (single → 206 with
 * `Content-Range`, several → `multipart/byteranges`, none satisfiable → 416 with
 * `Content-Range: bytes *\/size`), If-Match, If-Unmodified-Since, If-None-Match,
 * If-Modified-Since and If-Range, and HEAD.
 *
 * Without a `Content-Type` header preset (even empty), the type comes from `name`'s
 * extension, else from sniffing the first 512 bytes. A non-zero `modtime` sets
 * `Last-Modified` and drives the date conditions. An `Etag` header set beforehand (quoted,
 * per RFC 9110) drives the entity-tag conditions. `content` is read from its start; a
 * `FileHandle` stays open for the caller to close.
 */
export function serveContent(
  w: ResponseWriter,
  r: Request,
  name: string,
  modtime: ModTime,
  content: Content,
): Promise<void> {
  const rs = toReadSeeker(content);
  const sizeFunc = async (): Promise<number> => {
    let size: number;
    try {
      size = await rs.seek(0, SeekEnd);
      await rs.seek(0, SeekStart);
    } catch {
      throw new Error(errSeekerText);
    }
    return size;
  };
  return serveContentSized(w, r, name, modtime, sizeFunc, rs);
}
