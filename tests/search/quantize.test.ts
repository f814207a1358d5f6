/** The int8 interval is rigorous: the float dot product always lies within it, on 2000 random pairs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantizeInt8 } from '../../src-main/search/quantize';
import { mulberry32, randomVector } from './seeded';

test('|x.q - x^.q^| <= |x - x^| + |x^| |q - q^| for unit q, and zero vectors quantise to zero', () => {
  const rand = mulberry32(2024);
  for (let t = 0; t < 2000; t++) {
    const dim = 1 + Math.floor(rand() * 80);
    const x = randomVector(rand, dim).map((v) => v * (t % 3 === 0 ? 1e-3 : 1));
    const q = randomVector(rand, dim);
    const n = Math.hypot(...q);
    q.forEach((v, j) => (q[j] = v / n));
    const x8 = new Int8Array(dim);
    const q8 = new Int8Array(dim);
    const qx = quantizeInt8(x, x8);
    const qq = quantizeInt8(q, q8);
    let exact = 0;
    let sum = 0;
    for (let j = 0; j < dim; j++) {
      exact += x[j]! * q[j]!;
      sum += x8[j]! * q8[j]!;
      assert.ok(Math.abs(x8[j]!) <= 127);
    }
    const approx = sum * qx.scale * qq.scale;
    assert.ok(Math.abs(exact - approx) <= qx.error + qx.norm * qq.error + 1e-9, `trial ${t}`);
  }
  const zero = new Int8Array(4).fill(5);
  assert.deepEqual(quantizeInt8(new Float32Array(4), zero), { scale: 0, error: 0, norm: 0 });
  assert.deepEqual([...zero], [0, 0, 0, 0]);
});
