/**
 * Conv2DBackpropFilter for wasm (NHWC, dilation 1) as ONE forward convolution,
 * with batch and channels swapped:
 *   dW[kh, kw, ci, co] = sum over n, oh, ow of x[n, oh*s + kh, ow*s + kw, ci] * dy[n, oh, ow, co]
 * is conv2d(x^T [Ci, Hp, Wp, N], dy^T [OH, OW, N, Co], stride 1, dilation s),
 * whose output [Ci, KH, KW, Co] is transposed to [KH, KW, Ci, Co]. XNNPACK runs
 * that as one large GEMM; slicing the input per filter tap (tfjs's wasm Slice
 * is slow) is avoided.
 */
import { backend_util, type KernelConfig } from '@tensorflow/tfjs-core';
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
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  // Rows and columns after padding that the taps read: exactly (oh-1)*s + k.
  const bottom = (oh - 1) * sh + kh - h - info.padInfo.top;
  const right = (ow - 1) * sw + kw - w - info.padInfo.left;
  const framed = scope.padOrCrop(x, [
    [0, 0],
    [Math.min(0, info.padInfo.top), Math.min(0, bottom)],
    [Math.min(0, info.padInfo.left), Math.min(0, right)],
    [0, 0],
  ]);
  const xT = scope.transpose(framed, [3, 1, 2, 0]);
  const dyT = scope.transpose(dy, [1, 2, 0, 3]);
  const pad = [
    [0, 0],
    [Math.max(0, info.padInfo.top), Math.max(0, bottom)],
    [Math.max(0, info.padInfo.left), Math.max(0, right)],
    [0, 0],
  ];
  const grads = scope.run(
    'Conv2D',
    { x: xT, filter: dyT },
    { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [sh, sw], dimRoundingMode: undefined as unknown as string },
  );
  if (grads.shape[1] !== kh || grads.shape[2] !== kw || grads.shape[0] !== ci || grads.shape[3] !== co) {
    throw new Error(`Conv2DBackpropFilter: got [${grads.shape.join(', ')}], expected [${ci}, ${kh}, ${kw}, ${co}]`);
  }
  return scope.transpose(grads, [1, 2, 0, 3]);
});

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as KernelConfig['kernelFunc'],
};
