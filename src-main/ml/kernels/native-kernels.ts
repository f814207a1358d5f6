/**
 * wasm kernels computed by the native OpenBLAS addon (src-main/ml/native) on
 * the tensors' bytes in the wasm heap: BatchMatMul in every transpose and
 * batch form, and Conv2D with both its gradients (NHWC, im2col + sgemm). Each
 * wraps the kernel it replaces, which still runs what the addon does not take
 * (non-float32 data, NCHW, empty tensors, batch shapes that do not broadcast
 * as one operand shared).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backend_util, util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { ConvPass, type NativeBlas } from '../native/blas';

type Args = Parameters<KernelFunc>[0];
type Padding = 'same' | 'valid' | number | backend_util.ExplicitPadding;

interface ConvAttrs {
  strides: number | [number, number];
  pad: Padding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

const heap = (backend: BackendWasm, t: TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;

function geometry(info: backend_util.Conv2DInfo): Int32Array {
  return Int32Array.from([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
    info.dilationHeight,
    info.dilationWidth,
  ]);
}

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs, dilations: number | [number, number]): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    dilations,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
}

const allFloat = (ts: TensorInfo[]) => ts.every((t) => t.dtype === 'float32' && util.sizeFromShape(t.shape) > 0);

/**
 * One convolution pass through the addon: `a` and `b` are the pass's inputs
 * (see NativeBlas.conv), the output takes `outShape`; null when the addon does not take it.
 */
function nativeConv(blas: NativeBlas, args: Args, pass: ConvPass, a: TensorInfo, b: TensorInfo, info: backend_util.Conv2DInfo, outShape: number[]): TensorInfo | null {
  const attrs = args.attrs as unknown as ConvAttrs;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || !allFloat([a, b]) || util.sizeFromShape(outShape) === 0) return null;
  const backend = args.backend as BackendWasm;
  const out = backend.makeOutput(outShape, 'float32');
  // Views are taken after makeOutput: allocating may grow (and detach) the heap.
  blas.conv(pass, heap(backend, a), heap(backend, b), heap(backend, out), geometry(info));
  return out;
}

function withFallback(name: string, fallback: KernelConfig, native: (args: Args) => TensorInfo | null): KernelConfig {
  const kernelFunc: KernelFunc = (args) => native(args) ?? fallback.kernelFunc(args);
  return { kernelName: name, backendName: 'wasm', kernelFunc };
}

export function nativeConv2DConfig(blas: NativeBlas, fallback: KernelConfig): KernelConfig {
  return withFallback('Conv2D', fallback, (args) => {
    const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const info = convInfo(x.shape, filter.shape, attrs, attrs.dilations ?? 1);
    return nativeConv(blas, args, ConvPass.Forward, x, filter, info, info.outShape);
  });
}

export function nativeConv2DBackpropFilterConfig(blas: NativeBlas, fallback: KernelConfig): KernelConfig {
  return withFallback('Conv2DBackpropFilter', fallback, (args) => {
    const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const info = convInfo(x.shape, attrs.filterShape!, attrs, 1);
    return nativeConv(blas, args, ConvPass.BackpropFilter, x, dy, info, attrs.filterShape!);
  });
}

export function nativeConv2DBackpropInputConfig(blas: NativeBlas, fallback: KernelConfig): KernelConfig {
  return withFallback('Conv2DBackpropInput', fallback, (args) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const info = convInfo(attrs.inputShape!, filter.shape, attrs, 1);
    return nativeConv(blas, args, ConvPass.BackpropInput, dy, filter, info, attrs.inputShape!);
  });
}

export function nativeBatchMatMulConfig(blas: NativeBlas, fallback: KernelConfig): KernelConfig {
  return withFallback('BatchMatMul', fallback, (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = (args.attrs ?? {}) as NamedAttrMap as { transposeA?: boolean; transposeB?: boolean };
    if (!allFloat([a, b]) || a.shape.length < 2 || b.shape.length < 2) return null;
    const [a0, a1] = a.shape.slice(-2) as [number, number];
    const [b0, b1] = b.shape.slice(-2) as [number, number];
    const [m, k] = transposeA ? [a1, a0] : [a0, a1];
    const [kB, n] = transposeB ? [b1, b0] : [b0, b1];
    const outerA = a.shape.slice(0, -2);
    const outerB = b.shape.slice(0, -2);
    const batchA = util.sizeFromShape(outerA);
    const batchB = util.sizeFromShape(outerB);
    const batch = Math.max(batchA, batchB);
    if (k !== kB || (batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return null;
    // Only shapes whose broadcast is "one operand shared" (or equal outer shapes) keep this flat layout.
    const outer = batchA === batch ? outerA : outerB;
    if (batchA === batchB && outerA.join() !== outerB.join()) return null;
    const backend = args.backend as BackendWasm;
    const out = backend.makeOutput([...outer, m, n], 'float32');
    blas.gemm(heap(backend, a), heap(backend, b), heap(backend, out), batch, m, n, k, transposeA ? 1 : 0, transposeB ? 1 : 0, batchA, batchB);
    return out;
  });
}
