// Command-line options of the reverse proxy.
import { argOptions, hostPortArg, intArg, UsageError, urlArg } from '@ka/app-kit';

export { UsageError };

/** What the command line asked for. */
export interface Options {
  /** Where requests go (`http://host:port[/base]`); required unless `demo`. */
  upstream: string | undefined;
  /** Where the proxy listens (`host:port`). */
  addr: string;
  /** Run the self-contained demo and exit. */
  demo: boolean;
  /** Demo: requests per phase. */
  requests: number;
  /** Demo: clients at once in the concurrent phase. */
  concurrency: number;
  /** The proxy's flushInterval, ms (negative: after every write). */
  flushInterval: number;
  /** How long SIGTERM waits for in-flight requests, ms. */
  shutdownTimeout: number;
  /** Print the stats line every this many ms (0 = never). */
  statsEvery: number;
  /** Show help. */
  help: boolean;
}

export const USAGE = `usage: reverse-proxy --upstream URL [options]
       reverse-proxy --demo [--requests N] [--concurrency N]

A reverse proxy with Go's httputil.ReverseProxy behaviour on @ka/http-server + @ka/client:
hop-by-hop headers removed, X-Forwarded-For appended, bodies streamed both ways, 502 when the
upstream fails, streamed responses flushed. Counts upstream connection reuse and prints it on
SIGTERM (graceful shutdown) and at GET /debug/proxy-stats.

  --upstream URL          where requests go, e.g. http://127.0.0.1:9000 (a path is a base
                          path: /api + /x → /api/x)
  --addr HOST:PORT        where to listen (default 127.0.0.1:0: a free loopback port)
  --flush-interval MS     flush streamed responses every MS ms (default 0: only at the end;
                          -1: after every write). Unknown lengths and text/event-stream are
                          always flushed at once
  --shutdown-timeout MS   on SIGTERM, wait this long for in-flight requests (default 10000)
  --stats-every MS        print the stats line every MS ms (default 0: never)
  --demo                  start an upstream and a proxy on loopback, send requests through
                          them, print what was reused, and exit
  --requests N            demo: requests per phase (default 20)
  --concurrency N         demo: clients at once in the concurrent phase (default 4)
  -h, --help              this text
`;

/** Parses `argv` (without node and the script). Throws {@link UsageError}. */
export function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    upstream: undefined,
    addr: '127.0.0.1:0',
    demo: false,
    requests: 20,
    concurrency: 4,
    flushInterval: 0,
    shutdownTimeout: 10_000,
    statsEvery: 0,
    help: false,
  };
  for (const [name, value, raw] of argOptions(argv)) {
    switch (name) {
      case '--upstream':
        o.upstream = urlArg(name, value(), ['http:', 'https:']);
        break;
      case '--addr':
        o.addr = hostPortArg(name, value());
        break;
      case '--flush-interval':
        o.flushInterval = intArg(name, value(), -1, 3_600_000);
        break;
      case '--shutdown-timeout':
        o.shutdownTimeout = intArg(name, value(), 0, 3_600_000);
        break;
      case '--stats-every':
        o.statsEvery = intArg(name, value(), 0, 3_600_000);
        break;
      case '--requests':
        o.requests = intArg(name, value(), 1, 100_000);
        break;
      case '--concurrency':
        o.concurrency = intArg(name, value(), 1, 64);
        break;
      case '--demo':
        o.demo = true;
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        throw new UsageError(`unknown argument: ${raw}`);
    }
  }
  if (!o.help && !o.demo && o.upstream === undefined) {
    throw new UsageError('--upstream is required (or --demo)');
  }
  if (o.demo && o.upstream !== undefined) {
    throw new UsageError('--demo starts its own upstream: leave out --upstream');
  }
  return o;
}
