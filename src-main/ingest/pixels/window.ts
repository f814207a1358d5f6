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

/** The `lo` and `hi` quantiles (0..1) of finite values, from a 4096-bin histogram. */
export function robustRange(values: Float32Array, lo = 0.005, hi = 0.995): { low: number; high: number; min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return { low: 0, high: 1, min: 0, max: 1 };
  if (min === max) return { low: min, high: max, min, max };
  const bins = 4096;
  const hist = new Uint32Array(bins);
  const scale = (bins - 1) / (max - min);
  for (let i = 0; i < values.length; i++) hist[Math.round((values[i]! - min) * scale)]!++;
  const quantile = (q: number): number => {
    const target = q * values.length;
    let seen = 0;
    for (let b = 0; b < bins; b++) {
      seen += hist[b]!;
      if (seen >= target) return min + b / scale;
    }
    return max;
  };
  return { low: quantile(lo), high: quantile(hi), min, max };
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
