/**
 * One fine-tuning run (the paper's second protocol): encoder and linear head
 * trained together with Adam on augmented training images, BatchNorm on batch
 * statistics while training and on running statistics for validation and test;
 * after each epoch the validation metric decides early stopping, and the best
 * epoch's weights (BatchNorm statistics included) are restored before the test
 * set is predicted. Pure computation on images already in memory: no I/O.
 *
 * A study with several images counts each image as a training sample with the
 * study's label; its prediction is the mean of its images' probabilities.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AppError } from '../../../src-shared/result';
import { ImageAugmentConfig, applyImageAugment, sampleImageAugment } from '../../ml/augment/image-augment';
import type { GrayImage } from '../../ml/augment/image';
import { Rng, mixSeed } from '../../ml/augment/rng';
import { Adam, TORCH_ADAM_DEFAULTS } from '../../ml/optim/adam';
import { encoderInput } from '../features/image-encoder';
import type { Predictions } from '../protocol/cells';
import type { FineTuneClassifier } from './classifier';
import { INITIAL_EARLY_STOPPING, afterEpoch, type EpochScore } from './early-stopping';

/**
 * The demo recipe's mild augmentation (src-main/demo/recipe.ts, measured there):
 * small crops, shifts, rotations and intensity changes, no horizontal flip (a
 * heart on the right is not a chest radiograph).
 */
export const MILD_AUGMENT: ImageAugmentConfig = ImageAugmentConfig.parse({
  cropScale: [0.85, 1],
  cropRatio: [0.9, 1.1],
  flipProbability: 0,
  rotationDegrees: 5,
  translate: 0.03,
  brightness: [0.9, 1.1],
  contrast: [0.9, 1.1],
  blurSigma: [0.1, 1.0],
});

export interface FineTuneOptions {
  /** Epoch cap; 20 by default. */
  maxEpochs?: number;
  /** Epochs without a better validation metric before stopping; 3 by default. */
  patience?: number;
  batchSize?: number;
  /** Adam learning rate for encoder and head; 1e-4 by default. */
  lr?: number;
  weightDecay?: number;
  /** Seeds the data order and the augmentations. */
  seed?: number;
  augment?: ImageAugmentConfig;
}

export interface FineTuneExample {
  /** The study's images, each size x size, values in [0, 1]. */
  images: readonly GrayImage[];
  /** Class index, or one entry per observation (1 / 0 / -1 left out). */
  target: number | readonly number[];
}

export interface EpochLog extends EpochScore {
  maxEpochs: number;
  trainLoss: number;
  improved: boolean;
  seconds: number;
}

export interface FineTuneOutcome {
  /** Test predictions with the best epoch's weights, one row per test example. */
  predictions: Predictions;
  bestEpoch: number;
  history: EpochLog[];
}

export const FINETUNE_DEFAULTS = { maxEpochs: 20, patience: 3, batchSize: 16, lr: 1e-4, weightDecay: 1e-6, seed: 0 } as const;

function targetTensor(model: FineTuneClassifier, targets: readonly (number | readonly number[])[]): tf.Tensor {
  if (model.kind !== 'multilabel') return tf.tensor1d(targets as number[], 'int32');
  return tf.tensor2d(targets.flatMap((t) => [...(t as readonly number[])]), [targets.length, model.outputs], 'float32');
}

/** Per-example probabilities (mean over each example's images) and the mean loss per image, in eval mode. */
export function predictExamples(model: FineTuneClassifier, examples: readonly FineTuneExample[], size: number, batchSize: number): { predictions: Predictions; loss: number } {
  const samples = examples.flatMap((e, i) => e.images.map((image) => ({ example: i, image })));
  const predictions = examples.map(() => new Float64Array(model.outputs));
  let lossSum = 0;
  for (let start = 0; start < samples.length; start += batchSize) {
    const batch = samples.slice(start, start + batchSize);
    const [probabilities, loss] = tf.tidy(() => {
      const x = tf.tensor4d(encoderInput(batch.map((s) => s.image), size), [batch.length, size, size, 1]);
      const logits = model.logits(x, false);
      return [model.probabilities(logits).dataSync(), model.loss(logits, targetTensor(model, batch.map((s) => (examples[s.example] as FineTuneExample).target))).dataSync()[0] as number];
    });
    lossSum += loss * batch.length;
    batch.forEach((s, n) => {
      const row = predictions[s.example] as Float64Array;
      const share = 1 / (examples[s.example] as FineTuneExample).images.length;
      for (let c = 0; c < model.outputs; c++) row[c] = (row[c] as number) + (probabilities[n * model.outputs + c] as number) * share;
    });
  }
  return { predictions, loss: samples.length === 0 ? Number.NaN : lossSum / samples.length };
}

