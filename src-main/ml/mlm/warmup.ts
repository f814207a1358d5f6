/**
 * The MLM warm-up of the text encoder (config text.mlmWarmup), run before the
 * contrastive stage: segments of every report text, whole-word masked
 * (masking.ts), the tied MLM head (mlm-head.ts), Adam with a linear warm-up
 * over the first tenth of the steps and cosine decay, gradients clipped to
 * norm 1 (as BERT). Every parameter of the text encoder learns here, frozen
 * ones included: freezing applies to the contrastive stage (a from-scratch
 * encoder with frozen random embeddings would learn nothing). Seeded: the
 * same config, texts and backend give the same weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AppError } from '../../../src-shared/result';
import { Rng, mixSeed } from '../augment/rng';
import type { Bert } from '../models/bert';
import { Adam } from '../optim/adam';
import { clipByGlobalNorm } from '../optim/clip';
import { learningRate } from '../optim/schedule';
import type { MlmWarmupSpec, TrainConfig } from '../train/config';
import { NOT_PREDICTED, segmentTokens, wholeWordMask, type MaskingVocab } from './masking';
import { MlmHead, mlmLoss } from './mlm-head';

/** What the warm-up needs of a tokenizer; WordPieceTokenizer has it. */
export interface MlmTokenizer {
  readonly vocab: readonly string[];
  readonly ids: ReadonlyMap<string, number>;
  readonly cls: number;
  readonly sep: number;
  readonly pad: number;
  tokenIds(text: string): number[];
}

export function isMlmTokenizer(value: unknown): value is MlmTokenizer {
  const t = value as Partial<MlmTokenizer> | null;
  return !!t && Array.isArray(t.vocab) && t.ids instanceof Map && typeof t.tokenIds === 'function' && typeof t.cls === 'number';
}

export interface Segment {
  tokens: number[];
  /** true for "##" pieces: they belong to the word before them. */
  continuation: boolean[];
}

export function maskingVocab(tokenizer: MlmTokenizer): MaskingVocab {
  const maskId = tokenizer.ids.get('[MASK]');
  if (maskId === undefined) throw new AppError('bad_request', 'text.mlmWarmup: the vocabulary has no [MASK] token');
  // Bracketed entries are special ([PAD], [CLS], [unused12], ...): never a random replacement.
  const specialIds = new Set(tokenizer.vocab.flatMap((token, id) => (/^\[.+\]$/.test(token) ? [id] : [])));
  return { maskId, vocabSize: tokenizer.vocab.length, specialIds };
}

/** Every distinct text cut into segments of at most maxTokens - 2 pieces (room for [CLS] and [SEP]). */
export function mlmSegments(tokenizer: MlmTokenizer, texts: Iterable<string>, maxTokens: number): Segment[] {
  const segments: Segment[] = [];
  for (const text of new Set(texts)) {
    const tokens = tokenizer.tokenIds(text);
    const continuation = tokens.map((id) => tokenizer.vocab[id]!.startsWith('##'));
    segments.push(...segmentTokens(tokens, continuation, maxTokens - 2));
  }
  return segments;
}

export interface MlmBatch {
  /** [n, t] row-major: [CLS] masked tokens [SEP] [PAD]... */
  ids: Int32Array;
  mask: Int32Array;
  n: number;
  t: number;
  /** Flat indices (row * t + column) of the predicted tokens, and their original ids. */
  positions: Int32Array;
  labels: Int32Array;
}

/** One batch: each segment whole-word masked with its own draws from `rng`; padded to the longest. */
export function mlmBatch(segments: readonly Segment[], tokenizer: MlmTokenizer, vocab: MaskingVocab, rate: number, rng: Rng): MlmBatch {
  const n = segments.length;
  const t = Math.max(...segments.map((s) => s.tokens.length)) + 2;
  const ids = new Int32Array(n * t).fill(tokenizer.pad);
  const mask = new Int32Array(n * t);
  const positions: number[] = [];
  const labels: number[] = [];
  segments.forEach((segment, row) => {
    const masked = wholeWordMask(segment.tokens, segment.continuation, rng, vocab, rate);
    ids.set([tokenizer.cls, ...masked.input, tokenizer.sep], row * t);
    mask.fill(1, row * t, row * t + segment.tokens.length + 2);
    masked.labels.forEach((label, k) => {
      if (label === NOT_PREDICTED) return;
      positions.push(row * t + 1 + k);
      labels.push(label);
    });
  });
  return { ids, mask, n, t, positions: Int32Array.from(positions), labels: Int32Array.from(labels) };
}

