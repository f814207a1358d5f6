/**
 * BatchMatMul for wasm with transposed operands: tfjs's wasm kernel is 10-50x
 * slower when transposeA/transposeB is set (2048x128 by 128x512: 544 ms vs
 * 11.6 ms), so the operand is transposed explicitly and the plain form runs.
 */
import type { KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { composite } from './wasm-scope';

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

/** Wraps the backend's own BatchMatMul (`plain`), which stays the untransposed path. */
export function batchMatMulConfig(plain: KernelConfig): KernelConfig {
  const transposed = composite((scope, inputs, attrs) => {
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const a = transposeA ? scope.transpose(inputs.a!, swapLastTwo(inputs.a!.shape.length)) : inputs.a!;
    const b = transposeB ? scope.transpose(inputs.b!, swapLastTwo(inputs.b!.shape.length)) : inputs.b!;
    const out = plain.kernelFunc({ inputs: { a, b } as NamedTensorInfoMap, backend: scope.backend, attrs: { transposeA: false, transposeB: false } });
    return out as TensorInfo;
  });
  const kernelFunc: KernelFunc = (args) => {
    const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    return transposeA || transposeB ? transposed(args as Parameters<typeof transposed>[0]) : plain.kernelFunc(args);
  };
  return { ...plain, kernelFunc };
}
