#!/usr/bin/env node
// graceful-shutdown: a ka server under load gets SIGTERM. Starts dist/server.js in a child
// process, loads it with @ka/client keep-alive clients, signals it mid-load and accounts for
// every request. See README.md.
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from '@ka/app-kit';
import { DEMO_USAGE, type DemoOptions, parseDemoArgs } from './args.js';
import { runDemo } from './driver.js';
import { account, formatReport } from './report.js';
import { exitWhenIdle, runServer } from './serve.js';

const SERVER = fileURLToPath(new URL('./server.js', import.meta.url));

async function main(o: DemoOptions): Promise<number> {
  if (o.serverOnly) {
    return runServer({ addr: o.addr, deadline: o.deadline, json: o.json, help: false });
  }
  if (!o.json) {
    process.stderr.write(
      `starting the server, ${o.clients} + ${o.idle} clients; SIGTERM in ${o.duration} ms ...\n`,
    );
  }
  const data = await runDemo(o, SERVER);
  const report = account(data);
  if (data.server.stderr !== undefined) process.stderr.write(data.server.stderr);
  process.stdout.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.ok ? 0 : 1;
}

const opts = parseCommandLine(parseDemoArgs, { program: 'graceful-shutdown', usage: DEMO_USAGE });
if (opts.help) process.stdout.write(DEMO_USAGE);
else exitWhenIdle(await main(opts), 'graceful-shutdown');
