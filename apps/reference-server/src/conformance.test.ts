// The proof of "Go-faithful": every conformance case is run against the Go reference server
// and against this TypeScript reference server (built: dist/main.js), and the two must send
// the same bytes (dates aside) in every case. Writes reports/conformance.md at the repo root.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildGoReference,
  type Comparison,
  compareSuites,
  goUnavailable,
  markdownComparison,
  runSuite,
} from '@ka/conformance';
import { allCases } from '@ka/conformance/cases';
import { beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const mainJs = resolve(here, '../dist/main.js');
const repoRoot = resolve(here, '../../..');

const noGo = await goUnavailable();

describe.skipIf(noGo !== null)('ka reference server vs Go reference server', () => {
  let cmp: Comparison;

  beforeAll(async () => {
    if (!existsSync(mainJs)) {
      throw new Error(`${mainJs} is missing: build first (pnpm build, or turbo run build)`);
    }
    const go = await buildGoReference();
    const goSuite = await runSuite(
      allCases,
      { program: go.binary, args: [], label: `go-reference (${go.goVersion})` },
      { serverInfo: go.goVersionLine },
    );
    const kaSuite = await runSuite(allCases, {
      program: process.execPath,
      args: [mainJs],
      label: 'ka reference-server',
    });
    cmp = compareSuites(goSuite, kaSuite);
    const out = join(repoRoot, 'reports');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'conformance.md'), markdownComparison(cmp));
  }, 180_000);

  it('ran every case against both servers', () => {
    expect(cmp.rows.length).toBe(allCases.length);
  });

  it.each(allCases.map((c) => [c.id, c.title] as const))('%s %s', (id) => {
    const row = cmp.rows.find((r) => r.id === id);
    expect(row, `no result for ${id}`).toBeDefined();
    expect(row!.reference, `Go's verdict for ${id}`).toBe('PASS');
    expect(row!.other, `ka's verdict for ${id}`).toBe('PASS');
    expect(row!.identical, `ka's bytes differ from Go's for ${id}`).toBe(true);
  });
});
