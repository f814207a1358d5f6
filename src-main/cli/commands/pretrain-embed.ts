/**
 * The step after `convirt pretrain`: embed the library's images and report
 * sentences with the run's chosen checkpoint (best by validation loss, else
 * the last), so `convirt search "..."` works at once. Only what is missing for
 * that checkpoint is embedded, so running it again after an import is cheap.
 */
import { SingleBar } from 'cli-progress';
import type { BackendName } from '../../../src-shared/contract/system';
import type { Db } from '../../db/connection';
import { selectBackend } from '../../ml/backend/select';
import { embedCheckpoint } from '../../search/checkpoint-models';

export interface EmbedSummary {
  modelId: string;
  images: number;
  sentences: number;
}

export async function embedAfterPretrain(
  db: Db,
  libraryPath: string,
  checkpoint: string,
  options: { backend?: BackendName; progress: boolean },
): Promise<EmbedSummary> {
  await selectBackend(options.backend ? { only: options.backend } : {});
  const bar = options.progress
    ? new SingleBar({ format: 'embed [{bar}] {value}/{total} {phase} | {rate}/s | ETA {eta_formatted}', stream: process.stderr, etaBuffer: 20 })
    : null;
  let started = false;
  try {
    const result = await embedCheckpoint(db, libraryPath, checkpoint, {
      onProgress: (p) => {
        const payload = { phase: p.phase, rate: p.rate.toFixed(1) };
        if (!started) bar?.start(p.total, p.done, payload);
        else bar?.update(p.done, payload);
        started = true;
      },
    });
    return { modelId: result.modelId, images: result.images, sentences: result.sentences };
  } finally {
    if (started) bar?.stop();
  }
}
