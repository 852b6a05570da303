// Go: net/textproto reader.go — reading lines and MIME header blocks from a BufReader.
//
// The parser works on the bytes the BufReader already holds (`bufferedBytes()` + `skip()`),
// and awaits `fill()` only when a line is incomplete, so a head that arrived in one read is
// parsed without a Promise per line.
import { type BufReader, EOF, ErrBufferFull } from '@ka/io';
import { ErrMessageTooLarge, TextprotoProtocolError } from './errors.js';
import { canonicalHeaderKey, canonicalKeyFromBytes, Header, internedKey } from './header.js';
import { isTokenByte, latin1, quoteBytes, validHeaderValueByte } from './internal/ascii.js';

/** Limits for {@link readMIMEHeader}; Go's `ReadMIMEHeader` uses none (both unlimited). */
export interface MIMEHeaderLimits {
  /** Budget of bytes for keys and values (Go's `maxMemory`, with its per-entry overheads). */
  maxMemory?: number;
  /** Most header lines accepted (Go's `maxHeaders`). */
  maxHeaders?: number;
}

// State of one line being assembled from pieces when it is longer than the buffer.
interface LineState {
  parts: Uint8Array[] | null;
  len: number;
  lim: number;
}

const LF = 0x0a;
const CR = 0x0d;

// The next '\n' at or after `from`, or -1. A plain loop: header lines are short, and for short
// scans it is several times faster than the indexOf builtins (their call costs more than the
// scan).
function indexLF(buf: Uint8Array, from: number): number {
  for (let i = from; i < buf.length; i++) if (buf[i] === LF) return i;
  return -1;
}

