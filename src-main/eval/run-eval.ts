/**
 * One evaluation run against a library: builds the task, draws and records the
 * split and subsets, runs the chosen protocol (linear probe on frozen features
 * computed or read back, or fine-tuning on the studies' images), adds a zero-shot
 * row per ConVIRT checkpoint on a binary task, records the run and its cells
 * (results-store.ts), and writes JSON, CSV and SVG outputs (write-then-rename,
 * so no half-written file).
 */
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Db } from '../db/connection';
import { AppError } from '../../src-shared/result';
import type { PromptPair } from '../search/zero-shot';
import { encoderConfig, loadImageEncoder, loadResNet, type ImageEncoderSpec } from './features/image-encoder';
import { studyFeaturizer, type FeatureProgress } from './features/study-features';
import { hasTextEncoder, zeroShotGaps } from './features/zero-shot-scores';
import type { FineTuneOptions } from './finetune/fine-tune';
import { loadStudyPixels } from './finetune/study-pixels';
import { splitParts, type EvalProtocolId } from './protocol/cells';
import { fineTuneProtocol, type FineTuneEncoder, type FineTuneProtocolOptions } from './protocol/fine-tune';
import { linearProbe, type EncoderUnderTest, type ProbeOptions, type ProbeResult } from './protocol/linear-probe';
import { taskPrompts, zeroShotRow, type ZeroShotRow } from './protocol/zero-shot';
import { imageToImageRetrieval, retrievalSets } from './protocol/retrieval';
import type { RetrievalPrecision } from './metrics/retrieval';
import { fractionLabel } from './report/results-table';
import { labelEfficiencyPlot, rocPlot } from './report/svg-plot';
import { resultsCsv } from './report/results-table';
import { splitByPatient } from './splits';
import { EVAL_RUN_KIND, recordEvalResult } from './results-store';
import { attachToLibrary, recordSplit, recordSubset } from './store';
import type { UncertaintyPolicy } from './tasks/conventions';
import { libraryTask } from './tasks/library-task';
import { chexpertTask, covidxTask, genericCsvTask, muraTask, rsnaPneumoniaTask } from './tasks/tables';
import type { LabelTask } from './tasks/task';

export type TableFormat = 'chexpert' | 'rsna' | 'covidx' | 'mura' | 'csv';

export interface EvalRequest {
  /** A label schema in the library, or the task name for a label table. */
  task: string;
  label?: string;
  table?: { path: string; format: TableFormat; policy?: UncertaintyPolicy };
  encoders: { name: string; spec: ImageEncoderSpec }[];
  /** 'linear' (default): frozen features + logistic regression; 'finetune': encoder and head trained together. */
  protocol?: EvalProtocolId;
  /**
   * Fine-tuning settings. imageSize: the input side for every encoder; by default a
   * checkpoint's own training size, and random init takes the first checkpoint's.
   */
  finetune?: FineTuneOptions & { imageSize?: number };
  /**
   * Zero-shot row per ConVIRT checkpoint on a binary task (default on), with the
   * task's prompts (zero-shot.ts taskPrompts) or the given pair; false: none.
   */
  zeroShot?: boolean | PromptPair;
  fractions?: number[];
  seeds?: number;
  splitSeed?: number;
  bootstrapResamples?: number;
  grid?: number[];
  /** Folder for <task>.json / .csv / .svg; nothing written when absent. */
  outDir?: string;
  /** Also image-to-image retrieval per encoder (Precision@5/10/50; queries and pool per category, CheXpert 8x200 style). */
  retrieval?: { queriesPerCategory?: number; poolPerCategory?: number; seed?: number };
  onFeatures?: (encoder: string, p: FeatureProgress) => void;
  onProgress?: ProbeOptions['onProgress'];
  /** Fine-tuning: after every epoch of every (encoder, fraction, seed). */
  onEpoch?: FineTuneProtocolOptions['onEpoch'];
  /** Fine-tuning: images read per encoder. */
  onPixels?: (encoder: string, p: { done: number; total: number }) => void;
  /** Called with the runs row's id as soon as it exists (a job reports it before the long part). */
  onRun?: (runId: number) => void;
}

