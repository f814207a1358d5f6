/**
 * MaxPoolGrad with padding, against PyTorch (tests/fixtures/golden/make_golden.py):
 * the engine's cpu replacement matches; tfjs-backend-cpu's own kernel does not.
 */
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../src-main/ml/backend/select';
import { assertClose, goldenTensor, readGolden } from '../helpers/golden';

describe('padded max-pool gradient (3x3, stride 2, pad 1) matches PyTorch', () => {
  const io = readGolden('maxpool.io.safetensors');
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`on ${backend}, including windows whose values are all negative`, async () => {
      await useBackend(backend);
      const x = goldenTensor(io, 'input') as tf.Tensor4D;
      const probe = goldenTensor(io, 'probe');
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 3, 2, 1), probe)))(x);
      assertClose(dx, io.get('grad.input')!, `${backend} max-pool gradient`);
      tf.dispose([x, probe, dx]);
    });
  }
});
