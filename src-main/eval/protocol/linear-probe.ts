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
import { accuracy, argmaxRows } from '../metrics/accuracy';
import { bootstrapCi, pick, type ConfidenceInterval } from '../metrics/bootstrap';
import { aucDefined, rocAuc, rocCurve, type RocCurve } from '../metrics/roc-auc';
import { meanStd } from '../metrics/summary';
import { drawSubset, type Split } from '../splits';
import type { LabelTask, TaskExample } from '../tasks/task';

/** Feature vectors for the given study keys, in the same order (one Float32Array of the encoder's width each). */
export type Featurize = (keys: readonly string[]) => Promise<Float32Array[]> | Float32Array[];

export interface EncoderUnderTest {
  /** Row label in the results, e.g. 'ConVIRT', 'image-only (SimCLR)', 'random init'. */
  name: string;
  featurize: Featurize;
}

export interface ProbeOptions {
  /** Label fractions of the training split; [0.01, 0.1, 1] by default. */
  fractions?: readonly number[];
  /** Subset seeds per fraction; 5 by default (seeds 0..K-1). */
  seeds?: number;
  grid?: readonly number[];
  solver?: LbfgsOptions;
  bootstrap?: { resamples?: number; seed?: number };
  /** Called once per drawn subset, e.g. to record it in the library. */
  onSubset?: (fraction: number, seed: number, keys: readonly string[]) => void;
  onProgress?: (progress: { done: number; total: number; encoder: string; fraction: number; seed: number }) => void;
}

export type ProbeMetric = 'auc' | 'accuracy';

export interface ProbeRun {
  seed: number;
  trainSize: number;
  /** Chosen C per classifier (one, or one per observation for multi-label). */
  C: number[];
  value: number;
  /** Per-observation AUC for multi-label tasks (null where undefined on the test set); null for other tasks. */
  perClass: (number | null)[] | null;
}

export interface ProbeCell {
  encoder: string;
  fraction: number;
  metric: ProbeMetric;
  /** Binary tasks: the seed-0 run's ROC curve on the test set (for the ROC plot); null otherwise. */
  roc: RocCurve | null;
  runs: ProbeRun[];
  mean: number;
  std: number;
  ci: ConfidenceInterval;
}

export interface ProbeResult {
  protocol: string;
  task: { name: string; kind: LabelTask['kind']; classNames: readonly string[]; convention: string; excluded: Record<string, number> };
  split: { seed: number; train: number; val: number; test: number };
  fractions: number[];
  seeds: number;
  metric: ProbeMetric;
  encoders: string[];
  cells: ProbeCell[];
}

const DEFAULT_SOLVER: LbfgsOptions = { gradientTolerance: 1e-6, maxIterations: 1000 };

/** Test-set predictions of one run: scores per example (positive-class probability, or class probabilities). */
export type Predictions = Float64Array[];

function metricOf(task: LabelTask): ProbeMetric {
  return task.kind === 'multiclass' ? 'accuracy' : 'auc';
}

/** The metric on the test examples at `indices` (all when omitted); null where undefined. */
export function score(task: LabelTask, test: readonly TaskExample[], predictions: Predictions, indices?: Int32Array): { value: number | null; perClass: (number | null)[] | null } {
  const at = indices ?? Int32Array.from(test.keys());
  const examples = pick(test, at);
  const predicted = pick(predictions, at);
  if (task.kind === 'multiclass') return { value: accuracy(examples.map((e) => e.target as number), argmaxRows(predicted)), perClass: null };
  if (task.kind === 'binary') {
    const y = examples.map((e) => e.target as number);
    return { value: aucDefined(y) ? rocAuc(y, predicted.map((p) => p[1] as number)) : null, perClass: null };
  }
  const perClass = task.classNames.map((_, c) => {
    const kept = examples.flatMap((e, i) => ((e.target as readonly number[])[c] === -1 ? [] : [i]));
    const y = kept.map((i) => (examples[i]?.target as readonly number[])[c] as number);
    return aucDefined(y) ? rocAuc(y, kept.map((i) => predicted[i]?.[c] as number)) : null;
  });
  const defined = perClass.filter((v): v is number => v !== null);
  return { value: defined.length === 0 ? null : defined.reduce((a, b) => a + b, 0) / defined.length, perClass };
}

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

function stratumOf(task: LabelTask, test: readonly TaskExample[]): number[] | undefined {
  return task.kind === 'multilabel' ? undefined : test.map((e) => e.target as number);
}

