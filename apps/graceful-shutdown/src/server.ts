#!/usr/bin/env node
// graceful-shutdown's server: a ka server that shuts down gracefully on SIGTERM and says
// what happened. `node dist/server.js --addr 127.0.0.1:0` prints `listening on ADDR`.
import { parseServerArgs, SERVER_USAGE, type ServerOptions, UsageError } from './args.js';
import { exitWhenIdle, runServer } from './serve.js';

let opts: ServerOptions;
try {
  opts = parseServerArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`graceful-shutdown-server: ${err.message}\n\n${SERVER_USAGE}`);
  process.exit(2);
}
if (opts.help) process.stdout.write(SERVER_USAGE);
else exitWhenIdle(await runServer(opts), 'graceful-shutdown-server');
