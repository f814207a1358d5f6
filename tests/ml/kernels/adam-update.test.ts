/**
 * The fused Adam kernel (src-main/ml/kernels/adam-update.ts) against the
 * op-by-op update it replaces, on cpu and wasm: random parameters, gradients
 * and several steps, with and without weight decay, must agree bit for bit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../src-main/ml/backend/select';
import { ADAM_UPDATE, adamUpdateCpuConfig, adamUpdateWasmConfig, hasAdamUpdate } from '../../../src-main/ml/kernels/adam-update';
import { Adam } from '../../../src-main/ml/optim/adam';

const SHAPES: Record<string, number[]> = { conv: [3, 3, 4, 8], bias: [7], table: [33, 5] };

/** Parameters after `steps` Adam steps from seeded random values and gradients (seed 0 would mean unseeded). */
function train(weightDecay: number, steps: number): Record<string, Float32Array> {
  const params = new Map(Object.entries(SHAPES).map(([name, shape], i) => [name, tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 10 + i))]));
  const adam = new Adam({ lr: 3e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay });
  for (let step = 0; step < steps; step++) {
    tf.tidy(() => {
      const grads = Object.fromEntries(Object.entries(SHAPES).map(([name, shape], i) => [name, tf.randomNormal(shape, 0, 0.1 * (step + 1), 'float32', 1000 + 100 * step + i)]));
      adam.apply(params, grads);
    });
  }
  const out = Object.fromEntries([...params].map(([name, p]) => [name, p.dataSync() as Float32Array]));
  adam.dispose();
  params.forEach((p) => p.dispose());
  return out;
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fused Adam update on ${backend}`, () => {
    for (const weightDecay of [0, 0.05]) {
      it(`equals the op-by-op update bit for bit (weight decay ${weightDecay})`, async () => {
        await useBackend(backend);
        assert.ok(hasAdamUpdate(backend), `${backend} has the fused kernel`);
        const fused = train(weightDecay, 4);
        tf.unregisterKernel(ADAM_UPDATE, backend);
        try {
          assert.ok(!hasAdamUpdate(backend));
          const ops = train(weightDecay, 4);
          for (const name of Object.keys(SHAPES)) assert.deepEqual(fused[name], ops[name], `${name} on ${backend}`);
          assert.notDeepEqual(fused.conv, tf.tidy(() => tf.randomNormal(SHAPES.conv!, 0, 1, 'float32', 10).dataSync()), 'the parameters moved');
        } finally {
          tf.registerKernel(backend === 'cpu' ? adamUpdateCpuConfig : adamUpdateWasmConfig);
        }
      });
    }
  });
}
