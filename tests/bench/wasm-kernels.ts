/**
 * The engine's wasm kernels against tfjs-backend-wasm's own on the convolution
 * and matmul shapes of a ConVIRT step (ResNet-18 at width 1/4 on 128x128 and
 * 224x224, batch 16; BERT d 128, 64 tokens): median ms of each, and the ratio.
 * Conv2DBackpropFilter, which tfjs lacks, is compared with the forward Conv2D.
 * "engine" is whatever the engine registered: the native OpenBLAS kernels when
 * built (src-main/ml/native), else its wasm ones.
 */
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../src-main/ml/backend/select';
import { replacedKernels } from '../../src-main/ml/kernels/register';
import type { BenchRow } from './main';

export const description = 'engine wasm kernels vs tfjs-backend-wasm (or cpu where wasm has none), median ms';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

type Inputs = Record<string, tf.Tensor>;

function time(run: () => tf.Tensor | tf.TensorInfo, repeats: number): number {
  const times: number[] = [];
  for (let i = 0; i < repeats + 1; i++) {
    const start = performance.now();
    const out = run();
    (out instanceof tf.Tensor ? out : tf.engine().makeTensorFromTensorInfo(out)).dataSync();
    const ms = performance.now() - start;
    if (out instanceof tf.Tensor) out.dispose();
    else tf.engine().backend.disposeData(out.dataId);
    if (i > 0) times.push(ms);
  }
  return median(times);
}

function conv(n: number, size: number, cin: number, cout: number, k: number, stride: number) {
  const pad = Math.floor(k / 2);
  const out = Math.floor((size + 2 * pad - k) / stride) + 1;
  return { x: [n, size, size, cin], filter: [k, k, cin, cout], dy: [n, out, out, cout], stride, pad, label: `${size}px ${cin}->${cout} ${k}x${k}/${stride}` };
}

export async function run(args: string[]): Promise<BenchRow[]> {
  const repeats = Number(args[0] ?? 5);
  await useBackend('wasm');
  const rows: BenchRow[] = [];
  const backend = tf.engine().backend;
  const convs = [conv(16, 128, 4, 16, 7, 2), conv(16, 32, 16, 16, 3, 1), conv(16, 32, 16, 32, 3, 2), conv(16, 8, 64, 128, 3, 2), conv(16, 56, 16, 16, 3, 1), conv(16, 28, 32, 32, 3, 1)];
  for (const c of convs) {
    const inputs: Inputs = { x: tf.randomNormal(c.x), filter: tf.randomNormal(c.filter), dy: tf.randomNormal(c.dy) };
    const attrsIn = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', inputShape: c.x };
    const engineIn = time(() => tf.engine().runKernel('Conv2DBackpropInput', { dy: inputs.dy!, filter: inputs.filter! }, attrsIn) as tf.Tensor, repeats);
    const original = replacedKernels.get('wasm/Conv2DBackpropInput')!;
    const tfjsIn = time(() => original.kernelFunc({ inputs: { dy: inputs.dy!, filter: inputs.filter! }, backend, attrs: attrsIn }) as tf.TensorInfo, repeats);
    rows.push({ kernel: 'Conv2DBackpropInput', shape: c.label, engine_ms: engineIn, reference: 'tfjs wasm', reference_ms: tfjsIn, speedup: tfjsIn / engineIn });
    const forward = time(() => tf.conv2d(inputs.x as tf.Tensor4D, inputs.filter as tf.Tensor4D, c.stride, c.pad), repeats);
    const originalConv = replacedKernels.get('wasm/Conv2D');
    if (originalConv) {
      const attrs = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] };
      const tfjsConv = time(() => originalConv.kernelFunc({ inputs: { x: inputs.x!, filter: inputs.filter! }, backend, attrs }) as tf.TensorInfo, repeats);
      rows.push({ kernel: 'Conv2D', shape: c.label, engine_ms: forward, reference: 'tfjs wasm', reference_ms: tfjsConv, speedup: tfjsConv / forward });
    }
    const attrsF = { strides: [c.stride, c.stride], pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
    const engineF = time(() => tf.engine().runKernel('Conv2DBackpropFilter', { x: inputs.x!, dy: inputs.dy! }, attrsF) as tf.Tensor, repeats);
    rows.push({ kernel: 'Conv2DBackpropFilter', shape: c.label, engine_ms: engineF, reference: 'forward Conv2D', reference_ms: forward, speedup: forward / engineF });
    tf.dispose(Object.values(inputs));
  }
  for (const [m, k, n] of [[1024, 128, 512], [1024, 512, 128], [1024, 128, 128]] as const) {
    const a = tf.randomNormal([1, k, m]);
    const b = tf.randomNormal([1, k, n]);
    const engine = time(() => tf.matMul(a, b, true, false), repeats);
    const original = replacedKernels.get('wasm/BatchMatMul')!;
    const tfjs = time(() => original.kernelFunc({ inputs: { a, b }, backend, attrs: { transposeA: true, transposeB: false } }) as tf.TensorInfo, repeats);
    rows.push({ kernel: 'BatchMatMul Aᵀ·B', shape: `${m}x${k}ᵀ by ${k}x${n}`, engine_ms: engine, reference: 'tfjs wasm', reference_ms: tfjs, speedup: tfjs / engine });
    tf.dispose([a, b]);
  }
  return rows;
}
