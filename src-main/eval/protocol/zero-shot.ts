/**
 * Zero-shot classification from text prompts, an extra row of a binary task's
 * evaluation (CheXzero-style, on ConVIRT's joint space): each test study's score
 * is its cosine with the positive prompt minus its cosine with the negative one
 * (search/zero-shot.ts's promptGap); the row is the AUC of that score on the
 * same fixed test set as the other rows, with the same stratified bootstrap
 * interval. No label is used to make the scores; the test labels only grade them.
 */
import { AppError } from '../../../src-shared/result';
import { promptsFor, type PromptPair } from '../../search/zero-shot';
import { bootstrapCi, pick, type ConfidenceInterval } from '../metrics/bootstrap';
import { rocAuc, rocCurve, type RocCurve } from '../metrics/roc-auc';
import type { LabelTask, TaskExample } from '../tasks/task';
import { strataOf } from './cells';

export interface ZeroShotRow {
  encoder: string;
  prompts: PromptPair;
  metric: 'auc';
  value: number;
  ci: ConfidenceInterval;
  roc: RocCurve;
  /** Test studies scored. */
  test: number;
}

/**
 * The prompts of a binary task: its positive class named as a report would
 * ("covid-19" / "no covid-19"); a positive / negative task (a CheXpert observation)
 * takes the observation from its name (`CheXpert/Edema` -> "edema").
 */
export function taskPrompts(task: Pick<LabelTask, 'name' | 'kind' | 'classNames'>): PromptPair {
  if (task.kind !== 'binary') throw new AppError('bad_request', `zero-shot prompts need a binary task; '${task.name}' is ${task.kind}`);
  const positive = task.classNames[1] as string;
  const observation = positive.toLowerCase() === 'positive' ? (task.name.split('/').pop() as string) : positive;
  return promptsFor(observation);
}

/** gaps: one score per test example, in test order. */
export function zeroShotRow(encoder: string, prompts: PromptPair, test: readonly TaskExample[], gaps: readonly number[], bootstrap: { seed?: number; resamples?: number } = {}): ZeroShotRow {
  if (gaps.length !== test.length) throw new AppError('bad_request', `zero-shot: ${gaps.length} scores for ${test.length} test studies`);
  const labels = test.map((e) => e.target as number);
  const strata = strataOf({ kind: 'binary' }, test) as number[];
  const ci = bootstrapCi(test.length, (indices) => rocAuc(pick(labels, indices), pick(gaps, indices)), {
    seed: bootstrap.seed ?? 0,
    strata,
    ...(bootstrap.resamples !== undefined ? { resamples: bootstrap.resamples } : {}),
  });
  return { encoder, prompts, metric: 'auc', value: rocAuc(labels, gaps), ci, roc: rocCurve(labels, gaps), test: test.length };
}
