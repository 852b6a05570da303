// Go: http.TimeFormat, http.ParseTime — HTTP dates (RFC 9110 §5.6.7).

/** Go's `http.TimeFormat`, as a Go layout: IMF-fixdate, always GMT. */
export const TimeFormat = 'Mon, 02 Jan 2006 15:04:05 GMT';

let cachedSecond = Number.NaN;
let cachedDate = '';

/**
 * Formats `date` (default: now) in {@link TimeFormat}, e.g. `Mon, 02 Jan 2006 15:04:05 GMT`.
 * The text is cached per second, so calling it for every response is cheap.
 */
export function formatHttpDate(date?: Date | number): string {
  const ms = date === undefined ? Date.now() : typeof date === 'number' ? date : date.getTime();
  const sec = Math.floor(ms / 1000);
  if (sec !== cachedSecond) {
    cachedSecond = sec;
    cachedDate = new Date(sec * 1000).toUTCString();
  }
  return cachedDate;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const LONG_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// IMF-fixdate: "Mon, 02 Jan 2006 15:04:05 GMT".
const imf = /^([A-Za-z]{3}), (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{1,2}):(\d{2}):(\d{2}) GMT$/;
// Go's time.RFC850: "Monday, 02-Jan-06 15:04:05 MST" (any zone abbreviation, read as UTC).
const rfc850 =
  /^([A-Za-z]+), (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{1,2}):(\d{2}):(\d{2}) ([A-Z]{3,5})$/;
// Go's time.ANSIC: "Mon Jan _2 15:04:05 2006" (the day optionally space-padded).
const ansic = /^([A-Za-z]{3}) ([A-Za-z]{3}) ( ?\d{1,2}) (\d{1,2}):(\d{2}):(\d{2}) (\d{4})$/;

function build(
  year: number,
  mon: string,
  day: number,
  h: number,
  m: number,
  s: number,
): Date | undefined {
  const month = MONTHS.indexOf(mon.toLowerCase());
  if (month < 0 || h > 23 || m > 59 || s > 59 || day < 1) return undefined;
  const t = Date.UTC(year, month, day, h, m, s);
  const d = new Date(t);
  if (year < 100) d.setUTCFullYear(year);
  if (d.getUTCDate() !== day) return undefined; // day out of range for the month
  return d;
}

/**
 * Go's `http.ParseTime`: parses an HTTP date in any of the three formats HTTP/1.1 allows —
 * {@link TimeFormat}, RFC 850 (`Monday, 02-Jan-06 15:04:05 GMT`) and ANSI C asctime
 * (`Mon Jan  2 15:04:05 2006`). Returns `undefined` when `text` is none of them.
 */
export function parseHttpDate(text: string): Date | undefined {
  let r = imf.exec(text);
  if (r !== null) {
    if (!DAYS.includes(r[1]!.toLowerCase())) return undefined;
    return build(+r[4]!, r[3]!, +r[2]!, +r[5]!, +r[6]!, +r[7]!);
  }
  r = rfc850.exec(text);
  if (r !== null) {
    if (!LONG_DAYS.includes(r[1]!.toLowerCase())) return undefined;
    const yy = +r[4]!;
    return build(yy >= 69 ? 1900 + yy : 2000 + yy, r[3]!, +r[2]!, +r[5]!, +r[6]!, +r[7]!);
  }
  r = ansic.exec(text);
  if (r !== null) {
    if (!DAYS.includes(r[1]!.toLowerCase())) return undefined;
    return build(+r[7]!, r[2]!, +r[3]!.trim(), +r[4]!, +r[5]!, +r[6]!);
  }
  return undefined;
}
