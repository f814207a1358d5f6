/**
 * Seeded randomness for evaluation: subsets, splits and bootstrap resamples.
 * mulberry32 is tiny and is reimplemented bit-for-bit in
 * tests/fixtures/golden-eval/make_golden.py, so Python draws the same indices
 * and scikit-learn can score exactly the same resamples.
 */

import { mulberry32 as sharedMulberry32 } from '../../src-shared/random';

/** Uniform floats in [0, 1) with 2^-32 resolution; deterministic per seed. */
export type SeededRandom = () => number;

export const mulberry32: (seed: number) => SeededRandom = sharedMulberry32;

/** Integer in [0, n). */
export function randomIndex(random: SeededRandom, n: number): number {
  return Math.floor(random() * n);
}

/** Fisher-Yates shuffle of a copy (from the last position down, as in Python's random.shuffle). */
export function shuffled<T>(items: readonly T[], random: SeededRandom): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}
