import { median } from '@ka/app-kit';
import { describe, expect, it } from 'vitest';
import { pairedRatioMedian, rotate, roundRatios } from './stats.js';

describe('rotate', () => {
  it('starts round r at index r, wrapping, and leaves its input as it was', () => {
    const xs = ['ka', 'node', 'go'];
    expect(rotate(xs, 0)).toEqual(['ka', 'node', 'go']);
    expect(rotate(xs, 1)).toEqual(['node', 'go', 'ka']);
    expect(rotate(xs, 2)).toEqual(['go', 'ka', 'node']);
    expect(rotate(xs, 4)).toEqual(['node', 'go', 'ka']);
    expect(xs).toEqual(['ka', 'node', 'go']);
  });
});

describe('pairedRatioMedian', () => {
  it('takes the median of the round-by-round ratios, not the ratio of the medians', () => {
    // Round by round: 30/10, 10/20, 20/40 = 3, 0.5, 0.5. The medians alone give 20 / 20.
    expect(pairedRatioMedian([30, 10, 20], [10, 20, 40])).toBe(0.5);
    expect(median([30, 10, 20]) / median([10, 20, 40])).toBe(1);
  });

  it('refuses rounds that do not pair up', () => {
    expect(() => pairedRatioMedian([1, 2], [1])).toThrow(RangeError);
  });

  it('is the median of roundRatios', () => {
    expect(roundRatios([30, 10, 20], [10, 20, 40])).toEqual([3, 0.5, 0.5]);
  });
});
