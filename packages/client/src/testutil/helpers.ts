// Test helpers shared by the client tests.
import { newRequest, type Request, type Response } from '@ka/http';
import type { GotConnInfo } from '../trace.js';
import { type ClientTrace, withClientTrace } from '../trace.js';
import type { RoundTripper } from '../transport.js';

/** A trace that records gotConn infos and putIdleConn errors. */
export function recorder(): {
  trace: ClientTrace;
  gotConn: GotConnInfo[];
  putIdle: unknown[];
  events: string[];
} {
  const gotConn: GotConnInfo[] = [];
  const putIdle: unknown[] = [];
  const events: string[] = [];
  const trace: ClientTrace = {
    getConn: (hp) => events.push(`getConn ${hp}`),
    gotConn: (info) => {
      gotConn.push(info);
      events.push(`gotConn reused=${info.reused} wasIdle=${info.wasIdle}`);
    },
    putIdleConn: (err) => {
      putIdle.push(err);
      events.push(`putIdleConn ${err === undefined ? 'nil' : (err as Error).message}`);
    },
    connectStart: (n, a) => events.push(`connectStart ${n} ${a}`),
    connectDone: (n, a, err) =>
      events.push(`connectDone ${n} ${a} ${err === undefined ? 'nil' : 'err'}`),
    wroteHeaders: () => events.push('wroteHeaders'),
    wroteRequest: (info) => events.push(`wroteRequest ${info.err === undefined ? 'nil' : 'err'}`),
    gotFirstResponseByte: () => events.push('gotFirstResponseByte'),
    got100Continue: () => events.push('got100Continue'),
    wait100Continue: () => events.push('wait100Continue'),
    got1xxResponse: (code) => {
      events.push(`got1xxResponse ${code}`);
    },
  };
  return { trace, gotConn, putIdle, events };
}

/** A GET (optionally traced) through `rt`, returning the response and its body text. */
export async function getText(
  rt: RoundTripper,
  url: string,
  trace?: ClientTrace,
): Promise<{ resp: Response; text: string }> {
  let req: Request = newRequest('GET', url);
  if (trace !== undefined) req = withClientTrace(req, trace);
  const resp = await rt.roundTrip(req);
  const text = await resp.body.text();
  await resp.body.close();
  return { resp, text };
}

/** Polls `cond` every 5 ms, at most `ms` (bounded); throws if it never holds. */
export async function waitFor(cond: () => boolean, ms = 2000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The rejection of `p` (fails the test if it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}
