/**
 * A ConVIRT training checkpoint as the encoders of search: the image encoder
 * f_v with its projection head g_v, and the text encoder f_u (max-pooled) with
 * g_u, both in eval mode (BatchNorm running statistics, no dropout), so the
 * same input always gives the same vector. Outputs live in the joint space
 * [heads.outputDim], L2-normalised. Text is tokenised with the vocab.txt saved
 * beside the checkpoint; images are read as the evaluation reads them
 * (cache entry or plain JPEG / PNG file) and resized to the training size, as
 * the validation views are.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import { loadGrayImage, type StudyImageRef } from '../eval/features/study-images';
import type { GrayImage } from '../ml/augment/image';
import { resizeOnly } from '../ml/augment/image-augment';
import { WordPieceTokenizer } from '../ml/text/wordpiece';
import { latestCheckpoint, readCheckpointConfig } from '../ml/train/checkpoint';
import { createConvirtModel, type ConvirtModel } from '../ml/train/model';
import { VOCAB_FILE } from '../ml/train/tokenizer';
import { readSafetensors } from '../ml/weights/safetensors';
import { loadStateDict } from '../ml/weights/state-dict';
import type { LibraryEncoder } from './embed-pass';
import { normalizeRowsInPlace } from './l2';
import type { QueryEmbedder } from './query-embedder';

export interface CheckpointEmbedder extends QueryEmbedder, LibraryEncoder {
  /** The checkpoint folder the weights came from. */
  readonly checkpointDir: string;
  /** Joint-space dimension (heads.outputDim). */
  readonly dim: number;
  embedText(text: string): Float32Array;
  /** An imported image (instances.id) or a gray image with values in [0, 1]. */
  embedImage(image: number | GrayImage): Promise<Float32Array>;
  dispose(): void;
}

/** A checkpoint folder (model.safetensors), or a run folder: its latest checkpoint. */
export function resolveCheckpointDir(path: string): string {
  if (existsSync(join(path, 'model.safetensors'))) return path;
  const latest = existsSync(path) ? latestCheckpoint(path) : null;
  if (!latest) throw new AppError('not_found', `${path} is neither a checkpoint folder (model.safetensors) nor a training run with checkpoints`);
  return latest;
}

function loadModel(dir: string): ConvirtModel {
  const saved = readCheckpointConfig(dir);
  // The checkpoint holds every tensor: skip the pretrained-weight files its recipe started from.
  const config = { ...saved, image: { ...saved.image, encoder: { ...saved.image.encoder, weights: null } }, text: { ...saved.text, weights: null } };
  const model = createConvirtModel(config);
  const file = join(dir, 'model.safetensors');
  try {
    loadStateDict(model.state, readSafetensors(file).tensors, file);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}

/** Rows of a [n, dim] tensor as L2-normalised vectors; disposes the tensor. */
function normalisedRows(out: tf.Tensor2D): Float32Array[] {
  const [n, dim] = out.shape;
  const data = Float32Array.from(out.dataSync());
  out.dispose();
  normalizeRowsInPlace(data, dim);
  return Array.from({ length: n }, (_, r) => data.slice(r * dim, (r + 1) * dim));
}

export function loadCheckpointEmbedder(db: Db, libraryPath: string, checkpointPath: string): CheckpointEmbedder {
  const checkpointDir = resolveCheckpointDir(checkpointPath);
  const vocab = join(checkpointDir, VOCAB_FILE);
  if (!existsSync(vocab)) throw new AppError('not_found', `${checkpointDir} has no ${VOCAB_FILE}: it was not saved by a pretraining run`);
  const model = loadModel(checkpointDir);
  const { config } = model;
  const tokenizer = WordPieceTokenizer.fromVocabFile(vocab, { lowercase: config.text.lowercase });
  const size = config.image.size;
  const maxTokens = config.text.maxTokens;
  const instanceRef = db.prepare(
    `SELECT se.study_id AS studyId, i.id AS instanceId, i.path AS path, i.content_hash AS contentHash
     FROM instances i JOIN series se ON se.id = i.series_id WHERE i.id = ?`,
  );

  const grayOf = async (instanceId: number): Promise<GrayImage> => {
    const ref = instanceRef.get(instanceId) as StudyImageRef | undefined;
    if (!ref) throw new AppError('not_found', `no image ${instanceId} in ${libraryPath}`);
    return loadGrayImage(libraryPath, ref);
  };

  const embedGray = (images: readonly GrayImage[]): Float32Array[] => {
    if (images.length === 0) return [];
    // [N, S, S, 1] in [0, 1], resized as the trainer's validation views.
    const pixels = new Float32Array(images.length * size * size);
    images.forEach((image, n) => pixels.set(resizeOnly(image, size).data, n * size * size));
    const out = tf.tidy(() => model.embedImages(tf.tensor4d(pixels, [images.length, size, size, 1]), false));
    return normalisedRows(out);
  };

  const embedTexts = (texts: readonly string[]): Float32Array[] => {
    if (texts.length === 0) return [];
    const { ids, mask } = tokenizer.encodeBatch(texts, maxTokens);
    const out = tf.tidy(() => {
      const idTensor = tf.tensor2d(ids, [texts.length, maxTokens], 'int32');
      const maskTensor = tf.tensor2d(mask, [texts.length, maxTokens], 'int32');
      return model.textHead.apply(model.text.apply(idTensor, maskTensor, false).pooled);
    });
    return normalisedRows(out);
  };

  return {
    checkpointDir,
    dim: config.heads.outputDim,
    embedText: (text) => embedTexts([text])[0]!,
    embedImage: async (image) => embedGray([typeof image === 'number' ? await grayOf(image) : image])[0]!,
    embedSentences: async (texts) => embedTexts(texts),
    async embedImages(instanceIds) {
      const images: GrayImage[] = [];
      for (const id of instanceIds) images.push(await grayOf(id));
      return embedGray(images);
    },
    dispose: () => model.dispose(),
  };
}
