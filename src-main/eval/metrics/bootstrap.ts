/**
 * 95% (or any level) bootstrap confidence intervals by the percentile method:
 * resample the test set with replacement, recompute the metric, take the
 * alpha/2 and 1 - alpha/2 quantiles. Seeded (mulberry32), so an interval is
 * reproducible from its seed.
 *
 * Stratified resampling (the default in the protocol, `strata` = class per test
 * example) draws each class's examples from that class only, keeping class counts
 * fixed: every resample then has both classes, so AUC is always defined and the
 * interval reflects score variation rather than prevalence variation. Without
 * strata the whole test set is resampled; resamples where the statistic is
 * undefined (it returns null, e.g. AUC with one class) are skipped and counted.
 */
import { AppError } from '../../../src-shared/result';
import { mulberry32, randomIndex } from '../random';
import { quantile } from './summary';

export interface BootstrapOptions {
  seed: number;
  /** Number of resamples; 1000 by default. */
  resamples?: number;
  /** 0.95 by default. */
  confidence?: number;
  /** Stratum per example (e.g. its class); resampling stays within each stratum. */
  strata?: ArrayLike<number>;
}

export interface ConfidenceInterval {
  /** The statistic on the full test set. */
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
  /** Resamples that gave a value. */
  resamples: number;
  /** Resamples skipped because the statistic was undefined on them. */
  skipped: number;
  method: 'percentile';
  stratified: boolean;
  seed: number;
}

/** Groups of example indices by stratum value, strata in ascending order, members in ascending index order. */
function strataGroups(n: number, strata: ArrayLike<number> | undefined): number[][] {
  if (!strata) return [Array.from({ length: n }, (_, i) => i)];
  if (strata.length !== n) throw new AppError('bad_request', `bootstrap: ${strata.length} strata for ${n} examples`);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = strata[i] as number;
    const group = groups.get(key) ?? [];
    group.push(i);
    groups.set(key, group);
  }
  return [...groups.keys()].sort((a, b) => a - b).map((k) => groups.get(k) as number[]);
}

/** The indices of resample after resample; exposed so tests and the golden script can replay them. */
export function* bootstrapIndices(n: number, options: Pick<BootstrapOptions, 'seed' | 'resamples' | 'strata'>): Generator<Int32Array> {
  const groups = strataGroups(n, options.strata);
  const random = mulberry32(options.seed);
  const resamples = options.resamples ?? 1000;
  for (let b = 0; b < resamples; b++) {
    const indices = new Int32Array(n);
    let at = 0;
    for (const group of groups) {
      for (let j = 0; j < group.length; j++) indices[at++] = group[randomIndex(random, group.length)] as number;
    }
    yield indices;
  }
}

/**
 * statistic(indices) computes the metric on the examples at `indices` (repeats allowed)
 * and returns null when it is undefined there.
 */
export function bootstrapCi(n: number, statistic: (indices: Int32Array) => number | null, options: BootstrapOptions): ConfidenceInterval {
  if (n === 0) throw new AppError('bad_request', 'bootstrap of an empty test set is undefined');
  const confidence = options.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new AppError('bad_request', `bootstrap confidence ${confidence} is outside (0, 1)`);
  const estimate = statistic(Int32Array.from({ length: n }, (_, i) => i));
  if (estimate === null) throw new AppError('bad_request', 'bootstrap: the statistic is undefined on the full test set');
  const values: number[] = [];
  let skipped = 0;
  for (const indices of bootstrapIndices(n, options)) {
    const value = statistic(indices);
    if (value === null) skipped++;
    else values.push(value);
  }
  if (values.length === 0) throw new AppError('bad_request', 'bootstrap: the statistic was undefined on every resample');
  const alpha = 1 - confidence;
  return {
    estimate,
    lower: quantile(values, alpha / 2),
    upper: quantile(values, 1 - alpha / 2),
    confidence,
    resamples: values.length,
    skipped,
    method: 'percentile',
    stratified: options.strata !== undefined,
    seed: options.seed,
  };
}

/** Picks entries of a per-example array at resampled indices. */
export function pick<T>(values: ArrayLike<T>, indices: Int32Array): T[] {
  return Array.from(indices, (i) => values[i] as T);
}
