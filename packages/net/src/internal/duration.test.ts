import { expect, test } from 'vitest';
import { formatDuration } from './duration.js';

// Go: time.Duration.String, recorded from go1.26.
test.each([
  [5, '5ms'],
  [10, '10ms'],
  [640, '640ms'],
  [1_000, '1s'],
  [1_500, '1.5s'],
  [90_000, '1m30s'],
  [1.5, '1.5ms'],
  [0, '0s'],
  [3 * 3_600_000 + 2_000, '3h0m2s'],
  [0.000001, '1ns'],
  [0.0015, '1.5µs'],
  [-5, '-5ms'],
  [61_000.5, '1m1.0005s'],
])('%s ms is %s', (ms, want) => {
  expect(formatDuration(ms)).toBe(want);
});
