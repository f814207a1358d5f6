/**
 * The projection head g (CONVIRT.md step 3): Linear -> ReLU -> Linear.
 * Tensor names follow torch.nn.Sequential(Linear, ReLU, Linear): "0.weight",
 * "0.bias", "2.weight", "2.bias". Held in the engine's ModelState with the
 * 'linear' layout (tfjs [in, out], PyTorch [out, in] in weight files).
 *
 * With batchNorm, Linear -> BatchNorm1d -> ReLU -> Linear (SimCLR v2 and
 * MoCo v3 heads; names "0", "1", "3"). Encoders trained from scratch start
 * with features that share one large common component (a max-pooled
 * transformer's outputs have cosine ~0.9999 to each other), which leaves the
 * contrastive loss at log N for hundreds of steps; normalising over the batch
 * removes that component. The paper's recipe (pretrained encoders) keeps the plain head.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createBatchNorm, type BatchNorm } from '../models/batch-norm';
import { ModelState } from '../models/state';
import { Rng } from '../augment/rng';

export interface ProjectionHeadConfig {
  inputDim: number;
  hiddenDim: number;
  /** Paper: 512. */
  outputDim: number;
  /** Linear instead of non-linear (the paper's ablation: hurts retrieval). */
  linear?: boolean;
  /** BatchNorm1d after the first Linear (ignored when linear). */
  batchNorm?: boolean;
}

/** torch.nn.Linear's default init: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias. */
function uniform(rng: Rng, inDim: number, shape: number[]): tf.Tensor {
  const bound = 1 / Math.sqrt(inDim);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => rng.uniform(-bound, bound)), shape);
}

export class ProjectionHead {
  readonly state = new ModelState();
  private readonly layers: { weight: tf.Variable; bias: tf.Variable }[] = [];
  private readonly norm: BatchNorm | null = null;

  constructor(
    readonly config: ProjectionHeadConfig,
    seed: number,
  ) {
    const rng = new Rng(seed);
    const withNorm = Boolean(config.batchNorm) && !config.linear;
    const shapes: [string, number, number][] = config.linear
      ? [['0', config.inputDim, config.outputDim]]
      : [
          ['0', config.inputDim, config.hiddenDim],
          [withNorm ? '3' : '2', config.hiddenDim, config.outputDim],
        ];
    for (const [index, inDim, outDim] of shapes) {
      this.layers.push({
        weight: this.state.add(`${index}.weight`, uniform(rng, inDim, [inDim, outDim]), 'linear'),
        bias: this.state.add(`${index}.bias`, uniform(rng, inDim, [outDim]), 'plain'),
      });
    }
    // PyTorch BatchNorm1d defaults: momentum 0.1, eps 1e-5.
    if (withNorm) this.norm = createBatchNorm(this.state, '1', config.hiddenDim, 0.1, 1e-5);
  }

  /** x: [N, inputDim] -> [N, outputDim]; training: batch statistics in the BatchNorm (and its running estimates move). */
  apply(x: tf.Tensor2D, training = false): tf.Tensor2D {
    return tf.tidy(() => {
      let y: tf.Tensor2D = x;
      this.layers.forEach(({ weight, bias }, i) => {
        if (i > 0) {
          if (this.norm) {
            const [n, c] = y.shape;
            y = tf.reshape(this.norm.apply(tf.reshape(y, [n, 1, 1, c]) as tf.Tensor4D, training), [n, c]);
          }
          y = tf.relu(y);
        }
        y = tf.add(tf.matMul(y, weight as tf.Tensor2D), bias);
      });
      return y;
    });
  }

  dispose(): void {
    this.state.dispose();
  }
}
