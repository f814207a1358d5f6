/**
 * The wasm backend without the native OpenBLAS kernels (not built, no
 * compiler, or CONVIRT_NATIVE_KERNELS=0): selection says why, and matrix
 * products and convolutions still run, on the wasm kernels. In a child
 * process, since the kernels register once per process.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';

const SCRIPT = `
const tf = require('@tensorflow/tfjs-core');
const { selectBackend } = require('./src-main/ml/backend/select');
const { wasmFallbackKernels } = require('./src-main/ml/kernels/register');
selectBackend({ only: 'wasm' }).then((info) => {
  const x = tf.randomNormal([2, 9, 9, 3], 0, 1, 'float32', 1);
  const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 2);
  const [dx, dw] = tf.grads((a, b) => tf.sum(tf.matMul(tf.reshape(tf.conv2d(a, b, 2, 'same'), [2, -1]), tf.ones([2, 5]), true)))([x, w]);
  const reason = info.candidates.find((c) => c.name === 'wasm').reason;
  process.stdout.write(JSON.stringify({ reason, native: wasmFallbackKernels.size, dx: dx.shape, dw: dw.shape, finite: [...dx.dataSync(), ...dw.dataSync()].every(Number.isFinite) }));
});`;

describe('wasm without the native kernels', () => {
  it('says why and trains a conv + matmul on the wasm kernels', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', SCRIPT], { cwd: `${__dirname}/../../..`, env: { ...process.env, CONVIRT_NATIVE_KERNELS: '0' }, encoding: 'utf8' });
    const result = JSON.parse(out) as { reason: string; native: number; dx: number[]; dw: number[]; finite: boolean };
    assert.match(result.reason, /native kernels off \(CONVIRT_NATIVE_KERNELS=0\)/);
    assert.equal(result.native, 0, 'no native kernel registered');
    assert.deepEqual(result.dx, [2, 9, 9, 3]);
    assert.deepEqual(result.dw, [3, 3, 3, 4]);
    assert.ok(result.finite);
  });
});
