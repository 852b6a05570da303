// Memory bounds under floods, in-process (src/memory.ts): what the server reads is the most
// it can hold. Seeded; the CI form is small.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  type CountingServer,
  chunkOverheadProperty,
  headFloodProperty,
  MaxHeaderBytes,
  startCountingServer,
} from './memory.js';
import { ciRuns, ciSeed } from './settings.js';

describe('memory stays bounded under floods', () => {
  let s: CountingServer;
  beforeAll(async () => {
    s = await startCountingServer(MaxHeaderBytes);
  });
  afterAll(async () => {
    await s?.close();
  });

  it(`a request head over maxHeaderBytes is cut off at maxHeaderBytes + 4096 (+ one buffer) (seed ${ciSeed})`, async () => {
    await fc.assert(headFloodProperty(s), { seed: ciSeed, numRuns: ciRuns(24) });
  }, 60_000);

  it(`a chunked body of overhead fails within Go's non-data allowance (seed ${ciSeed})`, async () => {
    await fc.assert(chunkOverheadProperty(s), { seed: ciSeed, numRuns: ciRuns(12) });
  }, 60_000);
});
