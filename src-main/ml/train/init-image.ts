/**
 * config.init.imageFrom: start a run's image encoder f_v from another run's
 * checkpoint (an image-only SimCLR run, say; issue "Label efficiency").
 * Only the encoder's tensors (BatchNorm statistics included) are copied; the
 * projection heads, the text side and the optimiser start fresh.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../src-shared/result';
import { readSafetensors, type FloatTensor } from '../weights/safetensors';
import { loadStateDict } from '../weights/state-dict';
import { latestCheckpoint, readCheckpointConfig, type TrainProgress } from './checkpoint';
import type { ConvirtModel } from './model';

const MODEL_FILE = 'model.safetensors';
const IMAGE_PREFIX = 'image_encoder.';

function readProgress(checkpoint: string): TrainProgress {
  return JSON.parse(readFileSync(join(checkpoint, 'progress.json'), 'utf8')) as TrainProgress;
}

/**
 * A checkpoint folder as given, or a run folder's best checkpoint: the first
 * epoch-end checkpoint whose validation loss is the run's best (a checkpoint's
 * own progress.json cannot name itself as the best); else its latest.
 */
export function resolveCheckpoint(path: string): string {
  if (existsSync(join(path, MODEL_FILE))) return path;
  if (!existsSync(join(path, 'latest.json'))) {
    throw new AppError('not_found', `init.imageFrom: ${path} is neither a checkpoint folder (no ${MODEL_FILE}) nor a run folder (no latest.json)`);
  }
  const latest = latestCheckpoint(path)!;
  const best = readProgress(latest).bestValLoss;
  if (best === null) return latest;
  const dir = join(path, 'checkpoints');
  for (const name of readdirSync(dir).filter((n) => /^step-\d+(-\d+)?$/.test(n)).sort()) {
    const progress = readProgress(join(dir, name));
    if (progress.batchInEpoch === 0 && progress.history.at(-1)?.valLoss === best) return join(dir, name);
  }
  return latest;
}

function encoderWords(encoder: ConvirtModel['config']['image']['encoder']): string {
  return `ResNet-${encoder.depth} at width ${encoder.widthMultiplier}`;
}

/** Copies the image encoder of the checkpoint at `from` into `model`; returns the checkpoint used and the tensor count. */
export function loadImageEncoderFrom(model: ConvirtModel, from: string): { checkpoint: string; tensors: number } {
  const checkpoint = resolveCheckpoint(from);
  const saved = readCheckpointConfig(checkpoint).image.encoder;
  const wanted = model.config.image.encoder;
  if (saved.depth !== wanted.depth || saved.widthMultiplier !== wanted.widthMultiplier) {
    throw new AppError(
      'bad_request',
      `init.imageFrom: ${checkpoint} holds a ${encoderWords(saved)} image encoder, but this run's config asks for ${encoderWords(wanted)}; set image.encoder to match or choose another checkpoint`,
    );
  }
  const file = join(checkpoint, MODEL_FILE);
  const encoder = new Map<string, FloatTensor>();
  for (const [name, tensor] of readSafetensors(file).tensors) if (name.startsWith(IMAGE_PREFIX)) encoder.set(name.slice(IMAGE_PREFIX.length), tensor);
  const report = loadStateDict(model.image.state, encoder, `${file} (init.imageFrom)`);
  return { checkpoint, tensors: report.loaded.length };
}
