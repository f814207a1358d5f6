/**
 * Messages between the training job (parent) and its worker process. The
 * worker records its run's metrics and checkpoints in the library as they
 * happen (run-record.ts); the parent records the run's status.
 */
import type { BackendInfo, BackendName } from '../../src-shared/contract/system';
import type { AppErrorShape } from '../../src-shared/result';
import type { TrainConfig } from '../ml/train/config';
import type { PreStageEvent } from '../ml/train/pre-stages';
import type { TrainResult, TrainerEvent } from '../ml/train/trainer';

export interface TrainRequest {
  libraryPath: string;
  runId: number;
  runDir: string;
  config: TrainConfig;
  resume: boolean;
  /** Force one backend (tests, comparisons); default: the best available. */
  backend?: BackendName;
}

export type ParentMessage = { type: 'start'; request: TrainRequest } | { type: 'cancel' };

export type WorkerMessage =
  | { type: 'ready'; backend: BackendInfo; pairs: number; patients: number; missingCache: number }
  | { type: 'trainer'; event: TrainerEvent }
  /** Before the contrastive stage: MLM warm-up steps, the image encoder's source. */
  | { type: 'prestage'; event: PreStageEvent }
  | { type: 'done'; result: Omit<TrainResult, 'stepLosses'> }
  | { type: 'error'; error: AppErrorShape };
