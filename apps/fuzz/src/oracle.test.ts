// @ka/http's parsers against Go's on the same seeded inputs (src/oracle.ts): parsed fields,
// bodies, trailers and error texts must be Go's. Skipped without a `go`.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parserInputs } from './arbitraries.js';
import { showBytes } from './exchange.js';
import { compareWithOracle, GoOracle, kaOutcome, type OracleKind } from './oracle.js';
import { goUnavailable } from './servers.js';
import { ciRuns, ciSeed } from './settings.js';
import { knownDivergence } from './wire.js';

const noGo = await goUnavailable();

/** Inputs on which ka once differed from Go (kind, bytes, Go's outcome in short). */
const regressions: readonly [OracleKind, string, string][] = [
  // textproto: Go quotes the line with the key canonicalized in place (fixed in @ka/http)
  ['request', 'GET / HTTP/1.1\r\nx-uk: \f2\r\n\r\n', 'malformed MIME header line: "X-Uk: \\f2"'],
  [
    'request',
    'GET / HTTP/1.1\r\ncontent-LENGTH: 5\x00\r\n\r\n',
    'malformed MIME header line: "Content-Length: 5\\x00"',
  ],
  [
    'response',
    'HTTP/1.1 200 OK\r\nx-bqZ%-fy: \t\r\r\n\r\n',
    'malformed MIME header line: "X-Bqz%-Fy: \\t\\r"',
  ],
];

describe.skipIf(noGo !== null)("@ka/http parsers vs Go's on hostile input", () => {
  let oracle: GoOracle;
  beforeAll(async () => {
    oracle = await GoOracle.start();
  }, 180_000);
  afterAll(async () => {
    await oracle?.close();
  });

  it.each(regressions)("regression: %s %j gets Go's outcome (%s)", async (kind, input, want) => {
    const bytes = Buffer.from(input, 'latin1');
    const [ka, go] = await Promise.all([kaOutcome(kind, bytes), oracle.run(kind, bytes)]);
    expect(JSON.parse(go).err).toBe(want);
    expect(ka).toBe(go);
  });

  it.each(['request', 'response', 'chunked'] as const)(
    `%s: same outcome as Go (seed ${ciSeed})`,
    async (kind: OracleKind) => {
      const inputs = fc.sample(parserInputs[kind], { seed: ciSeed, numRuns: ciRuns(1500) });
      const known = kind === 'request' ? knownDivergence : () => null;
      const res = await compareWithOracle(oracle, kind, inputs, known);
      expect(
        res.mismatches.length,
        res.mismatches
          .slice(0, 5)
          .map(
            (m) =>
              `#${m.index} (buffer ${m.bufSize}): ${showBytes(m.input)}\n  ka: ${m.ka}\n  go: ${m.go}`,
          )
          .join('\n'),
      ).toBe(0);
    },
    60_000,
  );
});
