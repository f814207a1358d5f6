/** Classification accuracy and arg-max decisions. Pure. */
import { AppError } from '../../../src-shared/result';

/** Fraction of positions where predicted equals actual (sklearn accuracy_score). */
export function accuracy(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (actual.length !== predicted.length) throw new AppError('bad_request', `accuracy: ${actual.length} labels but ${predicted.length} predictions`);
  if (actual.length === 0) throw new AppError('bad_request', 'accuracy of an empty set is undefined');
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) hits++;
  return hits / actual.length;
}

/** Index of the largest value per row; the first wins ties (numpy argmax). */
export function argmaxRows(rows: ReadonlyArray<ArrayLike<number>>): number[] {
  return rows.map((row) => {
    let best = 0;
    for (let c = 1; c < row.length; c++) if ((row[c] as number) > (row[best] as number)) best = c;
    return best;
  });
}
