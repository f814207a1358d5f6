/**
 * The `training` service group: a recommended pretraining recipe, one
 * pretraining job at a time (start, pause, resume, cancel), and the run
 * history with its loss curves. Configs cross the boundary as plain JSON; the
 * main process validates them against the engine's TrainConfig schema.
 */
import { z } from 'zod';
import { method } from './method';
import { BackendInfo, BackendName } from './system';

/** A training config as JSON (the engine's TrainConfig, validated by the main process). */
export const TrainConfigJson = z.record(z.string(), z.unknown());
export type TrainConfigJson = z.infer<typeof TrainConfigJson>;

/**
 * 'interrupted': the workstation stopped (closed, crashed) while the run trained;
 * 'paused': stopped on request with a checkpoint. Both resume from the last checkpoint.
 */
export const RunStatus = z.enum(['queued', 'running', 'paused', 'interrupted', 'done', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

export const Recommendation = z.object({
  /** False when the library cannot be trained on yet; `explanation` says why. */
  ready: z.boolean(),
  preset: z.string(),
  /** Encoders in words, e.g. "ResNet-18 ×0.25 + 2-layer transformer". */
  model: z.string(),
  backend: BackendName,
  device: z.string(),
  cores: z.number().int(),
  imageSize: z.number().int(),
  batchSize: z.number().int(),
  epochs: z.number().int(),
  /** Report-paired images with a readable image. */
  pairs: z.number().int(),
  patients: z.number().int(),
  /** Expected training throughput, pairs per second. */
  pairsPerSecond: z.number(),
  /** Upper bound (all epochs, no early stop), seconds; null when not ready. */
  estimatedSeconds: z.number().nullable(),
  explanation: z.string(),
  config: TrainConfigJson,
});
export type Recommendation = z.infer<typeof Recommendation>;

export const RunSummary = z.object({
  id: z.number().int(),
  status: RunStatus,
  preset: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  backend: BackendName.nullable(),
  device: z.string().nullable(),
  bestValLoss: z.number().nullable(),
  /** Epochs finished (with an epoch loss) and the epochs the config asks for. */
  epochsDone: z.number().int(),
  epochs: z.number().int(),
  steps: z.number().int(),
  error: z.string().nullable(),
  /** A checkpoint exists and the run is not running or done. */
  resumable: z.boolean(),
  /** This workstation's process runs it now (pause and cancel apply). */
  attached: z.boolean(),
  /** When the workstation last resumed the run by itself on start (after it was interrupted), and from which step; null otherwise. */
  autoResumedAt: z.string().nullable(),
  autoResumedStep: z.number().int().nullable(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const StepPoint = z.object({ step: z.number().int(), epoch: z.number().int().nullable(), loss: z.number(), pairsPerSecond: z.number().nullable() });
export type StepPoint = z.infer<typeof StepPoint>;
export const EpochPoint = z.object({ epoch: z.number().int(), train: z.number().nullable(), val: z.number().nullable() });
export type EpochPoint = z.infer<typeof EpochPoint>;

export const RunDetail = z.object({
  run: RunSummary,
  config: TrainConfigJson,
  backendInfo: BackendInfo.nullable(),
  /** Per optimiser step, in step order. */
  stepLoss: z.array(StepPoint),
  /** Per epoch, mean training loss and validation loss. */
  epochLoss: z.array(EpochPoint),
  /** Mean pairs/s over the last steps recorded; null before the first. */
  pairsPerSecond: z.number().nullable(),
});
export type RunDetail = z.infer<typeof RunDetail>;

export const ConfigCheck = z.object({ valid: z.boolean(), issues: z.array(z.string()) });
export type ConfigCheck = z.infer<typeof ConfigCheck>;

const RunRef = z.object({ runId: z.number().int().positive() }).strict();
const Empty = z.object({}).strict().default({});

export const trainingContract = {
  recommend: method(Empty, Recommendation),
  /** The named presets as full configs, for the advanced panel. */
  presets: method(Empty, z.record(z.string(), TrainConfigJson)),
  validate: method(z.object({ config: TrainConfigJson }).strict(), ConfigCheck),
  start: method(z.object({ config: TrainConfigJson, backend: BackendName.optional() }).strict(), RunSummary),
  /** Stops after the current step with a checkpoint; resume continues it. */
  pause: method(RunRef, RunSummary),
  resume: method(z.object({ runId: z.number().int().positive(), backend: BackendName.optional() }).strict(), RunSummary),
  /** Stops the running job (after its step) or a paused one, and marks it cancelled. */
  cancel: method(RunRef, RunSummary),
  listRuns: method(Empty, z.array(RunSummary)),
  getRun: method(RunRef, RunDetail),
};
