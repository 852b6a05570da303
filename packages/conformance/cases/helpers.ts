// Vocabulary for writing cases: request builders, common expected responses and step
// constructors. Everything here returns plain data (see ../src/case.ts).

import type { Bytes } from '../src/bytes.js';
import type {
  Case,
  ConnStateName,
  ExpectedResponse,
  ExpectStep,
  FateStep,
  SendStep,
  SilenceStep,
  Step,
} from '../src/case.js';

export { repeat } from '../src/bytes.js';

/** The `Host` line most requests carry. */
export const H = 'Host: x\r\n';

/** `Date: <date>`: the server's Date header (validated, value normalized). */
export const DATE = 'Date: <date>';

/** The sniffed type of plain text bodies. */
export const TEXT = 'Content-Type: text/plain; charset=utf-8';

/** Header block of Go's fixed error responses (written straight to the socket). */
export const ERROR_HEADERS =
  '\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n';

/** Go's plain 400 for unparsable requests. */
export const BAD_REQUEST = `HTTP/1.1 400 Bad Request${ERROR_HEADERS}400 Bad Request`;

/** Go's detailed 400: the detail goes into the reason phrase and the body. */
export function badRequest(detail: string): string {
  return `HTTP/1.1 400 Bad Request: ${detail}${ERROR_HEADERS}400 Bad Request: ${detail}`;
}

/** Go's 431 for a request head over the limit. */
export const HEADER_TOO_LARGE = `HTTP/1.1 431 Request Header Fields Too Large${ERROR_HEADERS}431 Request Header Fields Too Large`;

/** Go's 505 for a major version other than 1. */
export const VERSION_NOT_SUPPORTED = `HTTP/1.1 505 HTTP Version Not Supported: unsupported protocol version${ERROR_HEADERS}505 HTTP Version Not Supported: unsupported protocol version`;

/** Go's 501 for a Transfer-Encoding other than one `chunked`. */
export const UNSUPPORTED_TE = `HTTP/1.1 501 Not Implemented${ERROR_HEADERS}Unsupported transfer encoding`;

/** Header lines as wire text: each followed by CRLF. */
function lines(headers: readonly string[]): string {
  return headers.map((h) => `${h}\r\n`).join('');
}

/** `GET path HTTP/1.1` with `Host: x` and extra header lines. */
export function get(path: string, ...headers: string[]): string {
  return `GET ${path} HTTP/1.1\r\n${H}${lines(headers)}\r\n`;
}

/** `HEAD path HTTP/1.1` with `Host: x` and extra header lines. */
export function head(path: string, ...headers: string[]): string {
  return `HEAD ${path} HTTP/1.1\r\n${H}${lines(headers)}\r\n`;
}

/** `GET path HTTP/1.0` (no Host) with extra header lines. */
export function get10(path: string, ...headers: string[]): string {
  return `GET ${path} HTTP/1.0\r\n${lines(headers)}\r\n`;
}

/** A request with a Content-Length body: `POST path HTTP/1.1`, Host, extra headers, body. */
export function post(path: string, body: string, ...headers: string[]): string {
  return `POST ${path} HTTP/1.1\r\n${H}${lines(headers)}Content-Length: ${body.length}\r\n\r\n${body}`;
}

/** Only the head of a POST that declares `Content-Length: n` (the body is sent separately). */
export function postHead(path: string, n: number, ...headers: string[]): string {
  return `POST ${path} HTTP/1.1\r\n${H}${lines(headers)}Content-Length: ${n}\r\n\r\n`;
}

/** The head of a chunked POST: `Transfer-Encoding: chunked` plus extra headers. */
export function postChunkedHead(path: string, ...headers: string[]): string {
  return `POST ${path} HTTP/1.1\r\n${H}${lines(headers)}Transfer-Encoding: chunked\r\n\r\n`;
}

/**
 * A complete automatic-length text response: status, Date, Content-Length, sniffed
 * Content-Type, then `extra` lines.
 */