export interface EncoderRetrieval {
  encoder: string;
  imageToImage: RetrievalPrecision;
}

export interface EvalOutcome {
  runId: number;
  result: ProbeResult;
  retrieval: EncoderRetrieval[];
  zeroShot: ZeroShotRow[];
  files: string[];
}

function tableTask(request: EvalRequest): LabelTask {
  const { path, format, policy } = request.table as NonNullable<EvalRequest['table']>;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new AppError('not_found', `cannot read label table ${path}: ${(cause as Error).message}`);
  }
  const name = basename(path);
  const task = (() => {
    switch (format) {
      case 'chexpert':
        return chexpertTask(text, name, { policy: policy ?? 'ignore' });
      case 'rsna':
        return rsnaPneumoniaTask(text, name);
      case 'covidx':
        return covidxTask(text, name);
      case 'mura':
        return muraTask(text, name);
      case 'csv':
        return genericCsvTask(text, name, { name: request.task, ...(policy ? { policy } : {}) });
    }
  })();
  return { ...task, name: request.task };
}

function writeAtomic(path: string, text: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/**
 * The encoders as the fine-tuning protocol builds them: a fresh ResNet per run
 * from the spec, images read once at the input size. Random init without a size
 * takes the first checkpoint's, so it is compared at the same resolution.
 */
function fineTuneEncoders(db: Db, libraryPath: string, request: EvalRequest): FineTuneEncoder[] {
  const firstCheckpoint = request.encoders.find((e) => e.spec.kind === 'checkpoint');
  const fallbackSize = request.finetune?.imageSize ?? (firstCheckpoint ? encoderConfig(firstCheckpoint.spec).image.size : undefined);
  return request.encoders.map(({ name, spec }) => {
    const sized: ImageEncoderSpec = spec.kind === 'random' && spec.imageSize === undefined && fallbackSize !== undefined ? { ...spec, imageSize: fallbackSize } : spec;
    const imageSize = request.finetune?.imageSize ?? encoderConfig(sized).image.size;
    return {
      name,
      imageSize,
      pixels: (keys) => loadStudyPixels(db, libraryPath, keys, imageSize, (p) => request.onPixels?.(name, p)),
      create: () => loadResNet(sized).resnet,
    };
  });
}

/** Runs the request's protocol (linear probe unless request.protocol says 'finetune'). */
export async function runEval(db: Db, libraryPath: string, request: EvalRequest): Promise<EvalOutcome> {
  const task = request.table ? attachToLibrary(db, tableTask(request)) : libraryTask(db, request.task, request.label);
  if (task.examples.length === 0) throw new AppError('bad_request', `task '${task.name}' has no labelled studies in this library`);
  const splitSeed = request.splitSeed ?? 0;
  const split = splitByPatient(task.examples, splitSeed);
  recordSplit(db, task, split);
  // Retrieval sets are drawn before the probe, so options that cannot work fail before the long part.
  const sets = request.retrieval ? retrievalSets(task, request.retrieval) : null;
  // Precision@k needs k candidates: a small pool drops the larger ks rather than failing.
  const ks = sets ? [5, 10, 50].filter((k) => k <= sets.pool.length) : [];
  if (sets && ks.length === 0) throw new AppError('bad_request', `retrieval: the candidate pool has ${sets.pool.length} images, fewer than 5`);
  const protocol = request.protocol ?? 'linear';
  const config = { task: task.name, convention: task.convention, protocol, encoders: request.encoders, fractions: request.fractions, seeds: request.seeds, splitSeed, grid: request.grid, ...(protocol === 'finetune' ? { finetune: request.finetune ?? {} } : {}) };
  const runId = Number(db.prepare("INSERT INTO runs (kind, config_json, status, started_at) VALUES (?, ?, 'running', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))").run(EVAL_RUN_KIND, JSON.stringify(config)).lastInsertRowid);
  request.onRun?.(runId);
  const encoders: EncoderUnderTest[] = request.encoders.map(({ name, spec }) => ({
    name,
    featurize: async (keys) => {
      const encoder = loadImageEncoder(spec);
      try {
        return await studyFeaturizer(db, libraryPath, encoder, { onProgress: (p) => request.onFeatures?.(name, p) })(keys);
      } finally {
        encoder.dispose();
      }
    },
  }));
  let result: ProbeResult;
  const retrieval: EncoderRetrieval[] = [];
  const zeroShot: ZeroShotRow[] = [];
  const bootstrap = { seed: 0, ...(request.bootstrapResamples !== undefined ? { resamples: request.bootstrapResamples } : {}) };
  try {
    const cellOptions = {
      ...(request.fractions ? { fractions: request.fractions } : {}),
      ...(request.seeds !== undefined ? { seeds: request.seeds } : {}),
      bootstrap,
      onSubset: (fraction: number, seed: number, keys: readonly string[]) => recordSubset(db, task.name, splitSeed, fraction, seed, keys),
      ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    };
    result =
      protocol === 'finetune'
        ? await fineTuneProtocol(task, split, fineTuneEncoders(db, libraryPath, request), { ...cellOptions, ...(request.finetune ? { training: request.finetune } : {}), ...(request.onEpoch ? { onEpoch: request.onEpoch } : {}) })
        : await linearProbe(task, split, encoders, { ...cellOptions, ...(request.grid ? { grid: request.grid } : {}) });
    if (task.kind === 'binary' && request.zeroShot !== false) {
      const prompts = typeof request.zeroShot === 'object' ? request.zeroShot : taskPrompts(task);
      const { test } = splitParts(task, split);
      for (const { name, spec } of request.encoders) {
        if (spec.kind !== 'checkpoint' || !hasTextEncoder(spec)) continue;
        const gaps = await zeroShotGaps(db, libraryPath, spec.path, test.map((e) => e.key), prompts);
        zeroShot.push(zeroShotRow(name, prompts, test, gaps, bootstrap));
      }
    }
    // Features are stored by now, so this reads them back rather than recomputing.
    if (sets) {
      for (const encoder of encoders) retrieval.push({ encoder: encoder.name, imageToImage: await imageToImageRetrieval(sets, encoder.featurize, ks) });
    }
    recordEvalResult(db, runId, result, retrieval, zeroShot);
  } catch (cause) {
    db.prepare("UPDATE runs SET status = 'failed', error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?").run((cause as Error).message, runId);
    throw cause;
  }
  const files: string[] = [];
  if (request.outDir) {
    mkdirSync(request.outDir, { recursive: true });
    const stem = join(request.outDir, task.name.replace(/[^A-Za-z0-9._-]/g, '_'));
    const outputs: [string, string][] = [
      [`${stem}.json`, `${JSON.stringify({ runId, ...result, retrieval, zeroShot }, null, 2)}\n`],
      [`${stem}.csv`, resultsCsv(result, zeroShot)],
      [`${stem}.svg`, labelEfficiencyPlot(result)],
    ];
    if (task.kind === 'binary') {
      // ROC curves at the largest fraction, one per encoder (seed 0).
      const fraction = Math.max(...result.fractions);
      const curves = [
        ...result.cells.filter((c) => c.fraction === fraction && c.roc).map((c) => ({ name: c.encoder, curve: c.roc as NonNullable<typeof c.roc>, auc: c.runs[0]?.value ?? Number.NaN })),
        ...zeroShot.map((z) => ({ name: `${z.encoder} (zero-shot)`, curve: z.roc, auc: z.value })),
      ];
      outputs.push([`${stem}-roc.svg`, rocPlot(`${task.name}: ROC at ${fractionLabel(fraction)} labels (seed 0)`, curves)]);
    }
    for (const [path, text] of outputs) {
      writeAtomic(path, text);
      files.push(path);
    }
  }
  return { runId, result, retrieval, zeroShot, files };
}

/** The name callers used while the linear probe was the only protocol. */
export const runLinearEval = runEval;
