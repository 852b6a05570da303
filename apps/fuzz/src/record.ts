#!/usr/bin/env node
// Records Go's verdict for every entry of the smuggling corpus into
// src/corpus/smuggling.expected.json: `pnpm exec node apps/fuzz/dist/record.js` (after a build).
// Each entry runs three times; an entry whose verdict differs between runs is reported and the
// script exits 1 without writing (a flaky expectation is worse than none).
import { writeFileSync } from 'node:fs';
import { expectedFile, type Recording, runCorpus } from './corpus/run.js';
import { corpus } from './corpus/smuggling.js';
import { sameVerdict, type Verdict, verdictSummary } from './exchange.js';
import { FuzzServerFlags, goVersion, startGo } from './servers.js';

const go = await startGo();
try {
  const runs: Verdict[][] = [];
  for (let i = 0; i < 3; i++) runs.push(await runCorpus(go, corpus));
  const unstable = corpus.filter((_, i) => !runs.every((r) => sameVerdict(r[i]!, runs[0]![i]!)));
  if (unstable.length > 0) {
    for (const e of unstable) {
      const i = corpus.indexOf(e);
      console.error(`${e.id}: ${runs.map((r) => verdictSummary(r[i]!)).join(' / ')}`);
    }
    console.error(
      `${unstable.length} entries gave different verdicts across runs: nothing written`,
    );
    process.exitCode = 1;
  } else {
    const rec: Recording = {
      goVersion: await goVersion(),
      flags: FuzzServerFlags,
      entries: corpus.map((e, i) => ({
        id: e.id,
        category: e.category,
        summary: verdictSummary(runs[0]![i]!),
        ...runs[0]![i]!,
      })),
    };
    writeFileSync(expectedFile, `${JSON.stringify(rec, null, 1)}\n`);
    console.log(`${corpus.length} verdicts of ${rec.goVersion} written to ${expectedFile}`);
  }
} finally {
  await go.stop();
}
