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
  // Below the top 1.5%: metal (pacemaker, leads) saturates instead of darkening the whole film.
  const hi = percentile(processed, 0.985);
  // Tone curve as a table over 0..1.05 (Math.pow per pixel is the slow part).
  const steps = 4096;
  const curve = new Float32Array(steps + 1);
  for (let s = 0; s <= steps; s++) curve[s] = Math.pow((s / steps) * 1.05, 0.75);
  const scale = steps / 1.05 / (hi - lo);
  const out = new Uint16Array(processed.length);
  let spare = 0;
  for (let k = 0; k < processed.length; k++) {
    const toned = curve[Math.max(0, Math.min(steps, Math.round((processed[k]! - lo) * scale)))]!;
    // Quantum noise: fewer photons behind dense structures, so more noise there.
    // Box-Muller gives two normals per draw; use both.
    let normal: number;
    if (k % 2 === 0) {
      const r = Math.sqrt(-2 * Math.log(1 - rng()));
      const theta = 2 * Math.PI * rng();
      normal = r * Math.cos(theta);
      spare = r * Math.sin(theta);
    } else normal = spare;
    const sigma = 0.005 + 0.009 * toned;
    const value = Math.round((toned + sigma * normal) * (MAX_VALUE - 80) + 40);
    out[k] = value < 0 ? 0 : value > MAX_VALUE ? MAX_VALUE : value;
  }
  return out;
}
