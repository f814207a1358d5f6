/**
 * Conv2DBackpropInput for wasm (NHWC, dilation 1) as one forward convolution,
 * which XNNPACK runs about 10x faster than tfjs's own backprop-input kernel:
 * dX = conv2d_valid(pad(upsample(dY, stride)), flip(W) with Ci and Co swapped).
 * upsample inserts stride-1 zeros after each row and column of dY; the padding
 * is KH-1-padTop before, and whatever makes the output exactly H after.
 */
import { backend_util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { composite } from './wasm-scope';

interface Attrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

export const conv2DBackpropInputWasm = composite((scope, inputs, rawAttrs) => {
  const dy = inputs.dy!;
  const filter = inputs.filter!;
  const attrs = rawAttrs as unknown as Attrs;
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropInput on wasm supports NHWC only');
  const [kh, kw, , co] = filter.shape as [number, number, number, number];
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  let spread = dy;
  if (sh > 1 || sw > 1) {
    const split = scope.reshape(dy, [n, oh, 1, ow, 1, co]);
    const zeros = scope.padOrCrop(split, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
    spread = scope.reshape(zeros, [n, oh * sh, ow * sw, co]);
  }
  const top = kh - 1 - info.padInfo.top;
  const left = kw - 1 - info.padInfo.left;
  const framed = scope.padOrCrop(spread, [
    [0, 0],
    [top, h + kh - 1 - top - oh * sh],
    [left, w + kw - 1 - left - ow * sw],
    [0, 0],
  ]);
  const flipped = scope.run('Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = scope.transpose(flipped, [0, 1, 3, 2]);
  return scope.run(
    'Conv2D',
    { x: framed, filter: swapped },
    { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined as unknown as string },
  );
});

/**
 * Wraps tfjs's own kernel (`original`), which stays in use when dX has fewer
 * than 4 channels: XNNPACK is slow on convolutions with so few outputs.
 */
export function conv2DBackpropInputConfig(original: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const filter = args.inputs.filter as TensorInfo;
    return original && filter.shape[2]! < 4 ? original.kernelFunc(args) : conv2DBackpropInputWasm(args as Parameters<typeof conv2DBackpropInputWasm>[0]);
  };
  return { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc };
}
