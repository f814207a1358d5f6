/**
 * The projection head g (CONVIRT.md step 3): Linear -> ReLU -> Linear.
 * Parameters follow torch.nn.Sequential(Linear, ReLU, Linear) names and
 * layouts ("0.weight" is [hidden, in], "0.bias" [hidden], "2.weight"
 * [out, hidden], "2.bias" [out]) so checkpoints load in PyTorch unchanged.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../augment/rng';

export interface ProjectionHeadConfig {
  inputDim: number;
  hiddenDim: number;
  /** Paper: 512. */
  outputDim: number;
  /** Linear instead of non-linear (the paper's ablation: hurts retrieval). */
  linear?: boolean;
}

export type NamedVariables = Map<string, tf.Variable>;

/** torch.nn.Linear's default init: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias. */
function linearInit(rng: Rng, inDim: number, size: number): Float32Array {
  const bound = 1 / Math.sqrt(inDim);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.uniform(-bound, bound);
  return values;
}

/** tfjs variable names are global; a counter keeps two heads' names apart. */
let instanceCounter = 0;

export class ProjectionHead {
  readonly variables: NamedVariables = new Map();

  constructor(
    readonly config: ProjectionHeadConfig,
    seed: number,
    readonly prefix = '',
  ) {
    const rng = new Rng(seed);
    const layers: [string, number, number][] = config.linear
      ? [['0', config.outputDim, config.inputDim]]
      : [
          ['0', config.hiddenDim, config.inputDim],
          ['2', config.outputDim, config.hiddenDim],
        ];
    for (const [index, out, inDim] of layers) {
      this.add(`${index}.weight`, [out, inDim], linearInit(rng, inDim, out * inDim));
      this.add(`${index}.bias`, [out], linearInit(rng, inDim, out));
    }
  }

  private add(name: string, shape: number[], values: Float32Array): void {
    const full = `${this.prefix}${name}`;
    const initial = tf.tensor(values, shape);
    this.variables.set(full, tf.variable(initial, true, `${full}#${instanceCounter++}`));
    initial.dispose();
  }

  private param(name: string): tf.Variable {
    return this.variables.get(`${this.prefix}${name}`)!;
  }

  /** x: [N, inputDim] -> [N, outputDim]. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const linear = (input: tf.Tensor2D, index: string) =>
        tf.add(tf.matMul(input, tf.transpose(this.param(`${index}.weight`))), this.param(`${index}.bias`)) as tf.Tensor2D;
      if (this.config.linear) return linear(x, '0');
      return linear(tf.relu(linear(x, '0')), '2');
    });
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
  }
}
