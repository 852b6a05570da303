import { median } from '@ka/app-kit';

/**
 * `items` from index `r` (modulo the length) round to the one before it, as a new array: the
 * order for round `r` when each round a different contender is to go first.
 */
export function rotate<T>(items: readonly T[], r: number): T[] {
  const k = r % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** `a[i] / b[i]` round by round; the two must have as many rounds. */
export function roundRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError('roundRatios: unequal lengths');
  return a.map((x, i) => x / b[i]!);
}

/**
 * The median of {@link roundRatios}: a paired comparison, each ratio taken between two
 * measures made close together in time, so a spell of machine noise weighs on both.
 */
export function pairedRatioMedian(a: readonly number[], b: readonly number[]): number {
  return median(roundRatios(a, b));
}
