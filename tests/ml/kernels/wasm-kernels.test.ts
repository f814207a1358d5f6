/**
 * The engine's wasm kernels against the cpu backend's own, on random inputs of
 * several shapes, strides and paddings: Conv2DBackpropFilter and
 * UnsortedSegmentSum (missing from tfjs-backend-wasm), Conv2DBackpropInput as
 * a forward conv (tfjs's own below 4 input channels) and BatchMatMul with
 * transposed operands (replacements). With the native OpenBLAS kernels built
 * (src-main/ml/native; built here first if missing), BatchMatMul and the three
 * convolution kernels run on them, and every case also runs the wasm kernel
 * each falls back to.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../src-main/ml/backend/select';
import { wasmFallbackKernels } from '../../../src-main/ml/kernels/register';
import { loadNativeBlas } from '../../../src-main/ml/native/blas';
import { assertClose } from '../helpers/golden';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number | [number, number];
  pad: Pad;
}

const CONV_CASES: ConvCase[] = [
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [2, 9, 9, 4], filter: [3, 3, 4, 4], stride: 2, pad: 'same' },
  { x: [1, 10, 7, 5], filter: [3, 3, 5, 5], stride: 2, pad: 'valid' },
  { x: [3, 12, 12, 1], filter: [7, 7, 1, 8], stride: 2, pad: 3 },
  { x: [2, 13, 13, 4], filter: [7, 7, 4, 6], stride: 2, pad: 3 },
  { x: [2, 5, 5, 6], filter: [1, 1, 6, 12], stride: 2, pad: 'valid' },
  { x: [2, 8, 6, 4], filter: [1, 1, 4, 4], stride: 1, pad: 'valid' },
  { x: [1, 11, 13, 4], filter: [5, 3, 4, 2], stride: [3, 2], pad: 'same' },
  { x: [2, 7, 7, 4], filter: [3, 3, 4, 3], stride: 2, pad: [[0, 0], [2, 0], [1, 2], [0, 0]] },
  { x: [1, 3, 3, 8], filter: [3, 3, 8, 8], stride: 2, pad: 1 },
  { x: [1, 10, 11, 4], filter: [3, 3, 4, 5], stride: 3, pad: 'same' },
  { x: [2, 14, 14, 8], filter: [4, 4, 8, 4], stride: 2, pad: 'valid' },
  { x: [2, 6, 6, 3], filter: [1, 1, 3, 40], stride: 1, pad: 'valid' },
];

/** Forward-only cases: dilation (no gradient in tfjs) and a column buffer of several chunks. */
const FORWARD_CASES: Array<ConvCase & { dilation: number }> = [
  { x: [2, 11, 9, 3], filter: [3, 3, 3, 5], stride: 1, pad: 'same', dilation: 2 },
  { x: [1, 12, 13, 2], filter: [3, 2, 2, 4], stride: 1, pad: 'valid', dilation: 3 },
  { x: [2, 70, 70, 8], filter: [3, 3, 8, 8], stride: 1, pad: 'same', dilation: 1 },
];

/** Runs a kernel on `backend` from plain arrays and returns its values. */
async function runOn(backend: 'cpu' | 'wasm', kernel: string, inputs: Record<string, { values: Float32Array | Int32Array; shape: number[] }>, attrs: object): Promise<{ values: Float32Array; shape: number[] }> {
  await useBackend(backend);
  const tensors = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape, v.values instanceof Int32Array ? 'int32' : 'float32')]),
  );
  const out = tf.engine().runKernel(kernel, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const result = { values: out.dataSync() as Float32Array, shape: out.shape };
  tf.dispose([out, ...Object.values(tensors)]);
  return result;
}

function random(shape: number[], seed: number): { values: Float32Array; shape: number[] } {
  return tf.tidy(() => ({ values: tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync() as Float32Array, shape }));
}

