/**
 * Adam exactly as torch.optim.Adam (PyTorch 1.13, amsgrad off) does it:
 * weight decay is L2 added to the gradient before the moments, not AdamW.
 *
 *   g  = grad + weightDecay * p
 *   m  = beta1 * m + (1 - beta1) * g
 *   v  = beta2 * v + (1 - beta2) * g^2
 *   p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 *
 * tfjs's own AdamOptimizer has no weight decay and folds eps differently, and
 * its state cannot be saved by name; this one keeps m and v per parameter name
 * so a checkpoint can hold them and a resumed run continues bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AppError } from '../../../src-shared/result';
import { ADAM_UPDATE, hasAdamUpdate, type AdamUpdateAttrs } from '../kernels/adam-update';

export interface AdamConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const TORCH_ADAM_DEFAULTS: AdamConfig = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

/** Optimizer state as plain tensors by name, for checkpoints. */
export interface AdamState {
  step: number;
  /** `${name}.exp_avg` and `${name}.exp_avg_sq`, as torch's state_dict calls them. */
  tensors: Map<string, tf.Tensor>;
}

export class Adam {
  private step = 0;
  private readonly moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();

  constructor(readonly config: AdamConfig) {}

  get stepCount(): number {
    return this.step;
  }

  /**
   * One update of every parameter that has a gradient, at learning rate `lr`
   * (the schedule's value for this step; defaults to config.lr).
   */
  apply(params: ReadonlyMap<string, tf.Variable>, grads: Readonly<Record<string, tf.Tensor>>, lr = this.config.lr): void {
    this.step += 1;
    const { beta1, beta2, eps, weightDecay } = this.config;
    const stepSize = lr / (1 - beta1 ** this.step);
    const sqrtBias2 = Math.sqrt(1 - beta2 ** this.step);
    // One fused kernel per parameter where the backend has it (same float32 results as the ops below).
    const fused = hasAdamUpdate(tf.getBackend());
    const attrs: AdamUpdateAttrs = { beta1, beta2, eps, weightDecay, stepSize, sqrtBias2 };
    tf.tidy(() => {
      for (const [name, param] of params) {
        const rawGrad = grads[name];
        if (!rawGrad) continue;
        if (fused && param.dtype === 'float32' && rawGrad.dtype === 'float32') {
          const state = this.momentsFor(name, param);
          const inputs = { param, grad: rawGrad, m: state.m, v: state.v };
          const [p, m, v] = tf.engine().runKernel(ADAM_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
          state.m.assign(m!);
          state.v.assign(v!);
          param.assign(p!);
          continue;
        }
        const grad = weightDecay !== 0 ? tf.add(rawGrad, tf.mul(param, weightDecay)) : rawGrad;
        const state = this.momentsFor(name, param);
        state.m.assign(tf.add(tf.mul(state.m, beta1), tf.mul(grad, 1 - beta1)));
        state.v.assign(tf.add(tf.mul(state.v, beta2), tf.mul(tf.square(grad), 1 - beta2)));
        const denom = tf.add(tf.div(tf.sqrt(state.v), sqrtBias2), eps);
        param.assign(tf.sub(param, tf.mul(tf.div(state.m, denom), stepSize)));
      }
    });
  }

  private momentsFor(name: string, param: tf.Variable): { m: tf.Variable; v: tf.Variable } {
    let state = this.moments.get(name);
    if (!state) {
      state = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(param), false), v: tf.variable(tf.zerosLike(param), false) }));
      this.moments.set(name, state);
    }
    return state;
  }

  /** Copies of the state (the caller disposes the tensors). */
  getState(): AdamState {
    const tensors = new Map<string, tf.Tensor>();
    for (const [name, { m, v }] of this.moments) {
      tensors.set(`${name}.exp_avg`, tf.clone(m));
      tensors.set(`${name}.exp_avg_sq`, tf.clone(v));
    }
    return { step: this.step, tensors };
  }

  /** Replaces the state with a saved one; names without a parameter are an error. */
  setState(state: AdamState, params: ReadonlyMap<string, tf.Variable>): void {
    this.disposeMoments();
    this.step = state.step;
    for (const [name, param] of params) {
      const m = state.tensors.get(`${name}.exp_avg`);
      const v = state.tensors.get(`${name}.exp_avg_sq`);
      if (!m || !v) continue;
      if (!tf.util.arraysEqual(m.shape, param.shape) || !tf.util.arraysEqual(v.shape, param.shape)) {
        throw new AppError('bad_request', `optimizer state for ${name} has shape ${JSON.stringify(m.shape)}, parameter has ${JSON.stringify(param.shape)}`);
      }
      this.moments.set(name, tf.tidy(() => ({ m: tf.variable(tf.clone(m), false), v: tf.variable(tf.clone(v), false) })));
    }
    const known = new Set([...params.keys()].flatMap((n) => [`${n}.exp_avg`, `${n}.exp_avg_sq`]));
    const unknown = [...state.tensors.keys()].filter((k) => !known.has(k));
    if (unknown.length > 0) throw new AppError('bad_request', `optimizer state names unknown parameters: ${unknown.slice(0, 3).join(', ')}`);
  }

  private disposeMoments(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }

  dispose(): void {
    this.disposeMoments();
  }
}
