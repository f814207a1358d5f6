/**
 * The warmed text encoder of a run, kept beside its checkpoints:
 *   <runDir>/mlm-warmup/
 *     model.safetensors  bert.* + cls.predictions.* (Hugging Face BertForMaskedLM names, PyTorch layout)
 *     config.json        the run's training config (text.mlmWarmup says how it was made)
 *     warmup.json        per-step losses, segment and text counts
 *     vocab.txt          (and any other file the run keeps with its checkpoints)
 * written under a temporary name and renamed into place.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bert } from '../models/bert';
import type { TrainConfig } from '../train/config';
import { exportStateDict } from '../weights/state-dict';
import { writeSafetensors } from '../weights/safetensors';
import type { MlmHead } from './mlm-head';

export const MLM_WARMUP_DIR = 'mlm-warmup';

export interface MlmWarmupRecord {
  steps: number;
  texts: number;
  segments: number;
  firstLoss: number;
  lastLoss: number;
  losses: number[];
}

export function saveMlmWarmup(runDir: string, bert: Bert, head: MlmHead, config: TrainConfig, record: MlmWarmupRecord, files: Record<string, string> = {}): string {
  mkdirSync(runDir, { recursive: true });
  const final = join(runDir, MLM_WARMUP_DIR);
  const temporary = `${final}.${process.pid}.tmp`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary);
  const tensors = new Map([...exportStateDict(bert.state), ...exportStateDict(head.state)]);
  writeSafetensors(join(temporary, 'model.safetensors'), tensors, { format: 'pt', architecture: 'BertForMaskedLM' });
  writeFileSync(join(temporary, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  writeFileSync(join(temporary, 'warmup.json'), `${JSON.stringify(record, null, 2)}\n`);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(temporary, file), text);
  if (existsSync(final)) rmSync(final, { recursive: true, force: true });
  renameSync(temporary, final);
  return final;
}
