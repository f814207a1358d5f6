/**
 * The embedding pass: every image and every report sentence of the library
 * that has no vector for the model yet is embedded and stored, batch by batch,
 * each batch in its own transaction. Cancelling (or a crash) keeps the batches
 * already written; the next pass embeds only what is still missing, so a new
 * import is embedded incrementally by running the pass again.
 */
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import { EmbeddingsRepo, type EmbeddingModelRef } from '../db/embeddings-repo';

/** A trained model's encoders with projection heads: inputs -> joint-space vectors [dim]. */
export interface LibraryEncoder {
  embedImages(instanceIds: readonly number[]): Promise<Float32Array[]>;
  embedSentences(texts: readonly string[]): Promise<Float32Array[]>;
}

export interface EmbedProgress {
  phase: 'images' | 'sentences';
  /** Items embedded in this pass so far, both phases together, and the pass's total. */
  done: number;
  total: number;
  /** Items per second since the pass started. */
  rate: number;
  /** Seconds left at that rate; null before the first batch. */
  etaSeconds: number | null;
}

export interface EmbedPassOptions {
  model: EmbeddingModelRef;
  encoder: LibraryEncoder;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: EmbedProgress) => void;
}

export interface EmbedPassResult {
  images: number;
  sentences: number;
  cancelled: boolean;
}

export async function embedLibrary(db: Db, options: EmbedPassOptions): Promise<EmbedPassResult> {
  const repo = new EmbeddingsRepo(db);
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 32));
  const { modelId } = options.model;
  const images = repo.missingImages(modelId);
  const sentences = repo.missingSentences(modelId);
  const total = images.length + sentences.length;
  const started = performance.now();
  const result: EmbedPassResult = { images: 0, sentences: 0, cancelled: false };
  const report = (phase: EmbedProgress['phase']) => {
    const done = result.images + result.sentences;
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    options.onProgress?.({ phase, done, total, rate, etaSeconds: rate > 0 ? (total - done) / rate : null });
  };

  for (let i = 0; i < images.length; i += batchSize) {
    if (options.signal?.aborted) return { ...result, cancelled: true };
    const batch = images.slice(i, i + batchSize);
    const vectors = checked(await options.encoder.embedImages(batch.map((b) => b.instanceId)), batch.length, 'image');
    result.images += repo.writeBatch(options.model, 'image', batch.map((b, j) => ({ ...b, vector: vectors[j]! })));
    report('images');
  }
  for (let i = 0; i < sentences.length; i += batchSize) {
    if (options.signal?.aborted) return { ...result, cancelled: true };
    const batch = sentences.slice(i, i + batchSize);
    const vectors = checked(await options.encoder.embedSentences(batch.map((b) => b.text)), batch.length, 'sentence');
    result.sentences += repo.writeBatch(
      options.model,
      'sentence',
      batch.map((b, j) => ({ studyId: b.studyId, sentenceId: b.sentenceId, vector: vectors[j]! })),
    );
    report('sentences');
  }
  return result;
}

function checked(vectors: Float32Array[], expected: number, kind: string): Float32Array[] {
  if (vectors.length !== expected) {
    throw new AppError('internal', `The encoder returned ${vectors.length} ${kind} vectors for a batch of ${expected}.`);
  }
  return vectors;
}
