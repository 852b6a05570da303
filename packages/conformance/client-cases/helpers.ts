// Builders for client scenarios. They only make plain data (see ../src/client-scenario.ts).

import { gzipSync } from 'node:zlib';
import type { Priority } from '../src/case.js';
import type {
  ClientScenario,
  PeerSpec,
  PeerStep,
  PlannedRequest,
  PlanStep,
  RouteReply,
} from '../src/client-scenario.js';

type Body = string;

/** A response: status line (without `HTTP/1.1 ` when it starts with a digit), header lines, body. */
export function resp(status: string, headers: readonly string[] = [], body: Body = ''): string {
  const line = /^\d/.test(status) ? `HTTP/1.1 ${status}` : status;
  return `${line}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`;
}

/** `200 OK` with a Content-Length body (and extra header lines first). */
export function ok(body: Body = 'hello', extra: readonly string[] = []): string {
  return resp('200 OK', [...extra, `Content-Length: ${body.length}`], body);
}

/** The answer to a HEAD: `200 OK` with a Content-Length and no body. */
export function okHead(length = 5, extra: readonly string[] = []): string {
  return resp('200 OK', [...extra, `Content-Length: ${length}`]);
}

/** A chunked `200 OK`: the body in the given chunks, optional trailer lines. */
export function chunked(
  chunks: readonly string[],
  extra: readonly string[] = [],
  trailer: readonly string[] = [],
): string {
  const framed = chunks.map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('');
  return resp(
    '200 OK',
    [...extra, 'Transfer-Encoding: chunked'],
    `${framed}0\r\n${trailer.map((t) => `${t}\r\n`).join('')}\r\n`,
  );
}

/** A redirect: `status` (e.g. `302 Found`) to `location` (a template such as `{{b}}/x`). */
export function redirect(status: string, location: string, extra: readonly string[] = []): string {
  return resp(status, [`Location: ${location}`, ...extra, 'Content-Length: 0']);
}

/** The gzip of `text` as a latin1 string (for byte specs). */
export function gzipped(text: string): string {
  return gzipSync(Buffer.from(text, 'utf8')).toString('latin1');
}

/** A reply after a delay. */
export function delayed(reply: string, delay: number): RouteReply {
  return { reply, delay };
}

/** A reply followed by closing the connection (FIN), without saying so. */
export function thenClose(reply: string, delay?: number): RouteReply {
  return delay === undefined ? { reply, after: 'fin' } : { reply, delay, after: 'fin' };
}

/** A peer that serves every connection from `routes`. */
export function server(routes: PeerSpec['routes'], name = 'a'): PeerSpec {
  return { name, routes };
}

/** A peer whose first connections follow `conns`; later ones serve from `routes`. */
export function scripted(
  conns: readonly (readonly PeerStep[])[],
  routes: PeerSpec['routes'] = {},
  name = 'a',
  otherConns?: readonly PeerStep[],
): PeerSpec {
  return { name, conns, routes, ...(otherConns !== undefined ? { otherConns } : {}) };
}

/** A request step: `get('r1', '/a')`, with options. */
export function get(
  name: string,
  url: string,
  opts: Omit<PlannedRequest, 'name' | 'url'> = {},
): { request: PlannedRequest } {
  return { request: { name, url, ...opts } };
}

/** A request (not a step), for `parallel`. */
export function req(
  name: string,
  url: string,
  opts: Omit<PlannedRequest, 'name' | 'url'> = {},
): PlannedRequest {
  return { name, url, ...opts };
}

/** A POST with an in-memory, replayable body. */
export function post(
  name: string,
  url: string,
  data: string,
  opts: Omit<PlannedRequest, 'name' | 'url' | 'method' | 'body'> = {},
): { request: PlannedRequest } {
  return { request: { name, url, method: 'POST', body: { kind: 'bytes', data }, ...opts } };
}

/** Requests started together. */
export function parallel(...reqs: PlannedRequest[]): PlanStep {
  return { parallel: reqs };
}

/** A pause. */
export function wait(ms: number): PlanStep {
  return { wait: ms };
}

/** A checkpoint: the runner records every connection's state. */
export function checkpoint(name: string): PlanStep {
  return { checkpoint: name };
}

/** `CloseIdleConnections`. */
export const closeIdle: PlanStep = { closeIdle: true };

/** Sets the area on scenarios written without it. */
export function area(
  name: string,
  scenarios: readonly (Omit<ClientScenario, 'area'> & { priority: Priority })[],
): ClientScenario[] {
  return scenarios.map((s) => ({ ...s, area: name }));
}
