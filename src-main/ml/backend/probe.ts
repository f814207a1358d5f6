/**
 * Which tfjs backend the engine would run on, best first, and why each better
 * one is unavailable. Probes by resolving packages and looking for the GPU
 * driver, without loading any native library (that is the engine's job).
 */
import { existsSync } from 'node:fs';
import type { BackendInfo, BackendName } from '../../src-shared/contract/system';

function resolvable(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

function nvidiaDevicePresent(): boolean {
  return existsSync('/dev/nvidia0') || existsSync('/proc/driver/nvidia/version');
}

export function probeBackends(): BackendInfo {
  const gpuInstalled = resolvable('@tensorflow/tfjs-node-gpu');
  const nodeInstalled = resolvable('@tensorflow/tfjs-node');
  const wasmInstalled = resolvable('@tensorflow/tfjs-backend-wasm');
  const candidates: BackendInfo['candidates'] = [
    {
      name: 'tensorflow-gpu',
      available: gpuInstalled && nvidiaDevicePresent(),
      reason: !gpuInstalled
        ? '@tensorflow/tfjs-node-gpu is not installed (optional dependency; its install needs to download libtensorflow)'
        : nvidiaDevicePresent()
          ? 'installed; NVIDIA driver present'
          : 'installed, but no NVIDIA GPU driver was found',
    },
    {
      name: 'tensorflow',
      available: nodeInstalled,
      reason: nodeInstalled ? 'installed (libtensorflow CPU with oneDNN)' : '@tensorflow/tfjs-node is not installed (optional dependency)',
    },
    {
      name: 'wasm',
      available: wasmInstalled,
      reason: wasmInstalled ? 'WebAssembly with SIMD' : '@tensorflow/tfjs-backend-wasm is missing',
    },
    { name: 'cpu', available: true, reason: 'plain JavaScript; always present, slowest' },
  ];
  const chosen = candidates.find((c) => c.available)!.name as BackendName;
  const device = chosen === 'tensorflow-gpu' ? 'NVIDIA GPU (CUDA)' : `CPU (${require('node:os').cpus().length} cores)`;
  return { chosen, device, candidates };
}
