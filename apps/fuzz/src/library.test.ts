// The library-level properties (src/library.ts) with a fixed seed and a bounded number of
// runs: the CI form. `node dist/main.js --library --runs N --seed S` runs them longer.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { libraryProperties } from './library.js';
import { ciRuns, ciSeed } from './settings.js';

describe('@ka/http parsers on hostile input', () => {
  it.each(libraryProperties.map((p) => [p.name, p] as const))(
    '%s',
    async (_name, p) => {
      await fc.assert(p.property, { seed: ciSeed, numRuns: ciRuns(1000), endOnFailure: false });
    },
    60_000,
  );
});
