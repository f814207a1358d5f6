/**
 * Retrieval evaluation with the CheXpert 8x200 protocol as the template: per
 * category, a set of query images (10 by default) and a candidate pool of images
 * positive for it (200 by default), drawn seeded from a label task; queries never
 * sit in the pool. Image-to-image ranks the pool by cosine similarity to each query
 * image's vector; text-to-image does the same with vectors of user-written query
 * texts per category; a hit is a retrieved image positive for the query's category.
 * Zero-shot classification scores each image against one text vector per class.
 */
import { AppError } from '../../../src-shared/result';
import { cosineSimilarity, retrievalPrecision, type RetrievalPrecision } from '../metrics/retrieval';
import { mulberry32, shuffled } from '../random';
import type { LabelTask, TaskExample } from '../tasks/task';
import type { Featurize } from './linear-probe';

export interface RetrievalSets {
  /** Query images: key and the category it queries for. */
  queries: { key: string; category: string }[];
  /** Candidate images with every category they are positive for. */
  pool: { key: string; categories: string[] }[];
}

export interface RetrievalSetOptions {
  queriesPerCategory?: number;
  poolPerCategory?: number;
  seed?: number;
}

function positiveCategories(task: LabelTask, e: TaskExample): string[] {
  if (typeof e.target === 'number') return [task.classNames[e.target] as string];
  return task.classNames.filter((_, c) => (e.target as readonly number[])[c] === 1);
}

export function retrievalSets(task: LabelTask, options: RetrievalSetOptions = {}): RetrievalSets {
  const queriesPer = options.queriesPerCategory ?? 10;
  const poolPer = options.poolPerCategory ?? 200;
  const random = mulberry32(options.seed ?? 0);
  const queried = new Set<string>();
  const queries: RetrievalSets['queries'] = [];
  const poolKeys = new Set<string>();
  const perCategory = task.classNames.map((category) => shuffled(task.examples.filter((e) => positiveCategories(task, e).includes(category)), random));
  task.classNames.forEach((category, c) => {
    const members = (perCategory[c] as TaskExample[]).filter((e) => !queried.has(e.key));
    if (members.length <= queriesPer) throw new AppError('bad_request', `retrieval: category '${category}' has ${members.length} images, fewer than ${queriesPer} queries plus a pool`);
    for (const e of members.slice(0, queriesPer)) {
      queries.push({ key: e.key, category });
      queried.add(e.key);
    }
  });
  task.classNames.forEach((_, c) => {
    const members = (perCategory[c] as TaskExample[]).filter((e) => !queried.has(e.key));
    for (const e of members.slice(0, poolPer)) poolKeys.add(e.key);
  });
  const pool = task.examples.filter((e) => poolKeys.has(e.key)).map((e) => ({ key: e.key, categories: positiveCategories(task, e) }));
  return { queries, pool };
}

export async function imageToImageRetrieval(sets: RetrievalSets, featurize: Featurize, ks: readonly number[] = [5, 10, 50]): Promise<RetrievalPrecision> {
  const keys = [...sets.queries.map((q) => q.key), ...sets.pool.map((p) => p.key)];
  const vectors = await featurize(keys);
  const q = sets.queries.length;
  return retrievalPrecision(
    sets.queries.map((query, i) => ({ category: query.category, vector: vectors[i] as Float32Array })),
    sets.pool.map((candidate, i) => ({ categories: candidate.categories, vector: vectors[q + i] as Float32Array })),
    ks,
  );
}

/** textQueries: user-written texts per category, already embedded by the text encoder (same space as the image vectors). */
export async function textToImageRetrieval(sets: RetrievalSets, textQueries: readonly { category: string; vector: Float32Array }[], featurizeImages: Featurize, ks: readonly number[] = [5, 10, 50]): Promise<RetrievalPrecision> {
  const vectors = await featurizeImages(sets.pool.map((p) => p.key));
  return retrievalPrecision(textQueries, sets.pool.map((candidate, i) => ({ categories: candidate.categories, vector: vectors[i] as Float32Array })), ks);
}

/** Zero-shot: per image, cosine similarity to each class's prompt vector (n rows x classes), to rank or arg-max. */
export function zeroShotScores(imageVectors: readonly Float32Array[], classPromptVectors: readonly Float32Array[]): Float64Array[] {
  if (classPromptVectors.length < 2) throw new AppError('bad_request', 'zero-shot classification needs a prompt vector for at least 2 classes');
  return imageVectors.map((v) => Float64Array.from(classPromptVectors, (p) => cosineSimilarity(v, p)));
}
