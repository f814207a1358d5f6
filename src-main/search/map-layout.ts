/**
 * The archive map's math, with no I/O: one vector per study (the mean of its
 * unit image vectors, renormalised), a seeded subsample when there are more
 * studies than the map shows, and a seeded 2-D UMAP (umap-js) of those
 * vectors scaled into [0, 1]. The same vectors and seed give the same layout.
 */
import { UMAP } from 'umap-js';
import { mulberry32 } from '../../src-shared/random';
import { ScoringMatrix } from './scoring-matrix';
import { topK } from './top-k';

export interface StudyVectors {
  studyIds: number[];
  /** [studies, dim], row s the unit mean vector of studyIds[s]. */
  matrix: Float32Array;
  dim: number;
}

/** Groups unit image rows [rows, dim] by study (first-seen order) and averages them; each mean is renormalised. */
export function studyMeans(matrix: Float32Array, dim: number, rowStudyIds: ArrayLike<number>): StudyVectors {
  const rows = dim === 0 ? 0 : matrix.length / dim;
  const groupOf = new Map<number, number>();
  for (let r = 0; r < rows; r++) {
    const study = rowStudyIds[r]!;
    if (!groupOf.has(study)) groupOf.set(study, groupOf.size);
  }
  const out = new Float32Array(groupOf.size * dim);
  for (let r = 0; r < rows; r++) {
    const g = groupOf.get(rowStudyIds[r]!)!;
    for (let j = 0; j < dim; j++) out[g * dim + j]! += matrix[r * dim + j]!;
  }
  for (let g = 0; g < groupOf.size; g++) {
    let sum = 0;
    for (let j = 0; j < dim; j++) sum += out[g * dim + j]! ** 2;
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let j = 0; j < dim; j++) out[g * dim + j]! *= inv;
  }
  return { studyIds: [...groupOf.keys()], matrix: out, dim };
}

/** `count` of `n` indices, ascending, drawn without replacement by a seeded partial Fisher-Yates; all when count >= n. */
export function seededSubsample(n: number, count: number, seed: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (count >= n) return all;
  const random = mulberry32(seed);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (n - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, count).sort((a, b) => a - b);
}

/** Scales each axis of [x, y] points into [0, 1] (a constant axis maps to 0.5). */
export function scaleToUnit(points: readonly (readonly number[])[]): [number, number][] {
  const range = (axis: 0 | 1) => {
    let min = Infinity;
    let max = -Infinity;
    for (const p of points) {
      min = Math.min(min, p[axis]!);
      max = Math.max(max, p[axis]!);
    }
    return { min, span: max - min };
  };
  const rx = range(0);
  const ry = range(1);
  const scale = (v: number, r: { min: number; span: number }) => (r.span > 0 ? (v - r.min) / r.span : 0.5);
  return points.map((p) => [scale(p[0]!, rx), scale(p[1]!, ry)]);
}

/**
 * Exact k nearest neighbours by cosine distance (1 - dot of unit rows), each
 * row's own index first, as UMAP's graph expects. One scoring-kernel pass per
 * row: n^2 * dim multiply-adds in SIMD, far faster than umap-js's
 * nearest-neighbour descent over JS arrays (14 s at 3000 x 512).
 */
export function exactKnn(vectors: StudyVectors, k: number): { indices: number[][]; distances: number[][] } {
  const n = vectors.studyIds.length;
  const matrix = new ScoringMatrix(n, Math.max(1, vectors.dim));
  matrix.data.set(vectors.matrix);
  const indices: number[][] = [];
  const distances: number[][] = [];
  for (let i = 0; i < n; i++) {
    const scores = matrix.score(vectors.matrix.subarray(i * vectors.dim, (i + 1) * vectors.dim));
    // The row itself first: rounding can leave another row's score a hair above 1.
    scores[i] = Infinity;
    const top = topK(scores, k);
    indices.push(Array.from(top.indices));
    distances.push(Array.from(top.scores, (s, j) => (j === 0 ? 0 : Math.max(0, 1 - s))));
  }
  return { indices, distances };
}

export interface LayoutOptions {
  seed: number;
  /** UMAP's neighbourhood size; capped below the number of points. */
  nNeighbors?: number;
  /** Optimisation epochs: 200 (120 above 1000 points, where each epoch costs more and the layout settles sooner). */
  nEpochs?: number;
  onProgress?: (epoch: number, epochs: number) => void;
}

/**
 * 2-D UMAP of the rows of `vectors` [n, dim], scaled into [0, 1]. Under 3
 * points there is no neighbourhood to embed: they are placed on a line.
 */
export async function umapLayout(vectors: StudyVectors, options: LayoutOptions): Promise<[number, number][]> {
  const n = vectors.studyIds.length;
  if (n < 3) return scaleToUnit(Array.from({ length: n }, (_, i) => [i, 0]));
  const data = Array.from({ length: n }, (_, i) => Array.from(vectors.matrix.subarray(i * vectors.dim, (i + 1) * vectors.dim)));
  const nEpochs = options.nEpochs ?? (n > 1000 ? 120 : 200);
  const nNeighbors = Math.max(2, Math.min(options.nNeighbors ?? 15, n - 1));
  const umap = new UMAP({ nComponents: 2, nNeighbors, nEpochs, minDist: 0.1, random: mulberry32(options.seed) });
  const knn = exactKnn(vectors, nNeighbors);
  umap.setPrecomputedKNN(knn.indices, knn.distances);
  const embedding = await umap.fitAsync(data, (epoch) => {
    options.onProgress?.(epoch, nEpochs);
  });
  return scaleToUnit(embedding);
}
