#!/usr/bin/env node
// graceful-shutdown's server: a ka server that shuts down gracefully on SIGTERM and says
// what happened. `node dist/server.js --addr 127.0.0.1:0` prints `listening on ADDR`.
import { parseCommandLine } from '@ka/app-kit';
import { parseServerArgs, SERVER_USAGE } from './args.js';
import { exitWhenIdle, runServer } from './serve.js';

const opts = parseCommandLine(parseServerArgs, {
  program: 'graceful-shutdown-server',
  usage: SERVER_USAGE,
});
if (opts.help) process.stdout.write(SERVER_USAGE);
else exitWhenIdle(await runServer(opts), 'graceful-shutdown-server');
