/**
 * The typed training recipe. One JSON object says everything that decides a
 * run's result; it is saved beside every checkpoint (CONVIRT.md, "Known
 * traps": public re-implementations lost track of which recipe gave which
 * number). Two named presets: the paper's recipe and a CPU-sized one.
 */
import { z } from 'zod';
import { AppError } from '../../../src-shared/result';
import { ImageAugmentConfig } from '../augment/image-augment';
import { LrSchedule } from '../optim/schedule';

const ResNetSpec = z
  .object({
    depth: z.union([z.literal(18), z.literal(34), z.literal(50)]),
    widthMultiplier: z.number().positive().max(4).default(1),
    /** Optional .safetensors with torchvision / timm names (ImageNet weights). */
    weights: z.string().nullable().default(null),
  })
  .strict();

/**
 * Masked-language-model warm-up of the text encoder before the contrastive
 * stage (issue "Label efficiency"): BERT's whole-word masking over WordPiece
 * tokens on every report of the library plus an optional corpus folder.
 */
export const MlmWarmupSpec = z
  .object({
    /** Optimiser steps of the warm-up. */
    steps: z.number().int().positive(),
    /** Peak Adam rate; linear warm-up over the first tenth of the steps, then cosine decay. */
    lr: z.number().positive().default(5e-4),
    /** Text segments per step. */
    batch: z.number().int().min(2).default(32),
    /** Share of tokens chosen for prediction (BERT: 0.15); whole words at a time. */
    maskRate: z.number().gt(0).lt(1).default(0.15),
    /** A folder of extra report text (.txt files, .csv with findings / impression columns); null: the library's reports only. */
    corpus: z.string().nullable().default(null),
  })
  .strict();
export type MlmWarmupSpec = z.infer<typeof MlmWarmupSpec>;

const TextSpec = z
  .object({
    vocabSize: z.number().int().positive(),
    hiddenSize: z.number().int().positive(),
    numLayers: z.number().int().positive(),
    numHeads: z.number().int().positive(),
    intermediateSize: z.number().int().positive(),
    /** Tokens per text, [CLS] and [SEP] included; also the number of learned positions. */
    maxTokens: z.number().int().positive(),
    /** Learned position rows; null: maxTokens. Pretrained BERT weights have 512. */
    maxPositions: z.number().int().positive().nullable().default(null),
    dropout: z.number().min(0).max(1).default(0.1),
    freezeEmbeddings: z.boolean().default(false),
    frozenLayers: z.number().int().min(0).default(0),
    /** Optional .safetensors with Hugging Face BERT names, and its vocab.txt. */
    weights: z.string().nullable().default(null),
    vocab: z.string().nullable().default(null),
    lowercase: z.boolean().default(true),
    /** 'sentence': the paper's one random sentence; 'report': Findings + Impression whole; 'mixed': either, even odds. */
    sampling: z.enum(['sentence', 'report', 'mixed']).default('sentence'),
    /** MLM warm-up before the contrastive stage; null: none (the paper). Ignored by method 'simclr'. */
    mlmWarmup: MlmWarmupSpec.nullable().default(null),
  })
  .strict();

