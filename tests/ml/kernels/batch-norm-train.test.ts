/**
 * The fused training BatchNorm kernels (src-main/ml/kernels/batch-norm-train.ts)
 * against the op-by-op BatchNorm they replace: output, running estimates and
 * the gradients of a loss with respect to the input, gamma and beta, on random
 * activations of several shapes. On wasm, where the engine registers them; on
 * cpu, where it does not (the cpu backend stays the op-by-op reference), they
 * are registered for the test and removed after.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../src-main/ml/backend/select';
import { BATCH_NORM_TRAIN, batchNormTrainConfigs, hasBatchNormTrain, registerBatchNormTrain } from '../../../src-main/ml/kernels/batch-norm-train';
import { createBatchNorm } from '../../../src-main/ml/models/batch-norm';
import { ModelState } from '../../../src-main/ml/models/state';
import { assertClose } from '../helpers/golden';

const SHAPES: Array<[number, number, number, number]> = [
  [2, 5, 5, 3],
  [4, 8, 6, 16],
  [1, 3, 7, 5],
  [16, 2, 2, 32],
  [8, 1, 1, 6],
];

interface Result {
  y: Float32Array;
  running: Float32Array[];
  grads: Float32Array[];
}

/** One training-mode BatchNorm on seeded data: output, running estimates after it, and d/dx, d/dgamma, d/dbeta of sum(y * w). */
function run(shape: [number, number, number, number], seed: number): Result {
  return tf.tidy(() => {
    const channels = shape[3];
    const state = new ModelState();
    const bn = createBatchNorm(state, 'bn', channels, 0.1, 1e-5);
    const gamma = state.get('bn.weight');
    const beta = state.get('bn.bias');
    gamma.assign(tf.randomUniform([channels], 0.5, 1.5, 'float32', seed));
    beta.assign(tf.randomNormal([channels], 0, 1, 'float32', seed + 1));
    const x = tf.add(tf.randomNormal(shape, 0, 2, 'float32', seed + 2), 0.7) as tf.Tensor4D;
    const w = tf.randomNormal(shape, 0, 1, 'float32', seed + 3);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(bn.apply(x as tf.Tensor4D, true), w)) as tf.Scalar, [gamma, beta]);
    const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(bn.apply(input as tf.Tensor4D, true), w)))(x);
    value.dispose();
    const y = bn.apply(x, true).dataSync() as Float32Array;
    const running = ['bn.running_mean', 'bn.running_var'].map((n) => state.get(n).dataSync() as Float32Array);
    const result = { y, running, grads: [dx, grads[gamma.name]!, grads[beta.name]!].map((g) => g.dataSync() as Float32Array) };
    state.dispose();
    return result;
  });
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fused training BatchNorm on ${backend}`, () => {
    for (const [i, shape] of SHAPES.entries()) {
      it(`matches the op-by-op BatchNorm on ${shape.join('x')}: output, running estimates, gradients`, async () => {
        await useBackend(backend);
        assert.equal(hasBatchNormTrain(backend), backend === 'wasm', 'registered on wasm only');
        if (backend === 'cpu') registerBatchNormTrain(backend);
        const fused = run(shape, 10 * i + 1);
        for (const config of batchNormTrainConfigs(backend)) tf.unregisterKernel(config.kernelName, backend);
        try {
          assert.ok(!hasBatchNormTrain(backend), `${BATCH_NORM_TRAIN} unregistered`);
          const ops = run(shape, 10 * i + 1);
          assertClose(fused.y, ops.y, 'output', 1e-5, 1e-5);
          fused.running.forEach((r, k) => assertClose(r, ops.running[k]!, `running estimate ${k}`, 1e-5, 1e-5));
          ['dx', 'dgamma', 'dbeta'].forEach((name, k) => assertClose(fused.grads[k]!, ops.grads[k]!, name, 1e-4, 1e-4));
        } finally {
          if (backend === 'wasm') registerBatchNormTrain(backend);
        }
      });
    }
  });
}
