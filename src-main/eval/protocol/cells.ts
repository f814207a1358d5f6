/**
 * What every evaluation protocol shares (linear probe, fine-tuning): the split's
 * parts, the stratified training subsets per (fraction, seed), the metric on the
 * fixed test set, and each results-table cell (mean ± sample std over seeds, 95%
 * percentile bootstrap interval of that mean, seed-0 ROC curve). The protocols
 * differ only in how one (encoder, subset) is fitted, so both report numbers that
 * can be set side by side: same test set, same subsets, same statistics.
 */
import { AppError } from '../../../src-shared/result';
import { accuracy, argmaxRows } from '../metrics/accuracy';
import { bootstrapCi, pick, type ConfidenceInterval } from '../metrics/bootstrap';
import { aucDefined, rocAuc, rocCurve, type RocCurve } from '../metrics/roc-auc';
import { meanStd } from '../metrics/summary';
import { drawSubset, type Split } from '../splits';
import type { LabelTask, TaskExample } from '../tasks/task';

export type ProbeMetric = 'auc' | 'accuracy';

/** Which protocol produced a result: frozen encoder + logistic regression, or encoder and head trained together. */
export type EvalProtocolId = 'linear' | 'finetune';

export interface ProbeRun {
  seed: number;
  trainSize: number;
  /** Linear probe: chosen C per classifier (one, or one per observation for multi-label); empty for fine-tuning. */
  C: number[];
  /** Fine-tuning: the epoch (1-based) whose weights were kept, and the epochs trained before stopping. */
  bestEpoch?: number;
  epochs?: number;
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
  protocolId: EvalProtocolId;
  /** The protocol in words, stored with the result. */
  protocol: string;
  task: { name: string; kind: LabelTask['kind']; classNames: readonly string[]; convention: string; excluded: Record<string, number> };
  split: { seed: number; train: number; val: number; test: number };
  fractions: number[];
  seeds: number;
  metric: ProbeMetric;
  encoders: string[];
  cells: ProbeCell[];
}

/** Test-set predictions of one run: scores per example (positive-class probability, or class probabilities). */
export type Predictions = Float64Array[];

/** One fitted (encoder, subset): test predictions and what the protocol chose on validation. */
export interface CellFit {
  predictions: Predictions;
  C?: number[];
  bestEpoch?: number;
  epochs?: number;
}

export interface SubsetContext {
  fraction: number;
  seed: number;
}

/** Fits one training subset (validation picks the hyperparameters / the epoch) and predicts the test set. */
export type SubsetFitter = (train: readonly TaskExample[], val: readonly TaskExample[], test: readonly TaskExample[], context: SubsetContext) => Promise<CellFit> | CellFit;

export interface ProtocolEncoder {
  name: string;
  /** Called once per encoder with every study of the split (features computed, images loaded); returns its fitter. */
  prepare(keys: readonly string[]): Promise<SubsetFitter>;
}

export interface CellOptions {
  /** Label fractions of the training split; [0.01, 0.1, 1] by default. */
  fractions?: readonly number[];
  /** Subset seeds per fraction; 5 by default (seeds 0..K-1). */
  seeds?: number;
  bootstrap?: { resamples?: number; seed?: number };
  /** Called once per drawn subset, e.g. to record it in the library. */
  onSubset?: (fraction: number, seed: number, keys: readonly string[]) => void;
  onProgress?: (progress: { done: number; total: number; encoder: string; fraction: number; seed: number }) => void;
}

export function metricOf(task: Pick<LabelTask, 'kind'>): ProbeMetric {
  return task.kind === 'multiclass' ? 'accuracy' : 'auc';
}

/** 'AUC', 'macro AUC' or 'accuracy', for protocol lines and titles. */
export function metricName(task: Pick<LabelTask, 'kind'>): string {
  return metricOf(task) === 'auc' ? (task.kind === 'multilabel' ? 'macro AUC' : 'AUC') : 'accuracy';
}

