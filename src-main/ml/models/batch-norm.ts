/**
 * BatchNorm2d over NHWC activations with PyTorch's semantics. Training: the
 * batch mean and biased variance over (N, H, W) normalise, and the running
 * estimates move by `momentum` (0.1) towards the batch mean and the UNBIASED
 * variance (x n/(n-1)). Evaluation: the running estimates normalise.
 */
import * as tf from '@tensorflow/tfjs-core';
import { BATCH_NORM_TRAIN, hasBatchNormTrain } from '../kernels/batch-norm-train';
import type { ModelState } from './state';

export interface BatchNorm {
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D;
}

export function createBatchNorm(state: ModelState, prefix: string, channels: number, momentum: number, eps: number): BatchNorm {
  const weight = state.add(`${prefix}.weight`, tf.ones([channels]), 'plain');
  const bias = state.add(`${prefix}.bias`, tf.zeros([channels]), 'plain');
  const runningMean = state.add(`${prefix}.running_mean`, tf.zeros([channels]), 'plain', false);
  const runningVar = state.add(`${prefix}.running_var`, tf.ones([channels]), 'plain', false);
  return {
    apply(x, training) {
      if (!training) return tf.batchNorm4d(x, runningMean as tf.Tensor1D, runningVar as tf.Tensor1D, bias as tf.Tensor1D, weight as tf.Tensor1D, eps);
      // One fused kernel (and one for its gradient) where the backend has it; the same math op by op otherwise.
      const fused = hasBatchNormTrain(tf.getBackend()) && x.dtype === 'float32';
      const stats = fused ? null : tf.moments(x, [0, 1, 2]);
      const [y, mean, variance] = stats
        ? [null, stats.mean, stats.variance]
        : (tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma: weight, beta: bias }, { eps }) as [tf.Tensor, tf.Tensor, tf.Tensor]);
      const [n, h, w] = x.shape;
      const count = n * h * w;
      const unbiased = tf.mul(variance, count / Math.max(1, count - 1));
      // assign shares the new data; the tidy around the step frees only the handle.
      runningMean.assign(tf.add(tf.mul(runningMean, 1 - momentum), tf.mul(mean, momentum)));
      runningVar.assign(tf.add(tf.mul(runningVar, 1 - momentum), tf.mul(unbiased, momentum)));
      if (y) return y as tf.Tensor4D;
      const scale = tf.mul(weight, tf.rsqrt(tf.add(variance, eps)));
      return tf.add(tf.mul(tf.sub(x, mean), scale), bias) as tf.Tensor4D;
    },
  };
}
