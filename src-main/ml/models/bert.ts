/**
 * BERT text encoder with Hugging Face BertModel's math and tensor names
 * (bert.embeddings.word_embeddings.weight, bert.encoder.layer.0.attention.self.query.weight, ...):
 * post-LayerNorm blocks, GELU with erf, LayerNorm eps 1e-12, padding keys
 * masked out of attention. The sentence vector is the max over the hidden
 * states of the non-padding tokens ([CLS] and [SEP] included), as in ConVIRT.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BertConfig, type BertConfigInput } from './bert-config';
import { ModelState } from './state';

export interface BertOutput {
  /** [N, T, hidden] last hidden states. */
  sequence: tf.Tensor3D;
  /** [N, hidden] max over non-padding tokens. */
  pooled: tf.Tensor2D;
}

export interface Bert {
  config: BertConfig;
  state: ModelState;
  /** All learnable tensors by Hugging Face name (frozen ones included), linear weights as [in, out]. */
  params: Map<string, tf.Variable>;
  /** The learnable tensors that are not frozen. */
  trainable: Map<string, tf.Variable>;
  /**
   * inputIds: [N, T] int32; attentionMask: [N, T] (1 token, 0 padding).
   * dropoutSeed: seeds this call's dropout masks (training only); defaults to a running counter.
   */
  apply(inputIds: tf.Tensor2D, attentionMask: tf.Tensor2D, training: boolean, dropoutSeed?: number): BertOutput;
  dispose(): void;
}

/** Added to the attention scores of padding keys (HF uses the float32 minimum). */
const MASKED_SCORE = -1e9;
const INIT_STD = 0.02;

