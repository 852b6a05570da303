import { describe, expect, it } from 'vitest';
import { oracle } from '../test/helpers.js';
import { formatHttpDate, parseHttpDate, TimeFormat } from './date.js';

const misc = oracle<{ parseTime: { In: string; Unix: number; Err: boolean }[] }>('misc.json');

describe('parseHttpDate matches Go ParseTime (header_test.go parseTimeTests)', () => {
  for (const c of misc.parseTime) {
    it(JSON.stringify(c.In), () => {
      const d = parseHttpDate(c.In);
      if (c.Err) expect(d).toBeUndefined();
      else expect(d?.getTime()).toBe(c.Unix * 1000);
    });
  }
});

describe('formatHttpDate', () => {
  it(`uses TimeFormat (${TimeFormat})`, () => {
    expect(formatHttpDate(new Date(Date.UTC(2006, 0, 2, 15, 4, 5)))).toBe(
      'Mon, 02 Jan 2006 15:04:05 GMT',
    );
    expect(formatHttpDate(0)).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
  });
  it('is cached per second and round-trips through parseHttpDate', () => {
    const now = formatHttpDate();
    expect(formatHttpDate()).toBe(now);
    expect(parseHttpDate(now)).toBeInstanceOf(Date);
    expect(formatHttpDate(1_700_000_000_999)).toBe(formatHttpDate(1_700_000_000_000));
  });
});
