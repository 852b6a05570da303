// Slow and abusive peers as functions of a server address: each returns what the client saw
// and when the server ended the connection, relative to the moment the peer connected.
import type { PeerServer } from './peers.js';
import { dialRaw, type RawConn, trickle } from './raw.js';

/** What one abusive peer observed. */
export interface Observation {
  /** The response bytes received (latin1; headers only for large bodies). */
  received: string;
  /** ms from connect to the socket's close on the client, if it closed. */
  closedAfter?: number;
  /** ms from connect to the server's ConnState `closed`. */
  serverClosedAfter?: number;
  /** How the client saw the end: `fin`, `reset`, or `open` (still open when we gave up). */
  ending: 'fin' | 'reset' | 'open';
  /** Bytes the peer managed to send. */
  sent: number;
  /** ConnState transitions the server reported for this connection. */
  states: string[];
}

const local = (c: RawConn) => c.local;

async function observe(
  peer: PeerServer,
  c: RawConn,
  sent: number,
  waitMs: number,
  t0 = c.connectedAt,
): Promise<Observation> {
  const ending = await c.waitClosed(waitMs);
  const serverClosed = await peer.waitState(local(c), 'closed', ending === undefined ? 0 : 2_000);
  const o: Observation = {
    received: c.text(),
    ending: ending === undefined ? 'open' : ending.errorCode !== undefined ? 'reset' : 'fin',
    sent,
    states: peer.states.filter((s) => s.remote === local(c)).map((s) => s.state),
  };
  if (ending !== undefined) o.closedAfter = ending.closedAt - t0;
  if (serverClosed !== undefined) o.serverClosedAfter = serverClosed - t0;
  return o;
}

/**
 * Where a slowloris head is cut off: in the request line, in a header line that already has
 * its colon, or in a header name (no colon yet). Go answers the first and last with 400 (its
 * bufio returns the partial line, which fails to parse) and closes silently in the middle one.
 */
export type TrickleCut = 'request-line' | 'header-value' | 'header-name';

const trickled: Record<TrickleCut, [string, string]> = {
  'request-line': ['', `GET /hello?${'q'.repeat(400)} HTTP/1.1\r\nHost: stress\r\n\r\n`],
  'header-value': ['GET /hello HTTP/1.1\r\nHost: stress\r\n', `X-Pad: ${'a'.repeat(400)}`],
  'header-name': ['GET /hello HTTP/1.1\r\nHost: stress\r\n', `X-${'p'.repeat(400)}`],
};

/** Slowloris: a request head trickled one byte every `intervalMs`. */
export async function headerTrickle(
  peer: PeerServer,
  cut: TrickleCut = 'request-line',
  intervalMs = 50,
): Promise<Observation> {
  const c = await dialRaw(peer.addr);
  const [prefix, rest] = trickled[cut];
  if (prefix !== '') await c.write(prefix);
  const sending = trickle(c, rest, intervalMs);
  const o = await observe(peer, c, 0, 15_000);
  o.sent = await sending;
  return o;
}

/** A complete head, then a Content-Length body trickled one byte every `intervalMs`. */
export async function bodyTrickle(peer: PeerServer, intervalMs = 50): Promise<Observation> {
  const c = await dialRaw(peer.addr);
  const n = 400;
  await c.write(`POST /echo HTTP/1.1\r\nHost: stress\r\nContent-Length: ${n}\r\n\r\n`);
  const sending = trickle(c, 'b'.repeat(n), intervalMs);
  const o = await observe(peer, c, 0, 15_000);
  o.sent = await sending;
  return o;
}

/**
 * A client that asks for `size` bytes and never reads: the server's writes stall once the
 * socket buffers are full. The server's ConnState `closed` tells when it gave up.
 */
export async function neverReads(peer: PeerServer, size = 64 << 20): Promise<Observation> {
  const c = await dialRaw(peer.addr, { pauseReading: true });
  c.keep = false;
  await c.write(`GET /bytes/${size} HTTP/1.1\r\nHost: stress\r\n\r\n`);
  const at = await peer.waitState(local(c), 'closed', 15_000);
  const o: Observation = {
    received: '',
    ending: 'open',
    sent: 0,
    states: peer.states.filter((s) => s.remote === local(c)).map((s) => s.state),
  };
  if (at !== undefined) o.serverClosedAfter = at - c.connectedAt;
  await c.destroy();
  return o;
}

/** One request, then silence on the keep-alive connection: times from the response's end. */
export async function idleAfterResponse(peer: PeerServer): Promise<Observation> {
  const c = await dialRaw(peer.addr);
  await c.write('GET /hello HTTP/1.1\r\nHost: stress\r\n\r\n');
  await c.waitText('hello\n', 5_000);
  const t0 = Date.now();
  return observe(peer, c, 0, 15_000, t0);
}
