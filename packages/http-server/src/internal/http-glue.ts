// Small pieces of Go's net/http that the server needs beyond @ka/http's surface.
import { formatHttpDate } from '@ka/http';

export {
  bodyAllowedForStatus,
  foreachHeaderElement,
  hasToken,
  isProtocolSwitchResponse,
  suppressedHeaders,
  trimString,
} from '@ka/http/internal';

/** Go: excludedHeadersNoBody — left out of a 1xx header block. */
export const excludedHeadersNoBody: ReadonlySet<string> = new Set([
  'Content-Length',
  'Transfer-Encoding',
]);

// Go: httpguts.ValidTrailerHeader — these may not be sent as trailers.
const badTrailer = new Set([
  'Authorization',
  'Cache-Control',
  'Connection',
  'Content-Encoding',
  'Content-Length',
  'Content-Range',
  'Content-Type',
  'Expect',
  'Host',
  'Keep-Alive',
  'Max-Forwards',
  'Pragma',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Proxy-Connection',
  'Range',
  'Realm',
  'Te',
  'Trailer',
  'Transfer-Encoding',
  'Www-Authenticate',
]);

/** Go: httpguts.ValidTrailerHeader (on a canonical key). */
export function validTrailerHeader(name: string): boolean {
  return !badTrailer.has(name);
}

// The Date header changes once a second; format it once per second, not per response.
let dateSec = -1;
let dateText = '';

let dateLine = '';

/** `Mon, 02 Jan 2006 15:04:05 GMT` for now, cached for the current second. */
export function currentHttpDate(now = Date.now()): string {
  const sec = Math.floor(now / 1000);
  if (sec !== dateSec) {
    dateText = formatHttpDate(sec * 1000);
    dateLine = `Date: ${dateText}\r\n`;
    dateSec = sec;
  }
  return dateText;
}

/** The whole `Date: …\r\n` header line for now, cached with {@link currentHttpDate}. */
export function currentHttpDateLine(now = Date.now()): string {
  currentHttpDate(now);
  return dateLine;
}
