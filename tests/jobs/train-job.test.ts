import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Db } from '../../src-main/db/connection';
import type { JobEvent } from '../../src-shared/contract/events';
import { RunsRepo } from '../../src-main/jobs/runs-repo';
import { startTrainJob, type TrainJobOutcome } from '../../src-main/jobs/train-job';
import { tinyConfig } from '../ml/train/tiny';
import { tempDir } from '../helpers/temp';
import { trainingLibrary } from './train-library';

describe('training job in its own process', () => {
  describe('uninterrupted, cancelled and killed runs', () => {
    const config = tinyConfig({ epochs: 3, checkpointEverySteps: 1 });
    let library: { db: Db; path: string };
    let uninterrupted: TrainJobOutcome;
    const whole: JobEvent[] = [];
    // Made here, not in the hook: a temp folder made in a hook is removed when the hook ends.
    const dir = tempDir('convirt-train-lib-');
    before(async () => {
      library = await trainingLibrary(12, 40, dir);
      uninterrupted = await startTrainJob({ db: library.db, libraryPath: library.path, config, backend: 'cpu', onEvent: (e) => whole.push(e) }).done;
      assert.equal(uninterrupted.status, 'done');
    });

    it('streams typed events and records the run, its backend, checkpoints and metrics', () => {
      const types = new Set(whole.map((e) => e.type));
      for (const t of ['started', 'train-step', 'progress', 'train-validation', 'train-checkpoint', 'done']) assert.ok(types.has(t as JobEvent['type']), t);
      const repo = new RunsRepo(library.db);
      const run = repo.get(uninterrupted.runId);
      assert.equal(run.status, 'done');
      assert.equal(JSON.parse(run.backend_json!).chosen, 'cpu');
      assert.equal(JSON.parse(run.config_json).batchSize, 4);
      assert.equal(repo.checkpoints(uninterrupted.runId).length, uninterrupted.result!.steps);
      assert.equal(repo.metrics(uninterrupted.runId, 'loss').length, uninterrupted.result!.steps);
      assert.equal(repo.metrics(uninterrupted.runId, 'epoch_loss').length, 2 * config.epochs);
      assert.ok(whole.every((e) => e.jobId === `pretrain-${uninterrupted.runId}`));
    });

    async function resumeAndCompare(runId: number): Promise<void> {
      const events: JobEvent[] = [];
      const resumed = await startTrainJob({ db: library.db, libraryPath: library.path, resumeRunId: runId, backend: 'cpu', onEvent: (e) => events.push(e) }).done;
      assert.equal(resumed.status, 'done', resumed.error ?? '');
      assert.deepEqual(resumed.result!.epochs, uninterrupted.result!.epochs);
      assert.equal(resumed.result!.steps, uninterrupted.result!.steps);
      // Every step the resumed process ran has the loss of the same step uninterrupted.
      const stepLoss = new Map(whole.flatMap((e) => (e.type === 'train-step' ? [[e.step, e.loss] as const] : [])));
      const resumedSteps = events.flatMap((e) => (e.type === 'train-step' ? [[e.step, e.loss] as const] : []));
      assert.ok(resumedSteps.length > 0);
      for (const [step, loss] of resumedSteps) assert.equal(loss, stepLoss.get(step), `step ${step}`);
    }

    it('cancel stops after the current step; resuming gives the same losses', async () => {
      const job = startTrainJob({
        db: library.db,
        libraryPath: library.path,
        config,
        backend: 'cpu',
        onEvent: (e) => {
          if (e.type === 'train-step' && e.step === 1) job.cancel();
        },
      });
      const cancelled = await job.done;
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(new RunsRepo(library.db).get(job.runId).status, 'cancelled');
      // The request reaches the worker while it runs step 1 or 2; it stops after that step.
      assert.ok(cancelled.result!.steps >= 1 && cancelled.result!.steps <= 2, `stopped after step ${cancelled.result!.steps}`);
      await resumeAndCompare(job.runId);
    });

    it('kill -9 in the middle of a step; resuming from the last checkpoint gives the same losses', async () => {
      const job = startTrainJob({
        db: library.db,
        libraryPath: library.path,
        config,
        backend: 'cpu',
        onEvent: (e) => {
          if (e.type === 'train-step' && e.step === 3) job.child.kill('SIGKILL');
        },
      });
      const killed = await job.done;
      assert.equal(killed.status, 'failed');
      assert.match(killed.error!, /SIGKILL/);
      const repo = new RunsRepo(library.db);
      assert.equal(repo.get(job.runId).status, 'failed');
      // The worker records each step before going on, so the record reaches at least the last checkpoint, in order.
      const recorded = repo.metrics(job.runId, 'loss').map((m) => m.step!);
      const checkpointStep = Math.max(...repo.checkpoints(job.runId).map((c) => c.step));
      assert.deepEqual(recorded, Array.from({ length: recorded.length }, (_, i) => i + 1));
      assert.ok(recorded.length >= checkpointStep, `${recorded.length} steps recorded, checkpoint at ${checkpointStep}`);
      await resumeAndCompare(job.runId);
      // Steps after the checkpoint were dropped and retrained: every step once, every epoch loss once.
      const steps = uninterrupted.result!.steps;
      assert.deepEqual(repo.metrics(job.runId, 'loss').map((m) => m.step), Array.from({ length: steps }, (_, i) => i + 1));
      assert.deepEqual(
        repo.metrics(job.runId, 'epoch_loss').map((m) => `${m.split}:${m.step}`),
        Array.from({ length: config.epochs }, (_, e) => [`train:${e}`, `val:${e}`]).flat(),
      );
    });
  });
});
