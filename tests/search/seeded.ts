/** Seeded random vectors for search tests and the benchmark (mulberry32 + Box-Muller). */

import { mulberry32 } from '../../src-shared/random';

export { mulberry32 };

export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function randomVector(rand: () => number, dim: number): Float32Array {
  const v = new Float32Array(dim);
  for (let j = 0; j < dim; j++) v[j] = gaussian(rand);
  return v;
}

/** Fills `out` [rows, dim] with unit vectors around `clusters` random centres (spread = noise scale). */
export function fillClustered(out: Float32Array, dim: number, rand: () => number, clusters: number, spread: number): void {
  const centres = Array.from({ length: clusters }, () => randomVector(rand, dim));
  for (let r = 0; r * dim < out.length; r++) {
    const c = centres[Math.floor(rand() * clusters)]!;
    let sum = 0;
    for (let j = 0; j < dim; j++) {
      const x = c[j]! + spread * gaussian(rand);
      out[r * dim + j] = x;
      sum += x * x;
    }
    const inv = 1 / Math.sqrt(sum);
    for (let j = 0; j < dim; j++) out[r * dim + j] = out[r * dim + j]! * inv;
  }
}

export function fillRandomUnit(out: Float32Array, dim: number, rand: () => number): void {
  for (let r = 0; r * dim < out.length; r++) {
    const v = randomVector(rand, dim);
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += v[j]! * v[j]!;
    const inv = 1 / Math.sqrt(sum);
    for (let j = 0; j < dim; j++) out[r * dim + j] = v[j]! * inv;
  }
}
