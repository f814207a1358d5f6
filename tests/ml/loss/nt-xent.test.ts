import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { ntXentLoss } from '../../../src-main/ml/loss/nt-xent';
import { GOLDEN_BACKENDS, assertClose, golden, useBackend } from '../train/golden';

for (const backend of GOLDEN_BACKENDS) {
  describe(`NT-Xent (SimCLR) loss against PyTorch on ${backend}`, () => {
    before(() => useBackend(backend));
    for (const c of golden.ntxent) {
      it(`${c.name}: value and gradients`, () => {
        const z1 = tf.tensor2d(c.z1, [c.n, c.d]);
        const z2 = tf.tensor2d(c.z2, [c.n, c.d]);
        const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => ntXentLoss(a as tf.Tensor2D, b as tf.Tensor2D, c.tau))([z1, z2]);
        assertClose([value.dataSync()[0]!], [c.loss], `${c.name} loss`);
        assertClose(grads[0]!.dataSync(), c.grad1, `${c.name} dL/dz1`);
        assertClose(grads[1]!.dataSync(), c.grad2, `${c.name} dL/dz2`);
      });
    }

    it('is log(2N - 1) when every view is identical (the positive is one of 2N - 1 equal candidates)', () => {
      const x = tf.ones([4, 3]) as tf.Tensor2D;
      assertClose(ntXentLoss(x, x, 0.1).dataSync(), [Math.log(7)], 'uniform loss');
    });

    it('rejects mismatched views', () => {
      assert.throws(() => ntXentLoss(tf.ones([4, 3]) as tf.Tensor2D, tf.ones([3, 3]) as tf.Tensor2D, 0.1), /must both be \[N, d\]/);
    });
  });
}