/** The wasm kernel that a native one falls back to, on the same inputs. */
function runFallback(kernel: string, inputs: Parameters<typeof runOn>[2], attrs: object): { values: Float32Array; shape: number[] } {
  const fallback = wasmFallbackKernels.get(kernel)!;
  return tf.tidy(() => {
    const tensors = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
    const info = fallback.kernelFunc({ inputs: tensors, backend: tf.backend(), attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
    const out = tf.engine().makeTensorFromTensorInfo(info);
    return { values: out.dataSync() as Float32Array, shape: out.shape };
  });
}

async function compare(kernel: string, inputs: Parameters<typeof runOn>[2], attrs: object, what: string): Promise<void> {
  const expected = await runOn('cpu', kernel, inputs, attrs);
  const actual = await runOn('wasm', kernel, inputs, attrs);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assertClose(actual.values, expected.values, what, 1e-5, 1e-5);
  if (!wasmFallbackKernels.has(kernel)) return;
  const fallback = runFallback(kernel, inputs, attrs);
  assert.deepEqual(fallback.shape, expected.shape, `${what}: wasm fallback shape`);
  assertClose(fallback.values, expected.values, `${what} (wasm fallback)`, 1e-5, 1e-5);
}

/** Builds the native kernels when a compiler is present, so this file tests them, not only the fallbacks. */
function buildNative(): void {
  if (existsSync(join(__dirname, '..', '..', '..', '.cache', 'native', 'convirt-blas.node'))) return;
  execFileSync(process.execPath, [join(__dirname, '..', '..', '..', 'src-main', 'ml', 'native', 'build-native.mjs')], { stdio: 'inherit' });
}

describe('wasm training kernels match the cpu backend', () => {
  before(async () => {
    buildNative();
    await useBackend('wasm');
  });

  it('runs BatchMatMul and the convolutions on the native kernels', () => {
    const native = loadNativeBlas();
    assert.ok(native.blas, native.note);
    assert.match(native.note, /OpenBLAS \(\d+ threads?\)/);
    assert.deepEqual([...wasmFallbackKernels.keys()].sort(), ['BatchMatMul', 'Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput']);
  });

  for (const c of CONV_CASES) {
    const label = `x ${c.x.join('x')}, filter ${c.filter.join('x')}, stride ${String(c.stride)}, pad ${JSON.stringify(c.pad)}`;
    const outShape = () => tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.stride, c.pad as 'same').shape);
    const strides = typeof c.stride === 'number' ? [c.stride, c.stride] : c.stride;

    it(`Conv2DBackpropFilter: ${label}`, async () => {
      const dy = random(outShape(), 2);
      await compare('Conv2DBackpropFilter', { x: random(c.x, 1), dy }, { strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter }, label);
    });

    it(`Conv2DBackpropInput: ${label}`, async () => {
      const dy = random(outShape(), 3);
      await compare('Conv2DBackpropInput', { dy, filter: random(c.filter, 4) }, { strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x }, label);
    });

    it(`Conv2D: ${label}`, async () => {
      await compare('Conv2D', { x: random(c.x, 9), filter: random(c.filter, 10) }, { strides, pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] }, label);
    });
  }

  for (const c of FORWARD_CASES) {
    const label = `x ${c.x.join('x')}, filter ${c.filter.join('x')}, stride ${String(c.stride)}, pad ${JSON.stringify(c.pad)}, dilation ${c.dilation}`;
    it(`Conv2D: ${label}`, async () => {
      const attrs = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', dilations: [c.dilation, c.dilation] };
      await compare('Conv2D', { x: random(c.x, 11), filter: random(c.filter, 12) }, attrs, label);
    });
  }

  const MATMUL_CASES: Array<{ a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [
    { a: [1, 7, 5], b: [1, 7, 4], transposeA: true, transposeB: false },
    { a: [3, 6, 5], b: [3, 4, 5], transposeA: false, transposeB: true },
    { a: [2, 5, 6], b: [2, 4, 5], transposeA: true, transposeB: true },
    { a: [4, 9, 8], b: [1, 9, 3], transposeA: true, transposeB: false },
    { a: [1, 33, 17], b: [1, 33, 65], transposeA: true, transposeB: false },
    { a: [2, 4, 3], b: [2, 3, 5], transposeA: false, transposeB: false },
    { a: [2, 3, 5, 4], b: [2, 3, 4, 6], transposeA: false, transposeB: false },
    { a: [2, 3, 5, 4], b: [2, 3, 6, 4], transposeA: false, transposeB: true },
    { a: [1, 6, 5], b: [3, 5, 4], transposeA: false, transposeB: false },
    { a: [6, 5], b: [3, 5, 4], transposeA: false, transposeB: false },
    { a: [40, 70], b: [40, 30], transposeA: true, transposeB: false },
  ];
  for (const m of MATMUL_CASES) {
    const label = `a ${m.a.join('x')}${m.transposeA ? 'ᵀ' : ''}, b ${m.b.join('x')}${m.transposeB ? 'ᵀ' : ''}`;
    it(`BatchMatMul: ${label}`, async () => {
      await compare('BatchMatMul', { a: random(m.a, 5), b: random(m.b, 6) }, { transposeA: m.transposeA, transposeB: m.transposeB }, label);
    });
  }

  const SEGMENT_CASES: Array<{ x: number[]; ids: number[]; idShape: number[]; numSegments: number }> = [
    { x: [6, 4], ids: [0, 2, 2, 5, 0, 1], idShape: [6], numSegments: 7 },
    { x: [5, 2, 3], ids: [4, 4, 4, 0, 1], idShape: [5], numSegments: 5 },
    { x: [300, 16], ids: Array.from({ length: 300 }, (_, i) => (i * 37) % 97), idShape: [300], numSegments: 97 },
    { x: [8], ids: [0, 1, 0, 1, 3, 3, 3, 2], idShape: [8], numSegments: 4 },
  ];
  for (const s of SEGMENT_CASES) {
    const label = `x ${s.x.join('x')}, ids ${s.idShape.join('x')}, ${s.numSegments} segments`;
    it(`UnsortedSegmentSum: ${label}`, async () => {
      const ids = { values: Int32Array.from(s.ids), shape: s.idShape };
      await compare('UnsortedSegmentSum', { x: random(s.x, 7), segmentIds: ids }, { numSegments: s.numSegments }, label);
    });
  }

  it('UnsortedSegmentSum drops negative and out-of-range ids, as TensorFlow does', async () => {
    const out = await runOn('wasm', 'UnsortedSegmentSum', { x: { values: Float32Array.from([1, 2, 3, 4]), shape: [4] }, segmentIds: { values: Int32Array.from([0, -1, 5, 0]), shape: [4] } }, { numSegments: 2 });
    assert.deepEqual(Array.from(out.values), [5, 0]);
  });

  it('embedding gradients (gather) train on wasm and equal the cpu ones', async () => {
    const table = random([10, 4], 8);
    const grads: Float32Array[] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await useBackend(backend);
      const t = tf.tensor(table.values, table.shape);
      const g = tf.grad((w: tf.Tensor) => tf.sum(tf.square(tf.gather(w, tf.tensor2d([[1, 3, 3], [9, 0, 1]], undefined, 'int32')))))(t);
      grads.push(g.dataSync() as Float32Array);
      tf.dispose([t, g]);
    }
    assertClose(grads[1]!, grads[0]!, 'gather gradient');
  });

  it('leaves no tensors or wasm buffers behind', async () => {
    await useBackend('wasm');
    const x = tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4]) as tf.Tensor4D;
    const objective = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.matMul(tf.reshape(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), [2, -1]), tf.ones([2, 5]), true, false));
    tf.dispose(tf.grads(objective)([x, w]));
    const before = tf.memory();
    tf.dispose(tf.grads(objective)([x, w]));
    const after = tf.memory();
    assert.equal(after.numTensors, before.numTensors);
    assert.equal(after.numDataBuffers, before.numDataBuffers);
    tf.dispose([x, w]);
  });
});
