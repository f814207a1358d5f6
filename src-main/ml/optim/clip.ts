/**
 * Gradient clipping by global norm, as torch.nn.utils.clip_grad_norm_ with
 * norm_type 2: every gradient is scaled by min(1, maxNorm / (total + 1e-6)).
 * Applied to the raw gradients, before Adam adds weight decay (torch order).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface ClippedGradients {
  grads: Record<string, tf.Tensor>;
  /** The global norm before clipping, as a scalar tensor. */
  totalNorm: tf.Scalar;
}

/** Call inside tf.tidy; returns new tensors and leaves the inputs alone. */
export function clipByGlobalNorm(grads: Readonly<Record<string, tf.Tensor>>, maxNorm: number): ClippedGradients {
  const names = Object.keys(grads);
  const totalNorm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))))) as tf.Scalar;
  const coef = tf.minimum(tf.div(maxNorm, tf.add(totalNorm, 1e-6)), 1);
  const clipped: Record<string, tf.Tensor> = {};
  for (const n of names) clipped[n] = tf.mul(grads[n]!, coef);
  return { grads: clipped, totalNorm };
}
