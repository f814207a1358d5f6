/**
 * The masked-language-model head of Hugging Face BertForMaskedLM
 * (cls.predictions): dense -> GELU -> LayerNorm, then a decoder tied to the
 * word embeddings plus a bias per vocabulary entry; and its cross-entropy.
 * Tensor names are Hugging Face's, so a saved warm-up loads there too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { geluErf, layerNormLast, type Bert } from '../models/bert';
import { ModelState } from '../models/state';

const INIT_STD = 0.02;

export class MlmHead {
  readonly state = new ModelState();
  private readonly dense: tf.Variable;
  private readonly denseBias: tf.Variable;
  private readonly gamma: tf.Variable;
  private readonly beta: tf.Variable;
  private readonly decoderBias: tf.Variable;

  constructor(
    private readonly bert: Bert,
    seed: number,
  ) {
    const { hiddenSize: hidden, vocabSize } = bert.config;
    this.dense = this.state.add('cls.predictions.transform.dense.weight', tf.truncatedNormal([hidden, hidden], 0, INIT_STD, 'float32', seed), 'linear');
    this.denseBias = this.state.add('cls.predictions.transform.dense.bias', tf.zeros([hidden]), 'plain');
    this.gamma = this.state.add('cls.predictions.transform.LayerNorm.weight', tf.ones([hidden]), 'plain');
    this.beta = this.state.add('cls.predictions.transform.LayerNorm.bias', tf.zeros([hidden]), 'plain');
    this.decoderBias = this.state.add('cls.predictions.bias', tf.zeros([vocabSize]), 'plain');
  }

  /** hidden [M, H] (the encoder's outputs at predicted positions) -> logits [M, vocab]. */
  apply(hidden: tf.Tensor2D): tf.Tensor2D {
    const transformed = layerNormLast(geluErf(tf.add(tf.matMul(hidden, this.dense), this.denseBias)), this.gamma, this.beta, this.bert.config.layerNormEps);
    const embeddings = this.bert.state.get('bert.embeddings.word_embeddings.weight') as tf.Tensor2D;
    // Tied decoder: logits = h E^T + b; E^T made explicit, no transposed matmul (see bert.ts).
    return tf.add(tf.matMul(transformed as tf.Tensor2D, tf.transpose(embeddings)), this.decoderBias) as tf.Tensor2D;
  }

  dispose(): void {
    this.state.dispose();
  }
}

/** Mean cross-entropy of logits [M, V] against labels [M] (int32), as F.cross_entropy over the predicted positions. */
export function mlmCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const logProbs = tf.logSoftmax(logits);
  const picked = tf.sum(tf.mul(tf.oneHot(labels, logits.shape[1]), logProbs), 1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

/**
 * The MLM loss of a batch: ids, mask [N, T]; `positions` the flat indices
 * (row * T + column) of the predicted tokens and `labels` their originals.
 * Only predicted rows reach the vocabulary-sized decoder.
 */
export function mlmLoss(bert: Bert, head: MlmHead, ids: tf.Tensor2D, mask: tf.Tensor2D, positions: tf.Tensor1D, labels: tf.Tensor1D, training: boolean, dropoutSeed?: number): tf.Scalar {
  const { sequence } = bert.apply(ids, mask, training, dropoutSeed);
  const [n, t, h] = sequence.shape;
  const picked = tf.gather(tf.reshape(sequence, [n * t, h]), positions) as tf.Tensor2D;
  return mlmCrossEntropy(head.apply(picked), labels);
}
