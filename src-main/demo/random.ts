/**
 * Seeded randomness for the demo archive: one stream per study, so a study's
 * image, report and labels depend only on the archive seed and its index.
 */

import { mulberry32 } from '../../src-shared/random';

/** A stream of uniform numbers in [0, 1) with helpers; deterministic per seed. */
export interface Rng {
  (): number;
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number;
  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
}

/** mulberry32 wrapped with helpers: tiny, fast, good enough for synthetic data. */
export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const rng = next as Rng;
  rng.range = (lo, hi) => lo + (hi - lo) * next();
  rng.int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  rng.normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  rng.chance = (p) => next() < p;
  rng.pick = (items) => items[Math.floor(next() * items.length)]!;
  rng.weighted = (items) => {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  };
  return rng;
}

/** Mixes an archive seed and a study index into an independent 32-bit seed. */
export function deriveSeed(seed: number, index: number, salt = 0): number {
  // The seed is mixed before the index joins it: XOR-ing both in first made
  // (seed, index) and (seed ^ k, index ^ k) the same stream, so archives of
  // different seeds shared whole studies (same UIDs, same reports).
  let h = mix32((seed ^ 0x9e3779b9) >>> 0);
  for (const v of [index, salt]) h = mix32((h ^ v) >>> 0);
  return h;
}

/** MurmurHash3's 32-bit finaliser. */
function mix32(x: number): number {
  let h = Math.imul(x, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
