// Command lines of the demo (dist/main.js) and of its server (dist/server.js).

import { argOptions, hostPortArg, intArg, UsageError } from '@ka/app-kit';

export { UsageError };

/** What the server's command line asked for. */
export interface ServerOptions {
  /** Where to listen (`host:port`; port 0 picks one). */
  addr: string;
  /** Shutdown deadline after SIGTERM/SIGINT, ms; then every connection is closed. */
  deadline: number;
  /** JSON lines instead of text. */
  json: boolean;
  help: boolean;
}

/** What the demo's command line asked for. */
export interface DemoOptions {
  /** Keep-alive clients sending requests in a loop. */
  clients: number;
  /** Keep-alive clients that send one request and then leave their connection idle. */
  idle: number;
  /** Raw connections that are opened and never send anything (Go's 5 s rule). */
  silent: number;
  /** Load before the SIGTERM, ms. */
  duration: number;
  /** Sleep range of the slow requests, ms. */
  slowMin: number;
  slowMax: number;
  /** The server's shutdown deadline, ms. */
  deadline: number;
  /** Method of the loading clients' requests: GET is retried by the transport, POST is not. */
  method: 'GET' | 'POST';
  /** Limit for the whole run, ms. */
  timeLimit: number;
  json: boolean;
  /** Run only the server (like dist/server.js). */
  serverOnly: boolean;
  /** The server's address with --server-only. */
  addr: string;
  help: boolean;
}

export const SERVER_USAGE = `usage: graceful-shutdown-server [options]

A ka server (@ka/http-server). GET /work?sleep=MS answers after MS ms. On SIGTERM or SIGINT
it shuts down as Go's Server.Shutdown does and prints what happened to each connection and
request that was open; exits 0 if everything finished before the deadline, 1 if not.

  --addr HOST:PORT   where to listen (default 127.0.0.1:0: a free port)
  --deadline MS      shutdown deadline; then every connection is closed (default 10000)
  --json             JSON lines instead of text
  -h, --help         this text
`;

export const DEMO_USAGE = `usage: graceful-shutdown [options]

Starts a ka server in a child process (dist/server.js), loads it with @ka/client keep-alive
clients (some requests slow, some connections idle), sends it SIGTERM in the middle of the
load and reports what happened to every request: answered, answered with Connection: close
because it was in flight, refused after the listener closed (never sent), or LOST.
Exits 0 when nothing was lost and the server exited 0.

  --clients N        keep-alive clients sending requests in a loop (default 8)
  --idle N           clients that send one request, then keep their connection idle (default 4)
  --silent N         connections that never send a byte: shutdown waits for them up to
                     Go's 5 s rule (default 0)
  --duration MS      load before the SIGTERM (default 2000)
  --slow MIN-MAX     sleep of the slow requests, ms (default 300-800)
  --deadline MS      the server's shutdown deadline (default 10000)
  --method M         GET (default) or POST: a POST that meets a connection the server has
                     just closed is not retried (Go's rule); the caller sees the error
  --time-limit S     stop the whole run after S seconds (default 60)
  --json             one JSON document on stdout instead of the report
  --server-only      only run the server (as dist/server.js): --addr, --deadline, --json
  --addr HOST:PORT   the server's address with --server-only (default 127.0.0.1:0)
  -h, --help         this text
`;

/** Parses the server's `argv` (without node and the script). Throws {@link UsageError}. */
export function parseServerArgs(argv: readonly string[]): ServerOptions {
  const o: ServerOptions = { addr: '127.0.0.1:0', deadline: 10_000, json: false, help: false };
  for (const [name, value, raw] of argOptions(argv)) {
    switch (name) {
      case '--addr':
        o.addr = hostPortArg(name, value());
        break;
      case '--deadline':
        o.deadline = intArg(name, value(), 1, 600_000);
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
  return o;
}

/** Parses the demo's `argv` (without node and the script). Throws {@link UsageError}. */
export function parseDemoArgs(argv: readonly string[]): DemoOptions {
  const o: DemoOptions = {
    clients: 8,
    idle: 4,
    silent: 0,
    duration: 2_000,
    slowMin: 300,
    slowMax: 800,
    deadline: 10_000,
    method: 'GET',
    timeLimit: 60_000,
    json: false,
    serverOnly: false,
    addr: '127.0.0.1:0',
    help: false,
  };
  for (const [name, value, raw] of argOptions(argv)) {
    switch (name) {
      case '--clients':
        o.clients = intArg(name, value(), 0, 256);
        break;
      case '--idle':
        o.idle = intArg(name, value(), 0, 256);
        break;
      case '--silent':
        o.silent = intArg(name, value(), 0, 64);
        break;
      case '--duration':
        o.duration = intArg(name, value(), 0, 600_000);
        break;
      case '--slow': {
        const v = value();
        const m = v === undefined ? null : /^(\d+)-(\d+)$/.exec(v);
        if (m === null)
          throw new UsageError(`--slow: want MIN-MAX in ms, got ${JSON.stringify(v ?? '')}`);
        o.slowMin = Number(m[1]);
        o.slowMax = Number(m[2]);
        if (o.slowMin > o.slowMax || o.slowMax > 60_000) {
          throw new UsageError('--slow: want MIN <= MAX <= 60000');
        }
        break;
      }
      case '--deadline':
        o.deadline = intArg(name, value(), 1, 600_000);
        break;
      case '--time-limit':
        o.timeLimit = intArg(name, value(), 1, 3600) * 1000;
        break;
      case '--method': {
        const v = value();
        if (v !== 'GET' && v !== 'POST') {
          throw new UsageError(`--method: GET or POST, got ${JSON.stringify(v ?? '')}`);
        }
        o.method = v;
        break;
      }
      case '--json':
        o.json = true;
        break;
      case '--server-only':
        o.serverOnly = true;
        break;
      case '--addr':
        o.addr = hostPortArg(name, value());
        break;
      case '-h':
      case '--help':
        o.help = true;
        break;
      default:
        throw new UsageError(`unknown argument: ${raw}`);
    }
  }
  if (o.clients + o.idle + o.silent === 0 && !o.serverOnly) {
    throw new UsageError('nothing to do: --clients, --idle and --silent are all 0');
  }
  return o;
}
