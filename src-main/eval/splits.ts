/**
 * Patient-level train / validation / test splits and the label-fraction training
 * subsets of the protocol. Pure and seeded: the same examples and seed always give
 * the same sets, so any reported number can be reproduced from (split seed, fraction,
 * subset seed).
 */
import { AppError } from '../../src-shared/result';
import { mulberry32, shuffled } from './random';
import type { LabelTask, TaskExample } from './tasks/task';

export interface SplitFractions {
  train: number;
  val: number;
  test: number;
}

export const DEFAULT_SPLIT: SplitFractions = { train: 0.7, val: 0.1, test: 0.2 };

export interface Split {
  seed: number;
  fractions: SplitFractions;
  /** Example keys per part, in the task's example order. */
  train: string[];
  val: string[];
  test: string[];
}

/**
 * Patients are grouped by the class of their first example (single-label tasks;
 * one group for multi-label), each group's patients shuffled (from a sorted list,
 * so input order does not matter) and dealt whole to test, then validation, until
 * each holds its share of the group's examples; the rest train. So every class
 * with three or more patients appears in all three parts, and no patient appears
 * in two.
 */
export function splitByPatient(examples: readonly TaskExample[], seed: number, fractions: SplitFractions = DEFAULT_SPLIT): Split {
  const total = fractions.train + fractions.val + fractions.test;
  if (Math.abs(total - 1) > 1e-9 || fractions.test <= 0 || fractions.val <= 0 || fractions.train <= 0) {
    throw new AppError('bad_request', `split fractions must be positive and sum to 1, got ${fractions.train}/${fractions.val}/${fractions.test}`);
  }
  const byPatient = new Map<string, { count: number; stratum: number }>();
  for (const e of examples) {
    const entry = byPatient.get(e.patientKey) ?? { count: 0, stratum: typeof e.target === 'number' ? e.target : 0 };
    entry.count++;
    byPatient.set(e.patientKey, entry);
  }
  if (byPatient.size < 3) throw new AppError('bad_request', `splitting by patient needs at least 3 patients, found ${byPatient.size}`);
  const random = mulberry32(seed);
  const part = new Map<string, 'train' | 'val' | 'test'>();
  const strata = [...new Set([...byPatient.values()].map((p) => p.stratum))].sort((a, b) => a - b);
  for (const stratum of strata) {
    const patients = [...byPatient.keys()].filter((k) => byPatient.get(k)?.stratum === stratum).sort();
    const size = patients.reduce((a, k) => a + (byPatient.get(k)?.count ?? 0), 0);
    let test = 0;
    let val = 0;
    for (const patient of shuffled(patients, random)) {
      const count = byPatient.get(patient)?.count ?? 0;
      if (test < fractions.test * size) {
        part.set(patient, 'test');
        test += count;
      } else if (val < fractions.val * size) {
        part.set(patient, 'val');
        val += count;
      } else part.set(patient, 'train');
    }
  }
  const split: Split = { seed, fractions, train: [], val: [], test: [] };
  for (const e of examples) split[part.get(e.patientKey) as 'train' | 'val' | 'test'].push(e.key);
  if (split.train.length === 0) throw new AppError('bad_request', 'the split left no training examples; use more patients or a larger train fraction');
  return split;
}

/** Size of a fraction of n: rounded, at least 1. */
export function subsetSize(n: number, fraction: number): number {
  if (!(fraction > 0 && fraction <= 1)) throw new AppError('bad_request', `label fraction ${fraction} is outside (0, 1]`);
  return Math.max(1, Math.round(fraction * n));
}

/**
 * A stratified training subset of `fraction` of the training examples.
 * Single-label: each class keeps round(fraction x its count) examples, at least 1,
 * so every class is present. Multi-label: one random positive per class first (where
 * the class has any), then random examples up to round(fraction x n). Fraction 1 is
 * the whole training set. Returned keys keep the training order.
 */
export function drawSubset(task: Pick<LabelTask, 'kind' | 'classNames'>, train: readonly TaskExample[], fraction: number, seed: number): string[] {
  if (fraction === 1) return train.map((e) => e.key);
  const random = mulberry32(seed);
  const chosen = new Set<string>();
  if (task.kind !== 'multilabel') {
    task.classNames.forEach((_, c) => {
      const members = train.filter((e) => e.target === c);
      if (members.length === 0) return;
      for (const e of shuffled(members, random).slice(0, subsetSize(members.length, fraction))) chosen.add(e.key);
    });
  } else {
    task.classNames.forEach((_, c) => {
      const positives = train.filter((e) => (e.target as readonly number[])[c] === 1 && !chosen.has(e.key));
      const alreadyCovered = train.some((e) => chosen.has(e.key) && (e.target as readonly number[])[c] === 1);
      if (!alreadyCovered && positives.length > 0) chosen.add((shuffled(positives, random)[0] as TaskExample).key);
    });
    const size = subsetSize(train.length, fraction);
    for (const e of shuffled(train, random)) {
      if (chosen.size >= size) break;
      chosen.add(e.key);
    }
  }
  return train.filter((e) => chosen.has(e.key)).map((e) => e.key);
}
