/**
 * Plain JPEG / PNG images (the COVID collection's, and other image-text
 * layouts) for the viewer: one 8-bit grayscale frame at full resolution, with
 * a window from the 0.5 / 99.5 percentiles as for DICOM files without VOI tags.
 */
import { extname } from 'node:path';
import sharp from 'sharp';

export const PLAIN_IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png']);

export function isPlainImage(path: string): boolean {
  return PLAIN_IMAGE_EXTENSIONS.has(extname(path).toLowerCase());
}

export interface PlainFrame {
  rows: number;
  columns: number;
  /** rows * columns gray values, 0..255. */
  stored: Uint8Array;
  window: { center: number; width: number; source: 'percentile' };
}

/** The value below which `share` of the pixels lie, from a 256-bin histogram. */
function percentile(histogram: Uint32Array, total: number, share: number): number {
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += histogram[v]!;
    if (seen >= share * total) return v;
  }
  return 255;
}

export async function decodePlainImage(path: string): Promise<PlainFrame> {
  const { data, info } = await sharp(path).greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const stored = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const histogram = new Uint32Array(256);
  for (const v of stored) histogram[v]! += 1;
  const low = percentile(histogram, stored.length, 0.005);
  const high = percentile(histogram, stored.length, 0.995);
  return { rows: info.height, columns: info.width, stored, window: { center: (low + high) / 2, width: Math.max(1, high - low), source: 'percentile' } };
}
