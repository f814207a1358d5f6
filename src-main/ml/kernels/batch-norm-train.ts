/**
 * BatchNorm2d in training mode as one kernel forward and one backward (cpu and
 * wasm backends), over NHWC activations. The op-by-op form (moments, then
 * normalise, scale and shift) costs about a dozen kernels forward and twenty
 * in its gradient per layer, each a pass over the activations plus tfjs's
 * per-call overhead. Sums accumulate in float64.
 *   forward   mean, var over (N, H, W) per channel (biased); y = (x - mean) / sqrt(var + eps) * gamma + beta
 *   backward  xhat = (x - mean) * invStd; dbeta = sum dy; dgamma = sum dy * xhat;
 *             dx = gamma * invStd / M * (M * dy - dbeta - xhat * dgamma), M = N * H * W
 * Outputs y, mean and var; mean and var feed only the running estimates and
 * carry no gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getGradient, getKernel, registerGradient, registerKernel, unregisterKernel, type GradConfig, type KernelConfig, type Tensor, type TensorInfo } from '@tensorflow/tfjs-core';
import { runJsKernel, type KernelArgs } from './js-kernel';

export const BATCH_NORM_TRAIN = 'ConvirtBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'ConvirtBatchNormTrainGrad';

/** Per-channel mean and biased variance of x [M, C] (row-major, channels last). */
function moments(x: Float32Array, channels: number, mean: Float32Array, variance: Float32Array): void {
  const rows = x.length / channels;
  const sum = new Float64Array(channels);
  for (let r = 0, i = 0; r < rows; r++) for (let c = 0; c < channels; c++, i++) sum[c]! += x[i]!;
  for (let c = 0; c < channels; c++) sum[c] = sum[c]! / rows;
  const squares = new Float64Array(channels);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++, i++) {
      const d = x[i]! - sum[c]!;
      squares[c]! += d * d;
    }
  }
  for (let c = 0; c < channels; c++) {
    mean[c] = sum[c]!;
    variance[c] = squares[c]! / rows;
  }
}

function invStd(variance: Float32Array, eps: number): Float64Array {
  return Float64Array.from(variance, (v) => 1 / Math.sqrt(v + eps));
}

/** y = (x - mean) * invStd * gamma + beta, with the batch statistics written to mean and variance. */
export function batchNormTrainForward(x: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number, y: Float32Array, mean: Float32Array, variance: Float32Array): void {
  const channels = gamma.length;
  moments(x, channels, mean, variance);
  const inv = invStd(variance, eps);
  const scale = Float64Array.from(inv, (s, c) => s * gamma[c]!);
  const shift = Float64Array.from(scale, (s, c) => beta[c]! - mean[c]! * s);
  for (let i = 0; i < x.length; ) for (let c = 0; c < channels; c++, i++) y[i] = x[i]! * scale[c]! + shift[c]!;
}

/** dx, dgamma, dbeta of the forward above, from dy and the saved batch statistics. */
export function batchNormTrainBackward(
  x: Float32Array,
  dy: Float32Array,
  gamma: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  eps: number,
  dx: Float32Array,
  dgamma: Float32Array,
  dbeta: Float32Array,
): void {
  const channels = gamma.length;
  const rows = x.length / channels;
  const inv = invStd(variance, eps);
  const sumDy = new Float64Array(channels);
  const sumDyXhat = new Float64Array(channels);
  for (let i = 0; i < x.length; ) {
    for (let c = 0; c < channels; c++, i++) {
      sumDy[c]! += dy[i]!;
      sumDyXhat[c]! += dy[i]! * (x[i]! - mean[c]!) * inv[c]!;
    }
  }
  const k = Float64Array.from(inv, (s, c) => gamma[c]! * s);
  const meanDy = Float64Array.from(sumDy, (s) => s / rows);
  const meanDyXhat = Float64Array.from(sumDyXhat, (s) => s / rows);
  for (let i = 0; i < x.length; ) {
    for (let c = 0; c < channels; c++, i++) dx[i] = k[c]! * (dy[i]! - meanDy[c]! - (x[i]! - mean[c]!) * inv[c]! * meanDyXhat[c]!);
  }
  for (let c = 0; c < channels; c++) {
    dgamma[c] = sumDyXhat[c]!;
    dbeta[c] = sumDy[c]!;
  }
}

function forwardKernel(args: KernelArgs): TensorInfo[] {
  const x = args.inputs.x!;
  const channels = x.shape.at(-1)!;
  const { eps } = args.attrs as { eps: number };
  return runJsKernel(args, ['x', 'gamma', 'beta'], [x.shape, [channels], [channels]], ([xs, g, b], [y, m, v]) => batchNormTrainForward(xs!, g!, b!, eps, y!, m!, v!));
}

function backwardKernel(args: KernelArgs): TensorInfo[] {
  const x = args.inputs.x!;
  const channels = x.shape.at(-1)!;
  const { eps } = args.attrs as { eps: number };
  return runJsKernel(args, ['x', 'dy', 'gamma', 'mean', 'variance'], [x.shape, [channels], [channels]], ([xs, dy, g, m, v], [dx, dg, db]) =>
    batchNormTrainBackward(xs!, dy!, g!, m!, v!, eps, dx!, dg!, db!),
  );
}

/** The forward and backward kernels for `backendName` (cpu or wasm). */
export function batchNormTrainConfigs(backendName: 'cpu' | 'wasm'): KernelConfig[] {
  return [
    { kernelName: BATCH_NORM_TRAIN, backendName, kernelFunc: forwardKernel as KernelConfig['kernelFunc'] },
    { kernelName: BATCH_NORM_TRAIN_GRAD, backendName, kernelFunc: backwardKernel as KernelConfig['kernelFunc'] },
  ];
}

export const batchNormTrainGradConfig: GradConfig = {
  kernelName: BATCH_NORM_TRAIN,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dy, saved, attrs) => {
    const [x, gamma, mean, variance] = saved as [Tensor, Tensor, Tensor, Tensor];
    const dyOut = Array.isArray(dy) ? dy[0]! : dy;
    const [dx, dgamma, dbeta] = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, { x, dy: dyOut, gamma, mean, variance }, attrs) as Tensor[];
    return { x: () => dx!, gamma: () => dgamma!, beta: () => dbeta! };
  },
};

/** Registers the kernels on `backendName` (replacing any earlier ones) and their gradient, once. */
export function registerBatchNormTrain(backendName: 'cpu' | 'wasm'): void {
  for (const config of batchNormTrainConfigs(backendName)) {
    if (getKernel(config.kernelName, backendName) !== undefined) unregisterKernel(config.kernelName, backendName);
    registerKernel(config);
  }
  if (getGradient(BATCH_NORM_TRAIN) === undefined) registerGradient(batchNormTrainGradConfig);
}

/** Whether `backend` has the fused training BatchNorm (the native tensorflow backends do not). */
export function hasBatchNormTrain(backend: string): boolean {
  return getKernel(BATCH_NORM_TRAIN, backend) !== undefined;
}
