/** Per-feature standardisation fitted on training rows (sklearn StandardScaler: population std, zero-variance features scaled by 1). */
import { AppError } from '../../../src-shared/result';

export interface Standardizer {
  mean: Float64Array;
  scale: Float64Array;
}

export function fitStandardizer(rows: readonly Float32Array[]): Standardizer {
  const first = rows[0];
  if (!first) throw new AppError('bad_request', 'standardise: no training rows');
  const d = first.length;
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (const [r, row] of rows.entries()) {
    if (row.length !== d) throw new AppError('bad_request', `standardise: row ${r} has ${row.length} features, expected ${d}`);
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (row[j] as number);
  }
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / rows.length;
  for (const row of rows) {
    for (let j = 0; j < d; j++) {
      const centred = (row[j] as number) - (mean[j] as number);
      scale[j] = (scale[j] as number) + centred * centred;
    }
  }
  for (let j = 0; j < d; j++) {
    const std = Math.sqrt((scale[j] as number) / rows.length);
    // Tiny spreads are float noise on a constant feature; dividing by them would blow it up.
    scale[j] = std > 1e-12 * Math.max(1, Math.abs(mean[j] as number)) ? std : 1;
  }
  return { mean, scale };
}

/** Rows standardised into one n x d row-major Float64Array. */
export function standardizeRows(rows: readonly Float32Array[], standardizer: Standardizer): Float64Array {
  const d = standardizer.mean.length;
  const out = new Float64Array(rows.length * d);
  for (const [r, row] of rows.entries()) {
    if (row.length !== d) throw new AppError('bad_request', `standardise: row ${r} has ${row.length} features, expected ${d}`);
    for (let j = 0; j < d; j++) out[r * d + j] = ((row[j] as number) - (standardizer.mean[j] as number)) / (standardizer.scale[j] as number);
  }
  return out;
}
