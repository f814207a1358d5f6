/** Summaries over seeds and resamples. Pure. */
import { AppError } from '../../../src-shared/result';

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator, numpy ddof=1); 0 for a single value. */
  std: number;
  n: number;
}

export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) throw new AppError('bad_request', 'mean of no values is undefined');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, std: 0, n };
  const squares = values.reduce((a, v) => a + (v - mean) * (v - mean), 0);
  return { mean, std: Math.sqrt(squares / (n - 1)), n };
}

/** q in [0, 1]; linear interpolation between order statistics (numpy.percentile's default 'linear' method). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new AppError('bad_request', 'quantile of no values is undefined');
  if (!(q >= 0 && q <= 1)) throw new AppError('bad_request', `quantile ${q} is outside [0, 1]`);
  const sorted = values.slice().sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const weight = position - lower;
  return (sorted[lower] as number) * (1 - weight) + (sorted[upper] as number) * weight;
}
