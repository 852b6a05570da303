// The wire-level fuzz, CI form: a seeded sample of hostile requests sent to ka's and Go's
// reference servers must get the same verdict (status codes, connection fate, response
// bytes), and every connection must be closed by ka within its timeouts when the client
// goes silent. Failures print the seed, the input bytes and a replay command.
import type { ServerProcess } from '@ka/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { showBytes } from './exchange.js';
import { goUnavailable, startGo, startKa } from './servers.js';
import { ciRuns, ciSeed } from './settings.js';
import { describeMismatch, differential, sampleInputs, timeouts } from './wire.js';

const noGo = await goUnavailable();

describe('wire fuzz: ka vs Go reference server', () => {
  let ka: ServerProcess;
  let go: ServerProcess | undefined;

  beforeAll(async () => {
    [ka, go] = await Promise.all([startKa(), noGo === null ? startGo() : undefined]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ka?.stop(), go?.stop()]);
  });

  it.skipIf(noGo !== null)(
    `a seeded sample gets Go's verdict (seed ${ciSeed})`,
    async () => {
      const inputs = sampleInputs(ciSeed, ciRuns(400));
      const res = await differential(ka, go!, inputs);
      expect(res.hung, 'exchanges still open 5 s after the probe').toBe(0);
      expect(
        res.mismatches.length,
        res.mismatches.map((m) => describeMismatch(m, ciSeed)).join('\n\n'),
      ).toBe(0);
    },
    60_000,
  );

  it(`connections end within the server's timeouts when the client goes silent (seed ${ciSeed + 1})`, async () => {
    const inputs = sampleInputs(ciSeed + 1, ciRuns(96));
    const res = await timeouts(ka, inputs);
    expect(
      res.overstays.length,
      res.overstays.map((o) => `input #${o.index}: ${showBytes(o.input)}`).join('\n'),
    ).toBe(0);
  }, 60_000);
});
