/**
 * Messages between the evaluation job (parent) and its worker process. The
 * worker runs the whole evaluation against the library file (it records the run,
 * splits, features and cells itself, as `convirt eval` does) and reports progress.
 */
import type { EvalProtocol } from '../../src-shared/contract/evaluation';
import type { BackendName } from '../../src-shared/contract/system';
import type { AppErrorShape } from '../../src-shared/result';
import type { ImageEncoderSpec } from '../eval/features/image-encoder';

export interface EvalJobRequest {
  libraryPath: string;
  task: string;
  label?: string;
  encoders: { name: string; spec: ImageEncoderSpec }[];
  fractions: number[];
  seeds: number;
  splitSeed: number;
  protocol?: EvalProtocol;
  /** Fine-tuning: epoch cap per run. */
  maxEpochs?: number;
  /** false: no zero-shot rows. */
  zeroShot?: boolean;
  retrieval?: { queriesPerCategory: number };
  bootstrapResamples?: number;
  /** Folder for the JSON / CSV / SVG files, as `convirt eval --out`. */
  outDir?: string;
  /** Force one backend (tests); default: the best available. */
  backend?: BackendName;
}

export type EvalParentMessage = { type: 'start'; request: EvalJobRequest };

export type EvalWorkerMessage =
  | { type: 'run'; runId: number }
  | { type: 'features'; encoder: string; done: number; total: number; rate: number; etaSeconds: number | null }
  | { type: 'probe'; encoder: string; fraction: number; seed: number; done: number; total: number }
  | { type: 'pixels'; encoder: string; done: number; total: number }
  | { type: 'epoch'; encoder: string; fraction: number; seed: number; epoch: number; maxEpochs: number; metric: number | null; seconds: number }
  | { type: 'done'; runId: number; files: string[] }
  | { type: 'error'; error: AppErrorShape };
