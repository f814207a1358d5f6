/**
 * The `training` service group: one pretraining job at a time, run by the
 * training job (its own process) on a connection of its own, its events fanned
 * out through the EventHub. Pause and cancel both stop the worker after its
 * current step with a checkpoint; they differ in what the run is marked.
 * A run left 'running' by a workstation that went away is marked interrupted
 * as soon as its worker is gone; the app and `convirt serve` resume it by
 * themselves on start (resumeInterrupted), and the Train screen offers it. A run that finishes
 * embeds the library with its checkpoint (job kind 'embed'), as `convirt
 * pretrain` does, so Search works from a run started on the Train screen.
 */
import { cpus } from 'node:os';
import type { ServiceImpl } from '../../src-shared/contract/index';
import type { JobEvent } from '../../src-shared/contract/events';
import type { BackendName } from '../../src-shared/contract/system';
import type { RunSummary } from '../../src-shared/contract/training';
import { AppError } from '../../src-shared/result';
import { openLibrary, type Db } from '../db/connection';
import { JOB_KIND, runDirFor, startTrainJob, type TrainJob, type TrainJobOutcome } from '../jobs/train-job';
import { probeBackends } from '../ml/backend/probe';
import { parseTrainConfig, presetConfig, PRESETS, TrainConfig } from '../ml/train/config';
import { librarySource } from '../ml/train/library-source';
import { log } from '../log';
import { embedCheckpoint } from '../search/checkpoint-models';
import { recommend } from '../training/recommend';
import { TrainingRuns } from '../training/runs-view';
import { runWorkerAlive, workerOwnsRun } from '../jobs/worker-pid';
import type { EventHub } from './events';

type Intent = 'train' | 'pause' | 'cancel' | 'interrupt';

interface ActiveJob {
  job: TrainJob;
  /** The job's own connection: its exit handler writes after the services may have closed theirs. */
  db: Db;
  intent: Intent;
}

const TERMINAL = new Set<JobEvent['type']>(['done', 'failed', 'cancelled']);

export interface TrainingService {
  impl: ServiceImpl['training'];
  /**
   * Resumes the newest interrupted run from its last checkpoint (same run id,
   * curves continued), first waiting (up to `waitMs`) for a previous
   * workstation's worker to finish its step and checkpoint. Resolves to the
   * resumed run, or null when there is none, another job runs, or the wait
   * ran out. The app and `convirt serve` call it on start unless told not to.
   */
  resumeInterrupted(options?: { waitMs?: number; pollMs?: number }): Promise<RunSummary | null>;
  /** Stops a running job after its step (with a checkpoint) and marks it interrupted. */
  close(): void;
}

