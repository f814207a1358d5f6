/**
 * SimCLR's NT-Xent loss (Chen et al. 2020), the image-only contrastive
 * baseline of the ConVIRT paper and the image-image term of a hybrid run.
 * Two augmented views z1, z2 [N, d] of the same N images give 2N anchors;
 * each anchor's positive is its other view and the other 2N - 2 views are
 * its negatives:
 *
 *   l_a = -log( exp(<z_a, z_p(a)>/tau) / sum_{k != a} exp(<z_a, z_k>/tau) )
 *   L = mean_a l_a          (cosine similarities)
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { AppError } from '../../../src-shared/result';
import { l2Normalize } from './convirt-loss';

/** Added to an anchor's similarity with itself: exp(-1e9) is exactly 0 in float32. */
const SELF = -1e9;

export function ntXentLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, tau: number): tf.Scalar {
  if (z1.shape.length !== 2 || z2.shape.length !== 2 || z1.shape[0] !== z2.shape[0] || z1.shape[1] !== z2.shape[1]) {
    throw new AppError('bad_request', `ntXentLoss: z1 ${JSON.stringify(z1.shape)} and z2 ${JSON.stringify(z2.shape)} must both be [N, d]`);
  }
  if (!(tau > 0)) throw new AppError('bad_request', `ntXentLoss: tau must be positive, got ${tau}`);
  const n = z1.shape[0];
  return tf.tidy(() => {
    const z = l2Normalize(tf.concat([z1, z2], 0) as tf.Tensor2D); // [2N, d]
    // Explicit transpose: wasm's transposed BatchMatMul is much slower.
    const logits = tf.add(tf.div(tf.matMul(z, tf.transpose(z)), tau), tf.mul(tf.eye(2 * n), SELF));
    // Anchor a < N pairs with a + N, and a >= N with a - N.
    const positives = tf.oneHot(tf.tensor1d([...Array.from({ length: n }, (_, i) => i + n), ...Array.from({ length: n }, (_, i) => i)], 'int32'), 2 * n);
    const nll = tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits, 1), positives), 1));
    return tf.mean(nll) as tf.Scalar;
  });
}
