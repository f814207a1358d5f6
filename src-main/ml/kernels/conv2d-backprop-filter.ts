/**
 * Conv2DBackpropFilter for wasm (NHWC, dilation 1), through the fast matmul:
 * dW[kh, kw] = X(kh, kw)^T · dY, where X(kh, kw) [N*OH*OW, Ci] holds the input
 * pixels that filter tap (kh, kw) saw. The input is padded and transposed once
 * to [Ci, N, Hp, Wp] so each tap is a strided slice already in [Ci, M] layout:
 * KH*KW plain matmuls [Ci, M] x [M, Co] and no transposed-operand matmul.
 */
import { backend_util, type KernelConfig, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { composite } from './wasm-scope';

interface Attrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export const conv2DBackpropFilterWasm = composite((scope, inputs, rawAttrs) => {
  const x = inputs.x!;
  const dy = inputs.dy!;
  const attrs = rawAttrs as unknown as Attrs;
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
  const [kh, kw, ci, co] = attrs.filterShape;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Padded extent each tap needs: the last output row reads row (oh-1)*sh + kh-1.
  const padded = scope.padOrCrop(x, [
    [0, 0],
    [top, (oh - 1) * sh + kh - h - top],
    [left, (ow - 1) * sw + kw - w - left],
    [0, 0],
  ]);
  const channelsFirst = scope.transpose(padded, [3, 0, 1, 2]);
  const m = n * oh * ow;
  const dyRows = scope.reshape(dy, [1, m, co]);
  const taps: TensorInfo[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const tap = scope.run(
        'StridedSlice',
        { x: channelsFirst },
        {
          begin: [0, 0, i, j],
          end: [ci, n, i + (oh - 1) * sh + 1, j + (ow - 1) * sw + 1],
          strides: [1, 1, sh, sw],
          beginMask: 0,
          endMask: 0,
          ellipsisMask: 0,
          newAxisMask: 0,
          shrinkAxisMask: 0,
        },
      );
      const a = scope.reshape(tap, [1, ci, m]);
      taps.push(scope.run('BatchMatMul', { a, b: dyRows }, { transposeA: false, transposeB: false }));
    }
  }
  const stacked = taps.length === 1 ? taps[0]! : scope.run('Concat', taps as unknown as NamedTensorInfoMap, { axis: 0 });
  return scope.reshape(stacked, [kh, kw, ci, co]);
});

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as KernelConfig['kernelFunc'],
};
