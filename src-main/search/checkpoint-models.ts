/**
 * Trained checkpoints as search models. A checkpoint of the library's run
 * table (checkpoints row) embeds under the model id "run-<run id>/<folder>",
 * with checkpoint_id set on every vector, so search finds the weights of a
 * stored model id again: model id -> checkpoint row -> folder -> encoders.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import { selectBackend } from '../ml/backend/select';
import { loadCheckpointEmbedder, resolveCheckpointDir, type CheckpointEmbedder } from './checkpoint-embedder';
import { embedLibrary, type EmbedPassResult, type EmbedProgress } from './embed-pass';
import type { QueryEmbedderProvider } from './query-embedder';

interface CheckpointRow {
  id: number;
  runId: number;
  path: string;
}

/** The best available ML backend, unless the process already chose one (the training worker, a test). */
async function ensureBackend(): Promise<void> {
  if (!tf.getBackend()) await selectBackend();
}

export function checkpointModelId(runId: number, checkpointDir: string): string {
  return `run-${runId}/${basename(checkpointDir)}`;
}

/**
 * Loads the checkpoint of a stored model id on first use and keeps that one
 * loaded (a paper-sized model holds hundreds of MB); null when the vectors
 * name no checkpoint or its folder is gone (pruned or moved).
 */
export function checkpointEmbedderProvider(db: Db, libraryPath: string): QueryEmbedderProvider & { dispose(): void } {
  const checkpointOf = db.prepare(
    `SELECT c.id AS id, c.run_id AS runId, c.path AS path FROM checkpoints c
     WHERE c.id = (SELECT checkpoint_id FROM embeddings WHERE model_id = ? AND checkpoint_id IS NOT NULL LIMIT 1)`,
  );
  // The pending load is cached too, so concurrent queries share one model.
  let loaded: { modelId: string; embedder: Promise<CheckpointEmbedder | null> } | null = null;
  const load = async (modelId: string): Promise<CheckpointEmbedder | null> => {
    const row = checkpointOf.get(modelId) as CheckpointRow | undefined;
    if (!row || !existsSync(join(row.path, 'model.safetensors'))) return null;
    await ensureBackend();
    return loadCheckpointEmbedder(db, libraryPath, row.path);
  };
  const release = () => {
    void loaded?.embedder.then((e) => e?.dispose(), () => undefined);
    loaded = null;
  };
  const provider = (modelId: string): Promise<CheckpointEmbedder | null> => {
    if (loaded?.modelId !== modelId) {
      release();
      const embedder = load(modelId);
      loaded = { modelId, embedder };
      // A failed load is retried by the next query, not remembered.
      embedder.catch(() => {
        if (loaded?.embedder === embedder) loaded = null;
      });
    }
    return loaded.embedder;
  };
  return Object.assign(provider, { dispose: release });
}

export interface EmbedCheckpointOptions {
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (progress: EmbedProgress) => void;
}

/** Embeds every image and report sentence still missing for a checkpoint of this library's runs. */
export async function embedCheckpoint(db: Db, libraryPath: string, checkpointPath: string, options: EmbedCheckpointOptions = {}): Promise<EmbedPassResult & { modelId: string }> {
  const dir = resolve(resolveCheckpointDir(checkpointPath));
  const row = db.prepare('SELECT id, run_id AS runId, path FROM checkpoints WHERE path = ? ORDER BY id DESC LIMIT 1').get(dir) as CheckpointRow | undefined;
  if (!row) throw new AppError('not_found', `${dir} is not a checkpoint of a pretraining run in ${libraryPath}`);
  const modelId = checkpointModelId(row.runId, dir);
  await ensureBackend();
  const encoder = loadCheckpointEmbedder(db, libraryPath, dir);
  try {
    const result = await embedLibrary(db, { model: { modelId, checkpointId: row.id }, encoder, ...options });
    return { ...result, modelId };
  } finally {
    encoder.dispose();
  }
}
