// Wire-level runs: seeded samples of hostile input sent over TCP to ka's and Go's reference
// servers. The differential run compares verdicts (src/exchange.ts); the timeout run sends
// no probe and no FIN and checks that every connection is closed by the server within its
// timeouts.
import type { ServerProcess } from '@ka/conformance';
import fc from 'fast-check';
import { wireInput } from './arbitraries.js';
import {
  type Exchange,
  exchange,
  mapLimit,
  sameVerdict,
  showBytes,
  type Verdict,
  verdictOf,
  verdictSummary,
} from './exchange.js';
import { FuzzServerMaxHoldMs } from './servers.js';

/** The inputs of a seeded run: the same seed and count give the same bytes. */
export function sampleInputs(seed: number, runs: number): Uint8Array[] {
  return fc.sample(wireInput, { seed, numRuns: runs });
}

/**
 * Why a difference on `input` is a known one, or null. ka decodes the request target as
 * UTF-8 and keeps URL fields as Unicode text (packages/http/README.md, "Known differences from
 * Go"), so a target whose bytes, raw or percent-decoded, are not UTF-8 reaches handlers,
 * redirects and `URL.toString()` with U+FFFD where Go keeps the bytes. (The README says
 * `escapedPath()` keeps Go's form through `rawPath`; that holds only while `rawPath` is a
 * valid encoding: `/%d2^v` has a `^`, Go re-escapes its byte path to `/%D2%5Ev`, ka gives
 * `/%EF%BF%BD%5Ev`.)
 */
export function knownDivergence(input: Uint8Array): string | null {
  const b = Buffer.from(input);
  let end = b.indexOf(0x0a);
  if (end < 0) end = b.length;
  const line = b.subarray(0, end);
  if (!isUtf8(line)) return 'request line is not UTF-8';
  const sp1 = line.indexOf(0x20);
  const sp2 = sp1 < 0 ? -1 : line.indexOf(0x20, sp1 + 1);
  const target = line.subarray(sp1 + 1, sp2 < 0 ? line.length : sp2);
  if (!isUtf8(percentDecode(target))) return 'request target decodes to bytes that are not UTF-8';
  return null;
}

/**
 * {@link knownDivergence}, for whole exchanges with the reference servers. (ka's `/headers`
 * route used to echo value bytes 0x80–0xff as UTF-8; it now writes the bytes, as Go does.)
 */
export function knownWireDivergence(input: Uint8Array): string | null {
  return knownDivergence(input);
}

function isUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

function percentDecode(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  const hex = (c: number) =>
    c >= 0x30 && c <= 0x39
      ? c - 0x30
      : (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66
        ? (c | 0x20) - 0x57
        : -1;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x25 && i + 2 < b.length && hex(b[i + 1]!) >= 0 && hex(b[i + 2]!) >= 0) {
      out.push(hex(b[i + 1]!) * 16 + hex(b[i + 2]!));
      i += 2;
    } else {
      out.push(b[i]!);
    }
  }
  return Uint8Array.from(out);
}

/** A difference between the two servers on one input. */
export interface Mismatch {
  readonly index: number;
  readonly input: Uint8Array;
  readonly ka: Verdict;
  readonly go: Verdict;
}

/** What a differential run saw. */
export interface DifferentialResult {
  readonly runs: number;
  readonly mismatches: readonly Mismatch[];
  /** Differences explained by {@link knownDivergence} (not failures). */
  readonly known: readonly Mismatch[];
  /** Verdict summaries of ka's side (`400 closed`) and how often each came up. */
  readonly histogram: ReadonlyMap<string, number>;
  /** Exchanges that ended in `hung` on either side. */
  readonly hung: number;
  readonly elapsedMs: number;
}

/** Sends every input to both servers (one connection per input and server) and compares. */
export async function differential(
  ka: ServerProcess,
  go: ServerProcess,
  inputs: readonly Uint8Array[],
  concurrency = 8,
  onProgress?: (done: number) => void,
): Promise<DifferentialResult> {
  const start = Date.now();
  const mismatches: Mismatch[] = [];
  const known: Mismatch[] = [];
  const histogram = new Map<string, number>();
  let hung = 0;
  let done = 0;
  await mapLimit(inputs, concurrency, async (input, index) => {
    const [k, g] = await Promise.all([
      exchange(ka.host, ka.port, input),
      exchange(go.host, go.port, input),
    ]);
    const kv = verdictOf(k);
    const gv = verdictOf(g);
    if (kv.fate === 'hung' || gv.fate === 'hung') hung++;
    const key = verdictSummary(kv);
    histogram.set(key, (histogram.get(key) ?? 0) + 1);
    if (!sameVerdict(kv, gv)) {
      (knownWireDivergence(input) === null ? mismatches : known).push({
        index,
        input,
        ka: kv,
        go: gv,
      });
    }
    if (++done % 100 === 0) onProgress?.(done);
  });
  mismatches.sort((a, b) => a.index - b.index);
  known.sort((a, b) => a.index - b.index);
  return { runs: inputs.length, mismatches, known, histogram, hung, elapsedMs: Date.now() - start };
}

/** A readable report of one mismatch, with the bytes to replay it. */
export function describeMismatch(m: Mismatch, seed: number): string {
  return [
    `input #${m.index} of seed ${seed}: ka ${verdictSummary(m.ka)}, Go ${verdictSummary(m.go)}`,
    `  input: ${showBytes(m.input)}`,
    `  replay: node apps/fuzz/dist/main.js --replay ${Buffer.from(m.input).toString('hex')}`,
    `  ka: ${showBytes(Buffer.from(m.ka.bytes, 'latin1'))}`,
    `  go: ${showBytes(Buffer.from(m.go.bytes, 'latin1'))}`,
  ].join('\n');
}

/** One connection the server kept open past its timeouts. */
export interface Overstay {
  readonly index: number;
  readonly input: Uint8Array;
  readonly exchange: Exchange;
}

/** What a timeout run saw. */
export interface TimeoutResult {
  readonly runs: number;
  readonly overstays: readonly Overstay[];
  /** Longest time a server took to close a connection, ms. */
  readonly maxHoldMs: number;
  readonly elapsedMs: number;
}

/**
 * Sends each input and nothing else (no probe, no FIN): the server must close every
 * connection within `boundMs` (its longest timeout plus slack).
 */
export async function timeouts(
  server: ServerProcess,
  inputs: readonly Uint8Array[],
  concurrency = 24,
  boundMs = FuzzServerMaxHoldMs + 2_500,
): Promise<TimeoutResult> {
  const start = Date.now();
  const overstays: Overstay[] = [];
  let maxHoldMs = 0;
  await mapLimit(inputs, concurrency, async (input, index) => {
    const ex = await exchange(server.host, server.port, input, { probe: false, endMs: boundMs });
    if (ex.ending === 'hung') overstays.push({ index, input, exchange: ex });
    else maxHoldMs = Math.max(maxHoldMs, ex.elapsedMs);
  });
  overstays.sort((a, b) => a.index - b.index);
  return { runs: inputs.length, overstays, maxHoldMs, elapsedMs: Date.now() - start };
}
