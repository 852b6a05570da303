// Byte specs used by cases: literal strings, repeated bytes and concatenations, plus the
// helpers that turn them into Buffers and back into readable, escaped text.

/**
 * Bytes written in a case. A string is taken byte for byte (latin1: every UTF-16 code unit
 * below 256 is one byte, so `'\r\n'` and `'\x01'` are what they look like); `{ repeat, count }`
 * is `repeat` written `count` times; an array is the concatenation of its parts.
 *
 * @example `['POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n', { repeat: 'a', count: 3000 }]`
 */
export type Bytes = string | RepeatedBytes | readonly Bytes[];

/** `repeat` written `count` times (`count` ≤ 64 MiB / `repeat.length`). */
export interface RepeatedBytes {
  /** The unit to repeat (one or more characters, latin1). */
  readonly repeat: string;
  /** How many times. */
  readonly count: number;
}

/** The largest byte spec a case may materialize (64 MiB), a bound against typos. */
export const MaxBytesSpecLength = 64 << 20;

/** The placeholder that stands for one RFC 1123 GMT date, such as in `Date: <date>`. */
export const DatePlaceholder = '<date>';

/** Length of every date in `TimeFormat` (`Mon, 02 Jan 2006 15:04:05 GMT`). */
export const DateLength = 29;

/**
 * Materializes a byte spec into a Buffer.
 *
 * @throws RangeError when the spec is longer than {@link MaxBytesSpecLength} or a string holds
 * a code unit above 0xff (which would not be one byte).
 */
export function toBuffer(spec: Bytes): Buffer {
  const parts: Buffer[] = [];
  let total = 0;
  const visit = (s: Bytes): void => {
    if (typeof s === 'string') {
      for (let i = 0; i < s.length; i++) {
        if (s.charCodeAt(i) > 0xff) {
          throw new RangeError(
            `byte spec has a non-latin1 character at ${i}: ${JSON.stringify(s)}`,
          );
        }
      }
      total += s.length;
      parts.push(Buffer.from(s, 'latin1'));
    } else if (isRepeat(s)) {
      const n = s.repeat.length * s.count;
      if (!Number.isInteger(s.count) || s.count < 0) {
        throw new RangeError(`repeat count must be a non-negative integer, got ${s.count}`);
      }
      total += n;
      if (total > MaxBytesSpecLength)
        throw new RangeError(`byte spec longer than ${MaxBytesSpecLength}`);
      parts.push(Buffer.from(s.repeat.repeat(s.count), 'latin1'));
    } else {
      for (const p of s) visit(p);
    }
    if (total > MaxBytesSpecLength)
      throw new RangeError(`byte spec longer than ${MaxBytesSpecLength}`);
  };
  visit(spec);
  return Buffer.concat(parts, total);
}

function isRepeat(s: Bytes): s is RepeatedBytes {
  return typeof s === 'object' && !Array.isArray(s) && 'repeat' in s;
}

/** Shorthand for `{ repeat, count }`. */
export function repeat(unit: string, count: number): RepeatedBytes {
  return { repeat: unit, count };
}

/**
 * Renders bytes as a readable escaped string: `\r`, `\n`, `\t`, `\\` and non-printable bytes
 * as `\xNN`; runs of more than 16 identical bytes collapse to `{a×3000}`; output longer than
 * `max` characters is cut in the middle.
 */
export function describeBytes(b: Uint8Array, max = 2000): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let j = i + 1;
    while (j < b.length && b[j] === c) j++;
    if (j - i > 16) {
      out += `{${escapeByte(c)}×${j - i}}`;
      i = j;
      continue;
    }
    out += escapeByte(c);
    i++;
  }
  if (out.length > max) {
    const half = Math.floor(max / 2);
    out = `${out.slice(0, half)} …(${out.length - max} chars cut)… ${out.slice(-half)}`;
  }
  return out;
}

function escapeByte(c: number): string {
  switch (c) {
    case 0x0d:
      return '\\r';
    case 0x0a:
      return '\\n';
    case 0x09:
      return '\\t';
    case 0x5c:
      return '\\\\';
    default:
      if (c < 0x20 || c > 0x7e) return `\\x${c.toString(16).padStart(2, '0')}`;
      return String.fromCharCode(c);
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DATE_RE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/**
 * Checks that `s` is a date in Go's `TimeFormat` (RFC 1123 with `GMT`): well formed, a real
 * calendar instant, with the right weekday. Returns the instant in ms, or an error text.
 */
export function parseHttpDate(s: string): number | string {
  const m = DATE_RE.exec(s);
  if (m === null) return `not an RFC 1123 GMT date: ${JSON.stringify(s)}`;
  const [, wd, dd, mon, yyyy, hh, mi, ss] = m as unknown as string[];
  const month = MONTHS.indexOf(mon!);
  const t = Date.UTC(Number(yyyy), month, Number(dd), Number(hh), Number(mi), Number(ss));
  const d = new Date(t);
  if (
    d.getUTCDate() !== Number(dd) ||
    d.getUTCMonth() !== month ||
    d.getUTCHours() !== Number(hh) ||
    d.getUTCMinutes() !== Number(mi) ||
    d.getUTCSeconds() !== Number(ss)
  ) {
    return `not a valid calendar date: ${JSON.stringify(s)}`;
  }
  if (DAYS[d.getUTCDay()] !== wd) return `wrong weekday in ${JSON.stringify(s)}`;
  return t;
}

/** Dates further than this from the runner's clock are reported as wrong (1 day). */
export const MaxDateSkewMs = 24 * 60 * 60 * 1000;

/**
 * Validates a date header value: RFC 1123 GMT and within {@link MaxDateSkewMs} of `now`.
 * Returns null when fine, else the problem.
 */
export function checkHttpDate(s: string, now = Date.now()): string | null {
  const t = parseHttpDate(s);
  if (typeof t === 'string') return t;
  if (Math.abs(t - now) > MaxDateSkewMs) return `date ${JSON.stringify(s)} is more than a day off`;
  return null;
}

const DATE_LINE_RE =
  /(\r?\n[Dd]ate: )((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT)/g;

/**
 * Replaces the value of every `Date:` header line in raw bytes by `<date>`, so transcripts
 * of two runs (or two servers) can be compared. Invalid dates are left as they are.
 */
export function normalizeDates(raw: Uint8Array): Buffer {
  const s = Buffer.from(raw).toString('latin1');
  return Buffer.from(
    s.replace(DATE_LINE_RE, (all, prefix: string, date: string) =>
      typeof parseHttpDate(date) === 'number' ? `${prefix}${DatePlaceholder}` : all,
    ),
    'latin1',
  );
}
