// Go: fs.go httpRange, parseRange, rangesMIMESize, plus the bits of mime/multipart's Writer
// that ServeContent uses to frame a multipart/byteranges body.
import { randomBytes } from 'node:crypto';

/** One satisfiable byte range of a representation: `length` bytes from `start`. */
export interface HttpRange {
  start: number;
  length: number;
}

/** Go's `errNoOverlap`: every range in the header starts at or past the end. */
export const errNoOverlap = new Error('invalid range: failed to overlap');
const errInvalidRange = () => new Error('invalid range');

// Go: httpRange.contentRange — "bytes first-last/size".
/** The `Content-Range` value for `ra` within a representation of `size` bytes. */
export function contentRange(ra: HttpRange, size: number): string {
  return `bytes ${ra.start}-${ra.start + ra.length - 1}/${size}`;
}

// Go: textproto.TrimString — only ASCII space, tab, CR and LF count as whitespace.
function trimAscii(s: string): string {
  let i = 0;
  let j = s.length;
  while (i < j && isAsciiSpace(s.charCodeAt(i))) i++;
  while (j > i && isAsciiSpace(s.charCodeAt(j - 1))) j--;
  return s.slice(i, j);
}

function isAsciiSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

const maxInt64 = 2n ** 63n - 1n;

// Go: strconv.ParseInt(s, 10, 64) — optional sign, decimal digits only, within int64. A
// value past 2^53 loses precision as a number, which is harmless: it is only compared with
// a size that is itself below 2^53, and clipped to it.
function parseInt64(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > maxInt64 || n < -maxInt64 - 1n) return undefined;
  return Number(n);
}

// Go: parseRange — the `bytes=` ranges of a Range header resolved against `size`. Empty
// list elements are skipped; a range starting at or past the end is dropped, and if that
// leaves nothing (having dropped something) the result is errNoOverlap; any syntax error
// rejects the whole header. A suffix range longer than the content covers all of it, an
// end past the content is clipped.
/**
 * Parses a `Range` header value against a representation of `size` bytes (Go's
 * `parseRange`). Returns `[]` for an empty header; throws {@link errNoOverlap} when no
 * range overlaps, or an `invalid range` error for bad syntax.
 */
export function parseRange(s: string, size: number): HttpRange[] {
  if (s === '') return [];
  const b = 'bytes=';
  if (!s.startsWith(b)) throw errInvalidRange();
  const ranges: HttpRange[] = [];
  let noOverlap = false;
  for (let ra of s.slice(b.length).split(',')) {
    ra = trimAscii(ra);
    if (ra === '') continue;
    const dash = ra.indexOf('-');
    if (dash < 0) throw errInvalidRange();
    const start = trimAscii(ra.slice(0, dash));
    const end = trimAscii(ra.slice(dash + 1));
    if (start === '') {
      // a suffix: the last `end` bytes
      if (end === '' || end[0] === '-') throw errInvalidRange();
      let i = parseInt64(end);
      if (i === undefined || i < 0) throw errInvalidRange();
      if (i > size) i = size;
      ranges.push({ start: size - i, length: i });
      continue;
    }
    const i = parseInt64(start);
    if (i === undefined || i < 0) throw errInvalidRange();
    if (i >= size) {
      // this range is unsatisfiable; the others may still be served
      noOverlap = true;
      continue;
    }
    if (end === '') {
      ranges.push({ start: i, length: size - i });
      continue;
    }
    let j = parseInt64(end);
    if (j === undefined || i > j) throw errInvalidRange();
    if (j >= size) j = size - 1;
    ranges.push({ start: i, length: j - i + 1 });
  }
  if (noOverlap && ranges.length === 0) throw errNoOverlap;
  return ranges;
}

// Go: sumRangesSize — the payload bytes the ranges would send (overlaps counted twice).
/** The total length of `ranges`. */
export function sumRangesSize(ranges: readonly HttpRange[]): number {
  let n = 0;
  for (const ra of ranges) n += ra.length;
  return n;
}

// Go: multipart.randomBoundary — 30 random bytes as 60 hex digits.
/** A fresh multipart boundary in Go's format. */
export function randomBoundary(): string {
  return randomBytes(30).toString('hex');
}

// Go: (*multipart.Writer).CreatePart with ra.mimeHeader — the delimiter (preceded by CRLF
// after the first part), the part's headers in key order (Content-Range before
// Content-Type), then a blank line.
/** The framing written before part `index` of a multipart/byteranges body. */
export function partHeader(
  boundary: string,
  index: number,
  ra: HttpRange,
  contentType: string,
  size: number,
): string {
  const delim = index === 0 ? `--${boundary}\r\n` : `\r\n--${boundary}\r\n`;
  return `${delim}Content-Range: ${contentRange(ra, size)}\r\nContent-Type: ${contentType}\r\n\r\n`;
}

// Go: (*multipart.Writer).Close — the closing delimiter.
/** The closing delimiter of a multipart body. */
export function closeDelimiter(boundary: string): string {
  return `\r\n--${boundary}--\r\n`;
}

const encoder = new TextEncoder();

// Go: rangesMIMESize — the exact size of the multipart body: framing plus payload. The
// boundary's length is fixed, so a placeholder of that length gives the same count.
/** The byte length of the multipart/byteranges body for `ranges`. */
export function rangesMimeSize(
  ranges: readonly HttpRange[],
  contentType: string,
  contentSize: number,
): number {
  const boundary = 'x'.repeat(60);
  let n = 0;
  ranges.forEach((ra, i) => {
    n += encoder.encode(partHeader(boundary, i, ra, contentType, contentSize)).length + ra.length;
  });
  // A Writer closed with no parts still writes its closing delimiter after "\r\n"; Go
  // only gets here with two or more ranges, so the no-part case never arises.
  return n + closeDelimiter(boundary).length;
}
