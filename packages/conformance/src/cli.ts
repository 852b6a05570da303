#!/usr/bin/env node
// ka-conformance: run the conformance cases against a server program, or compare one with
// the Go reference. See ../README.md.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { allCases } from '../cases/index.js';
import type { Case } from './case.js';
import { knownDivergences, loadDivergences } from './divergences.js';
import { killAllGoDrivers } from './go-client-driver.js';
import { buildGoReference, GoNotFoundError } from './go-reference.js';
import {
  formatComparison,
  formatResultLine,
  formatSummary,
  markdownComparison,
  markdownReport,
  markdownToHtml,
  suiteOk,
} from './report.js';
import {
  compareSuites,
  filterCases,
  type KnownDivergences,
  runSuite,
  type SuiteResult,
} from './runner.js';
import { killAllServers, parseServerCommand, type ServerCommand } from './server-process.js';

const USAGE = `usage: ka-conformance [options]

Runs ka's wire-level conformance cases against a server that implements
REFERENCE_APP.md (started as: <command> --addr 127.0.0.1:0 [case flags]).

  --server "<command>"   server to test (default: the Go reference, built with the go on PATH)
  --compare              also run the Go reference (or --reference) and show both side by side
  --reference "<cmd>"    reference server for --compare (default: the built Go reference)
  --filter PREFIX        only cases whose ID starts with PREFIX (repeatable: --filter SRV-1 --filter SRV-40)
  --divergences FILE     accepted divergences (JSON: {"SRV-13": "reason"}) instead of the built-in list
  --strict               accept no divergences (every mismatch is FAIL)
  --json                 print results as JSON instead of lines
  --report PATH          write a report: PATH.md (Markdown) or PATH.html
  --list                 list the cases and exit
  --client               run the client half instead: every CLI scenario with Go's client and
                         with @ka/client against scripted peers (honors --filter, --strict,
                         --divergences, --json, --report, --list; --concurrency N, default 3)
  --help                 this text

Exit status: 0 when no case FAILs or ERRORs (accepted divergences are fine), 1 otherwise,
2 on usage errors or when the Go reference cannot be built.`;

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const v = args.values;
  if (v.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (v.client === true) {
    if (v.server !== undefined || v.compare === true || v.reference !== undefined) {
      process.stderr.write(
        '--client runs @ka/client against Go: --server/--compare do not apply\n',
      );
      return 2;
    }
    const { clientMain } = await import('./client-cli.js');
    return clientMain(v);
  }
  if (v.concurrency !== undefined) {
    process.stderr.write('--concurrency applies to --client only\n');
    return 2;
  }
  const cases: Case[] = filterCases(allCases, v.filter ?? []);
  if (v.list === true) {
    for (const c of cases)
      process.stdout.write(
        `${c.id.padEnd(8)} ${c.priority.padEnd(9)} ${c.title}${c.flags?.length ? `  [${c.flags.join(' ')}]` : ''}\n`,
      );
    return 0;
  }
  if (cases.length === 0) {
    process.stderr.write('no case matches the filter\n');
    return 2;
  }
  if (v.compare === true && v.server === undefined) {
    process.stderr.write(
      '--compare needs --server "<command>" (the server to compare with the reference)\n',
    );
    return 2;
  }

  let divergences: KnownDivergences = knownDivergences;
  if (v.divergences !== undefined) divergences = await loadDivergences(v.divergences);
  if (v.strict === true) divergences = {};

  const goReference = async (): Promise<{ cmd: ServerCommand; info: string }> => {
    const ref = await buildGoReference();
    if (ref.built) process.stderr.write(`built the Go reference with ${ref.goVersionLine}\n`);
    return {
      cmd: { program: ref.binary, args: [], label: `go-reference (${ref.goVersion})` },
      info: ref.goVersionLine,
    };
  };

  const quiet = v.json === true;
  const log = (s: string) => {
    if (!quiet) process.stdout.write(`${s}\n`);
  };

  let reference: { cmd: ServerCommand; info?: string } | undefined;
  let target: { cmd: ServerCommand; info?: string };
  try {
    if (v.server === undefined) {
      target = await goReference();
    } else {
      target = { cmd: parseServerCommand(v.server) };
      if (v.compare === true)
        reference =
          v.reference !== undefined
            ? { cmd: parseServerCommand(v.reference) }
            : await goReference();
    }
  } catch (err) {
    process.stderr.write(
      `${err instanceof GoNotFoundError ? '' : 'error: '}${(err as Error).message}\n`,
    );
    return 2;
  }

  let refResult: SuiteResult | undefined;
  if (reference !== undefined) {
    log(`# reference: ${reference.cmd.label}`);
    refResult = await runSuite(cases, reference.cmd, {
      ...(reference.info !== undefined ? { serverInfo: reference.info } : {}),
      onResult: (r) => log(formatResultLine(r)),
    });
    log(formatSummary(refResult));
    log('');
    log(`# other: ${target.cmd.label}`);
  }
  const result = await runSuite(cases, target.cmd, {
    // the Go reference defines the expected bytes: divergences apply to other servers only
    ...(v.server !== undefined ? { divergences } : {}),
    ...(target.info !== undefined ? { serverInfo: target.info } : {}),
    onResult: (r) => log(formatResultLine(r)),
  });
  log(formatSummary(result));

  const comparison = refResult !== undefined ? compareSuites(refResult, result) : undefined;
  if (comparison !== undefined) {
    log('');
    log(formatComparison(comparison));
  }
  if (v.json === true) {
    process.stdout.write(`${JSON.stringify(comparison ?? result, null, 2)}\n`);
  }
  if (v.report !== undefined) {
    const md = comparison !== undefined ? markdownComparison(comparison) : markdownReport(result);
    const html = extname(v.report).toLowerCase() === '.html';
    await mkdir(dirname(v.report), { recursive: true });
    await writeFile(v.report, html ? markdownToHtml(md) : md);
    process.stderr.write(`report written to ${v.report}\n`);
  }
  return suiteOk(result) ? 0 : 1;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      server: { type: 'string' },
      compare: { type: 'boolean' },
      reference: { type: 'string' },
      filter: { type: 'string', multiple: true },
      divergences: { type: 'string' },
      strict: { type: 'boolean' },
      json: { type: 'boolean' },
      report: { type: 'string' },
      list: { type: 'boolean' },
      client: { type: 'boolean' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

// `ka-conformance --list | head` closes our stdout early: that is not an error
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

// a server left running would outlive us: Ctrl-C and kill stop them first
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAllServers();
    killAllGoDrivers();
    process.exit(130);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`ka-conformance: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