function concat(parts: Uint8Array[], len: number): Uint8Array {
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function checkLim(st: LineState, n: number): void {
  if (st.lim >= 0 && st.len + n > st.lim) throw ErrMessageTooLarge;
}

// Go: (*Reader).readLineSlice over bufio.(*Reader).ReadLine — synchronous step. Returns the
// line without "\n" / "\r\n" (a view into the buffer when it came in one piece), or
// undefined when more bytes are needed. Pieces of a line longer than the buffer are copied
// aside; a '\r' at the end of a full buffer is held back so a split "\r\n" still ends the line.
function tryLine(br: BufReader, st: LineState): Uint8Array | undefined {
  const buf = br.bufferedBytes();
  const i = indexLF(buf, 0);
  if (i >= 0) {
    const end = i > 0 && buf[i - 1] === CR ? i - 1 : i;
    const line = buf.subarray(0, end);
    br.skip(i + 1); // consumed even when over the limit, as Go's ReadLine does
    checkLim(st, end);
    if (st.parts === null) return line;
    st.parts.push(line);
    const out = concat(st.parts, st.len + end);
    st.parts = null;
    st.len = 0;
    return out;
  }
  if (buf.length >= br.size()) {
    const end = buf[buf.length - 1] === CR ? buf.length - 1 : buf.length;
    const piece = buf.slice(0, end);
    br.skip(end);
    checkLim(st, end);
    (st.parts ??= []).push(piece);
    st.len += end;
  }
  return undefined;
}

// Go: bufio ReadLine at EOF — what is left is the last line (without any trimming); with
// nothing left, EOF.
function lineAtEOF(br: BufReader, st: LineState): Uint8Array | null {
  const buf = br.bufferedBytes();
  if (buf.length === 0) return null;
  const line = buf.slice();
  br.skip(buf.length);
  checkLim(st, line.length);
  if (st.parts === null) return line;
  st.parts.push(line);
  return concat(st.parts, st.len + line.length);
}

/**
 * Go's `textproto.(*Reader).ReadLine` (with a limit, `readLineSlice`): one line without its
 * `\n` or `\r\n`, or `null` at EOF. A line longer than `lim` bytes (when `lim` ≥ 0) rejects
 * with {@link ErrMessageTooLarge}. The result may be a view into `br`'s buffer: valid until
 * the next read.
 */
export async function readLineBytes(br: BufReader, lim = -1): Promise<Uint8Array | null> {
  const st: LineState = { parts: null, len: 0, lim };
  for (;;) {
    const line = tryLine(br, st);
    if (line !== undefined) return line;
    if (!(await fillLine(br))) return lineAtEOF(br, st);
  }
}

// Go: bufio.(*Reader).ReadLine — when a read fails after part of a line is buffered, that part
// is returned as the line and the error is dropped (the next read meets it again). So a
// request line cut short by ReadHeaderTimeout is parsed, and answered 400, as Go does.
// Returns false (like EOF) when a partial line is left to return; rethrows otherwise.
async function fillLine(br: BufReader): Promise<boolean> {
  try {
    return await br.fill();
  } catch (err) {
    if (err !== ErrBufferFull && br.buffered() > 0) return false;
    throw err;
  }
}

/** {@link readLineBytes} decoded as a byte string; `null` at EOF. */
export async function readLine(br: BufReader): Promise<string | null> {
  const b = await readLineBytes(br);
  return b === null ? null : latin1(b);
}

function isSpaceOrTab(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09;
}

// Next unread byte without consuming it, or -1 at EOF.
async function nextByte(br: BufReader): Promise<number> {
  if (br.buffered() > 0) return br.bufferedBytes()[0]!;
  if (!(await br.fill())) return -1;
  return br.bufferedBytes()[0]!;
}

/**
 * Go's `textproto.(*Reader).ReadMIMEHeader` (`readMIMEHeader` with limits): reads `Key: value`
 * lines up to and including the blank line that ends the block, and returns them as a
 * {@link Header} with canonical keys and values in arrival order.
 *
 * Go's rules: bare LF line endings are accepted; a line starting with space or tab continues
 * the previous value (joined by one space); the first line may not start with whitespace
 * (`malformed MIME header initial line: "…"`); a line without a colon fails with
 * `malformed MIME header: missing colon: "…"`; an empty key, a key with bytes other than
 * token characters and spaces, or a value with control bytes fails with
 * `malformed MIME header line: "…"` (all {@link TextprotoProtocolError}). Keys with a space
 * (`Host : x`) are kept verbatim, not canonicalized. Limits exceeded →
 * {@link ErrMessageTooLarge}. EOF before the blank line rejects with `EOF`.
 */
export async function readMIMEHeader(br: BufReader, limits?: MIMEHeaderLimits): Promise<Header> {
  const st = newHeaderState(limits);

  // Go: the first line cannot start with a leading space.
  const first = br.buffered() > 0 ? br.bufferedBytes() : await br.peek(1);
  if (first.length > 0 && isSpaceOrTab(first[0])) {
    const line = await readLineBytes(br, 80);
    if (line === null) throw EOF;
    throw new TextprotoProtocolError(`malformed MIME header initial line: ${quoteBytes(line)}`);
  }
  return readEntries(br, st);
}

function newHeaderState(limits: MIMEHeaderLimits | undefined): HeaderState {
  return {
    h: new Header(),
    maxMemory: (limits?.maxMemory ?? Number.POSITIVE_INFINITY) - 400,
    maxHeaders: limits?.maxHeaders ?? Number.POSITIVE_INFINITY,
    line: { parts: null, len: 0, lim: 0 },
  };
}

async function readEntries(br: BufReader, st: HeaderState): Promise<Header> {
  for (;;) {
    if (fastPass(br, st)) return st.h;
    if (await slowEntry(br, st)) return st.h;
  }
}

/**
 * @internal {@link readMIMEHeader} that returns the Header synchronously when the whole
 * block is already buffered and takes the common path, else the Promise `readMIMEHeader`
 * would return. Same results and errors (a synchronous failure throws). A synchronous result
 * has only token keys and values free of control bytes (what a server checks).
 */
export function readMIMEHeaderEager(
  br: BufReader,
  limits?: MIMEHeaderLimits,
): Header | Promise<Header> {
  if (br.buffered() === 0 || isSpaceOrTab(br.bufferedBytes()[0])) {
    return readMIMEHeader(br, limits);
  }
  const st = newHeaderState(limits);
  if (fastPass(br, st)) return st.h;
  return readEntries(br, st);
}

/**
 * @internal A complete line already in `br`'s buffer (as {@link readLineBytes} would return
 * it: a view, without its line ending), consumed; `undefined`, consuming nothing, when no
 * whole line is buffered or it is longer than `lim` (≥ 0).
 */
export function tryReadLineBytes(br: BufReader, lim = -1): Uint8Array | undefined {
  const buf = br.bufferedBytes();
  const i = indexLF(buf, 0);
  if (i < 0) return undefined;
  const end = i > 0 && buf[i - 1] === CR ? i - 1 : i;
  if (lim >= 0 && end > lim) return undefined;
  br.skip(i + 1);
  return buf.subarray(0, end);
}

interface HeaderState {
  h: Header;
  maxMemory: number;
  maxHeaders: number;
  line: LineState;
}

const mapEntryOverhead = 200;

// Go: the accounting at the end of readMIMEHeader's loop — count the entry against the
// limits, then store it.
function addEntry(st: HeaderState, key: string, value: string): void {
  if (--st.maxHeaders < 0) throw ErrMessageTooLarge;
  const vv = st.h.rawGet(key);
  if (vv === undefined) st.maxMemory -= key.length + mapEntryOverhead;
  st.maxMemory -= value.length;
  if (st.maxMemory < 0) throw ErrMessageTooLarge;
  if (vv === undefined) st.h.rawSet(key, [value]);
  else vv.push(value);
}

// The common case, synchronously: complete `Key: value` lines already in the buffer, whose
// next line is known not to be a continuation. Stops (returning false, with the line left
// unread) at anything else — an incomplete, continued, over-limit or malformed line — for
// slowEntry to handle by Go's general rules. Returns true after consuming the blank line.
function fastPass(br: BufReader, st: HeaderState): boolean {
  const buf = br.bufferedBytes();
  let pos = 0;
  try {
    for (;;) {
      const lf = indexLF(buf, pos);
      if (lf < 0) return false;
      const end = lf > pos && buf[lf - 1] === CR ? lf - 1 : lf;
      if (end === pos) {
        pos = lf + 1;
        return true;
      }
      if (lf + 1 >= buf.length || isSpaceOrTab(buf[lf + 1])) return false;
      if (end - pos > st.maxMemory) return false;

      // Key: token bytes up to the colon, noting whether it is already canonical.
      let i = pos;
      let canonical = true;
      let upper = true;
      for (; i < end; i++) {
        const c = buf[i]!;
        if (c === 0x3a) break;
        if (!isTokenByte(c)) return false;
        if ((upper && c >= 0x61 && c <= 0x7a) || (!upper && c >= 0x41 && c <= 0x5a)) {
          canonical = false;
        }
        upper = c === 0x2d;
      }
      if (i === end || i === pos) return false;
      let ve = end;
      while (ve > i + 1 && isSpaceOrTab(buf[ve - 1])) ve--;
      let vs = i + 1;
      for (let k = vs; k < ve; k++) if (!validHeaderValueByte(buf[k]!)) return false;
      while (vs < ve && isSpaceOrTab(buf[vs])) vs++;

      let key = internedKey(buf, pos, i);
      if (key === undefined) {
        const raw = latin1(buf, pos, i);
        key = canonical ? raw : canonicalHeaderKey(raw);
      }
      pos = lf + 1;
      addEntry(st, key, latin1(buf, vs, ve));
    }
  } finally {
    br.skip(pos);
  }
}

// Go: one iteration of readMIMEHeader's loop (readContinuedLineSlice and the checks after
// it), awaiting more bytes as needed. Returns true at the blank line.
async function slowEntry(br: BufReader, st: HeaderState): Promise<boolean> {
  const ls = st.line;
  ls.lim = st.maxMemory;
  let line = tryLine(br, ls);
  while (line === undefined) {
    if (!(await fillLine(br))) {
      const last = lineAtEOF(br, ls);
      if (last === null) throw EOF;
      line = last;
      break;
    }
    line = tryLine(br, ls);
  }
  if (line.length === 0) return true;
  if (line.indexOf(0x3a) < 0) {
    throw new TextprotoProtocolError(`malformed MIME header: missing colon: ${quoteBytes(line)}`);
  }

  // kv is the trimmed line, possibly extended by continuation lines.
  let kv = trim(line);
  if (br.buffered() === 0 || isSpaceOrTab(br.bufferedBytes()[0])) {
    kv = await readContinuation(br, kv, st.maxMemory);
  }

  const colon = kv.indexOf(0x3a);
  const key = canonicalKeyFromBytes(kv, 0, colon);
  if (key === undefined) {
    throw new TextprotoProtocolError(`malformed MIME header line: ${quoteBytes(kv)}`);
  }
  for (let i = colon + 1; i < kv.length; i++) {
    if (!validHeaderValueByte(kv[i]!)) {
      // Go canonicalizes the key in place before it checks the value, so the line it
      // quotes shows the key canonical (`x-a: \x00` → "X-A: \x00").
      const shown = Buffer.concat([Buffer.from(key, 'latin1'), kv.subarray(colon)]);
      throw new TextprotoProtocolError(`malformed MIME header line: ${quoteBytes(shown)}`);
    }
  }
  let vs = colon + 1;
  while (vs < kv.length && isSpaceOrTab(kv[vs])) vs++;
  addEntry(st, key, latin1(kv, vs, kv.length));
  return false;
}

// Go: textproto trim — drop spaces and tabs at both ends (a view, no copy).
function trim(s: Uint8Array): Uint8Array {
  let i = 0;
  let j = s.length;
  while (i < j && isSpaceOrTab(s[i])) i++;
  while (j > i && isSpaceOrTab(s[j - 1])) j--;
  return s.subarray(i, j);
}

// Go: readContinuedLineSlice's continuation loop + skipSpace — while the next line starts
// with whitespace, skip it and append " " + the trimmed rest. Returns a copy that survives
// buffer refills. A read error ends the loop, as in Go.
async function readContinuation(br: BufReader, head: Uint8Array, lim: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [head.slice()];
  let len = head.length;
  lim -= len;
  for (;;) {
    // skipSpace
    let skipped = 0;
    for (;;) {
      const c = await nextByte(br);
      if (!isSpaceOrTab(c)) break;
      br.skip(1);
      skipped++;
    }
    if (skipped === 0) break;
    parts.push(SPACE);
    len++;
    if (len >= lim) throw ErrMessageTooLarge;
    let line: Uint8Array | null;
    try {
      line = await readLineBytes(br, lim - len);
    } catch {
      break; // Go drops the error here; the next read reports it
    }
    if (line === null) break;
    const t = trim(line).slice();
    parts.push(t);
    len += t.length;
  }
  if (parts.length === 1) return parts[0]!;
  return concat(parts, len);
}

const SPACE = new Uint8Array([0x20]);
