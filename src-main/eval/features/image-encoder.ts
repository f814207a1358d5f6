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

export function loadImageEncoder(spec: ImageEncoderSpec): FrozenImageEncoder {
  let resnet: ResNet;
  let config: TrainConfig;
  let modelId: string;
  if (spec.kind === 'random') {
    const overrides = { ...(spec.seed === undefined ? {} : { seed: spec.seed }), ...(spec.imageSize === undefined ? {} : { image: { size: spec.imageSize } }) };
    config = presetConfig(spec.preset ?? 'cpu-small', overrides);
    resnet = build(config);
    modelId = `random-init/${config.preset}/seed${config.seed}${spec.imageSize === undefined ? '' : `/${spec.imageSize}px`}`;
  } else {
    const dir = checkpointDir(spec.path);
    config = readCheckpointConfig(dir);
    resnet = build(config);
    const file = join(dir, 'model.safetensors');
    loadSafetensorsInto(resnet.state, file, { ignore: [/^(?!image_encoder\.)/], rename: (key) => key.slice(IMAGE_PREFIX.length) });
    modelId = `checkpoint/${resolve(dir)}`;
  }
  const size = config.image.size;
  return {
    modelId,
    imageSize: size,
    features: resnet.features,
    embed(images) {
      if (images.length === 0) return [];
      const batch = new Float32Array(images.length * size * size);
      images.forEach((image, n) => {
        const resized = resizeOnly(image, size).data;
        for (let k = 0; k < resized.length; k++) batch[n * size * size + k] = ((resized[k] as number) - IMAGE_MEAN) / IMAGE_STD;
      });
      const out = tf.tidy(() => resnet.apply(tf.tensor4d(batch, [images.length, size, size, 1]), false));
      const data = out.dataSync() as Float32Array;
      out.dispose();
      const width = resnet.features;
      return images.map((_, n) => data.slice(n * width, (n + 1) * width));
    },
    dispose: () => resnet.dispose(),
  };
}
