/**
 * Zero-shot scores of library studies with a ConVIRT checkpoint: the study's
 * images through f_v and g_v (unit vectors, averaged and renormalised, as the
 * zero-shot suggestions do), the two prompts through f_u and g_u, and the gap
 * of their cosines. Only ConVIRT checkpoints have a trained text side: an
 * image-only (SimCLR) run or random init has no zero-shot row.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../db/connection';
import { AppError } from '../../../src-shared/result';
import { VOCAB_FILE } from '../../ml/train/tokenizer';
import { loadCheckpointEmbedder, resolveCheckpointDir } from '../../search/checkpoint-embedder';
import { normalized } from '../../search/l2';
import { studyMeans } from '../../search/map-layout';
import { promptGap, type PromptPair } from '../../search/zero-shot';
import type { ImageEncoderSpec } from './image-encoder';
import { encoderConfig } from './image-encoder';
import { studyImages } from './study-images';

/** Whether the encoder is a checkpoint of a ConVIRT (image-text) run, saved with its vocabulary. */
export function hasTextEncoder(spec: ImageEncoderSpec): boolean {
  if (spec.kind !== 'checkpoint' || encoderConfig(spec).method === 'simclr') return false;
  return existsSync(join(resolveCheckpointDir(spec.path), VOCAB_FILE));
}

/** One score per study key, in order. */
export async function zeroShotGaps(db: Db, libraryPath: string, checkpointPath: string, keys: readonly string[], prompts: PromptPair): Promise<number[]> {
  const embedder = loadCheckpointEmbedder(db, libraryPath, checkpointPath);
  try {
    const positive = normalized(embedder.embedText(prompts.positive));
    const negative = normalized(embedder.embedText(prompts.negative));
    const refs = studyImages(db, keys.map(Number));
    const gaps: number[] = [];
    for (const key of keys) {
      const instanceIds = (refs.get(Number(key)) ?? []).map((r) => r.instanceId);
      if (instanceIds.length === 0) throw new AppError('bad_request', `study ${key} has no images to score`);
      const vectors = await embedder.embedImages(instanceIds);
      const dim = embedder.dim;
      const matrix = new Float32Array(vectors.length * dim);
      vectors.forEach((v, r) => matrix.set(v, r * dim));
      const mean = studyMeans(matrix, dim, new Int32Array(vectors.length).fill(Number(key)));
      gaps.push(promptGap(mean.matrix, positive, negative));
    }
    return gaps;
  } finally {
    embedder.dispose();
  }
}
