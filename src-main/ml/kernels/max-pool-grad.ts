/**
 * MaxPoolGrad for the cpu backend. tfjs-backend-cpu 4.22 routes the gradient
 * to the wrong pixel when the pool is padded (ResNet's 3x3/2 pad-1 stem pool);
 * this one sends each output's gradient to the first maximum of its window in
 * row-major order, skipping padding, exactly as PyTorch does. NHWC, dilation 1.
 */
import { backend_util, type KernelConfig, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';

interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

export function maxPoolGradCpu(args: { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap; backend: unknown }): TensorInfo {
  const backend = args.backend as CpuBackend;
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as {
    filterSize: [number, number] | number;
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const x = backend.data.get(input.dataId).values;
  const g = backend.data.get(dy.dataId).values;
  const dx = new Float32Array(x.length);
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
          if (best >= 0) dx[best] = dx[best]! + g[((b * oh + r) * ow + q) * c + ch]!;
        }
      }
    }
  }
  return backend.makeTensorInfo(input.shape, 'float32', dx);
}

export const maxPoolGradCpuConfig: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'cpu',
  kernelFunc: maxPoolGradCpu as KernelConfig['kernelFunc'],
};