export function createTrainingService(db: Db, libraryPath: string, events: EventHub): TrainingService {
  const runs = new TrainingRuns(db);
  let active: ActiveJob | null = null;

  const isAttached = (runId: number) => active?.job.runId === runId;

  /** Runs marked 'running' whose worker is gone were interrupted (the workstation closed or crashed). */
  function recoverInterrupted(): void {
    for (const id of runs.runningIds()) {
      if (isAttached(id) || runWorkerAlive(runDirFor(libraryPath, id))) continue;
      runs.markInterrupted(id);
      log.info('training.interrupted_run', { runId: id });
    }
  }

  function summary(runId: number): RunSummary {
    return runs.summary(runs.row(runId), isAttached(runId));
  }

  /** One job at a time, here or in another process on this library. */
  function assertIdle(): void {
    if (active) throw new AppError('bad_request', `pretraining run ${active.job.runId} is running; pause or cancel it before starting another`);
    recoverInterrupted();
    const elsewhere = runs.runningIds()[0];
    if (elsewhere !== undefined) throw new AppError('bad_request', `pretraining run ${elsewhere} is running in another process on this library; wait for it or stop it there`);
  }

  function onJobEvent(entry: ActiveJob, event: JobEvent): void {
    if (TERMINAL.has(event.type)) {
      // The job has just written its final status; the intent decides what the run is.
      const runId = entry.job.runId;
      const own = new TrainingRuns(entry.db);
      const stillOurs = workerOwnsRun(entry.job.runDir, entry.job.child.pid);
      if (entry.intent === 'pause' && event.type === 'cancelled') own.markPaused(runId);
      if (entry.intent === 'interrupt' && event.type !== 'done' && stillOurs) own.markInterrupted(runId);
      if (active === entry) active = null;
    }
    events.emit(event);
  }

  function launch(options: { config: TrainConfig } | { resumeRunId: number; automatic?: boolean }, backend: BackendName | undefined): RunSummary {
    if (libraryPath === ':memory:') throw new AppError('bad_request', 'pretraining needs a library file; this library is in memory');
    const jobDb = openLibrary(libraryPath);
    const entry = { db: jobDb, intent: 'train' } as ActiveJob;
    try {
      entry.job = startTrainJob({ db: jobDb, libraryPath, ...options, ...(backend ? { backend } : {}), onEvent: (e) => onJobEvent(entry, e) });
    } catch (error) {
      jobDb.close();
      throw error;
    }
    active = entry;
    void entry.job.done
      .then((outcome) => (outcome.status === 'done' && entry.intent === 'train' ? embedAfterRun(jobDb, outcome) : undefined))
      .finally(() => {
        if (active === entry) active = null;
        jobDb.close();
      });
    return summary(entry.job.runId);
  }

  /** Embeds every image and report sentence with the finished run's checkpoint; progress as 'embed' job events. */
  async function embedAfterRun(jobDb: Db, outcome: TrainJobOutcome): Promise<void> {
    const checkpoint = outcome.result?.checkpoint;
    if (!checkpoint) return;
    const base = { jobId: `embed-${outcome.runId}`, kind: 'embed' };
    events.emit({ type: 'started', ...base, total: null });
    try {
      const result = await embedCheckpoint(jobDb, libraryPath, checkpoint, {
        onProgress: (p) => events.emit({ type: 'progress', ...base, done: p.done, total: p.total, rate: p.rate, etaSeconds: null, message: p.phase }),
      });
      events.emit({ type: 'done', ...base, summary: { modelId: result.modelId, images: result.images, sentences: result.sentences } });
    } catch (error) {
      // The run itself is done and kept; embedding can be redone with convirt embed.
      log.warn('training.embed_failed', { runId: outcome.runId, name: (error as Error).name });
      events.emit({ type: 'failed', ...base, error: { code: 'internal', message: `embedding after run ${outcome.runId} failed: ${(error as Error).message}` } });
    }
  }

  function activeFor(runId: number, verb: string): ActiveJob {
    if (!active || active.job.runId !== runId) throw new AppError('bad_request', `run ${runId} is not training in this workstation, so it cannot be ${verb}`);
    return active;
  }

  try {
    recoverInterrupted();
  } catch (error) {
    // A read-only or busy library must still open; listing the runs tries again.
    log.warn('training.recover_failed', { name: (error as Error).name });
  }

  const impl: ServiceImpl['training'] = {
    recommend() {
      const probed = probeBackends();
      let pairs = 0;
      let patients = 0;
      try {
        ({ pairs, patients } = librarySource(db, libraryPath).info);
      } catch (error) {
        // Fewer than two readable pairs: the recommendation says the library is not ready.
        if (!(error instanceof AppError)) throw error;
      }
      return recommend({ backend: probed.chosen, device: probed.device, cores: cpus().length, pairs, patients });
    },
    presets() {
      return Object.fromEntries(Object.keys(PRESETS).map((name) => [name, presetConfig(name) as unknown as Record<string, unknown>]));
    },
    validate({ config }) {
      const parsed = TrainConfig.safeParse(config);
      return parsed.success ? { valid: true, issues: [] } : { valid: false, issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) };
    },
    start({ config, backend }) {
      assertIdle();
      return launch({ config: parseTrainConfig(config, 'the training config') }, backend);
    },
    pause({ runId }) {
      const entry = activeFor(runId, 'paused');
      entry.intent = 'pause';
      entry.job.cancel();
      return summary(runId);
    },
    resume({ runId, backend }) {
      assertIdle();
      const row = runs.row(runId);
      if (row.status === 'done') throw new AppError('bad_request', `run ${runId} has finished; start a new run instead`);
      if (runWorkerAlive(runDirFor(libraryPath, runId))) throw new AppError('bad_request', `run ${runId}'s previous training process is still stopping; try again in a moment`);
      return launch({ resumeRunId: runId }, backend);
    },
    cancel({ runId }) {
      if (isAttached(runId)) {
        const entry = active!;
        entry.intent = 'cancel';
        entry.job.cancel();
        return summary(runId);
      }
      recoverInterrupted();
      const row = runs.row(runId);
      if (row.status === 'running') throw new AppError('bad_request', `run ${runId} is training in another process; stop it there`);
      if (row.status === 'paused' || row.status === 'interrupted') runs.markCancelled(runId);
      return summary(runId);
    },
    listRuns() {
      recoverInterrupted();
      return runs.rows().map((row) => runs.summary(row, isAttached(row.id)));
    },
    getRun({ runId }) {
      recoverInterrupted();
      return runs.detail(runId, isAttached(runId));
    },
  };

  let closed = false;
  let waitTimer: NodeJS.Timeout | null = null;
  let wakeWaiter: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      wakeWaiter = resolve;
      waitTimer = setTimeout(resolve, ms);
      // A CLI process with nothing else to do must not stay alive for this wait.
      waitTimer.unref();
    });

  async function resumeInterrupted({ waitMs = 120_000, pollMs = 250 } = {}): Promise<RunSummary | null> {
    const deadline = Date.now() + waitMs;
    while (!closed && !active) {
      recoverInterrupted();
      const id = runs.newestInterrupted();
      // A previous workstation's worker may still be finishing its step and checkpoint (that run, or one marked running).
      const stopping = [...runs.runningIds(), ...(id === null ? [] : [id])].some((r) => runWorkerAlive(runDirFor(libraryPath, r)));
      if (id !== null && !stopping && !runs.summary(runs.row(id), false).resumable) {
        // Stopped before its first checkpoint: nothing to continue from; the Train screen lists it.
        log.info('training.auto_resume_skipped', { runId: id });
        return null;
      }
      if (id !== null && !stopping) {
        log.info('training.auto_resume', { runId: id });
        const resumed = launch({ resumeRunId: id, automatic: true }, undefined);
        events.emit({ type: 'log', jobId: `${JOB_KIND}-${id}`, kind: JOB_KIND, level: 'info', message: `run ${id} was interrupted; resumed automatically from its last checkpoint` });
        return resumed;
      }
      if (!stopping || Date.now() > deadline) return null;
      await pause(pollMs);
    }
    return null;
  }

  return {
    impl,
    resumeInterrupted,
    close() {
      closed = true;
      if (waitTimer) clearTimeout(waitTimer);
      wakeWaiter?.();
      if (!active) return;
      active.intent = 'interrupt';
      active.job.cancel();
      runs.markInterrupted(active.job.runId);
    },
  };
}
