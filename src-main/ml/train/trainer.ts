/**
 * The ConVIRT training loop: seeded and deterministic on a given backend,
 * every step inside tf.tidy, validation by patient after each epoch, early
 * stopping on the validation loss, checkpoints that let a killed run resume
 * and end with the same losses as an uninterrupted one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AppError } from '../../../src-shared/result';
import { mixSeed } from '../augment/rng';
import { convirtLoss, falseNegativeMask } from '../loss/convirt-loss';
import { ntXentLoss } from '../loss/nt-xent';
import { Adam } from '../optim/adam';
import { clipByGlobalNorm } from '../optim/clip';
import { learningRate } from '../optim/schedule';
import { initialProgress, latestCheckpoint, pruneCheckpoints, restoreCheckpoint, saveCheckpoint, type EpochRecord, type TrainProgress } from './checkpoint';
import type { TrainConfig } from './config';
import { afterValidation } from './early-stopping';
import { epochBatches, prefetchBatches, splitByPatient, validationBatches, type BatchViews, type PairSource, type ViewOptions } from './data';
import { AugmentPool, defaultAugmentThreads } from './augment-pool';
import { createConvirtModel, type ConvirtModel } from './model';
import { runPreStages, type PreStageEvent, type PreStageResult } from './pre-stages';

/** Turns texts into token ids and an attention mask, [N, maxTokens] each, row-major. */
export interface BatchTokenizer {
  encodeBatch(texts: readonly string[], maxTokens: number): { ids: Int32Array; mask: Int32Array };
}

export type TrainerEvent =
  | {
      type: 'step';
      epoch: number;
      /** Global step just finished (1-based) and the planned total. */
      step: number;
      totalSteps: number;
      loss: number;
      lr: number;
      pairsPerSecond: number;
      etaSeconds: number;
      stepMs: number;
      /** Time the step waited for its batch (loading + augmentation not hidden by prefetch). */
      dataWaitMs: number;
    }
  | { type: 'validation'; epoch: number; trainLoss: number; valLoss: number | null; improved: boolean }
  | { type: 'checkpoint'; path: string; epoch: number; step: number; best: boolean };

export interface TrainOptions {
  config: TrainConfig;
  source: PairSource;
  tokenizer: BatchTokenizer;
  runDir: string;
  /** Continue from the run's latest checkpoint when there is one. */
  resume?: boolean;
  /** Extra files saved in every checkpoint (the vocabulary). */
  checkpointFiles?: Record<string, string>;
  /** Report texts of the pairs, for text.mlmWarmup (a LibrarySource's reportTexts); held-out patients' reports must not be here. */
  reportTexts?: () => Iterable<string>;
  onEvent?: (event: TrainerEvent) => void;
  /** Progress of what runs before the contrastive stage: the MLM warm-up's steps, the image encoder's source. */
  onPreStage?: (event: PreStageEvent) => void;
  /** Polled after every step; true stops the run after a checkpoint. */
  shouldStop?: () => boolean;
  /** Worker threads augmenting ahead of the step; 0 augments inline. Default: every core but one. */
  augmentThreads?: number;
}

export interface TrainResult {
  status: 'done' | 'early-stopped' | 'cancelled';
  epochs: EpochRecord[];
  finalTrainLoss: number | null;
  finalValLoss: number | null;
  bestValLoss: number | null;
  /** The checkpoint to use: the best by validation loss, else the last. */
  checkpoint: string | null;
  lastCheckpoint: string | null;
  steps: number;
  /** Per-step losses of this process's steps (not those before a resume). */
  stepLosses: number[];
  /** What ran before the contrastive stage (init.imageFrom, text.mlmWarmup), as recorded when the run started. */
  imageInitFrom: string | null;
  mlmWarmup: PreStageResult['mlmWarmup'];
}

interface Step {
  model: ConvirtModel;
  adam: Adam;
  config: TrainConfig;
  tokenizer: BatchTokenizer;
}

