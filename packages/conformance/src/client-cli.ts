// `ka-conformance --client`: the client half from the command line.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { allClientScenarios } from '../client-cases/index.js';
import { clientDivergences } from './client-divergences.js';
import {
  type ClientCaseResult,
  clientSuiteOk,
  filterScenarios,
  formatClientResult,
  formatClientSummary,
  markdownClientReport,
  runClientSuite,
} from './client-runner.js';
import { loadDivergences } from './divergences.js';
import { buildGoClientDriver } from './go-client-driver.js';
import { GoNotFoundError } from './go-reference.js';
import { markdownToHtml } from './report.js';
import type { KnownDivergences } from './runner.js';

/** The options of the CLI that apply to the client half. */
export interface ClientCliOptions {
  readonly filter?: string[] | undefined;
  readonly strict?: boolean | undefined;
  readonly json?: boolean | undefined;
  readonly report?: string | undefined;
  readonly list?: boolean | undefined;
  readonly concurrency?: string | undefined;
  readonly divergences?: string | undefined;
}

/** Runs the client suite; resolves the exit status (0 ok, 1 FAIL/ERROR, 2 usage or no Go). */
export async function clientMain(v: ClientCliOptions): Promise<number> {
  const scenarios = filterScenarios(allClientScenarios, v.filter ?? []);
  if (v.list === true) {
    for (const s of scenarios)
      process.stdout.write(`${s.id.padEnd(8)} ${s.priority.padEnd(9)} ${s.title}\n`);
    return 0;
  }
  if (scenarios.length === 0) {
    process.stderr.write('no client scenario matches the filter\n');
    return 2;
  }
  const concurrency = v.concurrency === undefined ? 3 : Number(v.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
    process.stderr.write('--concurrency must be an integer 1..16\n');
    return 2;
  }
  let driver: Awaited<ReturnType<typeof buildGoClientDriver>>;
  try {
    driver = await buildGoClientDriver();
  } catch (err) {
    process.stderr.write(
      `${err instanceof GoNotFoundError ? '' : 'error: '}${(err as Error).message}\n`,
    );
    return 2;
  }
  if (driver.built)
    process.stderr.write(`built the Go client driver with ${driver.goVersionLine}\n`);
  let divergences: KnownDivergences = clientDivergences;
  if (v.divergences !== undefined) divergences = await loadDivergences(v.divergences);
  if (v.strict === true) divergences = {};
  const quiet = v.json === true;
  // print in catalog order although scenarios finish in any order
  const done = new Map<string, ClientCaseResult>();
  let printed = 0;
  const suite = await runClientSuite(scenarios, {
    goBinary: driver.binary,
    goVersion: driver.goVersion,
    concurrency,
    divergences,
    onResult: (r) => {
      done.set(r.id, r);
      while (printed < scenarios.length && done.has(scenarios[printed]!.id)) {
        const next = done.get(scenarios[printed]!.id)!;
        if (!quiet) process.stdout.write(`${formatClientResult(next)}\n`);
        printed++;
      }
    },
  });
  if (quiet) process.stdout.write(`${JSON.stringify(suite, null, 2)}\n`);
  else process.stdout.write(`${formatClientSummary(suite)}\n`);
  if (v.report !== undefined) {
    const md = markdownClientReport(suite);
    await mkdir(dirname(v.report), { recursive: true });
    await writeFile(
      v.report,
      extname(v.report).toLowerCase() === '.html' ? markdownToHtml(md) : md,
    );
    process.stderr.write(`report written to ${v.report}\n`);
  }
  return clientSuiteOk(suite) ? 0 : 1;
}
