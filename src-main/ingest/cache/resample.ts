/**
 * Grayscale resampling for the image cache, in plain TypeScript so 16-bit
 * samples keep their precision (sharp 0.35 reads raw input as 8-bit only).
 * Separable: area averaging when shrinking (no aliasing of ribs and lines),
 * bilinear when enlarging. Samples are row-major, top-left first; any
 * integer sample type (the cache's 8 / 16 bits, the viewer's stored values).
 */
import type { StoredArray } from '../pixels/stored-values';

/** Weights of source samples for each output sample along one axis. */
function axisWeights(inSize: number, outSize: number): { start: Int32Array; count: Int32Array; weights: Float32Array[] } {
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights: Float32Array[] = [];
  const scale = inSize / outSize; // source pixels per output pixel
  for (let o = 0; o < outSize; o++) {
    if (scale >= 1) {
      const lo = o * scale;
      const hi = lo + scale;
      const first = Math.floor(lo);
      const last = Math.min(inSize - 1, Math.ceil(hi) - 1);
      const w = new Float32Array(last - first + 1);
      for (let i = first; i <= last; i++) w[i - first] = (Math.min(hi, i + 1) - Math.max(lo, i)) / scale;
      start[o] = first;
      count[o] = w.length;
      weights.push(w);
    } else {
      const centre = Math.min(inSize - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const first = Math.min(Math.floor(centre), inSize - 2 < 0 ? 0 : inSize - 2);
      const frac = inSize === 1 ? 0 : centre - first;
      start[o] = first;
      count[o] = inSize === 1 ? 1 : 2;
      weights.push(inSize === 1 ? new Float32Array([1]) : new Float32Array([1 - frac, frac]));
    }
  }
  return { start, count, weights };
}

/** The representable range of an integer sample array, for clamping rounded averages. */
function rangeOf(samples: StoredArray): [number, number] {
  const bits = samples.BYTES_PER_ELEMENT * 8;
  const signed = samples instanceof Int8Array || samples instanceof Int16Array || samples instanceof Int32Array;
  return signed ? [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1] : [0, 2 ** bits - 1];
}

/** Resamples `src` (width x height) to outWidth x outHeight, same sample type and range. */
export function resampleGray<T extends StoredArray>(src: T, width: number, height: number, outWidth: number, outHeight: number): T {
  const xs = axisWeights(width, outWidth);
  const ys = axisWeights(height, outHeight);
  const rows = new Float32Array(height * outWidth); // horizontal pass
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let o = 0; o < outWidth; o++) {
      const w = xs.weights[o]!;
      let acc = 0;
      for (let k = 0; k < xs.count[o]!; k++) acc += w[k]! * src[row + xs.start[o]! + k]!;
      rows[y * outWidth + o] = acc;
    }
  }
  const [bottom, top] = rangeOf(src);
  const out = new (src.constructor as new (length: number) => T)(outWidth * outHeight);
  for (let o = 0; o < outHeight; o++) {
    const w = ys.weights[o]!;
    for (let x = 0; x < outWidth; x++) {
      let acc = 0;
      for (let k = 0; k < ys.count[o]!; k++) acc += w[k]! * rows[(ys.start[o]! + k) * outWidth + x]!;
      out[o * outWidth + x] = Math.min(top, Math.max(bottom, Math.round(acc)));
    }
  }
  return out;
}
