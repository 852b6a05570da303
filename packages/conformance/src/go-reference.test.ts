// Runs every conformance case against the Go reference server (the oracle): each must pass.
// Also checks that the runner does fail mutated cases, that --compare lines two runs up,
// and that a misbehaving server program is reported as ERROR.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closes,
  expectRaw,
  expect as expectStep,
  get,
  HELLO,
  hello,
  lingers,
  send,
  silence,
  stays,
  text,
} from '../cases/helpers.js';
import { allCases } from '../cases/index.js';
import type { Case } from './case.js';
import { buildGoReference, type GoReference, goUnavailable } from './go-reference.js';
import { formatResultLine, markdownComparison } from './report.js';
import { compareIds, compareSuites, filterCases, runSuite, type SuiteResult } from './runner.js';
import type { ServerCommand } from './server-process.js';

const noGo = await goUnavailable();
if (noGo !== null) {
  console.warn(`SKIPPING the conformance run against Go: ${noGo}`);
}

let ref: GoReference;
let command: ServerCommand;

beforeAll(async () => {
  if (noGo !== null) return;
  ref = await buildGoReference();
  command = { program: ref.binary, args: [], label: `go-reference (${ref.goVersion})` };
});

describe.skipIf(noGo !== null)('every case passes against the Go reference', () => {
  let suite: SuiteResult;

  beforeAll(async () => {
    suite = await runSuite(allCases, command, { serverInfo: ref.goVersionLine });
  });

  afterAll(() => {
    if (suite !== undefined) {
      console.info(
        `${suite.results.length} cases against ${ref.goVersionLine} in ${(suite.ms / 1000).toFixed(1)} s`,
      );
    }
  });

  it.each(allCases.map((c) => [c.id, c.title] as const))('%s %s', (id) => {
    const r = suite.results.find((x) => x.id === id);
    expect(r, `no result for ${id}`).toBeDefined();
    expect(r!.verdict, formatResultLine(r!)).toBe('PASS');
  });
});

const mutant = (id: string, title: string, steps: Case['steps'], flags?: string[]): Case => ({
  id,
  title,
  priority: 'core',
  area: 'mutants',
  steps,
  ...(flags !== undefined ? { flags } : {}),
});

/** Cases with a deliberate mistake, and the failure the runner must report for each. */
const mutants: [Case, RegExp][] = [
  [
    mutant('SRV-01', 'wrong body', [send(get('/hello')), expectStep(text('hullo\n'))]),
    /body differs at byte 1/,
  ],
  [
    mutant('SRV-02', 'missing header', [
      send(get('/hello')),
      expectStep({ ...HELLO, headers: ['Date: <date>', 'Content-Length: 6'] }),
    ]),
    /unexpected header: Content-Type/,
  ],
  [
    mutant('SRV-03', 'header order', [
      send(get('/close')),
      expectStep({
        headers: [
          'Date: <date>',
          'Connection: close',
          'Content-Length: 4',
          'Content-Type: text/plain; charset=utf-8',
        ],
        ordered: true,
      }),
    ]),
    /order differs at line 1/,
  ],
  [
    mutant('SRV-04', 'stays after close', [
      send(get('/close')),
      expectStep({ status: 'HTTP/1.1 200 OK' }),
      stays(),
    ]),
    /expected the connection to stay open/,
  ],
  [
    mutant('SRV-05', 'closes on keep-alive', [
      send(get('/hello')),
      expectStep(HELLO),
      closes({ within: 200 }),
    ]),
    /stayed open/,
  ],
  [
    mutant('SRV-06', 'lingers after a plain close', [
      send(get('/hello', 'Connection: close')),
      expectStep(hello('Connection: close')),
      lingers(),
    ]),
    /without lingering/,
  ],
  [mutant('SRV-07', 'silence broken', [send(get('/hello')), silence(300)]), /expected no bytes/],
  [
    mutant('SRV-08', 'raw bytes', [
      send('GARBAGE\r\n\r\n'),
      expectRaw('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'),
    ]),
    /bytes differ at offset 29/,
  ],
  [
    mutant('SRV-09', 'too early', [send(get('/hello')), expectStep({ ...HELLO, notBefore: 500 })]),
    /not before 500 ms/,
  ],
  [
    mutant(
      'SRV-10',
      'conn states',
      [send(get('/hello')), expectStep(HELLO), { connStates: ['new', 'idle'], within: 300 }],
      ['--conn-state-log'],
    ),
    /ConnState transitions differ/,
  ],
  [
    mutant('SRV-11', 'no response', [
      send(`GET /hello HTTP/1.1\r\n`),
      expectStep({ ...HELLO, within: 300 }),
    ]),
    /no complete response within 300 ms/,
  ],
];

describe.skipIf(noGo !== null)('the runner fails mutated cases', () => {
  let suite: SuiteResult;

  beforeAll(async () => {
    suite = await runSuite(
      mutants.map(([c]) => c),
      command,
    );
  });

  it.each(mutants.map(([c, re]) => [c.id, c.title, re] as const))('%s %s', (id, _title, re) => {
    const r = suite.results.find((x) => x.id === id)!;
    expect(r.verdict, formatResultLine(r)).toBe('FAIL');
    expect(r.failure?.message).toMatch(re);
  });

  it('a known divergence turns FAIL into DIVERGENT', async () => {
    const s = await runSuite([mutants[0]![0]], command, {
      divergences: { 'SRV-01': 'accepted for the test' },
    });
    expect(s.results[0]!.verdict).toBe('DIVERGENT');
    expect(s.results[0]!.divergence).toBe('accepted for the test');
  });
});

describe.skipIf(noGo !== null)('compare mode', () => {
  it('two runs of the same server agree case by case, bytes identical', async () => {
    const cases = filterCases(allCases, ['SRV-11', 'SRV-12', 'SRV-87', 'SRV-41b']);
    const a = await runSuite(cases, command);
    const b = await runSuite(cases, { ...command, label: 'again' });
    const cmp = compareSuites(a, b);
    expect(cmp.rows.map((r) => r.id)).toEqual(cases.map((c) => c.id).sort(compareIds));
    for (const r of cmp.rows) {
      expect([r.id, r.reference, r.other, r.identical]).toEqual([r.id, 'PASS', 'PASS', true]);
    }
    expect(markdownComparison(cmp)).toContain(
      `identical bytes (dates aside) in ${cases.length} of ${cases.length} cases`,
    );
  });
});

describe('a server that does not follow the start-up contract is an ERROR', () => {
  const one = [allCases[0]!];

  it('program not found', async () => {
    const s = await runSuite(one, { program: '/nonexistent/ka-server', args: [] });
    expect(s.results[0]!.verdict).toBe('ERROR');
    expect(s.results[0]!.failure!.message).toMatch(/cannot start .*ENOENT/);
  });

  it('wrong first stdout line', async () => {
    const s = await runSuite(one, {
      program: process.execPath,
      args: ['-e', 'console.log("hello there")', '--'],
    });
    expect(s.results[0]!.verdict).toBe('ERROR');
    expect(s.results[0]!.failure!.message).toMatch(
      /first stdout line must be "listening on 127\.0\.0\.1:PORT", got "hello there"/,
    );
  });
});
