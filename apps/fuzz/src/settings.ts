// Seeds and sizes of the CI form. KA_FUZZ_SEED and KA_FUZZ_SCALE (a multiplier of the run
// counts) change them for a local run of the test suite; the long mode is dist/main.js.

/** The fixed seed of the CI runs (KA_FUZZ_SEED overrides it). */
export const ciSeed = Number(process.env.KA_FUZZ_SEED ?? 20261126) | 0;

/** `n` runs scaled by KA_FUZZ_SCALE (default 1). */
export function ciRuns(n: number): number {
  const scale = Number(process.env.KA_FUZZ_SCALE ?? 1);
  return Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