/** Whether a run's loss needs a second augmented view of each image (SimCLR, or a hybrid image-image term). */
export function needsSecondView(config: TrainConfig): boolean {
  return config.method === 'simclr' || config.loss.imageWeight > 0;
}

/**
 * Tensors of one batch: images [N, S, S, 1] (or [2N, S, S, 1]: the first views,
 * then the second views, when the loss needs two), ids and mask [N, T],
 * optional false-negative mask [N, N].
 */
function batchTensors(s: Step, batch: BatchViews) {
  const n = batch.views.length;
  const size = s.config.image.size;
  const two = needsSecondView(s.config);
  const pixels = new Float32Array((two ? 2 : 1) * n * size * size);
  batch.views.forEach((v, i) => {
    pixels.set(v.image, i * size * size);
    if (two) {
      if (!v.image2) throw new AppError('internal', 'the batch lacks the second image views its loss needs');
      pixels.set(v.image2, (n + i) * size * size);
    }
  });
  const { ids, mask } = s.tokenizer.encodeBatch(
    batch.views.map((v) => v.text),
    s.config.text.maxTokens,
  );
  const t = s.config.text.maxTokens;
  return {
    images: tf.tensor4d(pixels, [(two ? 2 : 1) * n, size, size, 1]),
    ids: tf.tensor2d(ids, [n, t], 'int32'),
    mask: tf.tensor2d(mask, [n, t], 'int32'),
    falseNegatives: s.config.loss.maskFalseNegatives
      ? tf.tensor2d(falseNegativeMask(batch.views.map((v) => v.patientKey), batch.views.map((v) => v.text)))
      : undefined,
  };
}

/**
 * The run's loss on one batch. Both image views go through the encoder in one
 * [2N] forward, so BatchNorm normalises them together, as SimCLR does.
 */
function lossOf(s: Step, batch: BatchViews, training: boolean, dropoutSeed?: number): tf.Scalar {
  const { images, ids, mask, falseNegatives } = batchTensors(s, batch);
  const n = batch.views.length;
  const { loss } = s.config;
  if (s.config.method === 'simclr') {
    const z = s.model.embedImages(images, training);
    return ntXentLoss(tf.slice(z, [0, 0], [n, -1]), tf.slice(z, [n, 0], [n, -1]), loss.tau);
  }
  const { v: vAll, u } = s.model.forward(images, ids, mask, training, dropoutSeed);
  const v = loss.imageWeight > 0 ? tf.slice(vAll, [0, 0], [n, -1]) : vAll;
  const imageText = convirtLoss(v, u, { lambda: loss.lambda, tau: s.model.tau(), ...(falseNegatives ? { falseNegativeMask: falseNegatives } : {}) });
  if (loss.imageWeight === 0) return imageText;
  const imageImage = ntXentLoss(v, tf.slice(vAll, [n, 0], [n, -1]), loss.tau);
  return tf.add(tf.mul(imageText, 1 - loss.imageWeight), tf.mul(imageImage, loss.imageWeight)) as tf.Scalar;
}

/** Dropout seed of a global step: a pure function of (seed, step), never 0 (tfjs's "unseeded"). */
export function dropoutSeedFor(seed: number, step: number): number {
  return (mixSeed(seed, 0xd509, step) % 1_000_000) + 1;
}

/** One optimiser step (global step `step`, 0-based), all intermediates freed; returns the batch loss. */
export function trainStep(s: Step, batch: BatchViews, lr: number, step: number): number {
  const loss = tf.tidy(() => {
    const variables = [...s.model.trainable.values()];
    const { value, grads: byVariable } = tf.variableGrads(() => lossOf(s, batch, true, dropoutSeedFor(s.config.seed, step)), variables);
    let grads: Record<string, tf.Tensor> = {};
    for (const [name, variable] of s.model.trainable) grads[name] = byVariable[variable.name]!;
    if (s.config.optimizer.clipNorm !== null) grads = clipByGlobalNorm(grads, s.config.optimizer.clipNorm).grads;
    s.adam.apply(s.model.trainable, grads, lr);
    return value;
  });
  const value = loss.dataSync()[0]!;
  loss.dispose();
  if (!Number.isFinite(value)) throw new AppError('internal', `training diverged: the loss became ${value}`);
  return value;
}

