#!/usr/bin/env node
// ka-reference-server --addr 127.0.0.1:0 [--read-timeout D] [--read-header-timeout D]
//   [--write-timeout D] [--idle-timeout D] [--max-header-bytes N] [--disable-keep-alives]
//   [--conn-state-log]
// Prints `listening on 127.0.0.1:PORT` first; on SIGTERM shuts down with a 5 s deadline; on
// SIGUSR2 closes (Close, not Shutdown). Either way it then waits up to 2 s for connections
// upgraded by /x/upgrade (which neither touches) to end, and exits 0.
import { parseArgs } from 'node:util';
import { connStateString, isServerClosed, Server } from '@ka/http-server';
import { listen } from '@ka/net';
import { newMux } from './app.js';
import { parseGoDuration } from './duration.js';
import { addExtras, UpgradedConns } from './extras.js';

const { values } = parseArgs({
  options: {
    addr: { type: 'string', default: '127.0.0.1:0' },
    'read-timeout': { type: 'string', default: '0' },
    'read-header-timeout': { type: 'string', default: '0' },
    'write-timeout': { type: 'string', default: '0' },
    'idle-timeout': { type: 'string', default: '0' },
    'max-header-bytes': { type: 'string', default: '0' },
    'disable-keep-alives': { type: 'boolean', default: false },
    'conn-state-log': { type: 'boolean', default: false },
  },
});

const upgraded = new UpgradedConns();
const mux = newMux();
addExtras(mux, upgraded);

const srv = new Server({
  handler: mux,
  readTimeout: parseGoDuration(values['read-timeout']),
  readHeaderTimeout: parseGoDuration(values['read-header-timeout']),
  writeTimeout: parseGoDuration(values['write-timeout']),
  idleTimeout: parseGoDuration(values['idle-timeout']),
  maxHeaderBytes: Number.parseInt(values['max-header-bytes'], 10) || 0,
  errorLog: (m) => process.stderr.write(`${m}\n`),
  ...(values['conn-state-log']
    ? {
        connState: (c, s) =>
          process.stderr.write(`connstate ${c.remoteAddr().toString()} ${connStateString(s)}\n`),
      }
    : {}),
});
if (values['disable-keep-alives']) srv.setKeepAlivesEnabled(false);
// Shutdown leaves hijacked connections alone; its hooks are how an app reaches them.
srv.registerOnShutdown(() => upgraded.notifyShutdown());

const ln = await listen('tcp', values.addr);
process.stdout.write(`listening on ${ln.addr().toString()}\n`);

let stopping = false;
const stop = async (how: 'shutdown' | 'close') => {
  if (stopping) return;
  stopping = true;
  try {
    if (how === 'close') await srv.close();
    else await srv.shutdown({ signal: AbortSignal.timeout(5_000) });
  } catch (err) {
    process.stderr.write(`${how}: ${String(err)}\n`);
  }
  await upgraded.wait(2_000);
  process.exit(0);
};
process.once('SIGTERM', () => stop('shutdown'));
process.once('SIGINT', () => stop('shutdown'));
process.once('SIGUSR2', () => stop('close'));

try {
  await srv.serve(ln);
} catch (err) {
  if (!isServerClosed(err)) {
    process.stderr.write(`serve: ${String(err)}\n`);
    process.exit(1);
  }
}