export async function linearProbe(task: LabelTask, split: Split, encoders: readonly EncoderUnderTest[], options: ProbeOptions = {}): Promise<ProbeResult> {
  const fractions = [...(options.fractions ?? [0.01, 0.1, 1])];
  const seeds = options.seeds ?? 5;
  if (!Number.isInteger(seeds) || seeds < 1) throw new AppError('bad_request', `seeds must be a positive integer, got ${seeds}`);
  if (encoders.length === 0) throw new AppError('bad_request', 'linear probe: no encoders to evaluate');
  const byKey = new Map(task.examples.map((e) => [e.key, e]));
  const part = (keys: readonly string[]) => keys.map((k) => {
    const e = byKey.get(k);
    if (!e) throw new AppError('bad_request', `split names study ${k}, which the task '${task.name}' does not have`);
    return e;
  });
  const [train, val, test] = [part(split.train), part(split.val), part(split.test)];
  if (val.length === 0 || test.length === 0) throw new AppError('bad_request', 'linear probe: the validation and test splits must not be empty');

  const subsets = fractions.map((fraction) =>
    Array.from({ length: seeds }, (_, seed) => {
      const keys = drawSubset(task, train, fraction, seed);
      options.onSubset?.(fraction, seed, keys);
      return new Set(keys);
    }),
  );
  const metric = metricOf(task);
  const bootstrapSeed = options.bootstrap?.seed ?? 0;
  const total = encoders.length * fractions.length * seeds;
  let done = 0;
  const cells: ProbeCell[] = [];
  for (const encoder of encoders) {
    const keys = [...train, ...val, ...test].map((e) => e.key);
    const vectors = await encoder.featurize(keys);
    if (vectors.length !== keys.length) throw new AppError('bad_request', `encoder '${encoder.name}' returned ${vectors.length} feature vectors for ${keys.length} studies`);
    const features = new Map(keys.map((k, i) => [k, vectors[i] as Float32Array]));
    for (const [f, fraction] of fractions.entries()) {
      const runs: ProbeRun[] = [];
      const predictionsPerSeed: Predictions[] = [];
      // 100% is the same subset for every seed and training is deterministic: fit once.
      let cache: { key: string; predictions: Predictions; C: number[] } | undefined;
      for (let seed = 0; seed < seeds; seed++) {
        const subset = (subsets[f] as Set<string>[])[seed] as Set<string>;
        const trainSubset = train.filter((e) => subset.has(e.key));
        const cacheKey = [...subset].join('\n');
        const fitted = cache?.key === cacheKey ? cache : { key: cacheKey, ...runProbe(task, features, trainSubset, val, test, options) };
        cache = fitted;
        const scored = score(task, test, fitted.predictions);
        if (scored.value === null) throw new AppError('bad_request', `the test split of '${task.name}' lacks a class, so ${metric} is undefined; use another split seed`);
        runs.push({ seed, trainSize: trainSubset.length, C: fitted.C, value: scored.value, perClass: scored.perClass });
        predictionsPerSeed.push(fitted.predictions);
        options.onProgress?.({ done: ++done, total, encoder: encoder.name, fraction, seed });
      }
      const summary = meanStd(runs.map((r) => r.value));
      const strata = stratumOf(task, test);
      const ci = bootstrapCi(
        test.length,
        (indices) => {
          const values = predictionsPerSeed.map((p) => score(task, test, p, indices).value);
          return values.some((v) => v === null) ? null : (values as number[]).reduce((a, b) => a + b, 0) / values.length;
        },
        { seed: bootstrapSeed, ...(options.bootstrap?.resamples !== undefined ? { resamples: options.bootstrap.resamples } : {}), ...(strata ? { strata } : {}) },
      );
      const first = predictionsPerSeed[0] as Predictions;
      const roc = task.kind === 'binary' ? rocCurve(test.map((e) => e.target as number), first.map((p) => p[1] as number)) : null;
      cells.push({ encoder: encoder.name, fraction, metric, roc, runs, mean: summary.mean, std: summary.std, ci });
    }
  }
  return {
    protocol: `linear probe (frozen encoder, L2 logistic regression on standardised features, C in {${(options.grid ?? DEFAULT_C_GRID).join(', ')}} chosen on validation); ${metric === 'auc' ? (task.kind === 'multilabel' ? 'macro AUC' : 'AUC') : 'accuracy'} on the fixed test set; training labels ${fractions.map((x) => `${x * 100}%`).join(' / ')} stratified, ${seeds} seeds; mean ± sample std; 95% percentile bootstrap CI of the mean over the test set${task.kind === 'multilabel' ? '' : ' (stratified by class)'}`,
    task: { name: task.name, kind: task.kind, classNames: task.classNames, convention: task.convention, excluded: task.excluded },
    split: { seed: split.seed, train: train.length, val: val.length, test: test.length },
    fractions,
    seeds,
    metric,
    encoders: encoders.map((e) => e.name),
    cells,
  };
}