/** The protocol line's tail shared by every protocol: metric, subsets, statistics. */
export function statisticsLine(task: Pick<LabelTask, 'kind'>, fractions: readonly number[], seeds: number): string {
  return `${metricName(task)} on the fixed test set; training labels ${fractions.map((x) => `${x * 100}%`).join(' / ')} stratified, ${seeds} seeds; mean ± sample std; 95% percentile bootstrap CI of the mean over the test set${task.kind === 'multilabel' ? '' : ' (stratified by class)'}`;
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

/** Class per test example for a stratified bootstrap; none for multi-label. */
export function strataOf(task: Pick<LabelTask, 'kind'>, test: readonly TaskExample[]): number[] | undefined {
  return task.kind === 'multilabel' ? undefined : test.map((e) => e.target as number);
}

/** The split's examples per part, checked against the task. */
export function splitParts(task: LabelTask, split: Split): { train: TaskExample[]; val: TaskExample[]; test: TaskExample[] } {
  const byKey = new Map(task.examples.map((e) => [e.key, e]));
  const part = (keys: readonly string[]) =>
    keys.map((k) => {
      const e = byKey.get(k);
      if (!e) throw new AppError('bad_request', `split names study ${k}, which the task '${task.name}' does not have`);
      return e;
    });
  const parts = { train: part(split.train), val: part(split.val), test: part(split.test) };
  if (parts.val.length === 0 || parts.test.length === 0) throw new AppError('bad_request', 'evaluation: the validation and test splits must not be empty');
  return parts;
}

/**
 * Every (encoder, fraction, seed) of the protocol. Subsets are drawn once, before
 * any encoder, so every encoder (and every protocol) sees the same ones. A subset
 * identical to the previous seed's (100%) is fitted once: fitting is deterministic.
 */
export async function evaluateCells(task: LabelTask, split: Split, encoders: readonly ProtocolEncoder[], options: CellOptions = {}): Promise<{ parts: ReturnType<typeof splitParts>; fractions: number[]; seeds: number; metric: ProbeMetric; cells: ProbeCell[] }> {
  const fractions = [...(options.fractions ?? [0.01, 0.1, 1])];
  const seeds = options.seeds ?? 5;
  if (!Number.isInteger(seeds) || seeds < 1) throw new AppError('bad_request', `seeds must be a positive integer, got ${seeds}`);
  if (encoders.length === 0) throw new AppError('bad_request', 'evaluation: no encoders to evaluate');
  const parts = splitParts(task, split);
  const { train, val, test } = parts;
  const subsets = fractions.map((fraction) =>
    Array.from({ length: seeds }, (_, seed) => {
      const keys = drawSubset(task, train, fraction, seed);
      options.onSubset?.(fraction, seed, keys);
      return new Set(keys);
    }),
  );
  const metric = metricOf(task);
  const total = encoders.length * fractions.length * seeds;
  let done = 0;
  const cells: ProbeCell[] = [];
  for (const encoder of encoders) {
    const fit = await encoder.prepare([...train, ...val, ...test].map((e) => e.key));
    for (const [f, fraction] of fractions.entries()) {
      const runs: ProbeRun[] = [];
      const predictionsPerSeed: Predictions[] = [];
      let cache: { key: string; fitted: CellFit } | undefined;
      for (let seed = 0; seed < seeds; seed++) {
        const subset = (subsets[f] as Set<string>[])[seed] as Set<string>;
        const trainSubset = train.filter((e) => subset.has(e.key));
        const cacheKey = [...subset].join('\n');
        const fitted = cache?.key === cacheKey ? cache.fitted : await fit(trainSubset, val, test, { fraction, seed });
        cache = { key: cacheKey, fitted };
        const scored = score(task, test, fitted.predictions);
        if (scored.value === null) throw new AppError('bad_request', `the test split of '${task.name}' lacks a class, so ${metric} is undefined; use another split seed`);
        runs.push({
          seed,
          trainSize: trainSubset.length,
          C: fitted.C ?? [],
          ...(fitted.bestEpoch !== undefined ? { bestEpoch: fitted.bestEpoch } : {}),
          ...(fitted.epochs !== undefined ? { epochs: fitted.epochs } : {}),
          value: scored.value,
          perClass: scored.perClass,
        });
        predictionsPerSeed.push(fitted.predictions);
        options.onProgress?.({ done: ++done, total, encoder: encoder.name, fraction, seed });
      }
      cells.push(summarizeCell(task, test, encoder.name, fraction, runs, predictionsPerSeed, options.bootstrap));
    }
  }
  return { parts, fractions, seeds, metric, cells };
}

function summarizeCell(task: LabelTask, test: readonly TaskExample[], encoder: string, fraction: number, runs: ProbeRun[], predictionsPerSeed: Predictions[], bootstrap: CellOptions['bootstrap']): ProbeCell {
  const summary = meanStd(runs.map((r) => r.value));
  const strata = strataOf(task, test);
  const ci = bootstrapCi(
    test.length,
    (indices) => {
      const values = predictionsPerSeed.map((p) => score(task, test, p, indices).value);
      return values.some((v) => v === null) ? null : (values as number[]).reduce((a, b) => a + b, 0) / values.length;
    },
    { seed: bootstrap?.seed ?? 0, ...(bootstrap?.resamples !== undefined ? { resamples: bootstrap.resamples } : {}), ...(strata ? { strata } : {}) },
  );
  const first = predictionsPerSeed[0] as Predictions;
  const roc = task.kind === 'binary' ? rocCurve(test.map((e) => e.target as number), first.map((p) => p[1] as number)) : null;
  return { encoder, fraction, metric: metricOf(task), roc, runs, mean: summary.mean, std: summary.std, ci };
}

/** The result of a protocol run from evaluateCells' output. */
export function protocolResult(protocolId: EvalProtocolId, protocol: string, task: LabelTask, split: Split, evaluated: Awaited<ReturnType<typeof evaluateCells>>, encoders: readonly { name: string }[]): ProbeResult {
  const { parts, fractions, seeds, metric, cells } = evaluated;
  return {
    protocolId,
    protocol,
    task: { name: task.name, kind: task.kind, classNames: task.classNames, convention: task.convention, excluded: task.excluded },
    split: { seed: split.seed, train: parts.train.length, val: parts.val.length, test: parts.test.length },
    fractions,
    seeds,
    metric,
    encoders: encoders.map((e) => e.name),
    cells,
  };
}
