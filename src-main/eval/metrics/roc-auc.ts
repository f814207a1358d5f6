/**
 * Area under the ROC curve, equal to scikit-learn's roc_auc_score including ties:
 * tied scores count half (the trapezoid over a tied block), which is the
 * Mann-Whitney statistic with mid-ranks. Pure; no I/O.
 */
import { AppError } from '../../../src-shared/result';

/** One point per distinct threshold, highest first, starting at (0, 0) as sklearn's roc_curve(drop_intermediate=False). */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  /** Scores at which each point starts; the first is +Infinity (nothing predicted positive). */
  thresholds: number[];
}

function checkBinary(labels: ArrayLike<number>, scores: ArrayLike<number>): { positives: number; negatives: number } {
  if (labels.length !== scores.length) throw new AppError('bad_request', `ROC AUC: ${labels.length} labels but ${scores.length} scores`);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new AppError('bad_request', `ROC AUC: label ${i} is ${String(y)}, expected 0 or 1`);
    if (!Number.isFinite(scores[i])) throw new AppError('bad_request', `ROC AUC: score ${i} is not a finite number`);
    positives += y;
  }
  return { positives, negatives: labels.length - positives };
}

/** True when both classes are present, i.e. AUC is defined. */
export function aucDefined(labels: ArrayLike<number>): boolean {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i] === 1 ? 1 : 0;
  return positives > 0 && positives < labels.length;
}

/** Indices sorted by descending score, ties by ascending index (stable). */
function descendingOrder(scores: ArrayLike<number>): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
}

/** labels: 0/1 per example; scores: higher means more likely positive. Throws when one class is absent. */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { positives, negatives } = checkBinary(labels, scores);
  if (positives === 0 || negatives === 0) {
    throw new AppError('bad_request', 'ROC AUC is undefined when only one class is present');
  }
  // Walk tied blocks from the highest score: each negative in a block beats all positives
  // seen in earlier blocks, and ties with the block's positives for half credit.
  const order = descendingOrder(scores);
  let positivesAbove = 0;
  let concordant = 0;
  for (let start = 0; start < order.length; ) {
    const score = scores[order[start] as number];
    let end = start;
    let blockPositives = 0;
    let blockNegatives = 0;
    while (end < order.length && scores[order[end] as number] === score) {
      if (labels[order[end] as number] === 1) blockPositives++;
      else blockNegatives++;
      end++;
    }
    concordant += blockNegatives * (positivesAbove + blockPositives / 2);
    positivesAbove += blockPositives;
    start = end;
  }
  return concordant / (positives * negatives);
}

export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): RocCurve {
  const { positives, negatives } = checkBinary(labels, scores);
  if (positives === 0 || negatives === 0) {
    throw new AppError('bad_request', 'ROC curve is undefined when only one class is present');
  }
  const order = descendingOrder(scores);
  const curve: RocCurve = { fpr: [0], tpr: [0], thresholds: [Number.POSITIVE_INFINITY] };
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i++) {
    const index = order[i] as number;
    if (labels[index] === 1) tp++;
    else fp++;
    const next = order[i + 1];
    if (next === undefined || scores[next] !== scores[index]) {
      curve.fpr.push(fp / negatives);
      curve.tpr.push(tp / positives);
      curve.thresholds.push(scores[index] as number);
    }
  }
  return curve;
}
