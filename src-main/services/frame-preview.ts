/**
 * The viewer's progressive first pixels: a small version of a large frame
 * (longest side PREVIEW_SIDE), in the same stored-value units and with the
 * same FrameMeta window as the full frame, so that windowing behaves the same
 * on both and the full resolution can replace it without a jump. Made from
 * the importer's preprocessed cache entry when there is one (no decode), else
 * by area-averaging the decoded frame. Pure.
 */
import { PIXEL_ARRAYS as ARRAYS, type FrameMeta, type PixelArray, type PixelDataType } from '../../src-shared/contract/viewer';
import { DEFAULT_LONGEST_SIDE, type CacheEntryInfo } from '../ingest/cache/image-cache';
import { resampleGray } from '../ingest/cache/resample';

/** The cache's longest side, so that a cache entry can answer without resampling. */
export const PREVIEW_SIDE = DEFAULT_LONGEST_SIDE;

export interface PixelsOut {
  meta: FrameMeta;
  samples: PixelArray;
}

/** Width and height of the preview of a columns x rows frame (aspect kept, never enlarged). */
export function previewSize(columns: number, rows: number, side = PREVIEW_SIDE): { width: number; height: number } {
  const scale = Math.min(1, side / Math.max(columns, rows));
  return { width: Math.max(1, Math.round(columns * scale)), height: Math.max(1, Math.round(rows * scale)) };
}

/** Typed view of little-endian sample bytes as `dataType` (copies when the bytes are not aligned). */
export function samplesOf(bytes: Uint8Array, dataType: PixelDataType): PixelArray {
  const width = ARRAYS[dataType].BYTES_PER_ELEMENT;
  const aligned = bytes.byteOffset % width === 0 ? bytes : new Uint8Array(bytes);
  return new ARRAYS[dataType](aligned.buffer, aligned.byteOffset, aligned.byteLength / width);
}

/** Area-averages a full frame (samples interleaved when samplesPerPixel is 3) down to its preview. */
export function downsampleFrame(meta: FrameMeta, samples: PixelArray, side = PREVIEW_SIDE): PixelsOut {
  const { width, height } = previewSize(meta.columns, meta.rows, side);
  const channels = meta.samplesPerPixel;
  const out = new ARRAYS[meta.dataType](width * height * channels);
  for (let c = 0; c < channels; c++) {
    const plane = new ARRAYS[meta.dataType](meta.rows * meta.columns);
    for (let i = 0; i < plane.length; i++) plane[i] = samples[i * channels + c]!;
    const small = resampleGray(plane, meta.columns, meta.rows, width, height);
    for (let i = 0; i < small.length; i++) out[i * channels + c] = small[i]!;
  }
  return { meta: { ...meta, rows: height, columns: width }, samples: out };
}

/** The narrowest integer array that holds every value in min..max. */
function dataTypeFor(min: number, max: number): PixelDataType {
  if (min >= 0) return max <= 255 ? 'uint8' : max <= 65535 ? 'uint16' : 'uint32';
  return min >= -32768 && max <= 32767 ? 'int16' : 'int32';
}

/**
 * A preview from a grayscale cache entry: cache samples (display polarity,
 * valueAtZero..valueAtTop in modality units) back to stored values through
 * the instance's rescale. `frame` names the instance and frame it stands for.
 */
export function previewFromCache(
  info: CacheEntryInfo,
  samples: Uint8Array | Uint16Array,
  frame: { instanceId: number; frame: number; frames: number; slope: number; intercept: number },
): PixelsOut {
  const top = info.bitDepth === 16 ? 65535 : 255;
  const perStep = (info.valueAtTop - info.valueAtZero) / top;
  const toStored = (modality: number) => (modality - frame.intercept) / frame.slope;
  const [lo, hi] = [toStored(info.valueAtZero), toStored(info.valueAtTop)].sort((a, b) => a - b) as [number, number];
  const [minStored, maxStored] = [Math.ceil(lo), Math.floor(hi)];
  const out = new ARRAYS[dataTypeFor(minStored, maxStored)](samples.length);
  for (let i = 0; i < samples.length; i++) {
    const level = info.inverted ? top - samples[i]! : samples[i]!;
    out[i] = Math.min(maxStored, Math.max(minStored, Math.round(toStored(info.valueAtZero + level * perStep))));
  }
  const meta: FrameMeta = {
    instanceId: frame.instanceId,
    frame: frame.frame,
    frames: frame.frames,
    rows: info.height,
    columns: info.width,
    samplesPerPixel: 1,
    dataType: dataTypeFor(minStored, maxStored),
    photometricInterpretation: info.inverted ? 'MONOCHROME1' : 'MONOCHROME2',
    slope: frame.slope,
    intercept: frame.intercept,
    minStored,
    maxStored,
    window: { center: info.window.center, width: Math.max(info.window.width, 1), source: info.window.source },
    invert: info.inverted,
  };
  return { meta, samples: out };
}
