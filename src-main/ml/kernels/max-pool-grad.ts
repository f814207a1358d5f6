/**
 * MaxPoolGrad for the cpu and wasm backends. With a padded pool (ResNet's
 * 3x3/2 pad-1 stem pool) tfjs-backend-cpu 4.22 routes the gradient to the
 * wrong pixel, and tfjs-backend-wasm drops it when a window's values are all
 * negative (it lets the zero padding win). This one sends each output's
 * gradient to the first maximum of its window in row-major order, skipping
 * padding, exactly as PyTorch does. NHWC, dilation 1.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backend_util, type KernelConfig, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';

interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

type Attrs = {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
};

/**
 * The gradient scatter itself. x: the pool's input [N, H, W, C]; dy: the
 * gradient of its output; dx (zeroed, x's size) receives the result.
 */
export function maxPoolBackprop(x: Float32Array, xShape: number[], dy: Float32Array, attrs: Attrs, dx: Float32Array): void {
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const info = backend_util.computePool2DInfo(xShape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      const r0 = r * info.strideHeight - info.padInfo.top;
      for (let q = 0; q < ow; q++) {
        const q0 = q * info.strideWidth - info.padInfo.left;
        for (let ch = 0; ch < c; ch++) {
          let best = -1;
          let bestValue = -Infinity;
          for (let i = Math.max(0, r0); i < Math.min(h, r0 + info.filterHeight); i++) {
            for (let j = Math.max(0, q0); j < Math.min(w, q0 + info.filterWidth); j++) {
              const at = ((b * h + i) * w + j) * c + ch;
              const v = x[at]!;
              // PyTorch's rule: strictly greater (first maximum wins), or NaN.
              if (best < 0 || v > bestValue || Number.isNaN(v)) {
                best = at;
                bestValue = v;
              }
            }
          }
          if (best >= 0) dx[best] = dx[best]! + dy[((b * oh + r) * ow + q) * c + ch]!;
        }
      }
    }
  }
}

export function maxPoolGradCpu(args: { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap; backend: unknown }): TensorInfo {
  const backend = args.backend as CpuBackend;
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const x = backend.data.get(input.dataId).values;
  const dx = new Float32Array(x.length);
  maxPoolBackprop(x, input.shape, backend.data.get(dy.dataId).values, args.attrs as unknown as Attrs, dx);
  return backend.makeTensorInfo(input.shape, 'float32', dx);
}

export function maxPoolGradWasm(args: { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap; backend: unknown }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const out = backend.makeOutput(input.shape, 'float32');
  // Views are taken after makeOutput: allocating may grow (and detach) the heap.
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  maxPoolBackprop(backend.typedArrayFromHeap(input) as Float32Array, input.shape, backend.typedArrayFromHeap(dy) as Float32Array, args.attrs as unknown as Attrs, dx);
  return out;
}

export const maxPoolGradWasmConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: maxPoolGradWasm as KernelConfig['kernelFunc'],
};

export const maxPoolGradCpuConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'cpu',
  kernelFunc: maxPoolGradCpu as KernelConfig['kernelFunc'],
};
