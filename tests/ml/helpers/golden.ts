/** Reading the PyTorch golden fixtures and comparing tensors within float32 tolerance. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { readSafetensors, type FloatTensor } from '../../../src-main/ml/weights/safetensors';

export const GOLDEN_DIR = join(__dirname, '..', '..', 'fixtures', 'golden');

export function goldenPath(name: string): string {
  return join(GOLDEN_DIR, name);
}

export function readGolden(name: string): Map<string, FloatTensor> {
  return readSafetensors(goldenPath(name)).tensors;
}

export function goldenTensor(file: Map<string, FloatTensor>, key: string): tf.Tensor {
  const t = file.get(key);
  assert.ok(t, `golden key ${key} is missing`);
  return tf.tensor(t.data, t.shape, 'float32');
}

/**
 * Asserts |actual - expected| <= atol + rtol * max|expected| everywhere and
 * returns the largest difference (for the report).
 */
export function assertClose(actual: tf.Tensor | Float32Array, expected: FloatTensor | Float32Array, what: string, rtol = 1e-4, atol = 1e-5): number {
  const a = actual instanceof Float32Array ? actual : (actual.dataSync() as Float32Array);
  const e = expected instanceof Float32Array ? expected : expected.data;
  assert.equal(a.length, e.length, `${what}: ${a.length} values, expected ${e.length}`);
  let scale = 0;
  for (const v of e) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - e[i]!);
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(worst <= atol + rtol * scale, `${what}: max |diff| ${worst} at ${at} (got ${a[at]}, want ${e[at]}) exceeds ${atol} + ${rtol} * ${scale}`);
  return worst;
}