export function text(
  body: string,
  opts: { status?: string; extra?: readonly string[]; version?: string } = {},
): ExpectedResponse {
  const version = opts.version ?? 'HTTP/1.1';
  return {
    status: `${version} ${opts.status ?? '200 OK'}`,
    headers: [DATE, `Content-Length: ${body.length}`, TEXT, ...(opts.extra ?? [])],
    body,
  };
}

/** The `/hello` response. */
export const HELLO = text('hello\n');

/** `/hello` with extra header lines, e.g. `Connection: close`. */
export function hello(...extra: string[]): ExpectedResponse {
  return text('hello\n', { extra });
}

/** A response with no body and `Content-Length: 0` (empty handler). */
export function empty(status = '200 OK', ...extra: string[]): ExpectedResponse {
  return { status: `HTTP/1.1 ${status}`, headers: [DATE, 'Content-Length: 0', ...extra], body: '' };
}

/** The mux's 404. */
export const NOT_FOUND: ExpectedResponse = {
  status: 'HTTP/1.1 404 Not Found',
  headers: [TEXT, 'X-Content-Type-Options: nosniff', DATE, 'Content-Length: 19'],
  body: '404 page not found\n',
};

// --- steps -----------------------------------------------------------------------------

/** Write bytes (on connection `conn`, default `a`). */
export function send(bytes: Bytes, conn?: string): SendStep {
  return conn === undefined ? { send: bytes } : { send: bytes, conn };
}

/** Read the next response and compare. */
export function expect(e: ExpectedResponse, conn?: string): ExpectStep {
  return conn === undefined ? { expect: e } : { expect: e, conn };
}

/** Read exactly these bytes next (`<date>` placeholders allowed). */
export function expectRaw(
  raw: Bytes,
  opts: Omit<ExpectedResponse, 'raw'> = {},
  conn?: string,
): ExpectStep {
  return expect({ raw, ...opts }, conn);
}

/** Sleep. */
export function wait(ms: number): Step {
  return { wait: ms };
}

/** The connection stays usable (quiet for `within` ms, then a probe GET /hello is answered). */
export function stays(opts: Omit<FateStep, 'fate'> = {}): FateStep {
  return { fate: 'open', ...opts };
}

/** The server closes: EOF, no further bytes. */
export function closes(opts: Omit<FateStep, 'fate'> = {}): FateStep {
  return { fate: 'close', ...opts };
}

/** The server half-closes promptly and lingers before closing fully. */
export function lingers(opts: Omit<FateStep, 'fate'> = {}): FateStep {
  return { fate: 'close-linger', ...opts };
}

/** No bytes and no EOF for `ms`. */
export function silence(ms: number, conn?: string): SilenceStep {
  return conn === undefined ? { silence: ms } : { silence: ms, conn };
}

/** The client half-closes (FIN). */
export function halfClose(conn?: string): Step {
  return conn === undefined ? { halfClose: true } : { halfClose: true, conn };
}

/** The client goes away. */
export function clientClose(conn?: string): Step {
  return conn === undefined ? { close: true } : { close: true, conn };
}

/** The server's ConnState transitions so far (server flag `--conn-state-log`). */
export function connStates(states: readonly ConnStateName[], conn?: string): Step {
  return conn === undefined ? { connStates: states } : { connStates: states, conn };
}

/** Cases of one catalog area: adds `area` to each. */
export function area(name: string, cases: readonly Omit<Case, 'area'>[]): Case[] {
  return cases.map((c) => ({ ...c, area: name }));
}

/** The `101 Switching Protocols` of `/x/upgrade`; the hijacked connection then echoes lines. */
export const UPGRADED: ExpectedResponse = {
  status: 'HTTP/1.1 101 Switching Protocols',
  headers: ['Connection: Upgrade', 'Upgrade: ka-echo', DATE],
  ordered: true,
};
