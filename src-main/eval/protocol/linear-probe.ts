/**
 * The linear-evaluation protocol (ConVIRT, "How it is evaluated"): the encoder is
 * frozen; its features are computed once per study; a logistic regression is
 * trained on 1%, 10% and 100% of the training labels (stratified subsets, K seeds),
 * its L2 strength chosen on validation; the fixed test set is scored. Every encoder
 * goes through exactly the same splits, subsets, grid and metric.
 *
 * Metric: AUC for binary, macro AUC over observations for multi-label (uncertain
 * entries left out per observation), accuracy for multi-class. Each cell reports the
 * mean and sample std over seeds, and a 95% percentile bootstrap interval of that
 * mean, resampling the test set (stratified by class for single-label tasks).
 */
import { AppError } from '../../../src-shared/result';
import { fitWithValidation, DEFAULT_C_GRID } from '../linear/select-c';
import type { LbfgsOptions } from '../linear/lbfgs';
import { predictProbabilities } from '../linear/logistic';
import type { Split } from '../splits';
import type { LabelTask, TaskExample } from '../tasks/task';
import { evaluateCells, protocolResult, statisticsLine, type CellOptions, type Predictions, type ProbeResult } from './cells';

export { score, type Predictions, type ProbeCell, type ProbeMetric, type ProbeResult, type ProbeRun } from './cells';

/** Feature vectors for the given study keys, in the same order (one Float32Array of the encoder's width each). */
export type Featurize = (keys: readonly string[]) => Promise<Float32Array[]> | Float32Array[];

export interface EncoderUnderTest {
  /** Row label in the results, e.g. 'ConVIRT', 'image-only (SimCLR)', 'random init'. */
  name: string;
  featurize: Featurize;
}

export interface ProbeOptions extends CellOptions {
  grid?: readonly number[];
  solver?: LbfgsOptions;
}

const DEFAULT_SOLVER: LbfgsOptions = { gradientTolerance: 1e-6, maxIterations: 1000 };

/** Trains the probe on `train` (C chosen on `val`) and predicts `test`: one cell run, exported for checks against scikit-learn. */
export function runProbe(task: LabelTask, features: Map<string, Float32Array>, train: readonly TaskExample[], val: readonly TaskExample[], test: readonly TaskExample[], options: ProbeOptions): { predictions: Predictions; C: number[] } {
  const rowsOf = (examples: readonly TaskExample[]) => examples.map((e) => features.get(e.key) as Float32Array);
  const testRows = rowsOf(test);
  const fit = (trainSet: readonly TaskExample[], valSet: readonly TaskExample[], target: (e: TaskExample) => number, classes: number) =>
    fitWithValidation(
      { rows: rowsOf(trainSet), targets: trainSet.map(target) },
      { rows: rowsOf(valSet), targets: valSet.map(target) },
      { classes, grid: options.grid ?? DEFAULT_C_GRID, solver: options.solver ?? DEFAULT_SOLVER },
    );
  if (task.kind !== 'multilabel') {
    const selected = fit(train, val, (e) => e.target as number, task.classNames.length);
    return { predictions: predictProbabilities(selected.model, testRows), C: [selected.C] };
  }
  // One binary probe per observation, on the examples where it is not left out.
  const columns = task.classNames.map((_, c) => {
    const known = (e: TaskExample) => (e.target as readonly number[])[c] !== -1;
    const target = (e: TaskExample) => (e.target as readonly number[])[c] as number;
    const trainSet = train.filter(known);
    const positives = trainSet.filter((e) => target(e) === 1).length;
    // Without both classes in training there is nothing to learn: a constant score (AUC 0.5).
    if (positives === 0 || positives === trainSet.length) return { scores: testRows.map(() => 0.5), C: Number.NaN };
    const selected = fit(trainSet, val.filter(known), target, 2);
    return { scores: predictProbabilities(selected.model, testRows).map((p) => p[1] as number), C: selected.C };
  });
  const predictions = testRows.map((_, i) => Float64Array.from(columns, (col) => col.scores[i] as number));
  return { predictions, C: columns.map((col) => col.C) };
}

export async function linearProbe(task: LabelTask, split: Split, encoders: readonly EncoderUnderTest[], options: ProbeOptions = {}): Promise<ProbeResult> {
  const protocolEncoders = encoders.map((encoder) => ({
    name: encoder.name,
    async prepare(keys: readonly string[]) {
      const vectors = await encoder.featurize(keys);
      if (vectors.length !== keys.length) throw new AppError('bad_request', `encoder '${encoder.name}' returned ${vectors.length} feature vectors for ${keys.length} studies`);
      const features = new Map(keys.map((k, i) => [k, vectors[i] as Float32Array]));
      return (train: readonly TaskExample[], val: readonly TaskExample[], test: readonly TaskExample[]) => runProbe(task, features, train, val, test, options);
    },
  }));
  const evaluated = await evaluateCells(task, split, protocolEncoders, options);
  const line = `linear probe (frozen encoder, L2 logistic regression on standardised features, C in {${(options.grid ?? DEFAULT_C_GRID).join(', ')}} chosen on validation); ${statisticsLine(task, evaluated.fractions, evaluated.seeds)}`;
  return protocolResult('linear', line, task, split, evaluated, encoders);
}
