// The step language, byte specs and comparisons: pure tests, no network.

import { describe, expect, it } from 'vitest';
import { allCases } from '../cases/index.js';
import {
  checkHttpDate,
  describeBytes,
  normalizeDates,
  parseHttpDate,
  repeat,
  toBuffer,
} from './bytes.js';
import { type Case, needsOwnServer, stepConn, stepKind, validateCases } from './case.js';
import { compareHeaderLines, compareRaw, compareResponse, expandedLength } from './compare.js';
import { markdownReport, markdownToHtml } from './report.js';
import { parseResponse } from './response-parser.js';
import { compareIds, divergenceFor, filterCases, type KnownDivergences } from './runner.js';
import { splitCommand } from './server-process.js';

const DATE = 'Wed, 25 Nov 2026 22:12:25 GMT';
const NOW = Date.UTC(2026, 10, 25, 22, 12, 30);

describe('byte specs', () => {
  it('strings, repeats and arrays concatenate byte for byte', () => {
    expect(
      toBuffer(['ab\r\n', repeat('x', 3), ['', { repeat: 'yz', count: 2 }]]).toString('latin1'),
    ).toBe('ab\r\nxxxyzyz');
    expect(toBuffer('\x01\xff')).toEqual(Buffer.from([1, 255]));
  });

  it('rejects characters that are not one byte and oversized specs', () => {
    expect(() => toBuffer('é✓')).toThrow(RangeError);
    expect(() => toBuffer(repeat('a', 65 << 20))).toThrow(RangeError);
  });

  it('describeBytes escapes control bytes and collapses runs', () => {
    expect(describeBytes(toBuffer(['GET\r\n\t\\', repeat('a', 3000), '\x01']))).toBe(
      'GET\\r\\n\\t\\\\{a×3000}\\x01',
    );
  });
});

describe('dates', () => {
  it('accepts Go TimeFormat dates with the right weekday', () => {
    expect(parseHttpDate(DATE)).toBe(Date.UTC(2026, 10, 25, 22, 12, 25));
    expect(checkHttpDate(DATE, NOW)).toBeNull();
  });

  it('rejects other forms, impossible dates, wrong weekdays and far-off dates', () => {
    expect(checkHttpDate('Wed, 25 Nov 2026 22:12:25 UTC', NOW)).toMatch(/not an RFC 1123/);
    expect(checkHttpDate('Wednesday, 25-Nov-26 22:12:25 GMT', NOW)).toMatch(/not an RFC 1123/);
    expect(checkHttpDate('Thu, 31 Nov 2026 22:12:25 GMT', NOW)).toMatch(/calendar/);
    expect(checkHttpDate('Thu, 25 Nov 2026 22:12:25 GMT', NOW)).toMatch(/weekday/);
    expect(checkHttpDate('Sat, 25 Nov 2000 22:12:25 GMT', NOW)).toMatch(/a day off/);
  });

  it('normalizeDates replaces valid Date header values only', () => {
    const raw = Buffer.from(`HTTP/1.1 200 OK\r\nDate: ${DATE}\r\nX-Date: ${DATE}\r\n\r\n`);
    expect(normalizeDates(raw).toString()).toBe(
      `HTTP/1.1 200 OK\r\nDate: <date>\r\nX-Date: ${DATE}\r\n\r\n`,
    );
  });
});

