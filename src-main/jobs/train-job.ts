/**
 * Runs ConVIRT pretraining in its own process (child_process.fork of the
 * bundled worker; under Electron the same file runs with ELECTRON_RUN_AS_NODE)
 * and turns what it reports into typed JobEvents; the run's status is written
 * here, its metrics and checkpoints by the worker (run-record.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { JobEvent } from '../../src-shared/contract/events';
import type { BackendName } from '../../src-shared/contract/system';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import { latestCheckpoint, readCheckpointConfig } from '../ml/train/checkpoint';
import { parseTrainConfig, type TrainConfig } from '../ml/train/config';
import type { TrainResult } from '../ml/train/trainer';
import { alignRecordWithCheckpoint } from './run-record';
import { preStageJobEvents } from './pre-stage-events';
import { RunsRepo } from './runs-repo';
import type { ParentMessage, TrainRequest, WorkerMessage } from './train-protocol';
import { workerOwnsRun, writeWorkerPid } from './worker-pid';

export const JOB_KIND = 'pretrain';

/** `<library folder>/<library name>.runs/<run id>`: beside the library, like its image cache. */
export function runDirFor(libraryPath: string, runId: number): string {
  return join(dirname(libraryPath), `${basename(libraryPath, extname(libraryPath))}.runs`, String(runId));
}

/** The worker script: the bundled .js beside this bundle, else the TypeScript source under tsx (tests). */
function workerEntry(): { path: string; execArgv: string[] } {
  const bundled = join(__dirname, 'train-worker.js');
  if (existsSync(bundled)) return { path: bundled, execArgv: [] };
  return { path: join(__dirname, 'train-worker.ts'), execArgv: ['--import', 'tsx'] };
}

export interface TrainJobOptions {
  db: Db;
  libraryPath: string;
  /** A new run from this config, or... */
  config?: TrainConfig;
  /** ...continue this run from its last checkpoint. */
  resumeRunId?: number;
  /** The workstation resumes an interrupted run by itself on start (recorded for the Train screen). */
  automatic?: boolean;
  /** Overrides the run's number of epochs (a resumed run may be extended). */
  epochs?: number;
  backend?: BackendName;
  onEvent?: (event: JobEvent) => void;
}

export interface TrainJobOutcome {
  runId: number;
  status: 'done' | 'early-stopped' | 'cancelled' | 'failed';
  result: Omit<TrainResult, 'stepLosses'> | null;
  error: string | null;
  backend: unknown;
}

export interface TrainJob {
  runId: number;
  jobId: string;
  runDir: string;
  child: ChildProcess;
  /** Stops after the current step, with a checkpoint. */
  cancel(): void;
  done: Promise<TrainJobOutcome>;
}

function resolveRun(repo: RunsRepo, options: TrainJobOptions): { runId: number; config: TrainConfig; resume: boolean } {
  if (options.resumeRunId !== undefined) {
    const run = repo.get(options.resumeRunId);
    if (run.kind !== JOB_KIND) throw new AppError('bad_request', `run ${run.id} is a ${run.kind} run, not a pretraining run`);
    if (run.status === 'running') throw new AppError('bad_request', `run ${run.id} is marked running; if its process is gone, it was recorded as failed on exit`);
    const checkpoint = latestCheckpoint(runDirFor(options.libraryPath, run.id));
    const saved = checkpoint ? readCheckpointConfig(checkpoint) : parseTrainConfig(JSON.parse(run.config_json), `run ${run.id} config`);
    const config = options.epochs ? { ...saved, epochs: options.epochs } : saved;
    return { runId: run.id, config, resume: true };
  }
  if (!options.config) throw new AppError('bad_request', 'a training job needs a config or a run to resume');
  const config = options.epochs ? { ...options.config, epochs: options.epochs } : options.config;
  return { runId: repo.create(JOB_KIND, config), config, resume: false };
}

