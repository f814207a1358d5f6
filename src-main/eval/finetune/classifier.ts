/**
 * The fine-tuning model: an image encoder f_v (ResNet, from a checkpoint or at
 * random initialisation) and a linear head trained together. Outputs per task
 * kind: binary and multi-class have one logit per class (softmax; a binary
 * task's positive probability is column 1, as the linear probe's), multi-label
 * one logit per observation (sigmoid; entries left out, -1, carry no loss).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ResNet } from '../../ml/models/resnet';
import type { TaskKind } from '../tasks/task';

export interface FineTuneClassifier {
  readonly kind: TaskKind;
  readonly outputs: number;
  /** Encoder parameters and head, by name (the head as 'head.weight' [features, outputs] and 'head.bias'). */
  readonly trainable: Map<string, tf.Variable>;
  /** x: [N, S, S, 1] normalised pixels -> logits [N, outputs]; training: BatchNorm on batch statistics (and running-stat updates). */
  logits(x: tf.Tensor4D, training: boolean): tf.Tensor2D;
  /** Probabilities per example [N, outputs]. */
  probabilities(logits: tf.Tensor2D): tf.Tensor2D;
  /**
   * Mean loss over the batch: cross-entropy on class indices (binary, multi-class),
   * or binary cross-entropy averaged over the known entries (multi-label).
   * targets: [N] class indices, or [N, outputs] of 1 / 0 / -1.
   */
  loss(logits: tf.Tensor2D, targets: tf.Tensor): tf.Scalar;
  /** Copies of every tensor (parameters and BatchNorm statistics), for keeping the best epoch's weights. */
  snapshot(): Map<string, tf.Tensor>;
  restore(snapshot: ReadonlyMap<string, tf.Tensor>): void;
  dispose(): void;
}

/** Wraps `encoder` (taken over: disposed with the classifier) with a new linear head, Glorot-uniform and seeded. */
export function createClassifier(encoder: ResNet, kind: TaskKind, classes: number, seed: number): FineTuneClassifier {
  const outputs = classes;
  const limit = Math.sqrt(6 / (encoder.features + outputs));
  // tfjs treats seed 0 as unseeded.
  const weight = tf.variable(tf.randomUniform([encoder.features, outputs], -limit, limit, 'float32', seed + 1));
  const bias = tf.variable(tf.zeros([outputs]));
  const trainable = new Map<string, tf.Variable>([...encoder.state.trainable(), ['head.weight', weight], ['head.bias', bias]]);
  const everything = new Map<string, tf.Variable>([...[...encoder.state.entries].map(([name, e]) => [name, e.variable] as const), ['head.weight', weight], ['head.bias', bias]]);
  return {
    kind,
    outputs,
    trainable,
    logits: (x, training) => tf.add(tf.matMul(encoder.apply(x, training), weight), bias) as tf.Tensor2D,
    probabilities: (logits) => (kind === 'multilabel' ? tf.sigmoid(logits) : tf.softmax(logits)) as tf.Tensor2D,
    loss(logits, targets) {
      if (kind !== 'multilabel') return tf.losses.softmaxCrossEntropy(tf.oneHot(targets as tf.Tensor1D, outputs), logits) as tf.Scalar;
      const known = tf.cast(tf.greaterEqual(targets, 0), 'float32');
      const perEntry = tf.losses.sigmoidCrossEntropy(tf.relu(targets), logits, undefined, undefined, tf.Reduction.NONE);
      return tf.div(tf.sum(tf.mul(perEntry, known)), tf.maximum(tf.sum(known), 1)) as tf.Scalar;
    },
    snapshot: () => new Map([...everything].map(([name, v]) => [name, tf.clone(v)])),
    restore(snapshot) {
      for (const [name, v] of everything) {
        const saved = snapshot.get(name);
        if (!saved) throw new Error(`snapshot lacks ${name}`);
        v.assign(saved);
      }
    },
    dispose() {
      encoder.dispose();
      weight.dispose();
      bias.dispose();
    },
  };
}