describe('compare', () => {
  it('raw bytes with <date> placeholders', () => {
    const want = toBuffer('HTTP/1.1 200 OK\r\nDate: <date>\r\n\r\n');
    expect(expandedLength(want)).toBe(want.length - '<date>'.length + 29);
    expect(compareRaw(want, Buffer.from(`HTTP/1.1 200 OK\r\nDate: ${DATE}\r\n\r\n`), NOW)).toEqual(
      [],
    );
    expect(
      compareRaw(want, Buffer.from(`HTTP/1.1 201 OK\r\nDate: ${DATE}\r\n\r\n`), NOW)[0],
    ).toMatch(/offset 11/);
    expect(
      compareRaw(
        want,
        Buffer.from('HTTP/1.1 200 OK\r\nDate: Wed, 25 Nov 2026 22:12:25 UTC\r\n\r\n'),
        NOW,
      )[0],
    ).toMatch(/RFC 1123/);
  });

  it('header sets: multiset by default, order on request, <date> and <any>', () => {
    const actual = [`Date: ${DATE}`, 'Content-Length: 6', 'Content-Type: text/plain'];
    expect(
      compareHeaderLines(
        ['Content-Type: text/plain', 'Content-Length: <any>', 'Date: <date>'],
        actual,
        { now: NOW },
      ),
    ).toEqual([]);
    expect(
      compareHeaderLines(
        ['Content-Type: text/plain', 'Content-Length: 6', 'Date: <date>'],
        actual,
        { now: NOW, ordered: true },
      )[0],
    ).toMatch(/order/);
    const d = compareHeaderLines(
      ['Content-Length: 7', 'Date: <date>', 'Content-Type: text/plain'],
      actual,
      { now: NOW },
    );
    expect(d).toEqual([
      'missing header:    Content-Length: 7',
      'unexpected header: Content-Length: 6',
    ]);
    expect(compareHeaderLines(['X: 1', 'X: 1'], ['X: 1'], { now: NOW })).toEqual([
      'missing header:    X: 1',
    ]);
  });

  it('structured expectations: status, headers, has, lacks, body, raw body, trailers', () => {
    const o = parseResponse(
      Buffer.from(
        `HTTP/1.1 200 OK\r\nDate: ${DATE}\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n`,
      ),
    );
    if (o.status !== 'complete') throw new Error('parse');
    const r = o.response;
    expect(
      compareResponse(
        {
          status: 'HTTP/1.1 200 OK',
          headers: ['Date: <date>', 'Transfer-Encoding: chunked'],
          body: 'hi',
          rawBody: '2\r\nhi\r\n0\r\nX-T: 1\r\n\r\n',
          trailers: ['X-T: 1'],
        },
        r,
        NOW,
      ),
    ).toEqual([]);
    const diffs = compareResponse(
      {
        status: 'HTTP/1.1 204 No Content',
        has: ['X-A: 1'],
        lacks: ['transfer-encoding'],
        body: 'ho',
      },
      r,
      NOW,
    );
    expect(diffs.some((d) => d.startsWith('status line'))).toBe(true);
    expect(diffs).toContain('missing header:    X-A: 1');
    expect(diffs).toContain('unexpected header: Transfer-Encoding: chunked');
    expect(diffs.some((d) => d.startsWith('body differs at byte 1'))).toBe(true);
  });

  it('a bad Date header is always reported', () => {
    const o = parseResponse(
      Buffer.from('HTTP/1.1 200 OK\r\nDate: yesterday\r\nContent-Length: 0\r\n\r\n'),
    );
    if (o.status !== 'complete') throw new Error('parse');
    expect(compareResponse({ status: 'HTTP/1.1 200 OK' }, o.response, NOW)[0]).toMatch(
      /Date header/,
    );
  });
});

