/**
 * Which tfjs backend the engine would run on, best first, and why each better
 * one is unavailable, WITHOUT loading any native library or WebAssembly module
 * (cheap enough for `system:info`). `selectBackend` (select.ts) does the real
 * loading and may downgrade this answer when a library fails to load.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { BackendInfo, BackendName } from '../../../src-shared/contract/system';

export type Candidate = BackendInfo['candidates'][number];

export function packageInstalled(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

/** The model name of the first NVIDIA GPU the driver reports, or null when there is none. */
export function nvidiaGpuName(): string | null {
  const gpus = '/proc/driver/nvidia/gpus';
  if (existsSync(gpus)) {
    for (const bus of readdirSync(gpus)) {
      const info = readFileSync(join(gpus, bus, 'information'), 'utf8');
      const model = /^Model:\s*(.+)$/m.exec(info)?.[1]?.trim();
      if (model) return model;
    }
  }
  return existsSync('/dev/nvidia0') ? 'NVIDIA GPU' : null;
}

export function cpuDevice(): string {
  const all = cpus();
  return `CPU: ${all[0]?.model.trim() ?? 'unknown'} (${all.length} cores)`;
}

export function deviceFor(chosen: BackendName): string {
  return chosen === 'tensorflow-gpu' ? `GPU: ${nvidiaGpuName() ?? 'NVIDIA GPU'} (CUDA)` : cpuDevice();
}

export function probeCandidates(): Candidate[] {
  const gpuInstalled = packageInstalled('@tensorflow/tfjs-node-gpu');
  const gpu = nvidiaGpuName();
  const nodeInstalled = packageInstalled('@tensorflow/tfjs-node');
  const wasmInstalled = packageInstalled('@tensorflow/tfjs-backend-wasm');
  return [
    {
      name: 'tensorflow-gpu',
      available: gpuInstalled && gpu !== null,
      reason: !gpuInstalled
        ? 'not installed: @tensorflow/tfjs-node-gpu (optional dependency; needs CUDA 11.2 and cuDNN 8.1)'
        : gpu === null
          ? 'no GPU: no NVIDIA driver or device was found'
          : `installed; ${gpu}`,
    },
    {
      name: 'tensorflow',
      available: nodeInstalled,
      reason: nodeInstalled
        ? 'installed (libtensorflow CPU with oneDNN)'
        : 'not installed: @tensorflow/tfjs-node (optional dependency; its install downloads libtensorflow)',
    },
    {
      name: 'wasm',
      available: wasmInstalled,
      reason: wasmInstalled ? 'WebAssembly (XNNPACK, SIMD) with the engine\'s training kernels' : 'not installed: @tensorflow/tfjs-backend-wasm is missing',
    },
    { name: 'cpu', available: true, reason: 'plain JavaScript; always present, far too slow to train' },
  ];
}

export function probeBackends(): BackendInfo {
  const candidates = probeCandidates();
  const chosen = candidates.find((c) => c.available)?.name ?? 'cpu';
  return { chosen, device: deviceFor(chosen), candidates };
}
