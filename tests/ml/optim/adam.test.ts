import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Adam } from '../../../src-main/ml/optim/adam';
import { clipByGlobalNorm } from '../../../src-main/ml/optim/clip';
import { learningRate } from '../../../src-main/ml/optim/schedule';
import { GOLDEN_BACKENDS, assertClose, golden, useBackend, type AdamCase } from '../train/golden';

function run(c: AdamCase, upTo = c.grads.length): { adam: Adam; params: Map<string, tf.Variable> } {
  const params = new Map<string, tf.Variable>([
    ['a', tf.variable(tf.tensor(c.initial.a, [4, 3]))],
    ['b', tf.variable(tf.tensor(c.initial.b, [5]))],
  ]);
  const adam = new Adam({ lr: c.lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: c.weightDecay });
  for (let step = 0; step < upTo; step++) {
    tf.tidy(() => {
      const raw = { a: tf.tensor(c.grads[step]!.a, [4, 3]), b: tf.tensor(c.grads[step]!.b, [5]) };
      const grads = c.maxNorm === null ? raw : clipByGlobalNorm(raw, c.maxNorm).grads;
      adam.apply(params, grads);
    });
  }
  return { adam, params };
}

for (const backend of GOLDEN_BACKENDS) {
  describe(`Adam against torch.optim.Adam on ${backend}`, () => {
    before(() => useBackend(backend));

    for (const c of golden.adam) {
      it(`${c.name}: parameters after each of ${c.grads.length} steps and final moments`, () => {
        for (let upTo = 1; upTo <= c.grads.length; upTo++) {
          const { adam, params } = run(c, upTo);
          assertClose(params.get('a')!.dataSync(), c.after[upTo - 1]!.a, `${c.name} a after step ${upTo}`, 1e-5, 1e-6);
          assertClose(params.get('b')!.dataSync(), c.after[upTo - 1]!.b, `${c.name} b after step ${upTo}`, 1e-5, 1e-6);
          if (upTo === c.grads.length) {
            const state = adam.getState();
            assertClose(state.tensors.get('a.exp_avg')!.dataSync(), c.finalExpAvgA, 'exp_avg');
            assertClose(state.tensors.get('a.exp_avg_sq')!.dataSync(), c.finalExpAvgSqA, 'exp_avg_sq');
            state.tensors.forEach((t) => t.dispose());
          }
          adam.dispose();
          params.forEach((p) => p.dispose());
        }
      });
    }

    it('a saved and restored state continues exactly like an uninterrupted run', () => {
      const c = golden.adam.find((x) => x.name === 'strong-wd')!;
      const { adam, params } = run(c, 3);
      const state = adam.getState();
      const fresh = new Adam(adam.config);
      fresh.setState(state, params);
      assert.equal(fresh.stepCount, 3);
      for (let step = 3; step < c.grads.length; step++) {
        tf.tidy(() => fresh.apply(params, { a: tf.tensor(c.grads[step]!.a, [4, 3]), b: tf.tensor(c.grads[step]!.b, [5]) }));
      }
      assertClose(params.get('a')!.dataSync(), c.after.at(-1)!.a, 'a after resume', 1e-5, 1e-6);
      assert.throws(() => fresh.setState({ step: 1, tensors: new Map([['zz.exp_avg', tf.zeros([1])]]) }, params), /unknown parameters/);
    });

    it('does not leak tensors across steps', () => {
      const c = golden.adam[1]!;
      const { adam, params } = run(c, 1);
      const before = tf.memory().numTensors;
      tf.tidy(() => adam.apply(params, { a: tf.ones([4, 3]), b: tf.ones([5]) }));
      assert.equal(tf.memory().numTensors, before);
    });
  });
}

describe('learning-rate schedules', () => {
  it('constant, step and cosine with warm-up', () => {
    assert.equal(learningRate({ kind: 'constant' }, 1e-4, 999, 1000), 1e-4);
    assert.equal(learningRate({ kind: 'step', stepSize: 10, gamma: 0.5 }, 1, 25, 100), 0.25);
    const cosine = { kind: 'cosine', warmupSteps: 10, minFactor: 0.1 } as const;
    assert.equal(learningRate(cosine, 1, 0, 110), 0.1);
    assert.equal(learningRate(cosine, 1, 9, 110), 1);
    assert.ok(Math.abs(learningRate(cosine, 1, 10, 110) - 1) < 1e-12);
    assert.ok(Math.abs(learningRate(cosine, 1, 60, 110) - 0.55) < 1e-12);
    assert.ok(Math.abs(learningRate(cosine, 1, 110, 110) - 0.1) < 1e-12);
  });
});
