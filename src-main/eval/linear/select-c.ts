/**
 * Chooses the L2 strength on the validation split: fit on train for every C of
 * the grid (ascending, each warm-started from the previous one), score on
 * validation, keep the best. Score = AUC for binary, accuracy for multi-class;
 * ties (and an undefined AUC, when validation has one class) fall back to the
 * lower validation log-loss, then to the smaller C (stronger regularisation).
 */
import { AppError } from '../../../src-shared/result';
import { accuracy, argmaxRows } from '../metrics/accuracy';
import { aucDefined, rocAuc } from '../metrics/roc-auc';
import type { LbfgsOptions } from './lbfgs';
import { fitLogistic, predictProbabilities, type LogisticModel } from './logistic';

/** 10^-4 .. 10^4, one per decade. */
export const DEFAULT_C_GRID: readonly number[] = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1e3, 1e4];

export interface LabelledRows {
  rows: readonly Float32Array[];
  targets: ArrayLike<number>;
}

export interface CandidateScore {
  C: number;
  /** AUC or accuracy on validation; null when undefined there. */
  score: number | null;
  logLoss: number;
  converged: boolean;
}

export interface SelectedModel {
  model: LogisticModel;
  C: number;
  candidates: CandidateScore[];
}

function meanLogLoss(targets: ArrayLike<number>, probabilities: readonly Float64Array[]): number {
  let total = 0;
  probabilities.forEach((p, i) => (total -= Math.log(Math.max(p[targets[i] as number] as number, 1e-15))));
  return total / probabilities.length;
}

function validationScore(classes: number, targets: ArrayLike<number>, probabilities: readonly Float64Array[]): number | null {
  if (classes === 2) return aucDefined(targets) ? rocAuc(targets, probabilities.map((p) => p[1] as number)) : null;
  return accuracy(targets, argmaxRows(probabilities));
}

function better(a: CandidateScore, b: CandidateScore): boolean {
  if (a.score !== null && b.score !== null && a.score !== b.score) return a.score > b.score;
  if (a.score !== null && b.score === null) return true;
  if (a.score === null && b.score !== null) return false;
  return a.logLoss < b.logLoss;
}

export function fitWithValidation(train: LabelledRows, validation: LabelledRows, options: { classes: number; grid?: readonly number[]; solver?: LbfgsOptions }): SelectedModel {
  const grid = [...(options.grid ?? DEFAULT_C_GRID)].sort((a, b) => a - b);
  if (grid.length === 0) throw new AppError('bad_request', 'the C grid is empty');
  if (validation.rows.length === 0) throw new AppError('bad_request', 'choosing C needs a non-empty validation split');
  let best: { model: LogisticModel; candidate: CandidateScore } | undefined;
  let previous: LogisticModel | undefined;
  const candidates: CandidateScore[] = [];
  for (const C of grid) {
    const model = fitLogistic(train.rows, train.targets, { C, classes: options.classes, ...(options.solver ? { solver: options.solver } : {}), ...(previous ? { init: previous } : {}) });
    const probabilities = predictProbabilities(model, validation.rows);
    const candidate = { C, score: validationScore(options.classes, validation.targets, probabilities), logLoss: meanLogLoss(validation.targets, probabilities), converged: model.converged };
    candidates.push(candidate);
    if (!best || better(candidate, best.candidate)) best = { model, candidate };
    previous = model;
  }
  const chosen = best as { model: LogisticModel; candidate: CandidateScore };
  return { model: chosen.model, C: chosen.candidate.C, candidates };
}
