/**
 * Retrieval precision, as in ConVIRT's CheXpert 8x200 protocol: each query (an
 * image or a text embedding) ranks the candidate images by cosine similarity; a
 * retrieved image is a hit when it is positive for the query's category;
 * Precision@k = hits among the top k / k, averaged over a category's queries and
 * then over categories. Pure.
 */
import { AppError } from '../../../src-shared/result';

export interface RetrievalQuery {
  category: string;
  vector: Float32Array;
  /** Candidate with the same id is left out of this query's ranking (image-to-image over a shared pool). */
  id?: string;
}

export interface RetrievalCandidate {
  /** Categories this image is positive for. */
  categories: readonly string[];
  vector: Float32Array;
  id?: string;
}

export interface RetrievalPrecision {
  ks: number[];
  /** category -> precision per k (same order as ks), mean over that category's queries. */
  perCategory: Record<string, number[]>;
  /** Mean over categories of perCategory, per k. */
  macro: number[];
  queries: number;
}

export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new AppError('bad_request', `cosine similarity: dimensions ${a.length} and ${b.length} differ`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  const norms = Math.sqrt(na) * Math.sqrt(nb);
  return norms === 0 ? 0 : dot / norms;
}

/** Candidate indices by descending similarity; ties keep candidate order (numpy argsort(-s, kind='stable')). */
export function rankCandidates(query: Float32Array, candidates: readonly Float32Array[]): number[] {
  const similarity = candidates.map((c) => cosineSimilarity(query, c));
  return similarity.map((_, i) => i).sort((a, b) => (similarity[b] as number) - (similarity[a] as number) || a - b);
}

/** relevant: per ranked position, whether the item is a hit. */
export function precisionAtK(relevant: readonly boolean[], k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new AppError('bad_request', `Precision@k needs a positive integer k, got ${k}`);
  if (k > relevant.length) throw new AppError('bad_request', `Precision@${k} needs at least ${k} candidates, only ${relevant.length} ranked`);
  let hits = 0;
  for (let i = 0; i < k; i++) if (relevant[i]) hits++;
  return hits / k;
}

export function retrievalPrecision(queries: readonly RetrievalQuery[], candidates: readonly RetrievalCandidate[], ks: readonly number[] = [5, 10, 50]): RetrievalPrecision {
  if (queries.length === 0) throw new AppError('bad_request', 'retrieval: no queries');
  const sums = new Map<string, { total: number[]; count: number }>();
  for (const query of queries) {
    const pool = candidates.filter((c) => query.id === undefined || c.id !== query.id);
    const ranked = rankCandidates(query.vector, pool.map((c) => c.vector));
    const relevant = ranked.map((i) => (pool[i] as RetrievalCandidate).categories.includes(query.category));
    const entry = sums.get(query.category) ?? { total: ks.map(() => 0), count: 0 };
    ks.forEach((k, j) => {
      entry.total[j] = (entry.total[j] as number) + precisionAtK(relevant, k);
    });
    entry.count++;
    sums.set(query.category, entry);
  }
  const perCategory: Record<string, number[]> = {};
  for (const [category, { total, count }] of sums) perCategory[category] = total.map((t) => t / count);
  const categories = Object.values(perCategory);
  const macro = ks.map((_, j) => categories.reduce((a, p) => a + (p[j] as number), 0) / categories.length);
  return { ks: [...ks], perCategory, macro, queries: queries.length };
}
