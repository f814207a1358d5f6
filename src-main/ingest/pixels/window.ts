/**
 * Display windowing: a linear VOI window from the file's Window Center/Width,
 * or, when absent, from robust percentiles of the modality values; and the
 * 8-bit rendering (MONOCHROME1 inverted so that bright means dense). Pure.
 */

export interface Window {
  center: number;
  width: number;
  source: 'voi' | 'percentile';
}

/**
 * The `lo` and `hi` quantiles (0..1) of the finite values, from a sorted
 * strided sample of at most 2^16 values (exact for smaller images; a histogram
 * would collapse when one outlier stretches the range).
 */
export function robustRange(values: Float32Array, lo = 0.005, hi = 0.995): { low: number; high: number } {
  const stride = Math.max(1, Math.floor(values.length / 65536));
  const sample = new Float32Array(Math.ceil(values.length / stride));
  let n = 0;
  for (let i = 0; i < values.length; i += stride) if (Number.isFinite(values[i]!)) sample[n++] = values[i]!;
  if (n === 0) return { low: 0, high: 1 };
  const sorted = sample.subarray(0, n).sort();
  const at = (q: number): number => sorted[Math.min(n - 1, Math.max(0, Math.round(q * (n - 1))))]!;
  return { low: at(lo), high: at(hi) };
}

export function chooseWindow(values: Float32Array, voi: { center: number | null; width: number | null }): Window {
  if (voi.center !== null && voi.width !== null && voi.width > 0) return { center: voi.center, width: voi.width, source: 'voi' };
  const { low, high } = robustRange(values);
  return { center: (low + high) / 2, width: Math.max(high - low, 1), source: 'percentile' };
}

/** Linear window (DICOM PS3.3 C.11.2.1.2) to 0..255; `invert` for MONOCHROME1. */
export function renderWindowed(values: Float32Array, window: { center: number; width: number }, invert: boolean): Uint8Array {
  const out = new Uint8Array(values.length);
  const low = window.center - 0.5 - (window.width - 1) / 2;
  const scale = 255 / Math.max(window.width - 1, 1e-6);
  for (let i = 0; i < values.length; i++) {
    const t = (values[i]! - low) * scale;
    const v = t <= 0 ? 0 : t >= 255 ? 255 : Math.round(t);
    out[i] = invert ? 255 - v : v;
  }
  return out;
}
