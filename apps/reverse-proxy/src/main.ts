#!/usr/bin/env node
import { parseCommandLine } from '@ka/app-kit';
// reverse-proxy: Go's httputil.ReverseProxy on ka. Prints `listening on HOST:PORT` first;
// on SIGTERM (or SIGINT) shuts down gracefully — in-flight requests finish — and prints how
// often upstream connections were reused. See README.md.
import { parseURL } from '@ka/http';
import { formatStatsLine, formatSummary, STATS_PATH, startProxy } from './app.js';
import { type Options, parseArgs, USAGE } from './args.js';
import { runDemo } from './demo.js';
import { errorText } from './reverse-proxy.js';

const out = (s: string) => process.stdout.write(s);

async function serve(o: Options): Promise<number> {
  const proxy = await startProxy({
    upstream: parseURL(o.upstream!),
    addr: o.addr,
    flushInterval: o.flushInterval,
  });
  // Listen for the signals before anyone can know the address (a second SIGTERM, once the
  // first has been handled, kills the process the default way).
  const stop = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  out(`listening on ${proxy.addr}\n`);
  out(`proxying to ${o.upstream}; stats at ${proxy.url}${STATS_PATH}\n`);

  const ticker =
    o.statsEvery > 0
      ? setInterval(() => out(`${formatStatsLine(proxy.stats)}\n`), o.statsEvery)
      : undefined;

  const signal = await stop;
  if (ticker !== undefined) clearInterval(ticker);
  const inFlight = proxy.stats.inFlight;
  out(
    `${signal}: shutting down, waiting up to ${o.shutdownTimeout} ms for ${inFlight} in-flight request${inFlight === 1 ? '' : 's'}\n`,
  );
  // Should shutting down hang past its own deadline, leave loudly instead.
  const backstop = setTimeout(() => {
    process.stderr.write('reverse-proxy: shutdown did not finish; exiting\n');
    process.exit(1);
  }, o.shutdownTimeout + 5_000);
  backstop.unref();
  const { timedOut } = await proxy.shutdown(o.shutdownTimeout);
  clearTimeout(backstop);
  if (timedOut) {
    out(
      `shutdown: deadline passed after ${o.shutdownTimeout} ms; closed the remaining connections\n`,
    );
  } else {
    out('shutdown: all requests finished; idle upstream connections closed\n');
  }
  out(formatSummary(proxy.stats));
  return timedOut ? 1 : 0;
}

const opts = parseCommandLine(parseArgs, { program: 'reverse-proxy', usage: USAGE });
if (opts.help) {
  out(USAGE);
} else {
  try {
    process.exitCode = opts.demo ? await runDemo(opts, out) : await serve(opts);
  } catch (err) {
    process.stderr.write(`reverse-proxy: ${errorText(err)}\n`);
    process.exitCode = 1;
  }
  // Everything was closed; if something still holds the process open, say what and leave.
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((k) => k !== 'TTYWrap' && k !== 'Timeout');
    process.stderr.write(
      `reverse-proxy: still running 2 s after the end; open: ${open.join(', ')}\n`,
    );
    process.exit(1);
  }, 2_000).unref();
}
