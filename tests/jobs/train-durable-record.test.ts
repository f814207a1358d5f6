/**
 * Step metrics survive the workstation being killed mid-run: its worker
 * records each step itself, before any checkpoint that contains it, so the
 * step it finishes after its parent died is in the library, and the next
 * workstation resumes the run by itself and ends with every step once, in
 * order, and every epoch loss once. (A SIGKILL of the worker itself:
 * train-job.test.ts.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { before, describe, it } from 'node:test';
import type { JobEvent } from '../../src-shared/contract/events';
import type { Db } from '../../src-main/db/connection';
import { RunsRepo } from '../../src-main/jobs/runs-repo';
import { runDirFor } from '../../src-main/jobs/train-job';
import { isWorkerAlive } from '../../src-main/jobs/worker-pid';
import { latestCheckpoint } from '../../src-main/ml/train/checkpoint';
import { EventHub } from '../../src-main/services/events';
import { createTrainingService } from '../../src-main/services/training-service';
import { tinyConfig } from '../ml/train/tiny';
import { tempDir } from '../helpers/temp';
import { trainingLibrary } from './train-library';

// 12 pairs, a quarter of the patients held out: 2 steps an epoch at batch 4, 8 steps in all.
const EPOCHS = 4;
const STEPS = 2 * EPOCHS;
const config = tinyConfig({ epochs: EPOCHS, checkpointEverySteps: 3, earlyStopping: { patience: 50 } });

function recorded(db: Db, runId: number): { steps: number[]; epochs: string[] } {
  const repo = new RunsRepo(db);
  return {
    steps: repo.metrics(runId, 'loss').map((m) => m.step!),
    epochs: repo.metrics(runId, 'epoch_loss').map((m) => `${m.split}:${m.step}`),
  };
}

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const epochKeys = (n: number) => Array.from({ length: n }, (_, e) => [`train:${e}`, `val:${e}`]).flat();

/** The step of the checkpoint a resume starts from: its folder name, step-0000007 -> 7. */
function checkpointStep(libraryPath: string, runId: number): number {
  const dir = latestCheckpoint(runDirFor(libraryPath, runId));
  return dir ? Number(/step-(\d+)/.exec(dir)![1]) : 0;
}

async function until(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a run record with no step missing or twice', () => {
  const dir = tempDir('convirt-train-record-');
  let library: { db: Db; path: string };
  before(async () => {
    library = await trainingLibrary(12, 40, join(dir));
  });

  it('kill -9 of the workstation mid-run: its worker records the step it finishes and checkpoints; the next workstation resumes by itself to the end', async () => {
    const app = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'train-app-process.ts'), library.path, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let runId = 0;
    let workerPid = 0;
    await new Promise<void>((resolve, reject) => {
      app.once('exit', () => reject(new Error('the workstation process ended before step 3')));
      createInterface({ input: app.stdout! }).on('line', (line) => {
        const [word, value] = line.split(' ');
        if (word === 'run') runId = Number(value);
        if (word === 'worker') workerPid = Number(value);
        if (word === 'step' && Number(value) === 3) {
          app.kill('SIGKILL');
          resolve();
        }
      });
    });
    // Orphaned, the worker stops after its current step, with a checkpoint, and exits.
    await until(() => !isWorkerAlive(workerPid), `worker ${workerPid} exits`);
    const repo = new RunsRepo(library.db);
    assert.equal(repo.get(runId).status, 'running', 'no one was left to mark the run');
    const stoppedAt = checkpointStep(library.path, runId);
    assert.ok(stoppedAt >= 3 && stoppedAt < STEPS, `checkpoint at step ${stoppedAt}`);
    // The steps the workstation never heard of are in the record all the same.
    assert.deepEqual(recorded(library.db, runId).steps, oneToN(stoppedAt));

    const hub = new EventHub();
    const isEnd = (e: JobEvent) => ['done', 'failed', 'cancelled'].includes(e.type);
    const ended = new Promise<JobEvent>((resolve) => hub.subscribe((e) => e.kind === 'pretrain' && isEnd(e) && resolve(e)));
    // A finished run embeds the library afterwards; the test waits for that too, before its folder goes.
    const embedded = new Promise<JobEvent>((resolve) => hub.subscribe((e) => e.kind === 'embed' && isEnd(e) && resolve(e)));
    const service = createTrainingService(library.db, library.path, hub);
    const resumed = await service.resumeInterrupted({ waitMs: 30_000 });
    assert.equal(resumed?.id, runId);
    assert.equal(resumed?.status, 'running');
    assert.equal(resumed?.autoResumedStep, stoppedAt);
    assert.ok(resumed?.autoResumedAt);
    assert.equal((await ended).type, 'done');
    assert.equal((await embedded).type, 'done');
    assert.deepEqual(recorded(library.db, runId), { steps: oneToN(STEPS), epochs: epochKeys(EPOCHS) });
    const run = (await service.impl.getRun({ runId })).run;
    assert.equal(run.status, 'done');
    assert.equal(run.epochsDone, EPOCHS);
    // Nothing more to resume.
    assert.equal(await service.resumeInterrupted({ waitMs: 0 }), null);
    service.close();
  });
});
