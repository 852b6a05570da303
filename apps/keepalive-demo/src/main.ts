#!/usr/bin/env node
// keepalive-demo: the repository's `pnpm demo`. Starts a ka server, drives it with
// @ka/client in seven modes and shows what keep-alive saves (connections, latency, time);
// writes an HTML report with SVG charts. See README.md.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseCommandLine } from '@ka/app-kit';
import { type Options, parseArgs, USAGE } from './args.js';
import { MODES, type ModeSpec } from './modes.js';
import { formatJson, formatTable } from './output.js';
import { renderReport } from './report.js';
import { runAll } from './run.js';

/** A progress line on stderr, shown once the run has taken more than a second. */
class ProgressLine {
  readonly #t0 = performance.now();
  readonly #tty = process.stderr.isTTY === true;
  #last = 0;
  #shown = false;

  update = (mode: ModeSpec, done: number, total: number): void => {
    const now = performance.now();
    if (now - this.#t0 < 1000) return;
    // A terminal gets a line rewritten in place (and each mode's last count); a pipe or a
    // log file gets at most one line a second.
    if (this.#tty ? now - this.#last < 100 && done !== total : now - this.#last < 1000) return;
    this.#last = now;
    const text = `[mode ${mode.n}/${MODES.length}] ${mode.label}: ${done}/${total} requests, ${((now - this.#t0) / 1000).toFixed(1)} s`;
    process.stderr.write(this.#tty ? `\r\x1b[K${text}` : `${text}\n`);
    this.#shown = true;
  };

  clear(): void {
    if (this.#shown && this.#tty) process.stderr.write('\r\x1b[K');
  }
}

async function main(o: Options): Promise<number> {
  // Bounded: every loop runs o.requests times, and the whole run stops at the time limit.
  const ac = new AbortController();
  const limit = setTimeout(() => ac.abort(new Error('time limit')), o.timeLimit);
  // Should stopping itself hang, give up loudly instead of hanging.
  const backstop = setTimeout(() => {
    process.stderr.write('keepalive-demo: the run did not stop within 10 s of the time limit\n');
    process.exit(1);
  }, o.timeLimit + 10_000);
  backstop.unref();
  const progress = new ProgressLine();
  let result: Awaited<ReturnType<typeof runAll>>;
  try {
    result = await runAll(o, ac.signal, progress.update);
  } finally {
    clearTimeout(limit);
    clearTimeout(backstop);
    progress.clear();
  }

  let reportPath: string | undefined;
  if (o.report !== undefined) {
    reportPath = resolve(o.report);
    await mkdir(dirname(reportPath), { recursive: true });
    await writeFile(reportPath, renderReport(result));
  }
  process.stdout.write(o.json ? formatJson(result, reportPath) : formatTable(result, reportPath));
  const failed = result.modes.some((m) => m.errors > 0);
  if (result.timedOut)
    process.stderr.write(
      `keepalive-demo: stopped after the time limit (${o.timeLimit / 1000} s)\n`,
    );
  return result.timedOut || failed ? 1 : 0;
}

const opts = parseCommandLine(parseArgs, { program: 'keepalive-demo', usage: USAGE });
if (opts.help) {
  process.stdout.write(USAGE);
} else {
  process.exitCode = await main(opts);
  // Everything was closed; if something still holds the process open, say what and leave.
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((k) => k !== 'TTYWrap' && k !== 'Timeout');
    process.stderr.write(
      `keepalive-demo: still running 2 s after the end; open: ${open.join(', ')}\n`,
    );
    process.exit(1);
  }, 2_000).unref();
}
