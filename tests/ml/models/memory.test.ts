/** Train-mode steps leave no tensors behind (BatchNorm running statistics are assigned, not leaked). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../src-main/ml/backend/select';
import { createBert } from '../../../src-main/ml/models/bert';
import { createResNet } from '../../../src-main/ml/models/resnet';

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`encoder steps on ${backend}`, () => {
    it('keep tf.memory() flat from step to step', async () => {
      await useBackend(backend);
      const image = createResNet({ depth: 18, widthMultiplier: 0.0625 }, { seed: 1 });
      const text = createBert({ vocabSize: 40, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, maxPositions: 8 }, { seed: 2 });
      const x = tf.randomNormal([2, 32, 32, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
      const ids = tf.tensor2d([[2, 9, 3, 0], [2, 7, 8, 3]], undefined, 'int32');
      const mask = tf.tensor2d([[1, 1, 1, 0], [1, 1, 1, 1]]);
      const step = (i: number) => {
        const { value, grads } = tf.variableGrads(() => tf.add(tf.sum(image.apply(x, true)), tf.sum(text.apply(ids, mask, true, i).pooled)) as tf.Scalar);
        tf.dispose([value, grads]);
      };
      const runningMean = image.buffers.get('bn1.running_mean')!;
      const before = runningMean.dataSync().slice();
      step(0);
      const after1 = { ...tf.memory() };
      for (let i = 1; i < 4; i++) step(i);
      const after4 = tf.memory();
      assert.equal(after4.numTensors, after1.numTensors);
      assert.equal(after4.numBytes, after1.numBytes);
      assert.notDeepEqual(runningMean.dataSync(), before, 'train mode moves the running statistics');
      tf.dispose([x, ids, mask]);
      image.dispose();
      text.dispose();
    });
  });
}
