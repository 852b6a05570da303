// The harness itself: verdicts read from transcripts, byte mutations, known-divergence rules.
import { describe, expect, it } from 'vitest';
import { mutate } from './arbitraries.js';
import { Probe, sameVerdict, showBytes, verdictOf } from './exchange.js';
import { canonical, unicodeVersionDifference } from './oracle.js';
import { knownDivergence, knownWireDivergence } from './wire.js';

const b = (s: string) => Buffer.from(s, 'latin1');
const ok = (body: string) =>
  `HTTP/1.1 200 OK\r\nDate: Thu, 26 Nov 2026 01:00:00 GMT\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
const probeAnswer = ok('GET /method?ka-fuzz-probe HTTP/1.1\n');

describe('verdictOf', () => {
  it('reads statuses in order and kept-alive from an answered probe', () => {
    const v = verdictOf({
      transcript: b(ok('hello\n') + probeAnswer),
      ending: 'fin',
      elapsedMs: 1,
      probeSent: true,
    });
    expect(v.statuses).toEqual([200, 200]);
    expect(v.fate).toBe('kept-alive');
    expect(v.bytes).toContain('Date: <date>');
  });

  it('is closed when the probe went unanswered, hung when the connection outlived the bound', () => {
    const bad = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n400 Bad Request';
    expect(
      verdictOf({ transcript: b(bad), ending: 'fin', elapsedMs: 1, probeSent: true }).fate,
    ).toBe('closed');
    expect(
      verdictOf({ transcript: b(''), ending: 'hung', elapsedMs: 1, probeSent: true }).fate,
    ).toBe('hung');
  });

  it('masks dates only: other bytes make verdicts differ', () => {
    const a = verdictOf({ transcript: b(ok('a')), ending: 'fin', elapsedMs: 1, probeSent: false });
    const a2 = verdictOf({
      transcript: b(ok('a').replace('01:00:00', '02:00:00')),
      ending: 'reset',
      elapsedMs: 9,
      probeSent: false,
    });
    const c = verdictOf({ transcript: b(ok('c')), ending: 'fin', elapsedMs: 1, probeSent: false });
    expect(sameVerdict(a, a2)).toBe(true);
    expect(sameVerdict(a, c)).toBe(false);
  });

  it('the probe is a complete request with Connection: close', () => {
    expect(Probe.toString('latin1')).toMatch(
      /^GET \/method\?ka-fuzz-probe HTTP\/1\.1\r\n.*Connection: close\r\n\r\n$/s,
    );
  });
});

describe('mutate', () => {
  const req = b('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  it.each([
    [
      { kind: 'insert', pos: 3, bytes: Uint8Array.of(0) } as const,
      'GET\\x00 / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n',
    ],
    [
      { kind: 'replace', pos: 0, byte: 0x7f } as const,
      '\\x7fET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n',
    ],
    [{ kind: 'delete', pos: 3, len: 2 } as const, 'GET HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'],
    [{ kind: 'dup-line', pos: 1 } as const, 'GET / HTTP/1.1\\r\\nHost: x\\r\\nHost: x\\r\\n\\r\\n'],
    [{ kind: 'crlf-to-lf', pos: 0 } as const, 'GET / HTTP/1.1\\nHost: x\\r\\n\\r\\n'],
    [{ kind: 'crlf-to-cr', pos: 1 } as const, 'GET / HTTP/1.1\\r\\nHost: x\\r\\r\\n'],
    [{ kind: 'fold', pos: 0 } as const, 'GET / HTTP/1.1\\r\\n Host: x\\r\\n\\r\\n'],
    [{ kind: 'truncate', pos: 5 } as const, 'GET /'],
    [
      { kind: 'append', bytes: b('0\r\n\r\n') } as const,
      'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n0\\r\\n\\r\\n',
    ],
  ])('%o', (m, want) => {
    expect(showBytes(mutate(req, m))).toBe(`'${want}'`);
  });
});

describe('known divergences', () => {
  it('flags targets that are not UTF-8, raw or escaped, and nothing else', () => {
    expect(knownDivergence(b('GET //\xdahello HTTP/1.1\r\n\r\n'))).not.toBeNull();
    expect(knownDivergence(b('GET //%d2^v HTTP/1.1\r\n\r\n'))).not.toBeNull();
    expect(knownDivergence(b('GET /caf%C3%A9 HTTP/1.1\r\nX: \xe9\r\n\r\n'))).toBeNull();
  });

  it('counts the same differences on the wire (the reference apps echo header bytes alike)', () => {
    expect(knownWireDivergence(b('GET /headers HTTP/1.1\r\nX: \xe9\r\n\r\n'))).toBeNull();
    expect(knownWireDivergence(b('GET //\xdahello HTTP/1.1\r\n\r\n'))).not.toBeNull();
  });
});

describe('unicodeVersionDifference', () => {
  it("accepts only a Go \\u escape of a code point Node's Unicode deems printable", () => {
    // U+FBC4: assigned in Unicode 17 (Node 24), not in Go 1.26's Unicode 15.0
    const ka = canonical({ err: 'missing colon: "\\r\ufbc4"' });
    const go = canonical({ err: 'missing colon: "\\r\\ufbc4"' });
    expect(unicodeVersionDifference(ka, go)).not.toBeNull();
    expect(unicodeVersionDifference(canonical({ err: 'x' }), canonical({ err: 'y' }))).toBeNull();
    // an unassigned code point stays escaped on both sides: no difference to explain
    const stillEscaped = canonical({ err: '"\\u0378"' });
    expect(unicodeVersionDifference(stillEscaped, stillEscaped)).toBeNull();
  });
});
