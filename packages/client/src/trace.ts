// Go: net/http/httptrace — hooks that observe a client request's life.
//
// Go carries a ClientTrace in the request's context. A ka request's context is only an
// AbortSignal, so the trace is attached to the Request object instead:
// `withClientTrace(req, trace)` returns a copy of `req` that carries `trace` (as Go's
// `req.WithContext(httptrace.WithClientTrace(ctx, trace))` does), and the Client passes it
// on to every request it derives (redirect hops, retries).
import type { Header, Request, WriteTrace } from '@ka/http';

/** Go's `httptrace.GotConnInfo`. */
export interface GotConnInfo {
  /** The connection's local and remote address, when the Conn exposes them. */
  conn: { localAddr?: unknown; remoteAddr?: unknown };
  /** Whether the connection served an earlier request. */
  reused: boolean;
  /** Whether it was taken from the idle pool. */
  wasIdle: boolean;
  /** How long it was idle (ms), when `wasIdle`. */
  idleTime: number;
}

/** Go's `httptrace.WroteRequestInfo`. */
export interface WroteRequestInfo {
  /** The error writing the request, if any. */
  err: unknown;
}

/** Go's `httptrace.DNSStartInfo`/`DNSDoneInfo` are not reported: name resolution is the dialer's. */
export interface ClientTrace extends WriteTrace {
  /** Before a connection is looked up or dialed; `hostPort` is the pool's target. */
  getConn?(hostPort: string): void;
  /** A connection was obtained. */
  gotConn?(info: GotConnInfo): void;
  /** After a response, with the reason the connection was not pooled (undefined = pooled). */
  putIdleConn?(err: unknown): void;
  /** The first byte of the response head arrived. */
  gotFirstResponseByte?(): void;
  /** The server answered `100 Continue`. */
  got100Continue?(): void;
  /**
   * An informational (1xx) response other than 100 arrived. Throwing (or rejecting) aborts
   * the request with that error. When this hook is set, the header size limit restarts for
   * each response.
   */
  got1xxResponse?(code: number, header: Header): void | Promise<void>;
  /** A dial begins (`network`, `addr`). */
  connectStart?(network: string, addr: string): void;
  /** A dial ended, with its error if it failed. */
  connectDone?(network: string, addr: string, err: unknown): void;
  /** The TLS handshake begins. */
  tlsHandshakeStart?(): void;
  /** The TLS handshake ended. */
  tlsHandshakeDone?(state: unknown, err: unknown): void;
  /** Every header field written: key and formatted values. */
  wroteHeaderField?(key: string, values: string[]): void;
  /** The request head was written. */
  wroteHeaders?(): void;
  /** The head was flushed and the client waits for `100 Continue`. */
  wait100Continue?(): void;
  /** The request, body included, was written (or failed). */
  wroteRequest?(info: WroteRequestInfo): void;
}

const traces = new WeakMap<Request, ClientTrace>();
// Whether any request ever got a trace (only withClientTrace adds one).
let anyTrace = false;

// Go: httptrace.WithClientTrace — hooks already present keep running after the new ones.
/**
 * Returns a copy of `req` carrying `trace`. If `req` already carries a trace, both run (the
 * new hook first), like Go's nested `WithClientTrace`.
 *
 * @example
 * ```ts
 * const req = withClientTrace(newRequest('GET', url), {
 *   gotConn: (info) => console.log('reused:', info.reused),
 * });
 * const resp = await client.do(req);
 * ```
 */
export function withClientTrace(req: Request, trace: ClientTrace): Request {
  const old = traces.get(req);
  const r2 = req.withSignal(req.signal);
  traces.set(r2, old === undefined ? trace : compose(trace, old));
  anyTrace = true;
  return r2;
}

/** Go's `httptrace.ContextClientTrace`: the trace `req` carries, if any. */
export function contextClientTrace(req: Request): ClientTrace | undefined {
  // Most processes never attach a trace: skip the WeakMap (and the identity hash it would
  // give every request).
  return anyTrace ? traces.get(req) : undefined;
}

/** Makes `to` carry the same trace as `from` (for requests derived inside the package). */
export function copyClientTrace(from: Request, to: Request): void {
  if (!anyTrace) return;
  const t = traces.get(from);
  if (t !== undefined) traces.set(to, t);
}

type Hook = (...args: never[]) => unknown;

function compose(a: ClientTrace, b: ClientTrace): ClientTrace {
  const out: Record<string, Hook> = {};
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ClientTrace>;
  for (const k of keys) {
    const fa = a[k] as Hook | undefined;
    const fb = b[k] as Hook | undefined;
    if (fa === undefined || fb === undefined) {
      out[k] = (fa ?? fb) as Hook;
      continue;
    }
    out[k] = ((...args: never[]) => {
      const r = fa(...args);
      const r2 = fb(...args);
      if (r instanceof Promise || r2 instanceof Promise) return Promise.all([r, r2]).then(() => {});
      return undefined;
    }) as Hook;
  }
  return out as ClientTrace;
}
