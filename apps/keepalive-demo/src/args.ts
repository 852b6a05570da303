// Command-line options of the keep-alive demo.
import { argOptions, intArg, UsageError, urlArg } from '@ka/app-kit';

export { UsageError };

/** What the command line asked for. */
export interface Options {
  /** Requests per mode. */
  requests: number;
  /** Requests in flight at once (one worker each). */
  concurrency: number;
  /** Drive this server instead of the built-in one (`http://host:port[/path]`). */
  target: string | undefined;
  /** Print JSON instead of the table. */
  json: boolean;
  /** Where the HTML report goes; `undefined` = none (`--no-report`). */
  report: string | undefined;
  /** Client pause between requests in the idle-timeout mode, ms. */
  pause: number;
  /** The built-in server's idleTimeout in that mode, ms (default: a fifth of `pause`). */
  idleTimeout: number;
  /** Limit for the whole run, ms. */
  timeLimit: number;
  /** Show help. */
  help: boolean;
}

export const DEFAULT_REPORT = 'reports/keepalive-demo.html';

export const USAGE = `usage: keepalive-demo [options]

Runs a ka server (@ka/http-server) and drives it with @ka/client in seven modes, to show
what HTTP keep-alive saves: TCP connections opened per request, latency, total time.

  --requests N       requests per mode (default 200)
  --concurrency N    requests in flight at once (default 4)
  --pause MS         client pause between requests in the idle-timeout mode (default 50);
                     the server's idleTimeout there is a fifth of it
  --idle-timeout MS  that server idleTimeout instead (must be shorter than --pause)
  --target URL       drive this server instead (e.g. http://127.0.0.1:8080; path /hello
                     unless the URL has one); connections are then counted by the client,
                     and the modes that need server settings are skipped
  --json             machine-readable output on stdout instead of the table
  --report PATH      HTML report with SVG charts (default ${DEFAULT_REPORT})
  --no-report        write no report
  --time-limit S     stop the whole run after S seconds (default 120)
  -h, --help         this text
`;

/** Parses `argv` (without node and the script). Throws {@link UsageError}. */
export function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    requests: 200,
    concurrency: 4,
    target: undefined,
    json: false,
    report: DEFAULT_REPORT,
    pause: 50,
    idleTimeout: 0,
    timeLimit: 120_000,
    help: false,
  };
  let idleTimeoutSet = false;
  for (const [name, value, raw] of argOptions(argv)) {
    switch (name) {
      case '--requests':
        o.requests = intArg(name, value(), 1, 1_000_000);
        break;
      case '--concurrency':
        o.concurrency = intArg(name, value(), 1, 256);
        break;
      case '--pause':
        o.pause = intArg(name, value(), 2, 60_000);
        break;
      case '--idle-timeout':
        o.idleTimeout = intArg(name, value(), 1, 60_000);
        idleTimeoutSet = true;
        break;
      case '--time-limit':
        o.timeLimit = intArg(name, value(), 1, 3600) * 1000;
        break;
      case '--target':
        o.target = urlArg(name, value());
        break;
      case '--report': {
        const v = value();
        if (v === undefined || v === '') throw new UsageError('--report needs a path');
        o.report = v;
        break;
      }
      case '--no-report':
        o.report = undefined;
        break;
      case '--json':
        o.json = true;
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        throw new UsageError(`unknown argument: ${raw}`);
    }
  }
  if (!idleTimeoutSet) o.idleTimeout = Math.max(1, Math.floor(o.pause / 5));
  if (o.idleTimeout >= o.pause) {
    throw new UsageError(
      `--idle-timeout (${o.idleTimeout} ms) must be shorter than --pause (${o.pause} ms)`,
    );
  }
  return o;
}
