// Small statistics the benchmark and stress apps share.

/**
 * The median of `xs` (the mean of the two middle values for an even count; 0 for none).
 * `xs` is not changed.
 */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}
