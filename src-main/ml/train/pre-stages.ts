/**
 * What a new run does to its freshly built model before the first
 * contrastive step: take the image encoder from another checkpoint
 * (config.init.imageFrom) and warm the text encoder up by masked-language
 * modelling (config.text.mlmWarmup). A resumed run skips both: its
 * checkpoint already holds the weights they produced.
 */
import { AppError } from '../../../src-shared/result';
import { readReportCorpus } from '../mlm/corpus';
import { saveMlmWarmup, type MlmWarmupRecord } from '../mlm/save';
import { isMlmTokenizer, mlmWarmup, type MlmEvent } from '../mlm/warmup';
import { loadImageEncoderFrom } from './init-image';
import type { ConvirtModel } from './model';

export type PreStageEvent = MlmEvent | { type: 'init'; imageFrom: string; tensors: number };

export interface PreStageOptions {
  runDir: string;
  tokenizer: unknown;
  /** The report texts of the pairs (the library's, without held-out patients). */
  reportTexts: (() => Iterable<string>) | undefined;
  checkpointFiles: Record<string, string> | undefined;
  onEvent: (event: PreStageEvent) => void;
  shouldStop: (() => boolean) | undefined;
}

export interface PreStageResult {
  /** The checkpoint the image encoder came from. */
  imageInitFrom: string | null;
  /** The warm-up's record and the folder holding the warmed encoder. */
  mlmWarmup: (Omit<MlmWarmupRecord, 'losses'> & { dir: string }) | null;
  cancelled: boolean;
}

export async function runPreStages(model: ConvirtModel, options: PreStageOptions): Promise<PreStageResult> {
  const { config } = model;
  const result: PreStageResult = { imageInitFrom: null, mlmWarmup: null, cancelled: false };
  if (config.init.imageFrom) {
    const loaded = loadImageEncoderFrom(model, config.init.imageFrom);
    result.imageInitFrom = loaded.checkpoint;
    options.onEvent({ type: 'init', imageFrom: loaded.checkpoint, tensors: loaded.tensors });
  }
  const spec = config.text.mlmWarmup;
  // An image-only run has no text encoder to warm up.
  if (!spec || config.method === 'simclr') return result;
  if (!isMlmTokenizer(options.tokenizer)) throw new AppError('bad_request', 'text.mlmWarmup needs a WordPiece tokenizer (the run tokenizer), not a plain batch encoder');
  if (!options.reportTexts) throw new AppError('bad_request', 'text.mlmWarmup needs the report texts of the training pairs (TrainOptions.reportTexts)');
  const texts = [...options.reportTexts(), ...(spec.corpus ? readReportCorpus(spec.corpus) : [])];
  const warm = await mlmWarmup({ bert: model.text, spec, config, tokenizer: options.tokenizer, texts, onEvent: options.onEvent, ...(options.shouldStop ? { shouldStop: options.shouldStop } : {}) });
  try {
    if (warm.stopped) return { ...result, cancelled: true };
    const record: MlmWarmupRecord = { steps: warm.losses.length, texts: new Set(texts).size, segments: warm.segments, firstLoss: warm.losses[0]!, lastLoss: warm.losses.at(-1)!, losses: warm.losses };
    const dir = saveMlmWarmup(options.runDir, model.text, warm.head, config, record, options.checkpointFiles);
    const { losses: _perStep, ...summary } = record;
    return { ...result, mlmWarmup: { ...summary, dir } };
  } finally {
    warm.head.dispose();
  }
}
