/**
 * The `evaluation` service group over the open library: label tasks, encoders
 * (random init and every pretraining checkpoint), stored results, and one
 * evaluation job at a time in a worker process (jobs/eval-job.ts) whose events go
 * to the event hub, so every door sees the progress.
 */
import { dirname, join } from 'node:path';
import type { EvalEncoder, EvalJob as EvalJobInfo } from '../../src-shared/contract/evaluation';
import type { JobEvent } from '../../src-shared/contract/events';
import type { ServiceImpl } from '../../src-shared/contract/index';
import type { BackendName } from '../../src-shared/contract/system';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import type { ImageEncoderSpec } from '../eval/features/image-encoder';
import { listEvalRuns, readEvalResult } from '../eval/results-store';
import { availableTasks } from '../eval/tasks/available-tasks';
import { libraryTask } from '../eval/tasks/library-task';
import { startEvalJob, type EvalJob, type EvalJobOutcome } from '../jobs/eval-job';

export const RANDOM_ENCODER: EvalEncoder = { id: 'random', name: 'random init', kind: 'random', runId: null, epoch: null, step: null, createdAt: null };

interface CheckpointRow {
  id: number;
  runId: number;
  epoch: number;
  step: number;
  path: string;
  createdAt: string;
  configJson: string;
}

/** What the run trained: the config may name an image-only objective; otherwise it is ConVIRT. */
function methodOf(configJson: string): string {
  try {
    const config = JSON.parse(configJson) as Record<string, unknown>;
    const objective = [config.objective, config.method].find((v): v is string => typeof v === 'string');
    if (objective && /image|simclr/i.test(objective)) return 'image-only (SimCLR)';
  } catch {
    // An unreadable config still names its run.
  }
  return 'ConVIRT';
}

function checkpointRows(db: Db): CheckpointRow[] {
  return db
    .prepare(
      `SELECT c.id AS id, c.run_id AS runId, c.epoch AS epoch, c.step AS step, c.path AS path, c.created_at AS createdAt, r.config_json AS configJson
       FROM checkpoints c JOIN runs r ON r.id = c.run_id WHERE r.kind = 'pretrain' ORDER BY c.run_id DESC, c.step DESC, c.id DESC`,
    )
    .all() as CheckpointRow[];
}

export function listEncoders(db: Db): EvalEncoder[] {
  const checkpoints = checkpointRows(db).map((row) => ({
    id: `checkpoint:${row.id}`,
    name: `${methodOf(row.configJson)} (run ${row.runId}, epoch ${row.epoch}, step ${row.step})`,
    kind: 'checkpoint' as const,
    runId: row.runId,
    epoch: row.epoch,
    step: row.step,
    createdAt: row.createdAt,
  }));
  return [RANDOM_ENCODER, ...checkpoints];
}

function resolveEncoder(db: Db, id: string): { name: string; spec: ImageEncoderSpec } {
  if (id === 'random') return { name: RANDOM_ENCODER.name, spec: { kind: 'random' } };
  const checkpointId = Number(id.slice('checkpoint:'.length));
  const row = checkpointRows(db).find((r) => r.id === checkpointId);
  if (!row) throw new AppError('not_found', `no pretraining checkpoint ${checkpointId} in this library`);
  return { name: `${methodOf(row.configJson)} (run ${row.runId}, epoch ${row.epoch}, step ${row.step})`, spec: { kind: 'checkpoint', path: row.path } };
}

export interface EvaluationServiceOptions {
  emit?: (event: JobEvent) => void;
  /** Force one ML backend in the worker (tests); default: the best available. */
  backend?: BackendName;
  /** Bootstrap resamples per cell; default: the protocol's 1000. */
  bootstrapResamples?: number;
}

export interface EvaluationService extends Readonly<ServiceImpl['evaluation']> {
  /** The running job's outcome, for callers that wait (tests, shutdown). */
  current(): Promise<EvalJobOutcome> | null;
  /** Kills a running worker (the library is closing). */
  dispose(): void;
}

export function createEvaluationService(db: Db, libraryPath: string, options: EvaluationServiceOptions = {}): EvaluationService {
  let active: { job: EvalJob; info: Omit<EvalJobInfo, 'runId'> } | null = null;
  const emit = options.emit ?? (() => undefined);

  const infoOf = (entry: NonNullable<typeof active>): EvalJobInfo => ({ ...entry.info, runId: entry.job.runId });

  return {
    listTasks: () => availableTasks(db),
    listEncoders: () => listEncoders(db),
    listResults: () => listEvalRuns(db),
    getResult: ({ runId }) => readEvalResult(db, runId),
    listJobs: () => (active ? [infoOf(active)] : []),
    run: (input) => {
      if (active) throw new AppError('bad_request', `an evaluation is already running (${active.info.task}); wait for it or cancel it`);
      if (libraryPath === ':memory:') throw new AppError('bad_request', 'an in-memory library cannot be evaluated in a worker process');
      // Built here too, so a task that cannot work is refused at once rather than by the worker.
      const task = libraryTask(db, input.task, input.label);
      const encoders = [...new Set(input.encoders)].map((id) => resolveEncoder(db, id));
      const fractions = [...new Set(input.fractions)].sort((a, b) => a - b);
      const info = { jobId: '', task: task.name, startedAt: new Date().toISOString(), phase: 'starting', done: 0, total: null as number | null };
      const job = startEvalJob(
        db,
        {
          libraryPath,
          task: input.task,
          ...(input.label !== undefined ? { label: input.label } : {}),
          encoders,
          fractions,
          seeds: input.seeds,
          splitSeed: input.splitSeed,
          protocol: input.protocol ?? 'linear',
          ...(input.maxEpochs !== undefined ? { maxEpochs: input.maxEpochs } : {}),
          ...(input.zeroShot === false ? { zeroShot: false } : {}),
          ...(input.retrieval ? { retrieval: { queriesPerCategory: input.queriesPerCategory } } : {}),
          ...(options.bootstrapResamples !== undefined ? { bootstrapResamples: options.bootstrapResamples } : {}),
          ...(options.backend ? { backend: options.backend } : {}),
          outDir: join(dirname(libraryPath), 'eval-results'),
        },
        (event) => {
          if (event.type === 'progress') Object.assign(info, { phase: event.message ?? info.phase, done: event.done, total: event.total });
          emit(event);
        },
      );
      info.jobId = job.jobId;
      const entry = { job, info };
      active = entry;
      void job.done.then(() => {
        if (active === entry) active = null;
      });
      return infoOf(entry);
    },
    cancel: ({ jobId }) => {
      if (!active || active.job.jobId !== jobId) return { cancelled: false };
      active.job.cancel();
      return { cancelled: true };
    },
    current: () => active?.job.done ?? null,
    dispose: () => active?.job.cancel(),
  };
}
