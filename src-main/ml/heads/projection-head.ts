/**
 * The projection head g (CONVIRT.md step 3): Linear -> ReLU -> Linear.
 * Tensor names follow torch.nn.Sequential(Linear, ReLU, Linear): "0.weight",
 * "0.bias", "2.weight", "2.bias". Held in the engine's ModelState with the
 * 'linear' layout (tfjs [in, out], PyTorch [out, in] in weight files).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelState } from '../models/state';
import { Rng } from '../augment/rng';

export interface ProjectionHeadConfig {
  inputDim: number;
  hiddenDim: number;
  /** Paper: 512. */
  outputDim: number;
  /** Linear instead of non-linear (the paper's ablation: hurts retrieval). */
  linear?: boolean;
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

  constructor(
    readonly config: ProjectionHeadConfig,
    seed: number,
  ) {
    const rng = new Rng(seed);
    const shapes: [string, number, number][] = config.linear
      ? [['0', config.inputDim, config.outputDim]]
      : [
          ['0', config.inputDim, config.hiddenDim],
          ['2', config.hiddenDim, config.outputDim],
        ];
    for (const [index, inDim, outDim] of shapes) {
      this.layers.push({
        weight: this.state.add(`${index}.weight`, uniform(rng, inDim, [inDim, outDim]), 'linear'),
        bias: this.state.add(`${index}.bias`, uniform(rng, inDim, [outDim]), 'plain'),
      });
    }
  }

  /** x: [N, inputDim] -> [N, outputDim]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let y: tf.Tensor2D = x;
      this.layers.forEach(({ weight, bias }, i) => {
        if (i > 0) y = tf.relu(y);
        y = tf.add(tf.matMul(y, weight as tf.Tensor2D), bias);
      });
      return y;
    });
  }

  dispose(): void {
    this.state.dispose();
  }
}
