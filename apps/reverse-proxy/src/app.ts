// The proxy as the command line runs it: a ka Server whose handler is a ReverseProxy (plus
// GET /debug/proxy-stats), a pooled @ka/client Transport wrapped to count upstream
// connection reuse through the gotConn trace hook, and graceful shutdown.
import { type RoundTripper, Transport, withClientTrace } from '@ka/client';
import type { Request, Response, URL } from '@ka/http';
import { ConnState, isServerClosed, type ResponseWriter, Server } from '@ka/http-server';
import { type Listener, listen } from '@ka/net';
import { errorText, newSingleHostReverseProxy, type ReverseProxy } from './reverse-proxy.js';

/** Counters of one proxy; all only grow. */
export interface ProxyStats {
  /** Connections clients opened to the proxy. */
  clientConnections: number;
  /** Requests clients sent (the stats endpoint excluded). */
  clientRequests: number;
  /** Requests being proxied now. */
  inFlight: number;
  /** Upstream attempts that got a connection (gotConn), retries included. */
  upstreamRequests: number;
  /** ... of which on a connection that had served an earlier request (`reused: true`). */
  upstreamReused: number;
  /** ... of which on a connection taken from the idle pool (`wasIdle: true`). */
  upstreamWasIdle: number;
  /**
   * Upstream connections opened (connectDone without an error). Can exceed the requests
   * that needed a new one: as in Go, a request that finds an idle connection before its
   * dial finishes takes it, and the dialed connection goes to the pool.
   */
  upstreamNewConnections: number;
  /** Dials that failed. */
  upstreamDialErrors: number;
  /** Requests answered by the error handler (502). */
  upstreamErrors: number;
}

/** A fresh set of zeroed counters. */
export function newStats(): ProxyStats {
  return {
    clientConnections: 0,
    clientRequests: 0,
    inFlight: 0,
    upstreamRequests: 0,
    upstreamReused: 0,
    upstreamWasIdle: 0,
    upstreamNewConnections: 0,
    upstreamDialErrors: 0,
    upstreamErrors: 0,
  };
}

/**
 * A {@link RoundTripper} that counts, through @ka/client's trace hooks, upstream requests
 * (`gotConn`, with `reused` / `wasIdle`) and the connections dialed for them (`connectDone`).
 */
export class CountingTransport implements RoundTripper {
  readonly inner: Transport;
  readonly stats: ProxyStats;

  constructor(inner: Transport, stats: ProxyStats) {
    this.inner = inner;
    this.stats = stats;
  }

  roundTrip(req: Request): Promise<Response> {
    const s = this.stats;
    return this.inner.roundTrip(
      withClientTrace(req, {
        gotConn: (info) => {
          s.upstreamRequests++;
          if (info.reused) s.upstreamReused++;
          if (info.wasIdle) s.upstreamWasIdle++;
        },
        connectDone: (_network, _addr, err) => {
          if (err === undefined) s.upstreamNewConnections++;
          else s.upstreamDialErrors++;
        },
      }),
    );
  }
}

/** One line: `stats: client→proxy … | proxy→upstream …`. */
export function formatStatsLine(s: ProxyStats): string {
  return (
    `stats: client→proxy ${plural(s.clientRequests, 'request')} on ${plural(s.clientConnections, 'connection')}` +
    ` | proxy→upstream ${plural(s.upstreamRequests, 'request')} on ${plural(s.upstreamNewConnections, 'connection')}` +
    ` (${s.upstreamReused} reused), ${s.upstreamErrors} failed, ${s.inFlight} in flight`
  );
}

/** The summary printed on exit. */
export function formatSummary(s: ProxyStats): string {
  const pct =
    s.upstreamRequests > 0 ? Math.round((100 * s.upstreamReused) / s.upstreamRequests) : 0;
  return [
    'summary',
    `  client → proxy     ${plural(s.clientRequests, 'request')} on ${plural(s.clientConnections, 'connection')}`,
    `  proxy → upstream   ${plural(s.upstreamRequests, 'request')} on ${plural(s.upstreamNewConnections, 'connection')}` +
      ` (${s.upstreamReused} reused, ${pct}%), ${s.upstreamErrors} failed (502)`,
    '',
  ].join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What {@link startProxy} needs. */
export interface ProxyConfig {
  upstream: URL;
  /** `host:port` to listen on. */
  addr: string;
  /** The proxy's flushInterval (ms). */
  flushInterval?: number;
  /** Where proxy and server errors go; default `console.error`. */
  errorLog?: (message: string) => void;
}

/** A running proxy. */
export interface RunningProxy {
  /** `host:port` it listens on. */
  readonly addr: string;
  /** `http://host:port`. */
  readonly url: string;
  readonly stats: ProxyStats;
  readonly server: Server;
  readonly transport: Transport;
  readonly proxy: ReverseProxy;
  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish (up to `timeoutMs`,
   * then close what is left), then close idle upstream connections. Resolves whether the
   * deadline was hit.
   */
  shutdown(timeoutMs: number): Promise<{ timedOut: boolean }>;
}

/** The path of the stats endpoint the proxy answers itself. */
export const STATS_PATH = '/debug/proxy-stats';

/** Starts a proxy to `config.upstream` on `config.addr`. */
export async function startProxy(config: ProxyConfig): Promise<RunningProxy> {
  const stats = newStats();
  const log = config.errorLog ?? ((m: string) => console.error(m));
  // Go's DefaultTransport keeps 2 idle connections per host: too few for a proxy, whose
  // clients arrive in parallel — every extra connection would be closed after its response.
  const transport = new Transport({
    maxIdleConnsPerHost: 64,
    idleConnTimeout: 90_000,
    expectContinueTimeout: 1_000,
    errorLog: log,
  });
  const proxy = newSingleHostReverseProxy(config.upstream, {
    transport: new CountingTransport(transport, stats),
    flushInterval: config.flushInterval ?? 0,
    errorLog: log,
    errorHandler: (w: ResponseWriter, _r: Request, err: unknown) => {
      // Go's default error handler, counted.
      stats.upstreamErrors++;
      log(`http: proxy error: ${errorText(err)}`);
      w.writeHeader(502);
    },
  });

  const server = new Server({
    handler: async (w, r) => {
      if (r.url.path === STATS_PATH && (r.method === 'GET' || r.method === 'HEAD')) {
        w.header().set('Content-Type', 'application/json');
        await w.write(`${JSON.stringify(stats)}\n`);
        return;
      }
      stats.clientRequests++;
      stats.inFlight++;
      try {
        await proxy.serveHttp(w, r);
      } finally {
        stats.inFlight--;
      }
    },
    readHeaderTimeout: 10_000,
    idleTimeout: 60_000,
    errorLog: log,
    connState: (_c, state) => {
      if (state === ConnState.StateNew) stats.clientConnections++;
    },
  });

  const ln: Listener = await listen('tcp', config.addr);
  const addr = ln.addr().toString();
  const served = server.serve(ln).catch((err: unknown) => {
    if (!isServerClosed(err)) log(`reverse-proxy: serve: ${errorText(err)}`);
  });

  return {
    addr,
    url: `http://${addr}`,
    stats,
    server,
    transport,
    proxy,
    async shutdown(timeoutMs: number) {
      let timedOut = false;
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(new Error('shutdown deadline')), timeoutMs);
      try {
        await server.shutdown({ signal: ac.signal });
      } catch {
        // Go: Shutdown returned the context's error — close what is left.
        timedOut = true;
        await server.close().catch(() => {});
      } finally {
        clearTimeout(timer);
      }
      await served;
      transport.closeIdleConnections();
      return { timedOut };
    },
  };
}
