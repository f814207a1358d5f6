/**
 * Per-study features for the linear probe: each image of a study goes through
 * the frozen encoder once; image vectors are stored in the embeddings table under
 * the encoder's model id (so a rerun reads them back instead of recomputing), and
 * a study's feature is the mean of its images' vectors.
 */
import type { Db } from '../../db/connection';
import { EmbeddingsRepo } from '../../db/embeddings-repo';
import { AppError } from '../../../src-shared/result';
import type { Featurize } from '../protocol/linear-probe';
import type { FrozenImageEncoder } from './image-encoder';
import { loadGrayImage, studyImages, type StudyImageRef } from './study-images';

export interface FeatureProgress {
  done: number;
  total: number;
  /** Images per second over this pass. */
  rate: number;
  etaSeconds: number | null;
}

export function studyFeaturizer(db: Db, libraryPath: string, encoder: FrozenImageEncoder, options: { batchSize?: number; onProgress?: (p: FeatureProgress) => void } = {}): Featurize {
  const repo = new EmbeddingsRepo(db);
  const batchSize = options.batchSize ?? 16;
  return async (keys) => {
    const studyIds = keys.map((k) => {
      const id = Number(k);
      if (!Number.isInteger(id) || id <= 0) throw new AppError('bad_request', `'${k}' is not a library study id`);
      return id;
    });
    const images = studyImages(db, studyIds);
    const all = [...images.values()].flat();
    const missing = all.filter((ref) => repo.vectorOf(encoder.modelId, 'image', ref.instanceId) === null);
    const started = Date.now();
    for (let start = 0; start < missing.length; start += batchSize) {
      const batch: StudyImageRef[] = missing.slice(start, start + batchSize);
      const vectors = encoder.embed(await Promise.all(batch.map((ref) => loadGrayImage(libraryPath, ref))));
      repo.writeBatch({ modelId: encoder.modelId }, 'image', batch.map((ref, i) => ({ studyId: ref.studyId, instanceId: ref.instanceId, vector: vectors[i] as Float32Array })));
      const done = Math.min(start + batchSize, missing.length);
      const rate = done / Math.max((Date.now() - started) / 1000, 1e-3);
      options.onProgress?.({ done, total: missing.length, rate, etaSeconds: (missing.length - done) / rate });
    }
    return studyIds.map((id) => {
      const refs = images.get(id) ?? [];
      if (refs.length === 0) throw new AppError('bad_request', `study ${id} has no images to compute features from`);
      const mean = new Float32Array(encoder.features);
      for (const ref of refs) {
        const v = repo.vectorOf(encoder.modelId, 'image', ref.instanceId) as Float32Array;
        for (let j = 0; j < mean.length; j++) mean[j] = (mean[j] as number) + (v[j] as number) / refs.length;
      }
      return mean;
    });
  };
}
