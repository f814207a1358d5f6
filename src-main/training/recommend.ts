/**
 * The one-click pretraining recipe: from the backend this machine would train
 * on, its cores, and how many report-paired images the library holds, choose
 * a preset, image size, batch and epochs, estimate the time, and say why in
 * one line. Pure: the service gathers the facts, this decides.
 */
import type { BackendName } from '../../src-shared/contract/system';
import type { Recommendation } from '../../src-shared/contract/training';
import { presetConfig, type TrainConfig } from '../ml/train/config';

export interface RecommendFacts {
  backend: BackendName;
  device: string;
  cores: number;
  /** Report-paired images with a readable image. */
  pairs: number;
  patients: number;
}

/** Fewer pairs than this give a validation split and batches too small to learn from. */
export const MIN_PAIRS = 8;

/**
 * Below this many pairs the one-click default is the small-data preset: with
 * a few hundred to a few thousand reports a text encoder trained from scratch
 * under the paper's recipe barely leaves its starting loss, and the image
 * encoder it yields is no better than random (issue "Label efficiency").
 */
export const SMALL_LIBRARY_PAIRS = 5000;

/**
 * The small-data preset's hybrid loss runs the image encoder on two views per
 * pair; the text side is unchanged, so a step costs about 1.6 times a plain one
 * (an estimate from the image encoder's share of a cpu-small step).
 */
const SECOND_VIEW_COST = 1.6;

interface Recipe {
  preset: 'paper' | 'cpu-small' | 'small-data';
  imageSize: number;
  maxBatch: number;
  /** Optimiser steps to aim for; epochs follow from the data size. */
  targetSteps: number;
  minEpochs: number;
  maxEpochs: number;
  /** Longest run this recipe plans for, seconds (epochs are cut to fit). */
  budgetSeconds: number;
  /** Training pairs per second at `imageSize` with `maxBatch`. */
  pairsPerSecond: number;
}

/**
 * Throughput per backend. wasm: measured, cpu-small at 128 px, batch 16 on this
 * project's 2-core reference machine (bench-results/train.json: 18.3 pairs/s);
 * it runs one thread under Node, so more cores do not change it. The others
 * are estimates: libtensorflow on the CPU spreads each op over every core (13
 * pairs/s per two cores), plain JavaScript is about ten times slower than wasm
 * (5 pairs/s at 64 px, a quarter of the pixels), and a CUDA GPU runs the
 * paper's ResNet-50 + BERT-base at 224 px near 60 pairs/s.
 */
function recipeFor(backend: BackendName, cores: number): Recipe {
  const hour = 3600;
  switch (backend) {
    case 'tensorflow-gpu':
      return { preset: 'paper', imageSize: 224, maxBatch: 32, targetSteps: 20_000, minEpochs: 10, maxEpochs: 100, budgetSeconds: 24 * hour, pairsPerSecond: 60 };
    case 'tensorflow':
      return { preset: 'cpu-small', imageSize: 128, maxBatch: 16, targetSteps: 3000, minEpochs: 5, maxEpochs: 30, budgetSeconds: 8 * hour, pairsPerSecond: 13 * Math.max(1, cores / 2) };
    case 'wasm':
      return { preset: 'cpu-small', imageSize: 128, maxBatch: 16, targetSteps: 3000, minEpochs: 5, maxEpochs: 30, budgetSeconds: 8 * hour, pairsPerSecond: 18 };
    case 'cpu':
      return { preset: 'cpu-small', imageSize: 64, maxBatch: 8, targetSteps: 1000, minEpochs: 3, maxEpochs: 20, budgetSeconds: 8 * hour, pairsPerSecond: 5 };
  }
}

/**
 * The small-data preset on this machine: the CPU recipes' image size, batch
 * and budget, slowed by the second image view; on a GPU its small encoders
 * run at 224 px (an estimate: several times the paper model's 60 pairs/s,
 * halved for the second view).
 */
function smallDataRecipeFor(backend: BackendName, cores: number): Recipe {
  if (backend === 'tensorflow-gpu') {
    return { preset: 'small-data', imageSize: 224, maxBatch: 32, targetSteps: 3000, minEpochs: 10, maxEpochs: 100, budgetSeconds: 8 * 3600, pairsPerSecond: 120 };
  }
  const base = recipeFor(backend, cores);
  return { ...base, preset: 'small-data', pairsPerSecond: base.pairsPerSecond / SECOND_VIEW_COST };
}

const BACKEND_LABEL: Record<BackendName, string> = {
  'tensorflow-gpu': 'the GPU (TensorFlow CUDA)',
  tensorflow: 'TensorFlow on the CPU',
  wasm: 'WebAssembly',
  cpu: 'plain JavaScript (slow: install @tensorflow/tfjs-node)',
};

