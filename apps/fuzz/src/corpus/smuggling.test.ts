// Every request-smuggling payload of the corpus against ka's reference server: the verdict
// (status codes, connection fate, response bytes with dates masked) must equal the one
// recorded from Go in smuggling.expected.json, and the one live Go gives when the running Go
// is the recorded version.
import type { ServerProcess } from '@ka/conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameVerdict, showBytes, type Verdict, verdictSummary } from '../exchange.js';
import { goUnavailable, goVersion, startGo, startKa } from '../servers.js';
import { loadRecording, runCorpus } from './run.js';
import { corpus } from './smuggling.js';

const recording = loadRecording();
const noGo = await goUnavailable();
const liveGo = noGo === null && (await goVersion()) === recording.goVersion;

describe('smuggling corpus', () => {
  let ka: ServerProcess;
  let go: ServerProcess | undefined;
  let kaVerdicts: Verdict[] = [];
  let goVerdicts: Verdict[] | undefined;

  beforeAll(async () => {
    [ka, go] = await Promise.all([startKa(), liveGo ? startGo() : undefined]);
    [kaVerdicts, goVerdicts] = await Promise.all([
      runCorpus(ka, corpus),
      go === undefined ? undefined : runCorpus(go, corpus),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ka?.stop(), go?.stop()]);
  });

  it('has a recorded Go verdict for every entry, and no stale ones', () => {
    expect(recording.entries.map((r) => r.id)).toEqual(corpus.map((e) => e.id));
  });

  it.each(corpus.map((e, i) => [e.id, e.description, i] as const))('%s: %s', (id, _d, i) => {
    const entry = corpus[i]!;
    const want = recording.entries.find((r) => r.id === id);
    expect(want, `no recorded verdict for ${id}: run src/record.ts`).toBeDefined();
    const got = kaVerdicts[i]!;
    const explain = (other: Verdict, who: string) =>
      `${id}: ka ${verdictSummary(got)}, ${who} ${verdictSummary(other)}\ninput: ${showBytes(Buffer.from(entry.input, 'latin1'))}\nka bytes: ${showBytes(Buffer.from(got.bytes, 'latin1'))}\n${who} bytes: ${showBytes(Buffer.from(other.bytes, 'latin1'))}`;
    if (entry.knownDifference !== undefined) {
      // pinned: ka is known to differ; once it does not, remove the pin
      expect(
        sameVerdict(got, want!),
        `${id} now gets Go's verdict: remove its knownDifference (${entry.knownDifference})`,
      ).toBe(false);
      return;
    }
    expect(sameVerdict(got, want!), explain(want!, `recorded ${recording.goVersion}`)).toBe(true);
    if (goVerdicts !== undefined) {
      expect(sameVerdict(got, goVerdicts[i]!), explain(goVerdicts[i]!, 'live Go')).toBe(true);
    }
  });
});
