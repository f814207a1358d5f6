/**
 * A tiny ConVIRT model trained one epoch by the real trainer (in process) on a
 * library, its run and checkpoints recorded as `convirt pretrain` records them:
 * what the search tests embed and query with.
 */
import type { Db } from '../../src-main/db/connection';
import { RunsRepo } from '../../src-main/jobs/runs-repo';
import { runDirFor } from '../../src-main/jobs/train-job';
import { parseTrainConfig } from '../../src-main/ml/train/config';
import { librarySource } from '../../src-main/ml/train/library-source';
import { VOCAB_FILE, runTokenizer } from '../../src-main/ml/train/tokenizer';
import { train } from '../../src-main/ml/train/trainer';

export const TINY_SEARCH_CONFIG = parseTrainConfig({
  preset: 'test-tiny',
  seed: 3,
  image: { encoder: { depth: 18, widthMultiplier: 1 / 16 }, size: 32 },
  text: { vocabSize: 300, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, maxTokens: 32 },
  heads: { hiddenDim: 16, outputDim: 8 },
  optimizer: { lr: 1e-3, weightDecay: 1e-6 },
  loss: {},
  batchSize: 4,
  epochs: 1,
  validation: { fraction: 0.25 },
});

export async function trainTinyCheckpoint(db: Db, path: string): Promise<{ runId: number; checkpoint: string; pairs: number }> {
  const runs = new RunsRepo(db);
  const runId = runs.create('pretrain', TINY_SEARCH_CONFIG);
  const source = librarySource(db, path);
  const { tokenizer, vocabText } = runTokenizer(TINY_SEARCH_CONFIG, { resumeCheckpoint: null, reportTexts: () => source.reportTexts() });
  const result = await train({
    config: TINY_SEARCH_CONFIG,
    source,
    tokenizer,
    runDir: runDirFor(path, runId),
    checkpointFiles: { [VOCAB_FILE]: vocabText },
    onEvent: (e) => {
      if (e.type === 'checkpoint') runs.addCheckpoint(runId, e.epoch, e.step, e.path, { best: e.best });
    },
  });
  if (!result.checkpoint) throw new Error('the tiny run wrote no checkpoint');
  return { runId, checkpoint: result.checkpoint, pairs: source.info.pairs };
}
