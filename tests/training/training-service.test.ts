/**
 * The training service on a real library file with reports and cached images:
 * start, pause, resume, cancel and finish a tiny run in its own process; one
 * job at a time; a run left 'running' by a workstation that went away is
 * marked interrupted once its worker is gone, and resumes, by request or by
 * itself when the next workstation starts.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { JobEvent } from '../../src-shared/contract/events';
import type { RunSummary } from '../../src-shared/contract/training';
import { AppError } from '../../src-shared/result';
import type { Db } from '../../src-main/db/connection';
import { runDirFor } from '../../src-main/jobs/train-job';
import { EventHub } from '../../src-main/services/events';
import { createTrainingService, type TrainingService } from '../../src-main/services/training-service';
import { writeWorkerPid } from '../../src-main/jobs/worker-pid';
import { tinyConfig } from '../ml/train/tiny';
import { tempDir } from '../helpers/temp';
import { trainingLibrary } from '../jobs/train-library';

const config = tinyConfig({ epochs: 4, earlyStopping: { patience: 50 } }) as unknown as Record<string, unknown>;

function nextEvent(hub: EventHub, match: (e: JobEvent) => boolean, timeoutMs = 120_000): Promise<JobEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for a training event')), timeoutMs);
    const off = hub.subscribe((e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

const isJobEnd = (e: JobEvent) => e.type === 'done' || e.type === 'failed' || e.type === 'cancelled';
/** The end of a pretraining job (a finished run's embedding pass ends later, as kind 'embed'). */
const isEnd = (e: JobEvent) => e.kind === 'pretrain' && isJobEnd(e);