/** Shuffled training batches of (example, image) samples; a last batch of one is dropped when there are others (BatchNorm needs two). */
function epochBatches(examples: readonly FineTuneExample[], batchSize: number, rng: Rng): { example: number; image: number }[][] {
  const samples = rng.shuffle(examples.flatMap((e, i) => e.images.map((_, j) => ({ example: i, image: j }))));
  const batches: { example: number; image: number }[][] = [];
  for (let start = 0; start < samples.length; start += batchSize) batches.push(samples.slice(start, start + batchSize));
  if (batches.length > 1 && batches[batches.length - 1]?.length === 1) batches.pop();
  return batches;
}

/**
 * Trains `model` in place. validationMetric scores validation predictions (AUC,
 * accuracy; null where undefined). On return the model holds the best epoch's weights.
 */
export function fineTune(
  model: FineTuneClassifier,
  data: { train: readonly FineTuneExample[]; val: readonly FineTuneExample[]; test: readonly FineTuneExample[] },
  size: number,
  validationMetric: (predictions: Predictions) => number | null,
  options: FineTuneOptions = {},
  onEpoch?: (log: EpochLog) => void,
): FineTuneOutcome {
  const o = { ...FINETUNE_DEFAULTS, ...options };
  if (!Number.isInteger(o.maxEpochs) || o.maxEpochs < 1) throw new AppError('bad_request', `fine-tuning: maxEpochs must be a positive integer, got ${o.maxEpochs}`);
  if (data.train.length === 0) throw new AppError('bad_request', 'fine-tuning: no training examples');
  const augment = options.augment ?? MILD_AUGMENT;
  const rng = new Rng(mixSeed(o.seed, 0xf17e));
  const adam = new Adam({ ...TORCH_ADAM_DEFAULTS, lr: o.lr, weightDecay: o.weightDecay });
  const variables = [...model.trainable.values()];
  const history: EpochLog[] = [];
  let stopping = INITIAL_EARLY_STOPPING;
  let best: Map<string, tf.Tensor> | null = null;
  try {
    for (let epoch = 1; epoch <= o.maxEpochs; epoch++) {
      const started = Date.now();
      let lossSum = 0;
      let seen = 0;
      for (const batch of epochBatches(data.train, o.batchSize, rng)) {
        // [B, S, S, 1]: each sample augmented with its own draw, as the pretraining views are.
        const views = batch.map(({ example, image }) => {
          const source = (data.train[example] as FineTuneExample).images[image] as GrayImage;
          return applyImageAugment(source, sampleImageAugment(rng, augment, source.width, source.height), size);
        });
        const loss = tf.tidy(() => {
          const x = tf.tensor4d(encoderInput(views, size), [batch.length, size, size, 1]);
          const y = targetTensor(model, batch.map((s) => (data.train[s.example] as FineTuneExample).target));
          const { value, grads } = tf.variableGrads(() => model.loss(model.logits(x, true), y), variables);
          const byName: Record<string, tf.Tensor> = {};
          for (const [name, variable] of model.trainable) if (grads[variable.name]) byName[name] = grads[variable.name] as tf.Tensor;
          adam.apply(model.trainable, byName);
          return value;
        });
        const value = loss.dataSync()[0] as number;
        loss.dispose();
        if (!Number.isFinite(value)) throw new AppError('internal', `fine-tuning diverged at epoch ${epoch}: the loss became ${value}; try a lower learning rate`);
        lossSum += value * batch.length;
        seen += batch.length;
      }
      const validation = predictExamples(model, data.val, size, o.batchSize);
      const score: EpochScore = { epoch, metric: validationMetric(validation.predictions), loss: validation.loss };
      const step = afterEpoch(stopping, score, o);
      stopping = step.state;
      if (step.improved) {
        for (const t of best?.values() ?? []) t.dispose();
        best = model.snapshot();
      }
      const log: EpochLog = { ...score, maxEpochs: o.maxEpochs, trainLoss: seen > 0 ? lossSum / seen : Number.NaN, improved: step.improved, seconds: (Date.now() - started) / 1000 };
      history.push(log);
      onEpoch?.(log);
      if (step.stop) break;
    }
    model.restore(best as Map<string, tf.Tensor>);
    return { predictions: predictExamples(model, data.test, size, o.batchSize).predictions, bestEpoch: stopping.best?.epoch as number, history };
  } finally {
    for (const t of best?.values() ?? []) t.dispose();
    adam.dispose();
  }
}
