/**
 * The ConVIRT model: image encoder f_v (ResNet) + projection head g_v, text
 * encoder f_u (BERT, max-pooled) + projection head g_u, and an optional
 * learnable temperature. All tensors live in one ModelState under prefixed
 * PyTorch names, so one .safetensors file holds the whole model:
 *   image_encoder.<torchvision name>   text_encoder.<Hugging Face name>
 *   image_projection.{0,2}.{weight,bias}   text_projection.{0,2}.{weight,bias}
 *   log_inverse_tau                         (only with a learnable temperature)
 */
import * as tf from '@tensorflow/tfjs-core';
import { mixSeed } from '../augment/rng';
import { ProjectionHead } from '../heads/projection-head';
import type { ConvirtLossOptions } from '../loss/convirt-loss';
import { createBert, type Bert } from '../models/bert';
import { createResNet, type ResNet } from '../models/resnet';
import { resnetFeatures } from '../models/resnet-config';
import { ModelState } from '../models/state';
import { loadSafetensorsInto } from '../weights/state-dict';
import type { TrainConfig } from './config';

/** Gray values in [0, 1] are normalised with the mean and std of ImageNet's channel statistics. */
export const IMAGE_MEAN = 0.449;
export const IMAGE_STD = 0.226;

export interface ConvirtModel {
  config: TrainConfig;
  image: ResNet;
  text: Bert;
  imageHead: ProjectionHead;
  textHead: ProjectionHead;
  logInverseTau: tf.Variable | null;
  /** Every tensor (parameters and BatchNorm statistics) under its checkpoint name. */
  state: ModelState;
  /** The tensors the optimiser updates, by checkpoint name. */
  trainable: Map<string, tf.Variable>;
  /**
   * images [N, S, S, 1] in [0, 1]; ids, mask [N, T] -> v, u [N, outputDim].
   * dropoutSeed seeds the text encoder's dropout masks (one per step, so a resumed run repeats them).
   */
  forward(images: tf.Tensor4D, ids: tf.Tensor2D, mask: tf.Tensor2D, training: boolean, dropoutSeed?: number): { v: tf.Tensor2D; u: tf.Tensor2D };
  /** images [N, S, S, 1] in [0, 1] -> v [N, outputDim] (f_v then g_v). */
  embedImages(images: tf.Tensor4D, training: boolean): tf.Tensor2D;
  /** The temperature option of convirtLoss for this model. */
  tau(): ConvirtLossOptions['tau'];
  dispose(): void;
}

function adopt(into: ModelState, prefix: string, from: ModelState): void {
  for (const [name, entry] of from.entries) into.entries.set(`${prefix}${name}`, entry);
}

/** Builds the model from the config with seeded initial weights, then loads any pretrained weights it names. */
export function createConvirtModel(config: TrainConfig): ConvirtModel {
  const seed = config.seed;
  const image = createResNet({ depth: config.image.encoder.depth, widthMultiplier: config.image.encoder.widthMultiplier, inputChannels: 1 }, { seed: mixSeed(seed, 1) });
  const t = config.text;
  const text = createBert(
    {
      vocabSize: t.vocabSize,
      hiddenSize: t.hiddenSize,
      numLayers: t.numLayers,
      numHeads: t.numHeads,
      intermediateSize: t.intermediateSize,
      maxPositions: t.maxPositions ?? t.maxTokens,
      dropout: t.dropout,
      freezeEmbeddings: t.freezeEmbeddings,
      frozenLayers: t.frozenLayers,
    },
    { seed: mixSeed(seed, 2) },
  );
  if (config.image.encoder.weights) loadSafetensorsInto(image.state, config.image.encoder.weights, { ignore: [/^fc\./] });
  if (t.weights) {
    loadSafetensorsInto(text.state, t.weights, {
      ignore: [/^cls\./, /pooler\./, /position_ids$/],
      rename: (key) => (key.startsWith('bert.') ? key : `bert.${key}`),
    });
  }
  const heads = config.heads;
  const imageHead = new ProjectionHead({ inputDim: resnetFeatures(image.config), hiddenDim: heads.hiddenDim, outputDim: heads.outputDim, linear: heads.linear, batchNorm: heads.batchNorm }, mixSeed(seed, 3));
  const textHead = new ProjectionHead({ inputDim: t.hiddenSize, hiddenDim: heads.hiddenDim, outputDim: heads.outputDim, linear: heads.linear, batchNorm: heads.batchNorm }, mixSeed(seed, 4));

  const state = new ModelState();
  adopt(state, 'image_encoder.', image.state);
  adopt(state, 'text_encoder.', text.state);
  adopt(state, 'image_projection.', imageHead.state);
  adopt(state, 'text_projection.', textHead.state);
  const logInverseTau = config.loss.learnableTau ? state.add('log_inverse_tau', tf.scalar(Math.log(1 / config.loss.tau)), 'plain') : null;

  // An image-only (SimCLR) run never touches the text side: leave it out of the optimiser.
  const imageOnly = config.method === 'simclr';
  const trainable = new Map<string, tf.Variable>();
  for (const [name, entry] of state.entries) {
    if (imageOnly && name.startsWith('text_')) continue;
    if (entry.isParameter && entry.variable.trainable) trainable.set(name, entry.variable);
  }
  const embedImages = (images: tf.Tensor4D, training: boolean): tf.Tensor2D =>
    imageHead.apply(image.apply(tf.div(tf.sub(images, IMAGE_MEAN), IMAGE_STD) as tf.Tensor4D, training), training);

  return {
    config,
    image,
    text,
    imageHead,
    textHead,
    logInverseTau,
    state,
    trainable,
    forward(images, ids, mask, training, dropoutSeed) {
      const v = embedImages(images, training);
      const u = textHead.apply(text.apply(ids, mask, training, dropoutSeed).pooled, training);
      return { v, u };
    },
    embedImages,
    tau() {
      if (!logInverseTau) return config.loss.tau;
      return { logInverseTau: logInverseTau as tf.Scalar, tauMin: config.loss.tauMin, tauMax: config.loss.tauMax };
    },
    dispose: () => state.dispose(),
  };
}