export const TrainConfig = z
  .object({
    preset: z.string().default('custom'),
    /**
     * 'convirt': image-text contrastive (the paper). 'simclr': image-only
     * contrastive between two augmented views (NT-Xent), the paper's strongest
     * image-only baseline, on the same engine, encoder and augmentations; the
     * text side is ignored.
     */
    method: z.enum(['convirt', 'simclr']).default('convirt'),
    seed: z.number().int().nonnegative().default(0),
    init: z
      .object({
        /**
         * A checkpoint folder, or a run folder (its best checkpoint, else its
         * latest), whose image encoder f_v starts this run (an image-only
         * SimCLR run, say); null: the seeded initialisation or image.encoder.weights.
         */
        imageFrom: z.string().nullable().default(null),
      })
      .strict()
      .default({ imageFrom: null }),
    image: z
      .object({
        encoder: ResNetSpec,
        /** Output side of the augmentation, pixels (paper: 224). */
        size: z.number().int().min(16).max(1024),
        augment: ImageAugmentConfig.default(ImageAugmentConfig.parse({})),
      })
      .strict(),
    text: TextSpec,
    heads: z
      .object({
        hiddenDim: z.number().int().positive(),
        outputDim: z.number().int().positive(),
        linear: z.boolean().default(false),
        /** BatchNorm1d in the heads (see projection-head.ts): for encoders trained from scratch. */
        batchNorm: z.boolean().default(false),
      })
      .strict(),
    loss: z
      .object({
        lambda: z.number().min(0).max(1).default(0.75),
        tau: z.number().positive().default(0.1),
        /** Learn log(1/tau), starting at tau and clamped to [tauMin, tauMax]. */
        learnableTau: z.boolean().default(false),
        tauMin: z.number().positive().default(0.01),
        tauMax: z.number().positive().default(1),
        /** Mask pairs sharing a patient or an identical text out of each other's denominators. */
        maskFalseNegatives: z.boolean().default(false),
        /**
         * Hybrid (issue "Label efficiency"): weight w of an image-image NT-Xent
         * term between two views, L = (1 - w) L_ConVIRT + w L_NT-Xent, at the
         * same tau. 0: the paper's loss. Ignored by method 'simclr' (w = 1).
         */
        imageWeight: z.number().min(0).max(1).default(0),
      })
      .strict(),
    optimizer: z
      .object({
        lr: z.number().positive(),
        weightDecay: z.number().min(0),
        beta1: z.number().min(0).max(1).default(0.9),
        beta2: z.number().min(0).max(1).default(0.999),
        eps: z.number().positive().default(1e-8),
        schedule: LrSchedule.default({ kind: 'constant' }),
        /** Global-norm gradient clipping; null for none (the paper). */
        clipNorm: z.number().positive().nullable().default(null),
      })
      .strict(),
    batchSize: z.number().int().min(2),
    epochs: z.number().int().positive(),
    validation: z
      .object({
        /** Share of patients held out for the validation loss. */
        fraction: z.number().min(0).max(0.9).default(0.1),
      })
      .strict()
      .default({ fraction: 0.1 }),
    earlyStopping: z
      .object({
        /** Epochs without a validation improvement of at least minDelta before stopping. */
        patience: z.number().int().positive().default(5),
        minDelta: z.number().min(0).default(0),
        /** Never stop before this many epochs (small noisy validation sets plateau early). */
        minEpochs: z.number().int().min(0).default(0),
        /**
         * Patience counts on an exponential moving average of the validation
         * loss, s_e = a s_(e-1) + (1 - a) loss_e with a = smoothing, so one
         * noisy epoch neither resets nor triggers it; 0: the raw loss. The best
         * checkpoint is still the one with the lowest raw validation loss.
         */
        smoothing: z.number().min(0).lt(1).default(0),
      })
      .strict()
      .default({ patience: 5, minDelta: 0, minEpochs: 0, smoothing: 0 }),
    /** Checkpoint every this many steps as well as after each epoch; null: epochs only. */
    checkpointEverySteps: z.number().int().positive().nullable().default(null),
    /** Checkpoints kept besides the best one. */
    keepCheckpoints: z.number().int().positive().default(2),
  })
  .strict()
  .refine((c) => c.text.hiddenSize % c.text.numHeads === 0, { message: 'text.hiddenSize must be a multiple of text.numHeads' })
  .refine((c) => (c.text.maxPositions ?? c.text.maxTokens) >= c.text.maxTokens, { message: 'text.maxPositions must be at least maxTokens' })
  .refine((c) => c.text.frozenLayers <= c.text.numLayers, { message: 'text.frozenLayers exceeds text.numLayers' })
  .refine((c) => c.loss.tauMin <= c.loss.tau && c.loss.tau <= c.loss.tauMax, { message: 'loss.tau must lie in [tauMin, tauMax]' });
export type TrainConfig = z.infer<typeof TrainConfig>;
export type TrainConfigInput = z.input<typeof TrainConfig>;

/**
 * The paper's recipe (CONVIRT.md): ResNet-50 (ImageNet weights when given),
 * BERT-base (ClinicalBERT weights when given; embeddings and 6 layers frozen),
 * heads 2048->512->512 and 768->512->512, 224 px, tau 0.1, lambda 0.75,
 * Adam lr 1e-4, weight decay 1e-6, batch 32, early stopping on validation loss.
 */
export const PAPER_PRESET: TrainConfigInput = {
  preset: 'paper',
  image: { encoder: { depth: 50, widthMultiplier: 1 }, size: 224 },
  text: {
    vocabSize: 28996,
    hiddenSize: 768,
    numLayers: 12,
    numHeads: 12,
    intermediateSize: 3072,
    maxTokens: 128,
    maxPositions: 512,
    freezeEmbeddings: true,
    frozenLayers: 6,
    lowercase: false,
  },
  heads: { hiddenDim: 512, outputDim: 512 },
  loss: { lambda: 0.75, tau: 0.1 },
  optimizer: { lr: 1e-4, weightDecay: 1e-6 },
  batchSize: 32,
  epochs: 100,
  earlyStopping: { patience: 10, minDelta: 0, minEpochs: 0 },
};

