import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { ProjectionHead } from '../../../src-main/ml/heads/projection-head';
import { loadStateDict } from '../../../src-main/ml/weights/state-dict';
import { GOLDEN_BACKENDS, assertClose, golden, useBackend } from '../train/golden';

for (const backend of GOLDEN_BACKENDS) {
  describe(`projection head (Linear-ReLU-Linear) on ${backend}`, () => {
    before(() => useBackend(backend));

    it('matches torch.nn.Sequential forward and gradients with the same weights', () => {
      const g = golden.head;
      const [hidden, input] = g.shapes['0.weight']!;
      const output = g.shapes['2.weight']![0]!;
      const head = new ProjectionHead({ inputDim: input!, hiddenDim: hidden!, outputDim: output }, 1);
      assert.deepEqual([...head.state.entries.keys()], ['0.weight', '0.bias', '2.weight', '2.bias']);
      const torchDict = new Map(Object.entries(g.params).map(([name, data]) => [name, { shape: g.shapes[name]!, data: Float32Array.from(data), dtype: 'F32' }]));
      loadStateDict(head.state, torchDict, 'golden.json');
      const x = tf.tensor2d(g.x, [g.x.length / input!, input!]);
      assertClose(head.apply(x).dataSync(), g.y, 'head output');
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(head.apply(x))) as tf.Scalar, [...head.state.params().values()]);
      for (const name of Object.keys(g.params)) {
        const variable = head.state.get(name);
        // Gradients come in tfjs layout: transpose linear weights back to torch's [out, in].
        const grad = variable.shape.length === 2 ? tf.transpose(grads[variable.name]!) : grads[variable.name]!;
        assertClose(grad.dataSync(), g.grads[name]!, `d/d ${name}`);
      }
      head.dispose();
    });

    it('initialises like torch.nn.Linear: U(-1/sqrt(in), 1/sqrt(in)), seeded', () => {
      const a = new ProjectionHead({ inputDim: 64, hiddenDim: 32, outputDim: 16 }, 7);
      const b = new ProjectionHead({ inputDim: 64, hiddenDim: 32, outputDim: 16 }, 7);
      const w = a.state.get('0.weight').dataSync();
      const bound = 1 / Math.sqrt(64);
      assert.ok(w.every((x) => Math.abs(x) <= bound));
      assert.ok(Math.max(...w) > 0.9 * bound && Math.min(...w) < -0.9 * bound, 'spans the range');
      assert.deepEqual(w, b.state.get('0.weight').dataSync());
      assert.deepEqual(a.state.get('2.weight').shape, [32, 16]);
      a.dispose();
      b.dispose();
    });

    it('linear variant has one layer', () => {
      const head = new ProjectionHead({ inputDim: 8, hiddenDim: 8, outputDim: 4, linear: true }, 3);
      assert.deepEqual([...head.state.entries.keys()], ['0.weight', '0.bias']);
      assert.deepEqual(head.apply(tf.ones([2, 8])).shape, [2, 4]);
      head.dispose();
    });
  });
}