describe('step language', () => {
  it('every shipped case is valid', () => {
    expect(validateCases(allCases)).toEqual([]);
  });

  it('steps name their connection and kind', () => {
    expect(stepConn({ send: 'x' })).toBe('a');
    expect(stepConn({ expect: { status: 'x' }, conn: 'b' })).toBe('b');
    expect(stepConn({ connect: 'c' })).toBe('c');
    expect(stepConn({ wait: 5 })).toBeNull();
    expect(stepConn({ signal: 'SIGTERM' })).toBeNull();
    expect(stepKind({ fate: 'open' })).toBe('fate');
    expect(stepKind({ connStates: ['new'] })).toBe('connStates');
  });

  it('validation finds bad IDs, duplicates, unbounded waits, unknown connections and odd expectations', () => {
    const base = { title: 't', priority: 'core', area: 'a' } as const;
    const bad: Case[] = [
      { ...base, id: 'SRV-1', steps: [{ wait: 1 }] },
      { ...base, id: 'SRV-02', steps: [{ wait: 20_000 }] },
      { ...base, id: 'SRV-02', steps: [{ send: 'x', conn: 'b' }] },
      { ...base, id: 'SRV-03', steps: [{ expect: { raw: 'x', status: 'y' } }, { expect: {} }] },
      { ...base, id: 'SRV-04', steps: [{ connect: 'a' }] },
      { ...base, id: 'SRV-05', steps: [] },
    ];
    const problems = validateCases(bad);
    expect(problems).toEqual([
      'SRV-1: ID must look like SRV-01 or SRV-13a',
      'SRV-02: step 1 (wait): wait must be 0..10000 ms',
      'SRV-02: duplicate ID',
      'SRV-02: step 1 (send): connection b used before connect',
      'SRV-03: step 1 (expect): raw cannot be combined with structured fields',
      'SRV-03: step 2 (expect): expects nothing',
      'SRV-04: step 1 (connect): connection a already open',
      'SRV-05: no steps',
    ]);
  });

  it('cases that signal the server need their own process', () => {
    const c = allCases.find((x) => x.id === 'SRV-23')!;
    expect(needsOwnServer(c)).toBe(true);
    expect(needsOwnServer(allCases.find((x) => x.id === 'SRV-01')!)).toBe(false);
  });

  it('IDs sort in catalog order and filters select by prefix', () => {
    expect(['SRV-100', 'SRV-13a', 'SRV-9', 'NET-01', 'SRV-13'].sort(compareIds)).toEqual([
      'NET-01',
      'SRV-9',
      'SRV-13',
      'SRV-13a',
      'SRV-100',
    ]);
    expect(filterCases(allCases, ['SRV-01']).map((c) => c.id)).toEqual([
      'SRV-01',
      'SRV-01a',
      'SRV-01b',
    ]);
  });

  it('divergences match the exact ID or its base ID', () => {
    const known: KnownDivergences = { 'SRV-13': 'r13', 'SRV-66a': 'r66a' };
    expect(divergenceFor('SRV-13a', known)).toBe('r13');
    expect(divergenceFor('SRV-66a', known)).toBe('r66a');
    expect(divergenceFor('SRV-66', known)).toBeUndefined();
  });

  it('server command lines split like a shell', () => {
    expect(splitCommand(`node "apps/my server/main.js" --name 'a b' x\\ y`)).toEqual([
      'node',
      'apps/my server/main.js',
      '--name',
      'a b',
      'x y',
    ]);
    expect(() => splitCommand('node "open')).toThrow(/unterminated/);
    expect(() => splitCommand('   ')).toThrow(/empty/);
  });
});

describe('reports', () => {
  it('Markdown summarizes by area and priority and lists failures; HTML renders it', () => {
    const md = markdownReport({
      server: 'srv',
      startedAt: '2026-11-25T00:00:00.000Z',
      ms: 1234,
      results: [
        {
          id: 'SRV-01',
          title: 'a | b',
          priority: 'core',
          area: 'Area 1',
          verdict: 'PASS',
          ms: 3,
          transcriptDigest: 'd',
          transcripts: {},
        },
        {
          id: 'SRV-02',
          title: 't2',
          priority: 'important',
          area: 'Area 1',
          verdict: 'FAIL',
          failure: { step: 2, kind: 'expect', message: 'status line differs' },
          note: 'a note',
          ms: 3,
          transcriptDigest: 'e',
          transcripts: {},
        },
      ],
    });
    expect(md).toContain('| Area 1 | 2 | 1 | 1 | 0 | 0 |');
    expect(md).toContain('| SRV-01 | a \\| b | core | PASS | 3 |');
    expect(md).toContain('### SRV-02 FAIL: t2');
    expect(md).toContain('- **SRV-02**: a note');
    const html = markdownToHtml(md);
    expect(html).toContain('<td class="fail">FAIL</td>');
    expect(html).toContain('<pre>status line differs</pre>');
    expect(html).toContain('<td>a | b</td>');
  });
});
