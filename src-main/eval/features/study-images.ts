/**
 * The images of a study as the encoders see them: the importer's preprocessed
 * cache entry (longest side 512) when there is one, else the file itself when it
 * is a plain JPEG / PNG (image + table layouts such as the COVID collection),
 * decoded to gray and fitted to the same longest side. Values in [0, 1].
 * Evaluation, pretraining (ml/train/library-source.ts) and search read images
 * through here, so every encoder sees the same pixels.
 */
import sharp from 'sharp';
import { existsSync } from 'node:fs';
import type { Db } from '../../db/connection';
import { isPlainImage } from '../../ingest/pixels/plain-image';
import { DEFAULT_LONGEST_SIDE, cacheDirFor, cacheEntryPath, hasCacheEntry, readCacheEntry } from '../../ingest/cache/image-cache';
import type { GrayImage } from '../../ml/augment/image';
import { AppError } from '../../../src-shared/result';

export interface StudyImageRef {
  studyId: number;
  instanceId: number;
  path: string;
  contentHash: string;
}

/** The instances of each study, in instance id order. */
export function studyImages(db: Db, studyIds: readonly number[]): Map<number, StudyImageRef[]> {
  const statement = db.prepare(
    `SELECT st.id AS studyId, i.id AS instanceId, i.path AS path, i.content_hash AS contentHash
     FROM instances i JOIN series se ON se.id = i.series_id JOIN studies st ON st.id = se.study_id
     WHERE st.id = ? ORDER BY i.id`,
  );
  return new Map(studyIds.map((id) => [id, statement.all(id) as StudyImageRef[]]));
}

/** What reading an image needs: no study. */
export type ImageRef = Pick<StudyImageRef, 'instanceId' | 'path' | 'contentHash'>;

/** Whether loadGrayImage can read the image: a cache entry, or a plain JPEG / PNG file that exists. */
export function canLoadGrayImage(libraryPath: string, ref: ImageRef): boolean {
  if (hasCacheEntry(cacheDirFor(libraryPath), ref.contentHash, 0, DEFAULT_LONGEST_SIDE)) return true;
  return isPlainImage(ref.path) && existsSync(ref.path);
}

export async function loadGrayImage(libraryPath: string, ref: ImageRef): Promise<GrayImage> {
  const cacheDir = cacheDirFor(libraryPath);
  if (hasCacheEntry(cacheDir, ref.contentHash, 0, DEFAULT_LONGEST_SIDE)) {
    const { info, samples } = await readCacheEntry(cacheEntryPath(cacheDir, ref.contentHash, 0, DEFAULT_LONGEST_SIDE));
    const top = info.bitDepth === 16 ? 65535 : 255;
    return { data: Float32Array.from(samples, (v) => v / top), width: info.width, height: info.height };
  }
  if (!isPlainImage(ref.path)) {
    throw new AppError('bad_request', `instance ${ref.instanceId} has no preprocessed image in the cache (${ref.path}); import it again with decoding and the cache on`);
  }
  try {
    const { data, info } = await sharp(ref.path)
      .greyscale()
      .resize({ width: DEFAULT_LONGEST_SIDE, height: DEFAULT_LONGEST_SIDE, fit: 'inside', withoutEnlargement: true })
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: Float32Array.from(data, (v) => v / 255), width: info.width, height: info.height };
  } catch (cause) {
    throw new AppError('bad_request', `${ref.path}: cannot read the image (${(cause as Error).message})`);
  }
}
