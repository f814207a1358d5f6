/**
 * The images of studies at an encoder's input size, read once for a whole
 * fine-tuning evaluation (every epoch and subset reuses them): each image as
 * the frozen features see it (study-images.ts), resized to size x size.
 */
import type { Db } from '../../db/connection';
import { AppError } from '../../../src-shared/result';
import type { GrayImage } from '../../ml/augment/image';
import { resizeOnly } from '../../ml/augment/image-augment';
import { loadGrayImage, studyImages } from '../features/study-images';

export async function loadStudyPixels(db: Db, libraryPath: string, keys: readonly string[], size: number, onProgress?: (p: { done: number; total: number }) => void): Promise<Map<string, GrayImage[]>> {
  const ids = keys.map((k) => {
    const id = Number(k);
    if (!Number.isInteger(id) || id <= 0) throw new AppError('bad_request', `'${k}' is not a library study id`);
    return id;
  });
  const refs = studyImages(db, ids);
  const out = new Map<string, GrayImage[]>();
  let done = 0;
  for (const [i, id] of ids.entries()) {
    const images = refs.get(id) ?? [];
    if (images.length === 0) throw new AppError('bad_request', `study ${id} has no images to fine-tune on`);
    const pixels: GrayImage[] = [];
    for (const ref of images) pixels.push(resizeOnly(await loadGrayImage(libraryPath, ref), size));
    out.set(keys[i] as string, pixels);
    onProgress?.({ done: ++done, total: ids.length });
  }
  return out;
}
