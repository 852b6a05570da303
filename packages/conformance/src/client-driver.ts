// The ka driver of the client half: runs a scenario's plan with @ka/client in this process
// and reports per request what go-client-driver/main.go reports for Go's client, in the same
// shape (DriverOutcome).

import { createHash } from 'node:crypto';
import {
  Canceled,
  Client,
  type ClientTrace,
  DeadlineExceeded,
  ErrSchemeMismatch,
  ErrUseLastResponse,
  type RoundTripper,
  Transport,
  withClientTrace,
} from '@ka/client';
import { type Body, BodyBase, type Header, newRequest, Response } from '@ka/http';
import { EOF, ErrUnexpectedEOF, is, isTimeout } from '@ka/io';
import { Dialer, ErrClosed } from '@ka/net';
import type {
  BodySpec,
  DriverConn,
  DriverError,
  DriverOutcome,
  DriverRequest,
  DriverResult,
  DriverScenario,
} from './client-scenario.js';

/** Hooks of a ka driver run. */
export interface KaDriverHooks {
  /** A checkpoint step: resolve once the runner recorded the peers' view. */
  checkpoint(name: string): Promise<void>;
}

/** A finished ka run: its result, and `finish()` to release what the plan left open. */
export interface KaDriverRun {
  readonly result: DriverResult;
  /** Closes bodies left open on purpose and the idle connections. */
  finish(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function latin1(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

const errnoFlags: Readonly<Record<string, string>> = {
  ECONNRESET: 'econnreset',
  ECONNREFUSED: 'econnrefused',
  EPIPE: 'epipe',
};

/** Describes an error the way the Go driver does (text, Timeout(), errors.Is flags). */
export function describeKaError(err: unknown): DriverError {
  const text = err instanceof Error ? err.message : String(err);
  const flags: string[] = [];
  const add = (ok: boolean, flag: string) => {
    if (ok && !flags.includes(flag)) flags.push(flag);
  };
  add(is(err, Canceled), 'canceled');
  add(is(err, DeadlineExceeded), 'deadline');
  add(is(err, EOF), 'eof');
  add(is(err, ErrUnexpectedEOF), 'unexpected-eof');
  const errnos: string[] = [];
  for (let e: unknown = err, i = 0; e != null && i < 100; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && errnoFlags[code] !== undefined) errnos.push(errnoFlags[code]);
    e = (e as { cause?: unknown }).cause;
  }
  for (const f of ['econnreset', 'econnrefused', 'epipe']) add(errnos.includes(f), f);
  add(is(err, ErrClosed), 'net-closed');
  add(is(err, ErrSchemeMismatch), 'scheme-mismatch');
  return { text, timeout: isTimeout(err), flags };
}

function describe(err: unknown): DriverError | undefined {
  return err === undefined ? undefined : describeKaError(err);
}

/** A request body whose closes are counted; not an in-memory body as far as ka can tell. */
class CountedBody extends BodyBase {
  closes = 0;
  #chunks: Buffer[];
  #i = 0;
  constructor(
    chunks: readonly Buffer[],
    readonly firstDelay = 0,
    readonly delay = 0,
  ) {
    super();
    this.#chunks = chunks.slice();
  }
  async read(p: Uint8Array): Promise<number | null> {
    if (this.#i >= this.#chunks.length) return null;
    const d = this.#i === 0 ? this.firstDelay : this.delay;
    if (d > 0) await sleep(d);
    const c = this.#chunks[this.#i]!;
    const n = Math.min(p.length, c.length);
    p.set(c.subarray(0, n));
    if (n < c.length) this.#chunks[this.#i] = c.subarray(n);
    else this.#i++;
    return n;
  }
  async close(): Promise<void> {
    this.closes++;
  }
}

function makeBody(b: BodySpec | undefined): {
  init?: string | Uint8Array | Body;
  counted?: CountedBody;
} {
  if (b === undefined) return {};
  switch (b.kind) {
    case 'bytes':
    case 'bytes-no-getbody':
      return { init: latin1(b.data ?? '') };
    case 'reader': {
      const c = new CountedBody([latin1(b.data ?? '')]);
      return { init: c, counted: c };
    }
    case 'empty-stream': {
      const c = new CountedBody([]);
      return { init: c, counted: c };
    }
    case 'stream': {
      const c = new CountedBody((b.chunks ?? []).map(latin1), b.firstDelay ?? 0, b.delay ?? 0);
      return { init: c, counted: c };
    }
  }
}

function headerLines(h: Header): string[] {
  const lines: string[] = [];
  for (const [k, vv] of h) for (const v of vv) lines.push(`${k}: ${v}`);
  return lines.sort(byteOrder);
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function digest(b: Uint8Array): NonNullable<DriverOutcome['body']> {
  const sha256 = createHash('sha256').update(b).digest('hex');
  const text = b.length <= 256 ? utf8Text(b) : undefined;
  return text === undefined ? { len: b.length, sha256 } : { len: b.length, sha256, text };
}

function utf8Text(b: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return undefined;
  }
}

function localPort(conn: unknown): number {
  const la = (conn as { localAddr?: unknown }).localAddr;
  const addr = typeof la === 'function' ? (la as () => unknown).call(conn) : la;
  if (addr != null && typeof (addr as { port?: unknown }).port === 'number')
    return (addr as { port: number }).port;
  const m = /:(\d+)$/.exec(String(addr));
  return m === null ? 0 : Number(m[1]);
}

/** Reads a body to EOF (or error); resolves the bytes and the error. */
async function readToEnd(body: Body): Promise<{ bytes: Buffer; err?: unknown }> {
  const parts: Buffer[] = [];
  const buf = new Uint8Array(32 * 1024);
  try {
    for (;;) {
      const n = await body.read(buf);
      if (n === null) break;
      if (n > 0) parts.push(Buffer.from(buf.subarray(0, n)));
    }
  } catch (err) {
    return { bytes: Buffer.concat(parts), err };
  }
  return { bytes: Buffer.concat(parts) };
}

/** Go's io.ReadFull: `n` bytes, `EOF` when none came, `unexpected EOF` when some did. */
async function readFull(body: Body, n: number): Promise<{ bytes: Buffer; err?: unknown }> {
  const out = Buffer.alloc(n);
  let got = 0;
  try {
    while (got < n) {
      const k = await body.read(out.subarray(got));
      if (k === null)
        return { bytes: out.subarray(0, got), err: got === 0 ? EOF : ErrUnexpectedEOF };
      got += k;
    }
  } catch (err) {
    return { bytes: out.subarray(0, got), err };
  }
  return { bytes: out };
}

class NilBodyRoundTripper implements RoundTripper {
  async roundTrip(): Promise<Response> {
    const resp = new Response({ statusCode: 200, status: '200 OK', proto: 'HTTP/1.1' });
    resp.protoMajor = 1;
    resp.protoMinor = 1;
    (resp as { body: unknown }).body = undefined;
    return resp;
  }
}

class NilResponseRoundTripper implements RoundTripper {
  async roundTrip(): Promise<Response> {
    return undefined as unknown as Response;
  }
}

const errNoRedirects = new Error('redirects refused by policy');

type Mutable = { -readonly [K in keyof DriverOutcome]: DriverOutcome[K] };

/**
 * Runs a plan with @ka/client. Resolves after the plan (and the checkpoints) are done; the
 * caller records the peers' final view, then calls `finish()`.
 */
export async function runKaDriver(sc: DriverScenario, hooks: KaDriverHooks): Promise<KaDriverRun> {
  const t = sc.transport;
  const logs: string[] = [];
  const dialer = new Dialer();
  let dials = 0;
  const transport = new Transport({
    disableKeepAlives: t.disableKeepAlives ?? false,
    disableCompression: t.disableCompression ?? false,
    maxIdleConns: t.maxIdleConns ?? 0,
    maxIdleConnsPerHost: t.maxIdleConnsPerHost ?? 0,
    maxConnsPerHost: t.maxConnsPerHost ?? 0,
    idleConnTimeout: t.idleConnTimeout ?? 0,
    responseHeaderTimeout: t.responseHeaderTimeout ?? 0,
    expectContinueTimeout: t.expectContinueTimeout ?? 0,
    maxResponseHeaderBytes: t.maxResponseHeaderBytes ?? 0,
    errorLog: (msg) => logs.push(msg.replace(/\n+$/, '')),
    dial: async (network, address, options) => {
      const i = dials++;
      const d = t.dialDelays?.[i] ?? 0;
      if (d > 0) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, d);
          options.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(timer);
              reject(options.signal.reason);
            },
            { once: true },
          );
        });
      }
      return dialer.dial(network, address, options);
    },
  });
  let rt: RoundTripper = transport;
  if (sc.client.roundTripper === 'nil-body') rt = new NilBodyRoundTripper();
  if (sc.client.roundTripper === 'nil-response') rt = new NilResponseRoundTripper();
  const client = new Client({
    transport: rt,
    timeout: sc.client.timeout ?? 0,
    ...(sc.client.redirects === 'use-last' ? { checkRedirect: () => ErrUseLastResponse } : {}),
    ...(sc.client.redirects === 'error' ? { checkRedirect: () => errNoRedirects } : {}),
  });

  const pending: (() => Promise<void>)[] = [];
  const counters = new Map<Mutable, CountedBody>();

  const run = async (r: DriverRequest): Promise<DriverOutcome> => {
    const o: Mutable = {
      name: r.name,
      status: 0,
      close: false,
      uncompressed: false,
      conns: [],
      putIdle: [],
    };
    const conns: DriverConn[] = [];
    const putIdle: string[] = [];
    const got1xx: number[] = [];
    const events: string[] = [];
    o.conns = conns;
    o.putIdle = putIdle;
    if (r.startAfter !== undefined && r.startAfter > 0) await sleep(r.startAfter);
    const ac = new AbortController();
    const { init, counted } = makeBody(r.body);
    let req: ReturnType<typeof newRequest>;
    try {
      req = newRequest(r.method ?? 'GET', r.url, init, { signal: ac.signal });
    } catch (err) {
      o.err = describeKaError(err);
      return o;
    }
    if (r.body?.kind === 'bytes-no-getbody') req.getBody = undefined;
    if (counted !== undefined) counters.set(o, counted);
    if (r.rawMethod !== undefined) req.method = r.rawMethod;
    for (const [k, v] of r.headers ?? []) req.header.add(k, v);
    if (r.host !== undefined) req.host = r.host;
    if (r.close === true) req.close = true;
    if (r.requestURI !== undefined) req.requestURI = r.requestURI;

    const note = (ev: string) => {
      if (r.traceEvents === true) events.push(ev);
    };
    const trace: ClientTrace = {
      getConn: () => note('getConn'),
      gotConn: (info) => {
        conns.push({ port: localPort(info.conn), reused: info.reused, wasIdle: info.wasIdle });
        note('gotConn');
      },
      putIdleConn: (err) => {
        putIdle.push(err === undefined || err === null ? 'ok' : describeKaError(err).text);
        note('putIdleConn');
      },
      wroteHeaders: () => note('wroteHeaders'),
      wait100Continue: () => note('wait100Continue'),
      got100Continue: () => note('got100Continue'),
      wroteRequest: () => note('wroteRequest'),
      gotFirstResponseByte: () => note('gotFirstResponseByte'),
    };
    if (r.trace1xx === true) {
      trace.got1xxResponse = (code) => {
        got1xx.push(code);
        note(`got1xx ${code}`);
      };
    }
    req = withClientTrace(req, trace);
    const sent = req;

    let cancelTimer: NodeJS.Timeout | undefined;
    if (r.cancelAfter !== undefined && r.cancelAfter > 0) {
      cancelTimer = setTimeout(() => {
        if (r.cancelHow === 'transport') transport.cancelRequest(sent);
        else ac.abort();
      }, r.cancelAfter);
    }
    let closeIdleTimer: NodeJS.Timeout | undefined;
    if (r.closeIdleAfter !== undefined && r.closeIdleAfter > 0) {
      closeIdleTimer = setTimeout(() => client.closeIdleConnections(), r.closeIdleAfter);
    }
    try {
      let resp: Response | undefined;
      try {
        resp = r.via === 'transport' ? await transport.roundTrip(req) : await client.do(req);
      } catch (err) {
        o.err = describeKaError(err);
        // Go returns the last response (body closed) with a CheckRedirect error.
        resp = (err as { response?: Response }).response;
        if (resp !== undefined) fillHead(o, resp);
        return o;
      }
      fillHead(o, resp);
      const read = r.read ?? 'all';
      const body = resp.body;
      switch (read) {
        case 'all': {
          const { bytes, err } = await readToEnd(body);
          o.body = digest(bytes);
          o.bodyErr = describe(err);
          await body.close().catch(() => {});
          break;
        }
        case 'eof-no-close': {
          const { bytes, err } = await readToEnd(body);
          o.body = digest(bytes);
          o.bodyErr = describe(err);
          pending.push(() => body.close());
          break;
        }
        case 'close':
          await body.close().catch(() => {});
          break;
        case 'none':
          pending.push(() => body.close());
          break;
        case 'partial': {
          const { bytes, err } = await readFull(body, r.readBytes ?? 0);
          o.body = digest(bytes);
          o.bodyErr = describe(err);
          await body.close().catch(() => {});
          break;
        }
        case 'close-then-read': {
          await body.close().catch(() => {});
          try {
            await body.read(new Uint8Array(16));
            o.readAfterClose = undefined;
          } catch (err) {
            o.readAfterClose = describeKaError(err);
          }
          break;
        }
      }
      if (resp.trailer !== null && (read === 'all' || read === 'eof-no-close')) {
        const lines = headerLines(resp.trailer);
        if (lines.length > 0) o.trailer = lines;
      }
      return o;
    } finally {
      if (cancelTimer !== undefined) clearTimeout(cancelTimer);
      if (closeIdleTimer !== undefined) clearTimeout(closeIdleTimer);
      if (got1xx.length > 0) o.got1xx = got1xx;
      if (events.length > 0) o.events = events;
    }
  };

  const outcomes: Mutable[] = [];
  for (const step of sc.steps) {
    if ('request' in step) outcomes.push(await run(step.request));
    else if ('parallel' in step) outcomes.push(...(await Promise.all(step.parallel.map(run))));
    else if ('wait' in step) await sleep(step.wait);
    else if ('closeIdle' in step) client.closeIdleConnections();
    else if ('checkpoint' in step) await hooks.checkpoint(step.checkpoint);
  }
  // Same settling time as the Go driver, for hooks that run after a body's EOF.
  await sleep(20);
  for (const [o, c] of counters) o.reqBodyCloses = c.closes;
  const result: DriverResult = {
    outcomes: outcomes.map((o) => JSON.parse(JSON.stringify(o)) as DriverOutcome),
    logs: logs.slice(),
  };
  return {
    result,
    finish: async () => {
      for (const close of pending) await close().catch(() => {});
      transport.closeIdleConnections();
    },
  };
}

function fillHead(o: Mutable, resp: Response): void {
  o.status = resp.statusCode;
  o.proto = resp.proto;
  const lines = headerLines(resp.header);
  if (lines.length > 0) o.headers = lines;
  o.contentLength = resp.contentLength;
  o.close = resp.close;
  o.uncompressed = resp.uncompressed;
  if (resp.trailer !== null) {
    const keys = [...resp.trailer.keys()].sort(byteOrder);
    if (keys.length > 0) o.trailerBefore = keys;
  }
}
