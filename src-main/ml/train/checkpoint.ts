/**
 * Checkpoints of a training run. Each is a folder
 *   <runDir>/checkpoints/step-<global step>/
 *     model.safetensors      every model tensor, PyTorch names and layouts
 *     optimizer.safetensors  Adam's exp_avg / exp_avg_sq per parameter (PyTorch layout)
 *     config.json            the training config (the recipe that made it)
 *     progress.json          where the run stands: epoch, step, losses, early stopping
 * written under a temporary name and renamed into place; then <runDir>/latest.json
 * (itself written to a temporary file and renamed) points at it. A run killed at
 * any moment therefore finds either the previous or the new checkpoint complete.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { AppError } from '../../../src-shared/result';
import { readJsonFile } from '../../json-file';
import { convertLayout } from '../models/state';
import type { Adam } from '../optim/adam';
import { exportStateDict, loadStateDict } from '../weights/state-dict';
import { readSafetensors, writeSafetensors } from '../weights/safetensors';
import { parseTrainConfig, type TrainConfig } from './config';
import type { ConvirtModel } from './model';

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
}

/** Everything besides tensors that a resumed run needs to continue exactly. */
export interface TrainProgress {
  /** Next epoch to run (0-based) and next batch within it. */
  epoch: number;
  batchInEpoch: number;
  globalStep: number;
  /** Sum and count of this epoch's step losses so far (float64, summed in step order). */
  epochLossSum: number;
  epochLossCount: number;
  history: EpochRecord[];
  bestValLoss: number | null;
  bestCheckpoint: string | null;
  epochsWithoutImprovement: number;
  /** Moving average of the validation loss for early stopping (early-stopping.ts); absent in older checkpoints. */
  smoothedValLoss?: number | null;
  bestSmoothedValLoss?: number | null;
  /** The checkpoint the image encoder started from (config.init.imageFrom), resolved when the run started. */
  imageInitFrom?: string | null;
  /** The text encoder's MLM warm-up (config.text.mlmWarmup): counts, first and last loss, and the folder of the warmed encoder. */
  mlmWarmup?: { steps: number; texts: number; segments: number; firstLoss: number; lastLoss: number; dir: string } | null;
  /** Set once the run has ended. */
  finished: 'epochs' | 'early-stopped' | null;
}

export function initialProgress(): TrainProgress {
  return { epoch: 0, batchInEpoch: 0, globalStep: 0, epochLossSum: 0, epochLossCount: 0, history: [], bestValLoss: null, bestCheckpoint: null, epochsWithoutImprovement: 0, smoothedValLoss: null, bestSmoothedValLoss: null, finished: null };
}

function writeJsonAtomic(path: string, value: unknown): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

export function checkpointName(globalStep: number): string {
  return `step-${String(globalStep).padStart(7, '0')}`;
}

/** Writes a checkpoint folder and points latest.json at it; returns its path. */
export function saveCheckpoint(runDir: string, model: ConvirtModel, adam: Adam, progress: TrainProgress, extraFiles: Record<string, string> = {}): string {
  const dir = join(runDir, 'checkpoints');
  mkdirSync(dir, { recursive: true });
  // Never overwrite: latest.json may point at an existing folder of the same step
  // (a run cancelled on an epoch's last step saves that step again after validation).
  let name = checkpointName(progress.globalStep);
  for (let k = 1; existsSync(join(dir, name)); k++) name = `${checkpointName(progress.globalStep)}-${k}`;
  const final = join(dir, name);
  const temporary = join(dir, `${name}.${process.pid}.tmp`);
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary);
  writeSafetensors(join(temporary, 'model.safetensors'), exportStateDict(model.state), { format: 'pt', step: String(progress.globalStep) });
  writeSafetensors(join(temporary, 'optimizer.safetensors'), optimizerTensors(model, adam), { step: String(adam.stepCount) });
  writeFileSync(join(temporary, 'config.json'), `${JSON.stringify(model.config, null, 2)}\n`);
  writeFileSync(join(temporary, 'progress.json'), `${JSON.stringify(progress, null, 2)}\n`);
  for (const [file, text] of Object.entries(extraFiles)) writeFileSync(join(temporary, file), text);
  renameSync(temporary, final);
  writeJsonAtomic(join(runDir, 'latest.json'), { checkpoint: name });
  return final;
}

/** Adam's moments in PyTorch layout under `${param}.exp_avg` / `.exp_avg_sq`. */
function optimizerTensors(model: ConvirtModel, adam: Adam): Map<string, { shape: number[]; data: Float32Array }> {
  const state = adam.getState();
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [key, tensor] of state.tensors) {
    const param = key.replace(/\.exp_avg(_sq)?$/, '');
    const layout = model.state.entries.get(param)?.layout ?? 'plain';
    const torch = tf.tidy(() => convertLayout(tensor, layout, 'toTorch'));
    out.set(key, { shape: torch.shape, data: torch.dataSync() as Float32Array });
    torch.dispose();
    tensor.dispose();
  }
  return out;
}

/** The checkpoint latest.json points at, or null for a run that never saved one. */
export function latestCheckpoint(runDir: string): string | null {
  const pointer = join(runDir, 'latest.json');
  if (!existsSync(pointer)) return null;
  const { checkpoint } = readJsonFile(pointer) as { checkpoint: string };
  const path = join(runDir, 'checkpoints', checkpoint);
  if (!existsSync(join(path, 'progress.json'))) throw new AppError('not_found', `${pointer} names ${checkpoint}, which is missing or incomplete`);
  return path;
}

export function readCheckpointConfig(checkpointDir: string): TrainConfig {
  const file = join(checkpointDir, 'config.json');
  return parseTrainConfig(readJsonFile(file), file);
}

/** Loads weights and optimizer state into a model built from the same config; returns its progress. */
export function restoreCheckpoint(checkpointDir: string, model: ConvirtModel, adam: Adam): TrainProgress {
  const weights = join(checkpointDir, 'model.safetensors');
  loadStateDict(model.state, readSafetensors(weights).tensors, weights);
  const optimizerFile = join(checkpointDir, 'optimizer.safetensors');
  const saved = readSafetensors(optimizerFile);
  const tensors = new Map<string, tf.Tensor>();
  for (const [key, value] of saved.tensors) {
    const param = key.replace(/\.exp_avg(_sq)?$/, '');
    const layout = model.state.entries.get(param)?.layout ?? 'plain';
    tensors.set(key, tf.tidy(() => convertLayout(tf.tensor(value.data, value.shape), layout, 'fromTorch')));
  }
  const step = Number(saved.metadata.step);
  if (!Number.isInteger(step)) throw new AppError('bad_request', `${optimizerFile} has no step in its metadata`);
  try {
    adam.setState({ step, tensors }, model.trainable);
  } finally {
    tensors.forEach((t) => t.dispose());
  }
  return readJsonFile(join(checkpointDir, 'progress.json')) as TrainProgress;
}

/** Removes checkpoint folders other than the newest `keep` and `protect` (the best); also stale temporaries. */
export function pruneCheckpoints(runDir: string, keep: number, protect: string | null): void {
  const dir = join(runDir, 'checkpoints');
  if (!existsSync(dir)) return;
  const names = readdirSync(dir).sort();
  const complete = names.filter((n) => /^step-\d+(-\d+)?$/.test(n));
  const kept = new Set(complete.slice(-keep));
  for (const name of names) {
    const path = join(dir, name);
    if (kept.has(name) || path === protect) continue;
    rmSync(path, { recursive: true, force: true });
  }
}