/** LayerNorm over the last axis (PyTorch's biased variance). */
export function layerNormLast(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

/** GELU with erf, as Hugging Face's "gelu" and torch.nn.functional.gelu. */
export function geluErf(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

export function createBert(input: BertConfigInput, options: { seed?: number } = {}): Bert {
  const config = BertConfig.parse(input);
  const state = new ModelState();
  // tfjs treats seed 0 as "unseeded": start above it, spaced so nearby model seeds do not overlap.
  let seed = (options.seed ?? 0) * 100_003 + 1;
  const { hiddenSize: hidden, numHeads: heads } = config;
  const headSize = hidden / heads;
  const normal = (shape: number[]) => tf.truncatedNormal(shape, 0, INIT_STD, 'float32', seed++);
  // Dropout masks: seeded per call (the trainer passes one per step, so a resumed run repeats them).
  let dropoutSeed = 1;
  const nextDropoutSeed = () => dropoutSeed++;

  const linear = (name: string, inSize: number, outSize: number) => {
    const weight = state.add(`${name}.weight`, normal([inSize, outSize]), 'linear') as tf.Tensor2D;
    const bias = state.add(`${name}.bias`, tf.zeros([outSize]), 'plain');
    // x: [..., in] -> [..., out]; flattened so the wasm matmul sees one plain 2-D product.
    return (x: tf.Tensor): tf.Tensor => {
      const lead = x.shape.slice(0, -1);
      const y = tf.add(tf.matMul(tf.reshape(x, [-1, inSize]) as tf.Tensor2D, weight), bias);
      return tf.reshape(y, [...lead, outSize]);
    };
  };
  const layerNorm = (name: string) => {
    const gamma = state.add(`${name}.weight`, tf.ones([hidden]), 'plain');
    const beta = state.add(`${name}.bias`, tf.zeros([hidden]), 'plain');
    return (x: tf.Tensor): tf.Tensor => layerNormLast(x, gamma, beta, config.layerNormEps);
  };
  const dropout = (x: tf.Tensor, training: boolean) =>
    training && config.dropout > 0 ? tf.dropout(x, config.dropout, undefined, nextDropoutSeed()) : x;

  const wordEmbeddings = state.add('bert.embeddings.word_embeddings.weight', normal([config.vocabSize, hidden]), 'plain');
  const positionEmbeddings = state.add('bert.embeddings.position_embeddings.weight', normal([config.maxPositions, hidden]), 'plain');
  const typeEmbeddings = state.add('bert.embeddings.token_type_embeddings.weight', normal([config.typeVocabSize, hidden]), 'plain');
  const embeddingNorm = layerNorm('bert.embeddings.LayerNorm');
  const embeddingNames = [...state.entries.keys()];

  const layers = Array.from({ length: config.numLayers }, (_, i) => {
    const p = `bert.encoder.layer.${i}`;
    const before = new Set(state.entries.keys());
    const query = linear(`${p}.attention.self.query`, hidden, hidden);
    const key = linear(`${p}.attention.self.key`, hidden, hidden);
    const value = linear(`${p}.attention.self.value`, hidden, hidden);
    const attentionOut = linear(`${p}.attention.output.dense`, hidden, hidden);
    const attentionNorm = layerNorm(`${p}.attention.output.LayerNorm`);
    const intermediate = linear(`${p}.intermediate.dense`, hidden, config.intermediateSize);
    const output = linear(`${p}.output.dense`, config.intermediateSize, hidden);
    const outputNorm = layerNorm(`${p}.output.LayerNorm`);
    const names = [...state.entries.keys()].filter((n) => !before.has(n));

    // x: [N, T, hidden]; maskBias: [N, 1, 1, T] added to the scores of each query.
    const apply = (x: tf.Tensor, maskBias: tf.Tensor, training: boolean): tf.Tensor => {
      const [n, t] = x.shape as [number, number, number];
      const split = (y: tf.Tensor, perm: number[]) => tf.transpose(tf.reshape(y, [n, t, heads, headSize]), perm);
      const q = split(query(x), [0, 2, 1, 3]); // [N, heads, T, d]
      const kT = split(key(x), [0, 2, 3, 1]); // [N, heads, d, T]: no transposed matmul
      const v = split(value(x), [0, 2, 1, 3]);
      const scores = tf.add(tf.mul(tf.matMul(q, kT), 1 / Math.sqrt(headSize)), maskBias);
      const probs = dropout(tf.softmax(scores), training);
      const context = tf.reshape(tf.transpose(tf.matMul(probs, v), [0, 2, 1, 3]), [n, t, hidden]);
      const attended = attentionNorm(tf.add(dropout(attentionOut(context), training), x));
      const inner = intermediate(attended);
      return outputNorm(tf.add(dropout(output(geluErf(inner)), training), attended));
    };
    return { apply, names };
  });

  const frozen = new Set<string>([
    ...(config.freezeEmbeddings ? embeddingNames : []),
    ...layers.slice(0, config.frozenLayers).flatMap((l) => l.names),
  ]);
  for (const name of frozen) state.get(name).trainable = false;

  return {
    config,
    state,
    params: state.params(),
    trainable: state.trainable(),
    apply(inputIds, attentionMask, training, seedForCall) {
      const [n, t] = inputIds.shape;
      // Each dropout site takes the next seed; distinct calls are spaced by 1000 sites.
      dropoutSeed = seedForCall === undefined ? dropoutSeed : seedForCall * 1000 + 1;
      if (t > config.maxPositions) throw new Error(`BERT takes at most ${config.maxPositions} tokens, got ${t}`);
      const ids = tf.cast(inputIds, 'int32');
      const positions = tf.slice(positionEmbeddings, [0, 0], [t, hidden]);
      const tokenType = tf.slice(typeEmbeddings, [0, 0], [1, hidden]);
      const embedded = tf.add(tf.add(tf.gather(wordEmbeddings, ids), positions), tokenType);
      let x = dropout(embeddingNorm(embedded), training);
      const mask = tf.cast(attentionMask, 'float32');
      const maskBias = tf.reshape(tf.mul(tf.sub(1, mask), MASKED_SCORE), [n, 1, 1, t]);
      for (const layer of layers) x = layer.apply(x, maskBias, training);
      const sequence = x as tf.Tensor3D;
      const padded = tf.expandDims(tf.mul(tf.sub(1, mask), MASKED_SCORE), 2); // [N, T, 1]
      const pooled = tf.max(tf.add(sequence, padded), 1) as tf.Tensor2D;
      return { sequence, pooled };
    },
    dispose: () => state.dispose(),
  };
}
