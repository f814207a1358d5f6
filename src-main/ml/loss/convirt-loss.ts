/**
 * The ConVIRT loss (CONVIRT.md, "The method", step 4): a bidirectional InfoNCE
 * over cosine similarities of a batch of N image embeddings v and N text
 * embeddings u, weighted lambda image->text and (1 - lambda) text->image.
 *
 *   l_i(v->u) = -log( exp(<v_i,u_i>/tau) / sum_k exp(<v_i,u_k>/tau) )
 *   L = mean_i [ lambda * l_i(v->u) + (1 - lambda) * l_i(u->v) ]
 *
 * Optional additions (issue "Label efficiency"): a learnable temperature,
 * clamped, and a mask of false negatives that removes pairs sharing a patient
 * or an identical text from each other's denominators.
 */
import * as tf from '@tensorflow/tfjs-core';
// Training differentiates this loss; make sure tfjs's gradient functions are registered.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { AppError } from '../../../src-shared/result';

/** Added to masked logits: exp(logit - 1e9) is exactly 0 in float32. */
const MASKED = -1e9;

export interface ConvirtLossOptions {
  /** Weight of the image->text direction (paper: 0.75). */
  lambda: number;
  /**
   * Temperature: a fixed number (paper: 0.1), or a scalar tensor holding
   * log(1/tau) (a learnable variable) clamped so tau stays in [tauMin, tauMax].
   */
  tau: number | { logInverseTau: tf.Scalar; tauMin: number; tauMax: number };
  /**
   * [N, N] 1 where pair k must not appear in the denominators of pair i
   * (a false negative), 0 elsewhere. Must be symmetric with a zero diagonal.
   */
  falseNegativeMask?: tf.Tensor2D;
}

/** Rows scaled to unit length, as torch.nn.functional.normalize (eps 1e-12). */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const norm = tf.maximum(tf.sqrt(tf.sum(tf.square(x), 1, true)), 1e-12);
    return tf.div(x, norm);
  });
}

/** [N, N] cosine similarities scaled by 1/tau: entry (i, k) = <v_i, u_k> / tau. */
export function scaledSimilarities(v: tf.Tensor2D, u: tf.Tensor2D, tau: ConvirtLossOptions['tau']): tf.Tensor2D {
  return tf.tidy(() => {
    // Explicit transpose: wasm's transposed BatchMatMul is 10-50x slower.
    const cosine = tf.matMul(l2Normalize(v), tf.transpose(l2Normalize(u)));
    if (typeof tau === 'number') return tf.div(cosine, tau);
    const inverseTau = tf.exp(tf.clipByValue(tau.logInverseTau, Math.log(1 / tau.tauMax), Math.log(1 / tau.tauMin)));
    return tf.mul(cosine, inverseTau);
  });
}

/** Per-row -log softmax of the diagonal entry: [N]. */
function diagonalNll(logits: tf.Tensor2D): tf.Tensor1D {
  const n = logits.shape[0];
  return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits, 1), tf.eye(n)), 1)) as tf.Tensor1D;
}

/** The scalar loss L, differentiable with respect to v, u and a learnable tau. */
export function convirtLoss(v: tf.Tensor2D, u: tf.Tensor2D, options: ConvirtLossOptions): tf.Scalar {
  if (v.shape.length !== 2 || u.shape.length !== 2 || v.shape[0] !== u.shape[0] || v.shape[1] !== u.shape[1]) {
    throw new AppError('bad_request', `convirtLoss: v ${JSON.stringify(v.shape)} and u ${JSON.stringify(u.shape)} must both be [N, d]`);
  }
  if (options.lambda < 0 || options.lambda > 1) throw new AppError('bad_request', `convirtLoss: lambda ${options.lambda} is outside [0, 1]`);
  return tf.tidy(() => {
    let logits = scaledSimilarities(v, u, options.tau);
    if (options.falseNegativeMask) logits = tf.add(logits, tf.mul(options.falseNegativeMask, MASKED));
    const imageToText = diagonalNll(logits);
    const textToImage = diagonalNll(tf.transpose(logits));
    return tf.mean(tf.add(tf.mul(imageToText, options.lambda), tf.mul(textToImage, 1 - options.lambda))) as tf.Scalar;
  });
}

/**
 * The false-negative mask for a batch: 1 where two different pairs share a
 * patient key or have an identical text (after trimming), 0 on the diagonal.
 */
export function falseNegativeMask(patientKeys: readonly string[], texts: readonly string[]): number[][] {
  const n = patientKeys.length;
  const mask: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row: number[] = [];
    for (let k = 0; k < n; k++) {
      const same = i !== k && (patientKeys[i] === patientKeys[k] || texts[i]!.trim() === texts[k]!.trim());
      row.push(same ? 1 : 0);
    }
    mask.push(row);
  }
  return mask;
}
