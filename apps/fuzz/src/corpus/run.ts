// Running the corpus against a server, and the recorded expectations.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerProcess } from '@ka/conformance';
import { exchange, mapLimit, type Verdict, verdictOf } from '../exchange.js';
import type { CorpusEntry } from './smuggling.js';

/** The file src/record.ts writes and the corpus test reads. */
export const expectedFile = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../src/corpus/smuggling.expected.json',
);

/** One recorded verdict. */
export interface RecordedVerdict extends Verdict {
  readonly id: string;
  readonly category: string;
  /** `400 closed`, for reading the file. */
  readonly summary: string;
}

/** The contents of smuggling.expected.json. */
export interface Recording {
  /** The Go that produced the verdicts (`go1.26.8`). */
  readonly goVersion: string;
  /** The server flags used. */
  readonly flags: readonly string[];
  readonly entries: readonly RecordedVerdict[];
}

/** Reads the recorded Go verdicts. */
export function loadRecording(): Recording {
  return JSON.parse(readFileSync(expectedFile, 'utf8')) as Recording;
}

/** Runs every entry on its own connection, `concurrency` at a time. */
export function runCorpus(
  server: ServerProcess,
  entries: readonly CorpusEntry[],
  concurrency = 6,
): Promise<Verdict[]> {
  return mapLimit(entries, concurrency, async (entry) =>
    verdictOf(await exchange(server.host, server.port, Buffer.from(entry.input, 'latin1'))),
  );
}
