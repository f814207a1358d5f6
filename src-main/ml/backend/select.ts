/**
 * Loads the best tfjs backend this machine has and makes it the active one:
 * @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node, then wasm (SIMD), then
 * cpu. Each better backend that is skipped carries the reason (not installed;
 * CUDA or cuDNN library not found; no GPU; failed to load).
 */
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's npm entry leaves gradients and chained ops (x.square()) to the app.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendInfo, BackendName } from '../../../src-shared/contract/system';
import { AppError } from '../../../src-shared/result';
import { registerCpuKernelFixes, registerWasmTrainingKernels } from '../kernels/register';
import { cpuDevice, deviceFor, probeCandidates, type Candidate } from './probe';

let wasmPathsSet = false;
let nativeNote = '';

/** Why a native package failed to load, in words a user can act on. */
export function explainLoadFailure(pkg: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? message;
  if ((error as { code?: string }).code === 'MODULE_NOT_FOUND' && message.includes(pkg)) return `not installed: ${pkg}`;
  const lib = /(lib(?:cudart|cudnn|cublas|cufft|curand|cusolver|cusparse)[\w.]*)/i.exec(message)?.[1];
  if (lib) return `CUDA or cuDNN library not found: ${lib} (needs CUDA 11.2 and cuDNN 8.1)`;
  if (/libtensorflow/i.test(message)) return `libtensorflow not found: ${firstLine}`;
  return `failed to load: ${firstLine}`;
}

async function activateNative(pkg: string): Promise<string | null> {
  try {
    require(pkg);
  } catch (error) {
    return explainLoadFailure(pkg, error);
  }
  return (await tf.setBackend('tensorflow')) ? null : `failed to initialise the tensorflow backend from ${pkg}`;
}

function wasmDistDir(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

async function activateWasm(): Promise<string | null> {
  if (!wasmPathsSet) {
    // Under Node the module is read from disk, not fetched next to the script.
    setWasmPaths(wasmDistDir());
    wasmPathsSet = true;
  }
  // PROD silences tfjs's console advice to install tfjs-node (we report that ourselves).
  tf.env().set('PROD', true);
  if (!(await tf.setBackend('wasm'))) return 'failed to initialise the WebAssembly module';
  nativeNote = registerWasmTrainingKernels();
  return null;
}

async function activate(name: BackendName, candidate: Candidate): Promise<string | null> {
  if (!candidate.available) return candidate.reason;
  switch (name) {
    case 'tensorflow-gpu':
      return activateNative('@tensorflow/tfjs-node-gpu');
    case 'tensorflow':
      return activateNative('@tensorflow/tfjs-node');
    case 'wasm':
      return activateWasm();
    case 'cpu':
      tf.env().set('PROD', true);
      if (!(await tf.setBackend('cpu'))) return 'failed to initialise the cpu backend';
      registerCpuKernelFixes();
      return null;
  }
}

async function wasmNote(): Promise<string> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return `WebAssembly (XNNPACK${simd ? ', SIMD' : ', no SIMD'}, single thread under Node) with the engine's training kernels; ${nativeNote}`;
}

/**
 * Activates the best available backend (or exactly `only`, for tests and
 * comparisons) and returns what was chosen and why each better one was skipped.
 */
export async function selectBackend(options: { only?: BackendName } = {}): Promise<BackendInfo> {
  const probed = probeCandidates();
  const candidates: Candidate[] = [];
  let chosen: BackendName | null = null;
  for (const candidate of probed) {
    if (chosen !== null || (options.only !== undefined && candidate.name !== options.only)) {
      candidates.push(candidate);
      continue;
    }
    const failure = await activate(candidate.name, candidate);
    if (failure === null) {
      chosen = candidate.name;
      const reason = candidate.name === 'wasm' ? await wasmNote() : candidate.reason;
      candidates.push({ ...candidate, available: true, reason });
    } else {
      candidates.push({ ...candidate, available: false, reason: failure });
    }
  }
  if (chosen === null) {
    throw new AppError('internal', `ML backend ${options.only ?? ''} could not be loaded: ${candidates.map((c) => `${c.name}: ${c.reason}`).join('; ')}`);
  }
  const device = chosen === 'tensorflow-gpu' || chosen === 'tensorflow' ? deviceFor(chosen) : cpuDevice();
  return { chosen, device, candidates };
}

/** Makes `name` the active backend (it must be available); for tests comparing backends. */
export async function useBackend(name: BackendName): Promise<void> {
  // Always through selectBackend: it is cheap when `name` is already active, and
  // it guarantees the engine's kernels are registered for it.
  await selectBackend({ only: name });
}
