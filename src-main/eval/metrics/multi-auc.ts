/**
 * AUC for several outputs: per-class and macro for multi-label targets
 * (sklearn roc_auc_score(Y, S, average=None / 'macro')), and one-vs-rest macro
 * for multi-class targets (roc_auc_score(y, P, multi_class='ovr', average='macro')).
 */
import { AppError } from '../../../src-shared/result';
import { aucDefined, rocAuc } from './roc-auc';

export interface MultiAuc {
  /** One per class; null where the class has only positives or only negatives in the labels. */
  perClass: (number | null)[];
  /** Mean over the defined classes; null when none is defined. sklearn raises instead of skipping. */
  macro: number | null;
}

/** Column c of an n x C row-major table. */
function column(rows: ReadonlyArray<ArrayLike<number>>, c: number): number[] {
  return rows.map((row) => row[c] as number);
}

function macroOf(perClass: (number | null)[]): number | null {
  const defined = perClass.filter((v): v is number => v !== null);
  return defined.length === 0 ? null : defined.reduce((a, b) => a + b, 0) / defined.length;
}

/** labels and scores: n rows of C columns; labels 0/1. */
export function multiLabelAuc(labels: ReadonlyArray<ArrayLike<number>>, scores: ReadonlyArray<ArrayLike<number>>): MultiAuc {
  if (labels.length !== scores.length) throw new AppError('bad_request', `multi-label AUC: ${labels.length} label rows but ${scores.length} score rows`);
  const classes = labels[0]?.length ?? 0;
  for (const [i, row] of [...labels, ...scores].entries()) {
    if (row.length !== classes) throw new AppError('bad_request', `multi-label AUC: row ${i % labels.length} has ${row.length} columns, expected ${classes}`);
  }
  const perClass = Array.from({ length: classes }, (_, c) => {
    const y = column(labels, c);
    return aucDefined(y) ? rocAuc(y, column(scores, c)) : null;
  });
  return { perClass, macro: macroOf(perClass) };
}

/** classes: index per example in [0, C); probabilities: n rows of C. One-vs-rest per class, then macro. */
export function oneVsRestAuc(classes: ArrayLike<number>, probabilities: ReadonlyArray<ArrayLike<number>>): MultiAuc {
  const count = probabilities[0]?.length ?? 0;
  const indicator = Array.from(classes, (k) => Array.from({ length: count }, (_, c) => (c === k ? 1 : 0)));
  return multiLabelAuc(indicator, probabilities);
}
