/**
 * Window presets and the automatic window, in modality units (HU for CT).
 * Pure: no DOM, no cornerstone.
 */
import type { FrameMeta } from '../../../src-shared/contract/viewer';

export interface WindowLevel {
  center: number;
  width: number;
}

export interface WindowPreset extends WindowLevel {
  id: string;
  label: string;
  /** The key that applies it in the viewer. */
  key: string;
}

/** Chest CT windows, as radiologists set them (width / level in HU). */
const CT_PRESETS: WindowPreset[] = [
  { id: 'lung', label: 'Lung', width: 1500, center: -600, key: '1' },
  { id: 'mediastinum', label: 'Mediastinum', width: 350, center: 50, key: '2' },
  { id: 'bone', label: 'Bone', width: 1800, center: 400, key: '3' },
];

/**
 * The presets offered for an image: CT gets lung / mediastinum / bone; every
 * image gets the file's own VOI window when it has one.
 */
export function presetsFor(modality: string | null, meta: FrameMeta | null): WindowPreset[] {
  const presets = modality === 'CT' ? [...CT_PRESETS] : [];
  if (meta?.window.source === 'voi') presets.push({ id: 'file', label: 'File', center: meta.window.center, width: meta.window.width, key: String(presets.length + 1) });
  return presets;
}

/**
 * A window spanning the `lo`..`hi` quantiles of the modality values of a
 * frame: stored values through slope / intercept, every `step`-th sample
 * (1 for grayscale; 4 for RGBA, which uses the red sample).
 */
export function autoWindow(
  stored: ArrayLike<number>,
  meta: Pick<FrameMeta, 'slope' | 'intercept' | 'minStored' | 'maxStored'>,
  step = 1,
  lo = 0.005,
  hi = 0.995,
): WindowLevel {
  const { minStored: min, maxStored: max } = meta;
  const toModality = (v: number) => v * meta.slope + meta.intercept;
  if (max <= min) return { center: toModality(min), width: Math.max(1, Math.abs(meta.slope)) };
  const bins = Math.min(4096, max - min + 1);
  const scale = (bins - 1) / (max - min);
  const hist = new Uint32Array(bins);
  let count = 0;
  for (let i = 0; i < stored.length; i += step) {
    hist[Math.round((stored[i]! - min) * scale)]!++;
    count++;
  }
  const quantile = (q: number): number => {
    const target = q * count;
    let seen = 0;
    for (let b = 0; b < bins; b++) {
      seen += hist[b]!;
      if (seen >= target) return min + b / scale;
    }
    return max;
  };
  const [a, b] = [toModality(quantile(lo)), toModality(quantile(hi))];
  const low = Math.min(a, b);
  const high = Math.max(a, b);
  return { center: (low + high) / 2, width: Math.max(high - low, 1) };
}

/**
 * Window/level by mouse drag: right widens, down raises the level (as in most
 * PACS). One pixel moves by 1/512 of the image's modality range, at least 1.
 */
export function dragWindow(start: WindowLevel, dx: number, dy: number, modalityRange: number): WindowLevel {
  const step = Math.max(modalityRange / 512, 1);
  return { center: start.center + dy * step, width: Math.max(1, start.width + dx * step) };
}
