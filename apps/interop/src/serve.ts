#!/usr/bin/env node
// A server of the interop suites in its own process, so that a race measures the server and
// not the event loop it would share with the load driver:
//
//   node apps/interop/dist/serve.js ka|node [--idle-timeout MS]
//
// Prints `listening on 127.0.0.1:PORT`, then `connstate ADDR new` on stderr for every
// accepted connection (the Go reference's --conn-state-log format). Exits on SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { startKaServer, startNodeServer } from './peers.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'idle-timeout': { type: 'string', default: '0' } },
});
const idle = Number(values['idle-timeout']);
const onConn = (remote: string) => process.stderr.write(`connstate ${remote} new\n`);
const peer =
  positionals[0] === 'node'
    ? await startNodeServer({ keepAliveTimeout: idle, keepAliveTimeoutBuffer: 0, onConn })
    : await startKaServer({ idleTimeout: idle, onConn });
process.stdout.write(`listening on ${peer.addr}\n`);
const stop = () => {
  peer.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
