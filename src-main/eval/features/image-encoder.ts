/**
 * Frozen image encoders f_v for evaluation: a ConVIRT (or image-only) checkpoint's
 * ResNet, or the same architecture at random initialisation (the paper's
 * "random init" row). Features are the pooled ResNet output, before any
 * projection head, as in the paper's linear evaluation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resizeOnly } from '../../ml/augment/image-augment';
import type { GrayImage } from '../../ml/augment/image';
import { mixSeed } from '../../ml/augment/rng';
import { createResNet, type ResNet } from '../../ml/models/resnet';
import { latestCheckpoint, readCheckpointConfig } from '../../ml/train/checkpoint';
import { presetConfig, type TrainConfig } from '../../ml/train/config';
import { IMAGE_MEAN, IMAGE_STD } from '../../ml/train/model';
import { loadSafetensorsInto } from '../../ml/weights/state-dict';
import { AppError } from '../../../src-shared/result';

export type ImageEncoderSpec =
  /** imageSize: the input side in pixels (default: the preset's), to match a pretrained encoder it is compared with. */
  | { kind: 'random'; preset?: string; seed?: number; imageSize?: number }
  | { kind: 'checkpoint'; path: string };

export interface FrozenImageEncoder {
  /** Identifies encoder + weights, e.g. for the embeddings table. */
  modelId: string;
  imageSize: number;
  features: number;
  /** Feature vectors for a batch of gray images (resized to imageSize square, normalised as in training). */
  embed(images: readonly GrayImage[]): Float32Array[];
  dispose(): void;
}

const IMAGE_PREFIX = 'image_encoder.';

function checkpointDir(path: string): string {
  if (existsSync(join(path, 'model.safetensors'))) return path;
  const latest = latestCheckpoint(path);
  if (!latest) throw new AppError('not_found', `${path} is neither a checkpoint folder (model.safetensors) nor a training run with checkpoints`);
  return latest;
}

function build(config: TrainConfig): ResNet {
  // Same construction as the training model's image encoder (ml/train/model.ts), so random init matches its start.
  return createResNet({ depth: config.image.encoder.depth, widthMultiplier: config.image.encoder.widthMultiplier, inputChannels: 1 }, { seed: mixSeed(config.seed, 1) });
}

/** The encoder of a spec with its weights (trainable variables: the fine-tuning protocol updates them), its recipe and model id. */
export function loadResNet(spec: ImageEncoderSpec): { resnet: ResNet; config: TrainConfig; modelId: string } {
  if (spec.kind === 'random') {
    const overrides = { ...(spec.seed === undefined ? {} : { seed: spec.seed }), ...(spec.imageSize === undefined ? {} : { image: { size: spec.imageSize } }) };
    const config = presetConfig(spec.preset ?? 'cpu-small', overrides);
    return { resnet: build(config), config, modelId: `random-init/${config.preset}/seed${config.seed}${spec.imageSize === undefined ? '' : `/${spec.imageSize}px`}` };
  }
  const dir = checkpointDir(spec.path);
  const config = readCheckpointConfig(dir);
  const resnet = build(config);
  const file = join(dir, 'model.safetensors');
  try {
    loadSafetensorsInto(resnet.state, file, { ignore: [/^(?!image_encoder\.)/], rename: (key) => key.slice(IMAGE_PREFIX.length) });
  } catch (error) {
    resnet.dispose();
    throw error;
  }
  return { resnet, config, modelId: `checkpoint/${resolve(dir)}` };
}

/** The recipe of a spec without building the encoder (its image size, whether it is a ConVIRT run). */
export function encoderConfig(spec: ImageEncoderSpec): TrainConfig {
  if (spec.kind === 'checkpoint') return readCheckpointConfig(checkpointDir(spec.path));
  return presetConfig(spec.preset ?? 'cpu-small', spec.imageSize === undefined ? {} : { image: { size: spec.imageSize } });
}

/** Gray images already at size x size, values in [0, 1] -> the encoder's input [N, size, size, 1], normalised as in training. */
export function encoderInput(images: readonly GrayImage[], size: number): Float32Array {
  const batch = new Float32Array(images.length * size * size);
  images.forEach((image, n) => {
    if (image.width !== size || image.height !== size) throw new AppError('bad_request', `encoder input must be ${size}x${size}, got ${image.width}x${image.height}`);
    for (let k = 0; k < image.data.length; k++) batch[n * size * size + k] = ((image.data[k] as number) - IMAGE_MEAN) / IMAGE_STD;
  });
  return batch;
}

export function loadImageEncoder(spec: ImageEncoderSpec): FrozenImageEncoder {
  const { resnet, config, modelId } = loadResNet(spec);
  const size = config.image.size;
  return {
    modelId,
    imageSize: size,
    features: resnet.features,
    embed(images) {
      if (images.length === 0) return [];
      const batch = encoderInput(images.map((image) => resizeOnly(image, size)), size);
      const out = tf.tidy(() => resnet.apply(tf.tensor4d(batch, [images.length, size, size, 1]), false));
      const data = out.dataSync() as Float32Array;
      out.dispose();
      const width = resnet.features;
      return images.map((_, n) => data.slice(n * width, (n + 1) * width));
    },
    dispose: () => resnet.dispose(),
  };
}
