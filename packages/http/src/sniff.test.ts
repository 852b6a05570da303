import { describe, expect, it } from 'vitest';
import { oracle, wire } from '../test/helpers.js';
import { detectContentType, sniffLen } from './sniff.js';

const data = oracle<{ sniff: { Desc: string; Data: string; Want: string }[] }>(
  'misc-external.json',
);

describe('detectContentType matches Go DetectContentType (sniff_test.go sniffTests)', () => {
  for (const c of data.sniff) {
    it(`${c.Desc} → ${c.Want}`, () => {
      expect(detectContentType(wire(c.Data))).toBe(c.Want);
    });
  }
  it(`looks at the first ${sniffLen} bytes only`, () => {
    const b = new Uint8Array(600).fill(0x61);
    b[599] = 0;
    expect(detectContentType(b)).toBe('text/plain; charset=utf-8');
  });
});
