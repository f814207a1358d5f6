/**
 * Moves a model's named tensors to and from PyTorch state dicts (name ->
 * tensor in PyTorch layout), with errors that name every missing, unexpected
 * and mis-shaped key. Image models may take 3-channel stem weights: they are
 * folded to 1 channel by summing over the input-channel axis, which computes
 * exactly what the 3-channel network computes on a gray image copied into R, G
 * and B (conv(x, Wr) + conv(x, Wg) + conv(x, Wb) = conv(x, Wr + Wg + Wb)).
 */
import * as tf from '@tensorflow/tfjs-core';
import { AppError } from '../../../src-shared/result';
import { convertLayout, torchShape, type ModelState } from '../models/state';
import { readSafetensors, writeSafetensors, type FloatTensor } from './safetensors';

export interface LoadOptions {
  /** File keys to skip (heads the encoder does not have); BatchNorm num_batches_tracked always is. */
  ignore?: RegExp[];
  /** Maps a file key to the model's name for it (e.g. adds a missing "bert." prefix). */
  rename?: (fileKey: string) => string;
  /** Model tensors the file may lack; they keep their current values. */
  allowMissing?: RegExp[];
}

export interface LoadReport {
  loaded: string[];
  /** Model tensors the file lacked but allowMissing let through. */
  keptInitial: string[];
  ignored: string[];
  /** Stem weights folded from 3 channels to 1. */
  folded: string[];
}

/** PyTorch's BatchNorm step counters: bookkeeping, not model tensors (momentum is fixed). */
const ALWAYS_IGNORED = /(^|\.)num_batches_tracked$/;

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Sums a [Cout, Cin, KH, KW] conv weight over Cin, keeping the axis. */
function foldInputChannels(t: FloatTensor): FloatTensor {
  const [co, ci, kh, kw] = t.shape as [number, number, number, number];
  const plane = kh * kw;
  const data = new Float32Array(co * plane);
  for (let o = 0; o < co; o++) {
    for (let c = 0; c < ci; c++) {
      for (let k = 0; k < plane; k++) data[o * plane + k]! += t.data[(o * ci + c) * plane + k]!;
    }
  }
  return { shape: [co, 1, kh, kw], data, dtype: t.dtype };
}

/**
 * Copies `tensors` (PyTorch names and layout) into the model. Throws AppError
 * naming the file and every missing, unexpected or mis-shaped key; assigns
 * nothing unless every key checks out.
 */
export function loadStateDict(state: ModelState, tensors: Map<string, FloatTensor>, source: string, options: LoadOptions = {}): LoadReport {
  const report: LoadReport = { loaded: [], keptInitial: [], ignored: [], folded: [] };
  const unexpected: string[] = [];
  const misshaped: string[] = [];
  const present = new Set<string>();
  const ready = new Map<string, FloatTensor>();
  for (const [fileKey, tensor] of tensors) {
    if (ALWAYS_IGNORED.test(fileKey) || options.ignore?.some((r) => r.test(fileKey))) {
      report.ignored.push(fileKey);
      continue;
    }
    const name = options.rename ? options.rename(fileKey) : fileKey;
    const entry = state.entries.get(name);
    if (!entry) {
      unexpected.push(fileKey);
      continue;
    }
    present.add(name);
    const want = torchShape(entry.variable.shape, entry.layout);
    let value = tensor;
    if (entry.layout === 'conv2d' && want[1] === 1 && tensor.shape.length === 4 && tensor.shape[1] === 3) {
      value = foldInputChannels(tensor);
      report.folded.push(name);
    }
    if (!sameShape(value.shape, want)) {
      misshaped.push(`${fileKey}: file [${tensor.shape.join(', ')}], model [${want.join(', ')}]`);
      continue;
    }
    ready.set(name, value);
  }
  const missing = [...state.entries.keys()].filter((n) => !present.has(n) && !options.allowMissing?.some((r) => r.test(n)));
  if (missing.length + unexpected.length + misshaped.length > 0) {
    const parts = [
      missing.length ? `missing ${missing.length} (${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ', ...' : ''})` : '',
      unexpected.length ? `unexpected ${unexpected.length} (${unexpected.slice(0, 8).join(', ')}${unexpected.length > 8 ? ', ...' : ''})` : '',
      misshaped.length ? `mis-shaped ${misshaped.length} (${misshaped.slice(0, 8).join('; ')})` : '',
    ].filter(Boolean);
    throw new AppError('bad_request', `weights in ${source} do not fit the model: ${parts.join('; ')}`, { missing, unexpected, misshaped });
  }
  for (const [name, value] of ready) {
    const entry = state.entries.get(name)!;
    tf.tidy(() => entry.variable.assign(convertLayout(tf.tensor(value.data, value.shape, 'float32'), entry.layout, 'fromTorch')));
    report.loaded.push(name);
  }
  report.keptInitial = [...state.entries.keys()].filter((n) => !ready.has(n));
  return report;
}

/** The model's tensors as a PyTorch state dict (PyTorch layout, float32). */
export function exportStateDict(state: ModelState): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, entry] of state.entries) {
    const torch = tf.tidy(() => convertLayout(entry.variable, entry.layout, 'toTorch'));
    out.set(name, { shape: torch.shape, data: torch.dataSync() as Float32Array });
    torch.dispose();
  }
  return out;
}

export function loadSafetensorsInto(state: ModelState, path: string, options: LoadOptions = {}): LoadReport {
  return loadStateDict(state, readSafetensors(path).tensors, path, options);
}

export function saveSafetensorsFrom(state: ModelState, path: string, metadata: Record<string, string> = {}): void {
  writeSafetensors(path, exportStateDict(state), metadata);
}
