// Pure comparisons of received bytes against expectations; each returns the list of
// differences (empty when the response matches).

import { checkHttpDate, DateLength, DatePlaceholder, describeBytes, toBuffer } from './bytes.js';
import type { ExpectedResponse } from './case.js';
import type { ParsedResponse } from './response-parser.js';

/** A header value that matches anything. */
export const AnyPlaceholder = '<any>';

const PLACEHOLDER = Buffer.from(DatePlaceholder, 'latin1');

/** Length on the wire of raw expected bytes once each `<date>` is a real date. */
export function expandedLength(expected: Buffer): number {
  let n = 0;
  let pos = 0;
  for (;;) {
    const i = expected.indexOf(PLACEHOLDER, pos);
    if (i < 0) return n + expected.length - pos;
    n += i - pos + DateLength;
    pos = i + PLACEHOLDER.length;
  }
}

/**
 * Compares `actual` with raw expected bytes in which `<date>` stands for a valid date.
 * `actual` should be exactly {@link expandedLength} bytes long (shorter means truncated).
 */
export function compareRaw(expected: Buffer, actual: Buffer, now = Date.now()): string[] {
  let pos = 0;
  let apos = 0;
  for (;;) {
    const i = expected.indexOf(PLACEHOLDER, pos);
    const lit = expected.subarray(pos, i < 0 ? expected.length : i);
    const got = actual.subarray(apos, apos + lit.length);
    if (!got.equals(lit)) return [rawDiff(expected, actual, apos + firstDiff(lit, got))];
    apos += lit.length;
    if (i < 0) break;
    const date = actual.toString('latin1', apos, apos + DateLength);
    const bad = date.length < DateLength ? 'truncated date' : checkHttpDate(date, now);
    if (bad !== null)
      return [`at byte ${apos}: ${bad}`, ...rawDiff(expected, actual, apos).split('\n').slice(1)];
    apos += DateLength;
    pos = i + PLACEHOLDER.length;
  }
  if (actual.length > apos) return [rawDiff(expected, actual, apos)];
  return [];
}

function firstDiff(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

function rawDiff(expected: Buffer, actual: Buffer, at: number): string {
  return [
    `bytes differ at offset ${at}`,
    `  expected: ${describeBytes(expected)}`,
    `  actual:   ${describeBytes(actual)}`,
  ].join('\n');
}

/** Whether an expected header line (with `<date>` / `<any>` values) matches an actual one. */
export function headerLineMatches(expected: string, actual: string, now = Date.now()): boolean {
  if (expected === actual) return true;
  const ei = expected.indexOf(': ');
  if (ei < 0) return false;
  const name = expected.slice(0, ei + 2);
  if (!actual.startsWith(name)) return false;
  const ev = expected.slice(ei + 2);
  const av = actual.slice(ei + 2);
  if (ev === AnyPlaceholder) return true;
  if (ev === DatePlaceholder) return checkHttpDate(av, now) === null;
  return false;
}

/**
 * Matches expected header lines against actual ones as a multiset (or in order). Returns
 * the differences: `missing: <line>`, `unexpected: <line>`, `order: ...`.
 */
export function compareHeaderLines(
  expected: readonly string[],
  actual: readonly string[],
  opts: { ordered?: boolean; exhaustive?: boolean; now?: number; what?: string } = {},
): string[] {
  const now = opts.now ?? Date.now();
  const what = opts.what ?? 'header';
  const out: string[] = [];
  const unmatched = [...actual];
  for (const e of expected) {
    const i = unmatched.findIndex((a) => headerLineMatches(e, a, now));
    if (i < 0) out.push(`missing ${what}:    ${e}`);
    else unmatched.splice(i, 1);
  }
  if (opts.exhaustive !== false) for (const a of unmatched) out.push(`unexpected ${what}: ${a}`);
  if (out.length === 0 && opts.ordered === true) {
    const badAt = expected.findIndex((e, i) => !headerLineMatches(e, actual[i] ?? '', now));
    if (badAt >= 0) {
      out.push(`${what} order differs at line ${badAt + 1}`);
      out.push(`  expected: ${expected.join(' | ')}`);
      out.push(`  actual:   ${actual.join(' | ')}`);
    }
  }
  return out;
}

/** Compares a parsed response with the structured fields of an expectation. */
export function compareResponse(
  expected: ExpectedResponse,
  actual: ParsedResponse,
  now = Date.now(),
): string[] {
  const out: string[] = [];
  if (expected.status !== undefined && expected.status !== actual.statusLine) {
    out.push(
      `status line: expected ${JSON.stringify(expected.status)}, got ${JSON.stringify(actual.statusLine)}`,
    );
  }
  for (const l of actual.headerLines) {
    if (/^date:/i.test(l)) {
      const bad = checkHttpDate(l.slice(l.indexOf(':') + 1).trim(), now);
      if (bad !== null) out.push(`Date header: ${bad}`);
    }
  }
  if (expected.headers !== undefined) {
    out.push(
      ...compareHeaderLines(expected.headers, actual.headerLines, {
        ordered: expected.ordered === true,
        now,
      }),
    );
  }
  if (expected.has !== undefined) {
    out.push(...compareHeaderLines(expected.has, actual.headerLines, { exhaustive: false, now }));
  }
  for (const name of expected.lacks ?? []) {
    const lower = name.toLowerCase();
    for (const l of actual.headerLines) {
      if (l.slice(0, l.indexOf(':')).toLowerCase() === lower) out.push(`unexpected header: ${l}`);
    }
  }
  if (expected.body !== undefined) {
    const want = toBuffer(expected.body);
    if (!want.equals(actual.body)) {
      out.push(
        `body differs at byte ${firstDiff(want, actual.body)} (expected ${want.length} bytes, got ${actual.body.length})`,
        `  expected: ${describeBytes(want)}`,
        `  actual:   ${describeBytes(actual.body)}`,
      );
    }
  }
  if (expected.rawBody !== undefined) {
    const want = toBuffer(expected.rawBody);
    if (!want.equals(actual.rawBody)) {
      out.push(
        `body bytes on the wire differ at byte ${firstDiff(want, actual.rawBody)} (framing: ${actual.framing})`,
        `  expected: ${describeBytes(want)}`,
        `  actual:   ${describeBytes(actual.rawBody)}`,
      );
    }
  }
  if (expected.trailers !== undefined) {
    out.push(
      ...compareHeaderLines(expected.trailers, actual.trailerLines, { now, what: 'trailer' }),
    );
  }
  return out;
}
