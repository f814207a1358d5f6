/**
 * Registers the engine's wasm kernels: the ones tfjs-backend-wasm lacks for
 * training (UnsortedSegmentSum, Conv2DBackpropFilter), faster forms of slow
 * ones (Conv2DBackpropInput, transposed BatchMatMul), a correct MaxPoolGrad,
 * and fused Adam and training-BatchNorm kernels.
 * When the native OpenBLAS addon loads, BatchMatMul and the three convolution
 * kernels run on it, over the wasm kernels as their fallback. Call after the
 * wasm backend is initialised, so the wrapped originals have run their setup.
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { adamUpdateCpuConfig, adamUpdateWasmConfig } from './adam-update';
import { batchMatMulConfig } from './batch-matmul';
import { registerBatchNormTrain } from './batch-norm-train';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { loadNativeBlas, type NativeBlas } from '../native/blas';
import { maxPoolGradCpuConfig, maxPoolGradWasmConfig } from './max-pool-grad';
import { nativeBatchMatMulConfig, nativeConv2DBackpropFilterConfig, nativeConv2DBackpropInputConfig, nativeConv2DConfig } from './native-kernels';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

let registered: string | null = null;
/** tfjs's own kernels that the engine replaced, by backend/name (for benchmarks). */
export const replacedKernels = new Map<string, KernelConfig>();
let cpuFixed = false;
/** The engine's own wasm kernels that native ones replaced (their fallbacks), by name: tests run both. */
export const wasmFallbackKernels = new Map<string, KernelConfig>();

function replace(config: KernelConfig): void {
  const original = getKernel(config.kernelName, config.backendName);
  if (original !== undefined) {
    // The first replacement keeps tfjs's own kernel here; later wrappers keep theirs as fallback.
    if (!replacedKernels.has(`${config.backendName}/${config.kernelName}`)) replacedKernels.set(`${config.backendName}/${config.kernelName}`, original);
    unregisterKernel(config.kernelName, config.backendName);
  }
  registerKernel(config);
}

/**
 * The fused kernels: Adam on cpu and wasm (bit for bit the op-by-op update);
 * training BatchNorm on wasm only, so that the cpu backend stays the op-by-op
 * reference (its float64 sums round differently, which moved the trajectory
 * of tests/ml/train/methods.test.ts "learns" past its threshold).
 */
function registerFused(backendName: 'cpu' | 'wasm'): void {
  replace(backendName === 'cpu' ? adamUpdateCpuConfig : adamUpdateWasmConfig);
  if (backendName === 'wasm') registerBatchNormTrain(backendName);
}

function current(name: string): KernelConfig {
  const kernel = getKernel(name, 'wasm');
  if (kernel === undefined) throw new Error(`the wasm backend has no ${name} kernel`);
  return kernel;
}

const NATIVE = {
  BatchMatMul: nativeBatchMatMulConfig,
  Conv2D: nativeConv2DConfig,
  Conv2DBackpropFilter: nativeConv2DBackpropFilterConfig,
  Conv2DBackpropInput: nativeConv2DBackpropInputConfig,
};

function registerNative(blas: NativeBlas): void {
  for (const [name, make] of Object.entries(NATIVE)) {
    const fallback = current(name);
    wasmFallbackKernels.set(name, fallback);
    replace(make(blas, fallback));
  }
}

/** Registers once; returns what the native kernels say (loaded, with threads, or why not). */
export function registerWasmTrainingKernels(): string {
  if (registered !== null) return registered;
  const plainMatMul = getKernel('BatchMatMul', 'wasm');
  if (plainMatMul === undefined) throw new Error('the wasm backend has no BatchMatMul kernel');
  replace(batchMatMulConfig(plainMatMul));
  replace(unsortedSegmentSumConfig);
  replace(conv2DBackpropFilterConfig);
  replace(conv2DBackpropInputConfig(getKernel('Conv2DBackpropInput', 'wasm')));
  replace(maxPoolGradWasmConfig);
  registerFused('wasm');
  const native = loadNativeBlas();
  if (native.blas) registerNative(native.blas);
  registered = native.note;
  return registered;
}

/** Replaces cpu kernels that compute wrong results (see max-pool-grad.ts) and adds the fused ones. */
export function registerCpuKernelFixes(): void {
  if (cpuFixed) return;
  replace(maxPoolGradCpuConfig);
  registerFused('cpu');
  cpuFixed = true;
}