/**
 * A model a laptop CPU trains (issue "Training speed"): ResNet-18 at width
 * 1/4 on 128 px, a 2-layer transformer (d 128, 4 heads, FFN 512, 64 tokens,
 * 8k vocabulary, learned positions) trained from scratch, heads to 128; the
 * paper's loss and optimizer settings.
 */
export const CPU_PRESET: TrainConfigInput = {
  preset: 'cpu-small',
  image: { encoder: { depth: 18, widthMultiplier: 0.25 }, size: 128 },
  text: { vocabSize: 8000, hiddenSize: 128, numLayers: 2, numHeads: 4, intermediateSize: 512, maxTokens: 64 },
  heads: { hiddenDim: 128, outputDim: 128 },
  loss: { lambda: 0.75, tau: 0.1 },
  optimizer: { lr: 1e-4, weightDecay: 1e-6 },
  batchSize: 16,
  epochs: 30,
  earlyStopping: { patience: 5, minDelta: 0, minEpochs: 5 },
};

/**
 * Milder augmentation than the paper's, measured on the demo archive (see
 * demo/recipe.ts): a few hundred steps cannot also learn invariance to 40%
 * contrast changes and 20 degree rotations; no flip (a flipped chest film
 * contradicts its report's "left" and "right").
 */
export const SMALL_DATA_AUGMENT = { cropScale: [0.85, 1], cropRatio: [0.9, 1.1], flipProbability: 0, rotationDegrees: 5, translate: 0.03, brightness: [0.9, 1.1], contrast: [0.9, 1.1], blurSigma: [0.1, 1.0] } satisfies z.input<typeof ImageAugmentConfig>;

/**
 * For libraries of hundreds to a few thousand pairs (issue "Label
 * efficiency"), where the paper's recipe with a text encoder trained from
 * scratch barely leaves its starting loss: the CPU preset's encoders with
 * BatchNorm heads, Adam at 1e-3 with warm-up and cosine decay, whole
 * Findings + Impression as the text view (the demo's measurements,
 * demo/recipe.ts), the hybrid loss (half image-image NT-Xent, so the image
 * encoder learns even while the text side cannot), pairs of one patient or
 * one text masked out of each other's denominators, and early stopping that
 * waits 10 epochs and counts patience on a smoothed validation loss.
 */
export const SMALL_DATA_PRESET: TrainConfigInput = {
  preset: 'small-data',
  image: { ...CPU_PRESET.image, augment: SMALL_DATA_AUGMENT },
  text: { ...CPU_PRESET.text, sampling: 'report' },
  heads: { ...CPU_PRESET.heads, batchNorm: true },
  loss: { lambda: 0.75, tau: 0.1, imageWeight: 0.5, maskFalseNegatives: true },
  optimizer: { lr: 1e-3, weightDecay: 1e-6, schedule: { kind: 'cosine', warmupSteps: 30, minFactor: 0.1 } },
  batchSize: 16,
  epochs: 30,
  earlyStopping: { patience: 5, minDelta: 0, minEpochs: 10, smoothing: 0.6 },
};

export const PRESETS: Record<string, TrainConfigInput> = { paper: PAPER_PRESET, 'cpu-small': CPU_PRESET, 'small-data': SMALL_DATA_PRESET };

/** Parses a config; `source` names the file in errors. */
export function parseTrainConfig(input: unknown, source = 'training config'): TrainConfig {
  const parsed = TrainConfig.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AppError('bad_request', `${source} is not a valid training config: ${issues.join('; ')}`, { issues });
  }
  return parsed.data;
}

type Plain = Record<string, unknown>;

/** Deep merge of plain objects; arrays and scalars in `override` replace. */
export function mergeConfig(base: Plain, override: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    const bothObjects = value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current);
    out[key] = bothObjects ? mergeConfig(current as Plain, value as Plain) : value;
  }
  return out;
}

/** A preset by name, with overrides merged in (a user's config file names its preset). */
export function presetConfig(name: string, overrides: Plain = {}): TrainConfig {
  const preset = PRESETS[name];
  if (!preset) throw new AppError('bad_request', `unknown training preset "${name}" (known: ${Object.keys(PRESETS).join(', ')})`);
  return parseTrainConfig(mergeConfig(preset as Plain, overrides), `preset ${name}`);
}