export interface MlmEvent {
  type: 'mlm';
  /** Warm-up step just finished (1-based) and the planned total. */
  step: number;
  totalSteps: number;
  loss: number;
  lr: number;
  segmentsPerSecond: number;
  etaSeconds: number;
}

export interface MlmWarmupOptions {
  bert: Bert;
  spec: MlmWarmupSpec;
  config: TrainConfig;
  tokenizer: MlmTokenizer;
  texts: Iterable<string>;
  onEvent?: (event: MlmEvent) => void;
  shouldStop?: () => boolean;
}

export interface MlmWarmupResult {
  /** Per-step losses. */
  losses: number[];
  segments: number;
  /** The trained head; the caller saves and disposes it. */
  head: MlmHead;
  stopped: boolean;
}

/** The segments of a step: a seeded shuffle per pass over the data, cut into batches (a short last batch is dropped). */
function stepSegments(segments: readonly Segment[], batch: number, seed: number, step: number): Segment[] {
  const size = Math.min(batch, segments.length);
  const perPass = Math.floor(segments.length / size);
  const order = new Rng(mixSeed(seed, 0x313, Math.floor(step / perPass))).shuffle(segments);
  const start = (step % perPass) * size;
  return order.slice(start, start + size);
}

export async function mlmWarmup(options: MlmWarmupOptions): Promise<MlmWarmupResult> {
  const { bert, spec, config, tokenizer } = options;
  const segments = mlmSegments(tokenizer, options.texts, config.text.maxTokens);
  if (segments.length < 2) throw new AppError('bad_request', `text.mlmWarmup: ${segments.length} text segment(s) to learn from; the warm-up needs at least 2 reports`);
  const vocab = maskingVocab(tokenizer);
  const head = new MlmHead(bert, mixSeed(config.seed, 0x31f) % 1_000_000 + 1);
  const adam = new Adam({ lr: spec.lr, beta1: config.optimizer.beta1, beta2: config.optimizer.beta2, eps: config.optimizer.eps, weightDecay: config.optimizer.weightDecay });
  const params = new Map([...bert.params, ...head.state.params()]);
  const frozen = [...params.values()].filter((v) => !v.trainable);
  frozen.forEach((v) => (v.trainable = true));
  const schedule = { kind: 'cosine', warmupSteps: Math.max(1, Math.round(spec.steps / 10)), minFactor: 0 } as const;
  const losses: number[] = [];
  const started = performance.now();
  let stopped = false;
  try {
    for (let step = 0; step < spec.steps; step++) {
      const batch = mlmBatch(stepSegments(segments, spec.batch, config.seed, step), tokenizer, vocab, spec.maskRate, new Rng(mixSeed(config.seed, 0x3a5c, step)));
      const lr = learningRate(schedule, spec.lr, step, spec.steps);
      const loss = tf.tidy(() => {
        const ids = tf.tensor2d(batch.ids, [batch.n, batch.t], 'int32');
        const mask = tf.tensor2d(batch.mask, [batch.n, batch.t], 'int32');
        const positions = tf.tensor1d(batch.positions, 'int32');
        const labels = tf.tensor1d(batch.labels, 'int32');
        const dropoutSeed = (mixSeed(config.seed, 0x31a, step) % 1_000_000) + 1;
        const { value, grads } = tf.variableGrads(() => mlmLoss(bert, head, ids, mask, positions, labels, true, dropoutSeed), [...params.values()]);
        const byName: Record<string, tf.Tensor> = {};
        for (const [name, variable] of params) byName[name] = grads[variable.name]!;
        adam.apply(params, clipByGlobalNorm(byName, 1).grads, lr);
        return value;
      });
      const value = loss.dataSync()[0]!;
      loss.dispose();
      if (!Number.isFinite(value)) throw new AppError('internal', `the MLM warm-up diverged at step ${step + 1}: the loss became ${value}`);
      losses.push(value);
      const seconds = (performance.now() - started) / 1000;
      const perSecond = ((step + 1) * batch.n) / Math.max(seconds, 1e-9);
      options.onEvent?.({ type: 'mlm', step: step + 1, totalSteps: spec.steps, loss: value, lr, segmentsPerSecond: perSecond, etaSeconds: ((spec.steps - step - 1) * batch.n) / perSecond });
      // Let a cancel request in between steps, as the contrastive loop does.
      await new Promise((resolve) => setImmediate(resolve));
      if (options.shouldStop?.()) {
        stopped = true;
        break;
      }
    }
  } catch (error) {
    head.dispose();
    throw error;
  } finally {
    frozen.forEach((v) => (v.trainable = false));
    adam.dispose();
  }
  return { losses, segments: segments.length, head, stopped };
}