export function startTrainJob(options: TrainJobOptions): TrainJob {
  const repo = new RunsRepo(options.db);
  const { runId, config, resume } = resolveRun(repo, options);
  const runDir = runDirFor(options.libraryPath, runId);
  mkdirSync(runDir, { recursive: true });
  const jobId = `${JOB_KIND}-${runId}`;
  const base = { jobId, kind: JOB_KIND };
  const emit = options.onEvent ?? (() => undefined);
  repo.markRunning(runId, config);
  if (resume) {
    const fromStep = alignRecordWithCheckpoint(options.db, runId, latestCheckpoint(runDir));
    repo.setAutoResumed(runId, options.automatic ? fromStep : null);
  }

  const entry = workerEntry();
  const child = fork(entry.path, [], {
    execArgv: entry.execArgv,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Lets another process on this library tell a live run from an interrupted one.
  if (child.pid !== undefined) writeWorkerPid(runDir, child.pid);
  const request: TrainRequest = { libraryPath: options.libraryPath, runId, runDir, config, resume, ...(options.backend ? { backend: options.backend } : {}) };
  child.send({ type: 'start', request } satisfies ParentMessage);

  let backend: unknown = null;
  let finalMessage: WorkerMessage | null = null;
  let cancelRequested = false;

  child.on('message', (message: WorkerMessage) => {
    switch (message.type) {
      case 'ready':
        backend = message.backend;
        repo.setBackend(runId, message.backend);
        emit({ type: 'started', ...base, total: config.epochs });
        emit({ type: 'log', ...base, level: 'info', message: `training on ${message.backend.chosen} (${message.backend.device}): ${message.pairs} pairs from ${message.patients} patients` });
        break;
      case 'trainer': {
        // The worker has already recorded the event in the library (run-record.ts).
        const e = message.event;
        if (e.type === 'step') {
          emit({ ...e, ...base, type: 'train-step' });
          emit({ type: 'progress', ...base, done: e.step, total: e.totalSteps, rate: e.pairsPerSecond, etaSeconds: e.etaSeconds });
        } else if (e.type === 'validation') {
          emit({ ...e, ...base, type: 'train-validation' });
        } else {
          emit({ ...e, ...base, type: 'train-checkpoint' });
        }
        break;
      }
      case 'prestage':
        for (const event of preStageJobEvents(message.event, base)) emit(event);
        break;
      default:
        finalMessage = message;
    }
  });

  const done = new Promise<TrainJobOutcome>((resolve) => {
    child.on('exit', (code, signal) => {
      const final = finalMessage as WorkerMessage | null;
      // Resumed meanwhile by another workstation (this one was closing): the run's status is no longer this job's to write.
      const finish: RunsRepo['finish'] = (...args) => (workerOwnsRun(runDir, child.pid) ? repo.finish(...args) : undefined);
      let outcome: TrainJobOutcome;
      if (final?.type === 'done') {
        const status = final.result.status;
        finish(runId, status === 'cancelled' ? 'cancelled' : 'done');
        outcome = { runId, status, result: final.result, error: null, backend };
        emit(status === 'cancelled' ? { type: 'cancelled', ...base } : { type: 'done', ...base, summary: final.result });
      } else {
        const error = final?.type === 'error' ? final.error.message : `the training process exited ${signal ? `on signal ${signal}` : `with code ${code}`}`;
        finish(runId, cancelRequested && !final ? 'cancelled' : 'failed', error);
        outcome = { runId, status: 'failed', result: null, error, backend };
        emit({ type: 'failed', ...base, error: final?.type === 'error' ? final.error : { code: 'internal', message: error } });
      }
      resolve(outcome);
    });
  });

  return {
    runId,
    jobId,
    runDir,
    child,
    cancel() {
      cancelRequested = true;
      if (child.connected) child.send({ type: 'cancel' } satisfies ParentMessage);
    },
    done,
  };
}
