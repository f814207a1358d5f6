/**
 * From attenuation to a processed radiograph: detector blur, the contrast
 * equalisation that modern CR/DX processing applies (large-kernel unsharp
 * masking, so lungs and mediastinum both show detail), quantum noise that
 * grows where fewer photons arrive, and 12-bit quantisation.
 */
import type { Rng } from '../random';
import { boxBlur } from './field';

export const BITS_STORED = 12;
const MAX_VALUE = (1 << BITS_STORED) - 1;

function percentile(values: Float32Array, p: number): number {
  const step = Math.max(1, Math.floor(values.length / 20000));
  const sample: number[] = [];
  for (let k = 0; k < values.length; k += step) sample.push(values[k]!);
  sample.sort((x, y) => x - y);
  return sample[Math.min(sample.length - 1, Math.floor(p * sample.length))]!;
}

/** Returns MONOCHROME2 pixel values (bright = dense), 0..4095, row-major. */
export function exposeAndProcess(attenuation: Float32Array, width: number, height: number, rng: Rng): Uint16Array {
  const blurred = boxBlur(attenuation, width, height, Math.max(1, width / 400), 2);
  const background = boxBlur(blurred, width, height, width / 14, 3);
  const detail = boxBlur(blurred, width, height, Math.max(1, width / 170), 2);
  const processed = new Float32Array(blurred.length);
  for (let k = 0; k < processed.length; k++) {
    const b = blurred[k]!;
    // Compress the large-scale range, boost mid-frequency detail (vessels, ribs).
    processed[k] = b - 0.22 * background[k]! + 0.6 * (b - detail[k]!);
  }
  const lo = percentile(processed, 0.01);
  const hi = percentile(processed, 0.995);
  const out = new Uint16Array(processed.length);
  for (let k = 0; k < processed.length; k++) {
    const v = Math.max(0, Math.min(1.05, (processed[k]! - lo) / (hi - lo)));
    const toned = Math.pow(v, 0.85);
    // Quantum noise: fewer photons behind dense structures, so more noise there.
    const sigma = 0.005 + 0.009 * toned;
    const value = Math.round((toned + sigma * rng.normal()) * (MAX_VALUE - 80) + 40);
    out[k] = Math.max(0, Math.min(MAX_VALUE, value));
  }
  return out;
}
