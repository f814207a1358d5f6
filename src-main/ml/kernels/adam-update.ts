/**
 * One Adam step of one parameter as a single kernel (cpu and wasm backends):
 * the op-by-op form costs 15 kernels per parameter, about a third of all the
 * kernels of a ConVIRT step, each with tfjs's per-call overhead. Every
 * intermediate is rounded to float32 (Math.fround) in the order of the ops it
 * replaces (src-main/ml/optim/adam.ts), so the results are bit for bit those
 * of the op-by-op form and a checkpoint resumes the same on either.
 */
import { getKernel, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { runJsKernel, type KernelArgs } from './js-kernel';

export const ADAM_UPDATE = 'ConvirtAdamUpdate';

export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** lr / (1 - beta1^t) */
  stepSize: number;
  /** sqrt(1 - beta2^t) */
  sqrtBias2: number;
}

/** Writes the updated parameter, first and second moments into `out` (each p's length). */
export function adamUpdate(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, a: AdamUpdateAttrs, out: [Float32Array, Float32Array, Float32Array]): void {
  const f = Math.fround;
  const [b1, b2, eps, wd, stepSize, sqrtBias2] = [a.beta1, a.beta2, a.eps, a.weightDecay, a.stepSize, a.sqrtBias2].map(f) as number[] as [number, number, number, number, number, number];
  const [oneMinusB1, oneMinusB2] = [f(1 - a.beta1), f(1 - a.beta2)];
  const [outP, outM, outV] = out;
  for (let i = 0; i < p.length; i++) {
    const grad = wd !== 0 ? f(g[i]! + f(p[i]! * wd)) : g[i]!;
    const mi = f(f(m[i]! * b1) + f(grad * oneMinusB1));
    const vi = f(f(v[i]! * b2) + f(f(grad * grad) * oneMinusB2));
    const denom = f(f(f(Math.sqrt(vi)) / sqrtBias2) + eps);
    outM[i] = mi;
    outV[i] = vi;
    outP[i] = f(p[i]! - f(f(mi / denom) * stepSize));
  }
}

function adamKernel(args: KernelArgs): TensorInfo[] {
  const { param } = args.inputs as { param: TensorInfo };
  const shapes = [param.shape, param.shape, param.shape];
  return runJsKernel(args, ['param', 'grad', 'm', 'v'], shapes, ([p, g, m, v], out) =>
    adamUpdate(p!, g!, m!, v!, args.attrs as unknown as AdamUpdateAttrs, out as [Float32Array, Float32Array, Float32Array]),
  );
}

export const adamUpdateWasmConfig: KernelConfig = { kernelName: ADAM_UPDATE, backendName: 'wasm', kernelFunc: adamKernel as KernelConfig['kernelFunc'] };
export const adamUpdateCpuConfig: KernelConfig = { kernelName: ADAM_UPDATE, backendName: 'cpu', kernelFunc: adamKernel as KernelConfig['kernelFunc'] };

/** Whether `backend` has the fused update (the native tensorflow backends do not). */
export function hasAdamUpdate(backend: string): boolean {
  return getKernel(ADAM_UPDATE, backend) !== undefined;
}
