/**
 * Registers the engine's wasm kernels: the ones tfjs-backend-wasm lacks for
 * training (UnsortedSegmentSum, Conv2DBackpropFilter), faster forms of slow
 * ones (Conv2DBackpropInput, transposed BatchMatMul) and a correct MaxPoolGrad. Call after the wasm
 * backend is initialised, so the wrapped originals have run their setup.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './batch-matmul';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { maxPoolGradCpuConfig, maxPoolGradWasmConfig } from './max-pool-grad';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

let registered = false;
/** tfjs's own kernels that the engine replaced, by backend/name (for benchmarks). */
export const replacedKernels = new Map<string, KernelConfig>();
let cpuFixed = false;

function replace(config: KernelConfig): void {
  const original = getKernel(config.kernelName, config.backendName);
  if (original !== undefined) {
    replacedKernels.set(`${config.backendName}/${config.kernelName}`, original);
    unregisterKernel(config.kernelName, config.backendName);
  }
  registerKernel(config);
}

export function registerWasmTrainingKernels(): void {
  if (registered) return;
  const plainMatMul = getKernel('BatchMatMul', 'wasm');
  if (plainMatMul === undefined) throw new Error('the wasm backend has no BatchMatMul kernel');
  replace(batchMatMulConfig(plainMatMul));
  replace(unsortedSegmentSumConfig);
  replace(conv2DBackpropFilterConfig);
  replace(conv2DBackpropInputConfig(getKernel('Conv2DBackpropInput', 'wasm')));
  replace(maxPoolGradWasmConfig);
  registered = true;
}

/** Replaces cpu kernels that compute wrong results (see max-pool-grad.ts). */
export function registerCpuKernelFixes(): void {
  if (cpuFixed) return;
  replace(maxPoolGradCpuConfig);
  cpuFixed = true;
}
