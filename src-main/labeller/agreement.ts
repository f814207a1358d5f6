/**
 * Agreement of binary decisions with a reference: counts, precision, recall,
 * F1 and Cohen's kappa (chance-corrected agreement). Pure. Undefined ratios
 * (no predicted or no reference positives) are null, as scikit-learn warns
 * and returns 0 for; kappa is null when both raters agree by construction
 * (expected agreement 1).
 */
export interface BinaryAgreement {
  n: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  kappa: number | null;
}

export function binaryAgreement(predicted: readonly boolean[], reference: readonly boolean[]): BinaryAgreement {
  if (predicted.length !== reference.length) throw new RangeError(`binaryAgreement: ${predicted.length} predictions for ${reference.length} references`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  predicted.forEach((p, i) => {
    const r = reference[i];
    if (p && r) tp++;
    else if (p) fp++;
    else if (r) fn++;
    else tn++;
  });
  const n = predicted.length;
  const precision = tp + fp > 0 ? tp / (tp + fp) : null;
  const recall = tp + fn > 0 ? tp / (tp + fn) : null;
  const f1 = tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : null;
  const observed = n > 0 ? (tp + tn) / n : 0;
  const expected = n > 0 ? ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / (n * n) : 1;
  const kappa = expected < 1 ? (observed - expected) / (1 - expected) : null;
  return { n, tp, fp, fn, tn, precision, recall, f1, kappa };
}