/** Largest power of two not above x (at least 1). */
function powerOfTwoFloor(x: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(1, x)));
}

export function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  const hours = seconds / 3600;
  return hours < 10 ? `${hours.toFixed(1)} h` : `${Math.round(hours)} h`;
}

function modelWords(config: TrainConfig): string {
  const width = config.image.encoder.widthMultiplier === 1 ? '' : ` ×${config.image.encoder.widthMultiplier}`;
  const text = config.text.numLayers === 12 && config.text.hiddenSize === 768 ? 'BERT-base' : `${config.text.numLayers}-layer transformer`;
  return `ResNet-${config.image.encoder.depth}${width} + ${text}`;
}

/** The preset for a library of this size on this backend, and why, in one sentence. */
export function chooseRecipe(pairs: number, backend: BackendName): { preset: Recipe['preset']; reason: string } {
  const size = `${pairs.toLocaleString('en-US')} pairs`;
  if (pairs < SMALL_LIBRARY_PAIRS) {
    return {
      preset: 'small-data',
      reason:
        `Small-data recipe: ${size} is under ${SMALL_LIBRARY_PAIRS.toLocaleString('en-US')}, too few for the paper's recipe to train a text encoder from scratch, ` +
        'so the image encoder also learns from two views of each image (hybrid loss), with BatchNorm heads, whole-report text, and early stopping that waits for a smoothed plateau.',
    };
  }
  if (backend === 'tensorflow-gpu') return { preset: 'paper', reason: `The paper's recipe: ${size} is a large archive, and the GPU trains its full-size encoders.` };
  return { preset: 'cpu-small', reason: `The paper's loss and settings on CPU-sized encoders: ${size} is a large archive, and this machine has no GPU for the full-size ones.` };
}

export function recommend(facts: RecommendFacts): Recommendation {
  const chosen = chooseRecipe(facts.pairs, facts.backend);
  const recipe = chosen.preset === 'small-data' ? smallDataRecipeFor(facts.backend, facts.cores) : recipeFor(facts.backend, facts.cores);
  const validationFraction = 0.1;
  const trainPairs = Math.max(1, Math.round(facts.pairs * (1 - validationFraction)));
  // At least four steps an epoch: tiny libraries get a small batch rather than one step per epoch.
  const batchSize = Math.max(2, Math.min(recipe.maxBatch, powerOfTwoFloor(trainPairs / 4)));
  // Smaller batches run fewer pairs per second (less work per kernel launch); linear in the batch below the recipe's.
  const pairsPerSecond = recipe.pairsPerSecond * Math.min(1, 0.5 + 0.5 * (batchSize / recipe.maxBatch));
  const stepsPerEpoch = Math.max(1, Math.floor(trainPairs / batchSize));
  // Validation costs a forward pass only, about a third of a training step per pair.
  const epochSeconds = trainPairs / pairsPerSecond + (facts.pairs - trainPairs) / (3 * pairsPerSecond);
  const wanted = Math.round(recipe.targetSteps / stepsPerEpoch);
  const affordable = Math.floor(recipe.budgetSeconds / epochSeconds);
  const epochs = Math.max(1, Math.min(recipe.maxEpochs, Math.max(recipe.minEpochs, wanted), Math.max(1, affordable)));
  const config = presetConfig(recipe.preset, {
    image: { size: recipe.imageSize },
    batchSize,
    epochs,
    validation: { fraction: validationFraction },
  });
  const ready = facts.pairs >= MIN_PAIRS;
  const estimatedSeconds = ready ? Math.round(epochs * epochSeconds) : null;
  const model = modelWords(config);
  const explanation = ready
    ? `${chosen.reason} ${model} at ${recipe.imageSize} px, batch ${batchSize}, up to ${epochs} epochs on ${BACKEND_LABEL[facts.backend]} (${facts.cores} cores): ` +
      `${facts.pairs} report-paired images from ${facts.patients} patients, about ${formatDuration(estimatedSeconds!)} at most (early stopping may end it sooner).`
    : `This library has ${facts.pairs} report-paired image(s) with a readable image; pretraining needs at least ${MIN_PAIRS}. Import studies with reports first.`;
  return {
    ready,
    preset: recipe.preset,
    model,
    backend: facts.backend,
    device: facts.device,
    cores: facts.cores,
    imageSize: recipe.imageSize,
    batchSize,
    epochs,
    pairs: facts.pairs,
    patients: facts.patients,
    pairsPerSecond,
    estimatedSeconds,
    explanation,
    config: config as unknown as Record<string, unknown>,
  };
}