describe('training service', () => {
  const dir = tempDir('convirt-train-svc-');
  let library: { db: Db; path: string };
  let hub: EventHub;
  let service: TrainingService;
  before(async () => {
    library = await trainingLibrary(12, 40, dir);
    hub = new EventHub();
    service = createTrainingService(library.db, library.path, hub);
  });
  after(() => library.db.close());

  it('recommends from the library: 12 pairs, a small batch', async () => {
    const r = await service.impl.recommend({});
    assert.equal(r.pairs, 12);
    assert.equal(r.ready, true);
    assert.equal(r.batchSize, 2);
  });

  it('lists the presets as full configs and validates configs against the engine schema', async () => {
    const presets = await service.impl.presets({});
    assert.ok('paper' in presets && 'cpu-small' in presets);
    assert.equal((presets['paper'] as { image: { size: number } }).image.size, 224);
    assert.deepEqual(await service.impl.validate({ config }), { valid: true, issues: [] });
    const bad = await service.impl.validate({ config: { ...config, batchSize: 1, epochs: 'ten' } });
    assert.equal(bad.valid, false);
    assert.ok(bad.issues.some((i) => i.startsWith('batchSize:')));
    assert.ok(bad.issues.some((i) => i.startsWith('epochs:')));
    assert.throws(() => service.impl.start({ config: { ...config, batchSize: 1 } }), /the training config is not a valid training config: batchSize/);
  });

  it('start, pause, resume (one job at a time), cancel, resume to the end', async () => {
    const firstStep = nextEvent(hub, (e) => e.type === 'train-step');
    const started = (await service.impl.start({ config, backend: 'cpu' })) as RunSummary;
    const runId = started.id;
    assert.equal(started.status, 'running');
    assert.equal(started.attached, true);
    await firstStep;

    let end = nextEvent(hub, isEnd);
    await service.impl.pause({ runId });
    await end;
    let run = (await service.impl.listRuns({}))[0]!;
    assert.equal(run.id, runId);
    assert.equal(run.status, 'paused');
    assert.equal(run.resumable, true);
    assert.equal(run.attached, false);
    const pausedSteps = run.steps;
    assert.ok(pausedSteps >= 1 && pausedSteps < 8, `paused after ${pausedSteps} steps`);

    const stepAfterResume = nextEvent(hub, (e) => e.type === 'train-step');
    await service.impl.resume({ runId, backend: 'cpu' });
    assert.throws(() => service.impl.start({ config }), (e: unknown) => e instanceof AppError && /run \d+ is running; pause or cancel it/.test(e.message));
    const resumedStep = await stepAfterResume;
    assert.equal(resumedStep.type === 'train-step' && resumedStep.step, pausedSteps + 1);

    end = nextEvent(hub, isEnd);
    await service.impl.cancel({ runId });
    assert.equal((await end).type, 'cancelled');
    run = (await service.impl.getRun({ runId })).run;
    assert.equal(run.status, 'cancelled');
    assert.equal(run.resumable, true);

    end = nextEvent(hub, isEnd);
    const embedded = nextEvent(hub, (e) => e.kind === 'embed' && isJobEnd(e));
    await service.impl.resume({ runId, backend: 'cpu' });
    assert.equal((await end).type, 'done');
    // A finished run embeds the library with its checkpoint, so Search works from the Train screen.
    const embedEnd = await embedded;
    assert.equal(embedEnd.type, 'done', JSON.stringify(embedEnd));
    const { images, modelId } = (embedEnd as { summary: { images: number; modelId: string } }).summary;
    assert.equal(images, (library.db.prepare('SELECT count(*) AS n FROM instances').get() as { n: number }).n);
    assert.ok(modelId.startsWith(`run-${runId}/`));
    const detail = await service.impl.getRun({ runId });
    assert.equal(detail.run.status, 'done');
    assert.equal(detail.run.resumable, false);
    assert.equal(detail.run.backend, 'cpu');
    // 9 training pairs at batch 4: 2 steps an epoch, 4 epochs; no step twice after the resumes.
    assert.deepEqual(detail.stepLoss.map((s) => s.step), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(detail.epochLoss.length, 4);
    assert.ok(detail.epochLoss.every((e) => e.train !== null && e.val !== null));
    assert.equal(detail.run.bestValLoss, Math.min(...detail.epochLoss.map((e) => e.val!)));
    assert.equal(detail.run.epochsDone, 4);
    assert.ok(detail.pairsPerSecond! > 0);
    assert.equal((detail.config as { batchSize: number }).batchSize, 4);
    assert.throws(() => service.impl.resume({ runId }), /has finished/);
  });

  /** Starts a run and closes the workstation after its first step; resolves to the run and the end of its job. */
  async function closeMidRun(): Promise<{ runId: number; end: Promise<JobEvent> }> {
    const firstStep = nextEvent(hub, (e) => e.type === 'train-step');
    const { id: runId } = (await service.impl.start({ config, backend: 'cpu' })) as RunSummary;
    await firstStep;
    const end = nextEvent(hub, isEnd);
    service.close();
    return { runId, end };
  }

  it('closing the workstation mid-run marks it interrupted; a new service offers resume', async () => {
    const { runId, end } = await closeMidRun();
    await end;
    const reopened = createTrainingService(library.db, library.path, hub);
    const run = (await reopened.impl.listRuns({})).find((r) => r.id === runId)!;
    assert.equal(run.status, 'interrupted');
    assert.equal(run.resumable, true);
    assert.equal(run.error, null);
    service = reopened;
  });

  it("a workstation started while the closing one's worker finishes its step waits for it, then resumes the run by itself to the end", async () => {
    const { runId, end: oldEnd } = await closeMidRun();
    // The closing workstation's worker is still finishing its step: the automatic resume waits for it.
    const next = createTrainingService(library.db, library.path, hub);
    const done = nextEvent(hub, (e) => isEnd(e) && e.type === 'done');
    const resumed = await next.resumeInterrupted({ waitMs: 60_000, pollMs: 100 });
    assert.equal((await oldEnd).type, 'cancelled');
    assert.equal(resumed?.id, runId);
    assert.ok(resumed?.autoResumedAt);
    await done;
    const detail = await next.impl.getRun({ runId });
    assert.equal(detail.run.status, 'done');
    assert.equal(detail.run.autoResumedStep, resumed?.autoResumedStep);
    assert.ok(detail.run.autoResumedStep! >= 1, `resumed from step ${detail.run.autoResumedStep}`);
    assert.deepEqual(detail.stepLoss.map((s) => s.step), [1, 2, 3, 4, 5, 6, 7, 8]);
    service = next;
  });

  it('a run left running: interrupted once its worker is gone, untouched while a worker lives', async () => {
    const { id: runId } = library.db.prepare("INSERT INTO runs (kind, config_json, status) VALUES ('pretrain', ?, 'running') RETURNING id").get(JSON.stringify(config)) as { id: number };
    library.db.prepare("INSERT INTO checkpoints (run_id, epoch, step, path) VALUES (?, 0, 1, '/nowhere')").run(runId);
    const runDir = runDirFor(library.path, runId);
    mkdirSync(runDir, { recursive: true });

    // A live process whose command line names the worker stands in for a worker of another window.
    const worker = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'train-worker'], { stdio: 'ignore' });
    writeWorkerPid(runDir, worker.pid!);
    let viewed = createTrainingService(library.db, library.path, hub);
    let run = (await viewed.impl.listRuns({})).find((r) => r.id === runId)!;
    assert.equal(run.status, 'running');
    assert.throws(() => viewed.impl.start({ config }), new RegExp(`run ${runId} is running in another process`));
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));

    // Gone (its pid now names no process, or another program): interrupted.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeWorkerPid(runDir, gone);
    viewed = createTrainingService(library.db, library.path, hub);
    run = (await viewed.impl.listRuns({})).find((r) => r.id === runId)!;
    assert.equal(run.status, 'interrupted');
    assert.equal(run.resumable, true);
    await viewed.impl.cancel({ runId });
    assert.equal((await viewed.impl.getRun({ runId })).run.status, 'cancelled');
  });
});