/** Mean loss over the validation batches (eval mode, no augmentation); null without validation data. */
async function validationLoss(s: Step, source: PairSource, batches: number[][], views: ViewOptions, pool: AugmentPool | null): Promise<number | null> {
  if (batches.length === 0) return null;
  let sum = 0;
  for await (const batch of prefetchBatches(source, batches, 'validation', views, pool)) {
    const loss = tf.tidy(() => lossOf(s, batch, false));
    sum += loss.dataSync()[0]!;
    loss.dispose();
  }
  return sum / batches.length;
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  const { config, source, runDir } = options;
  const emit = options.onEvent ?? (() => undefined);
  const model = createConvirtModel(config);
  const threads = options.augmentThreads ?? defaultAugmentThreads();
  const pool = threads > 0 ? new AugmentPool(threads) : null;
  const adam = new Adam({ lr: config.optimizer.lr, beta1: config.optimizer.beta1, beta2: config.optimizer.beta2, eps: config.optimizer.eps, weightDecay: config.optimizer.weightDecay });
  try {
    const resumeFrom = options.resume ? latestCheckpoint(runDir) : null;
    const progress: TrainProgress = resumeFrom ? restoreCheckpoint(resumeFrom, model, adam) : initialProgress();
    if (!resumeFrom) {
      const reportTexts = options.reportTexts ?? (source as { reportTexts?: () => Iterable<string> }).reportTexts?.bind(source);
      const prepared = await runPreStages(model, { runDir, tokenizer: options.tokenizer, reportTexts, checkpointFiles: options.checkpointFiles, onEvent: options.onPreStage ?? (() => undefined), shouldStop: options.shouldStop });
      // Stopped inside the warm-up: no checkpoint, so a resume starts the run (and its warm-up) afresh.
      if (prepared.cancelled) {
        return { status: 'cancelled', epochs: [], finalTrainLoss: null, finalValLoss: null, bestValLoss: null, checkpoint: null, lastCheckpoint: null, steps: 0, stepLosses: [], imageInitFrom: prepared.imageInitFrom, mlmWarmup: null };
      }
      progress.imageInitFrom = prepared.imageInitFrom;
      progress.mlmWarmup = prepared.mlmWarmup;
    }
    // A finished run resumed with more epochs (--epochs) goes on; an early-stopped one stays stopped.
    if (progress.finished === 'epochs' && progress.epoch < config.epochs) progress.finished = null;
    let lastCheckpoint = resumeFrom;
    const step: Step = { model, adam, config, tokenizer: options.tokenizer };
    const split = splitByPatient(source, config.validation.fraction, config.seed);
    const views: ViewOptions = { seed: config.seed, imageSize: config.image.size, augment: config.image.augment, sampling: config.text.sampling, secondView: needsSecondView(config) };
    const valBatches = validationBatches(split.validation, config.batchSize);
    const stepsPerEpoch = epochBatches(split.train, config.batchSize, config.seed, 0).length;
    const totalSteps = stepsPerEpoch * config.epochs;
    const stepLosses: number[] = [];
    let rateWindow: { t: number; pairs: number }[] = [];

    const checkpoint = (best: boolean): string => {
      const path = saveCheckpoint(runDir, model, adam, progress, options.checkpointFiles);
      lastCheckpoint = path;
      if (best) progress.bestCheckpoint = path;
      pruneCheckpoints(runDir, config.keepCheckpoints, progress.bestCheckpoint);
      emit({ type: 'checkpoint', path, epoch: progress.epoch, step: progress.globalStep, best });
      return path;
    };

    let cancelled = false;
    while (progress.finished === null && progress.epoch < config.epochs && !cancelled) {
      const epoch = progress.epoch;
      const batches = epochBatches(split.train, config.batchSize, config.seed, epoch).slice(progress.batchInEpoch);
      let waitStart = performance.now();
      for await (const batch of prefetchBatches(source, batches, epoch, views, pool)) {
        const started = performance.now();
        const lr = learningRate(config.optimizer.schedule, config.optimizer.lr, progress.globalStep, totalSteps);
        const loss = trainStep(step, batch, lr, progress.globalStep);
        const finished = performance.now();
        stepLosses.push(loss);
        progress.globalStep += 1;
        progress.batchInEpoch += 1;
        progress.epochLossSum += loss;
        progress.epochLossCount += 1;
        rateWindow = [...rateWindow, { t: finished, pairs: batch.views.length }].slice(-20);
        const span = (finished - rateWindow[0]!.t) / 1000;
        const pairsPerSecond = span > 0 ? rateWindow.slice(1).reduce((a, r) => a + r.pairs, 0) / span : batch.views.length / ((finished - started) / 1000);
        emit({
          type: 'step',
          epoch,
          step: progress.globalStep,
          totalSteps,
          loss,
          lr,
          pairsPerSecond,
          etaSeconds: ((totalSteps - progress.globalStep) * config.batchSize) / Math.max(pairsPerSecond, 1e-9),
          stepMs: finished - started,
          dataWaitMs: started - waitStart,
        });
        // Let messages in and out (progress to a parent, a cancel request) before the next step.
        await new Promise((resolve) => setImmediate(resolve));
        if (options.shouldStop?.()) {
          cancelled = true;
          break;
        }
        if (config.checkpointEverySteps !== null && progress.globalStep % config.checkpointEverySteps === 0 && progress.batchInEpoch < stepsPerEpoch) checkpoint(false);
        waitStart = performance.now();
      }
      if (cancelled) break;
      const trainLoss = progress.epochLossSum / Math.max(1, progress.epochLossCount);
      const valLoss = await validationLoss(step, source, valBatches, views, pool);
      progress.history.push({ epoch, trainLoss, valLoss });
      const { state: stopping, improved, stop } = afterValidation(
        { bestValLoss: progress.bestValLoss, smoothedValLoss: progress.smoothedValLoss ?? null, bestSmoothedValLoss: progress.bestSmoothedValLoss ?? null, epochsWithoutImprovement: progress.epochsWithoutImprovement },
        valLoss,
        epoch + 1,
        config.earlyStopping,
      );
      Object.assign(progress, stopping);
      emit({ type: 'validation', epoch, trainLoss, valLoss, improved });
      progress.epoch += 1;
      progress.batchInEpoch = 0;
      progress.epochLossSum = 0;
      progress.epochLossCount = 0;
      if (stop) progress.finished = 'early-stopped';
      else if (progress.epoch >= config.epochs) progress.finished = 'epochs';
      checkpoint(improved || (valLoss === null && progress.finished !== null));
    }
    if (cancelled) checkpoint(false);

    const last = progress.history.at(-1) ?? null;
    return {
      status: cancelled ? 'cancelled' : progress.finished === 'early-stopped' ? 'early-stopped' : 'done',
      epochs: progress.history,
      finalTrainLoss: last?.trainLoss ?? null,
      finalValLoss: last?.valLoss ?? null,
      bestValLoss: progress.bestValLoss,
      checkpoint: progress.bestCheckpoint ?? lastCheckpoint,
      lastCheckpoint,
      steps: progress.globalStep,
      stepLosses,
      imageInitFrom: progress.imageInitFrom ?? null,
      mlmWarmup: progress.mlmWarmup ?? null,
    };
  } finally {
    adam.dispose();
    model.dispose();
    await pool?.close();
  }
}
