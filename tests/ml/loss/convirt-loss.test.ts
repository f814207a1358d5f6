import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { convirtLoss, falseNegativeMask, type ConvirtLossOptions } from '../../../src-main/ml/loss/convirt-loss';
import { GOLDEN_BACKENDS, assertClose, golden, useBackend, type LossCase } from '../train/golden';

function optionsFor(c: LossCase, logInverseTau?: tf.Scalar): ConvirtLossOptions {
  const tau = c.learnable ? { logInverseTau: logInverseTau!, tauMin: c.learnable.tauMin, tauMax: c.learnable.tauMax } : c.tau!;
  const mask = c.patients ? tf.tensor2d(falseNegativeMask(c.patients, c.patients.map((_, i) => `text ${i}`))) : undefined;
  return { lambda: c.lambda, tau, ...(mask ? { falseNegativeMask: mask } : {}) };
}

for (const backend of GOLDEN_BACKENDS) {
  describe(`ConVIRT loss against PyTorch on ${backend}`, () => {
    before(() => useBackend(backend));
    for (const c of golden.loss) {
      it(`${c.name}: value and gradients`, () => {
        const v = tf.tensor2d(c.v, [c.n, c.d]);
        const u = tf.tensor2d(c.u, [c.n, c.d]);
        const logInverseTau = c.learnable ? tf.scalar(c.learnable.logInverseTau) : undefined;
        const options = optionsFor(c, logInverseTau);
        const inputs = logInverseTau ? [v, u, logInverseTau] : [v, u];
        const loss = (...xs: tf.Tensor[]) => {
          const tau = c.learnable ? { ...(options.tau as object), logInverseTau: xs[2] as tf.Scalar } : options.tau;
          return convirtLoss(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, { ...options, tau } as ConvirtLossOptions);
        };
        const { value, grads } = tf.valueAndGrads(loss)(inputs);
        assertClose([value.dataSync()[0]!], [c.loss], `${c.name} loss`);
        assertClose(grads[0]!.dataSync(), c.gradV, `${c.name} dL/dv`);
        assertClose(grads[1]!.dataSync(), c.gradU, `${c.name} dL/du`);
        if (c.learnable) assertClose(grads[2]!.dataSync(), [c.learnable.grad], `${c.name} dL/dlog(1/tau)`);
      });
    }

    it('is log N for identical embeddings at any tau (every pair equally likely)', () => {
      const x = tf.ones([5, 4]) as tf.Tensor2D;
      assertClose(convirtLoss(x, x, { lambda: 0.75, tau: 0.1 }).dataSync(), [Math.log(5)], 'uniform loss');
    });

    it('masking every negative leaves only the positive: loss 0', () => {
      const v = tf.randomNormal([4, 6], 0, 1, 'float32', 1) as tf.Tensor2D;
      const u = tf.randomNormal([4, 6], 0, 1, 'float32', 2) as tf.Tensor2D;
      const all = tf.sub(tf.ones([4, 4]), tf.eye(4)) as tf.Tensor2D;
      assertClose(convirtLoss(v, u, { lambda: 0.75, tau: 0.1, falseNegativeMask: all }).dataSync(), [0], 'fully masked loss');
    });

    it('builds the false-negative mask from patients and identical texts', () => {
      assert.deepEqual(falseNegativeMask(['a', 'b', 'a', 'c'], ['x', 'y', 'z', ' y ']), [
        [0, 0, 1, 0],
        [0, 0, 0, 1],
        [1, 0, 0, 0],
        [0, 1, 0, 0],
      ]);
    });

    it('rejects mismatched shapes and lambda outside [0, 1]', () => {
      assert.throws(() => convirtLoss(tf.ones([3, 4]), tf.ones([2, 4]), { lambda: 0.5, tau: 0.1 }), /must both be \[N, d\]/);
      assert.throws(() => convirtLoss(tf.ones([3, 4]), tf.ones([3, 4]), { lambda: 1.5, tau: 0.1 }), /lambda/);
    });
  });
}
