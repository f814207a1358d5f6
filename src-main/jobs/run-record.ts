/**
 * What a pretraining run leaves in the library's metrics and checkpoints
 * tables, and how that record is squared with the checkpoint a resume starts
 * from.
 *
 * The worker writes each row itself, synchronously, as the trainer reports it
 * (before the trainer goes on), so a step's loss is committed before any
 * checkpoint that contains the step is written. Whatever stops the run (its
 * workstation closing, either process killed), the record then holds every
 * step up to the last checkpoint; steps after it are dropped when the run
 * resumes from that checkpoint and are recorded again as they are retrained.
 * Epoch losses are replayed from the checkpoint's own history.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/connection';
import type { TrainProgress } from '../ml/train/checkpoint';
import type { TrainerEvent } from '../ml/train/trainer';
import { RunsRepo } from './runs-repo';

/** Records one trainer event of run `runId` (steps, epoch losses, checkpoints); one transaction per event. */
export function recordTrainerEvent(db: Db, runId: number, event: TrainerEvent): void {
  const repo = new RunsRepo(db);
  if (event.type === 'step') {
    repo.addMetric(runId, 'loss', 'train', event.step, event.loss, { epoch: event.epoch, lr: event.lr, pairsPerSecond: event.pairsPerSecond, dataWaitMs: event.dataWaitMs });
  } else if (event.type === 'validation') {
    db.transaction(() => {
      repo.addMetric(runId, 'epoch_loss', 'train', event.epoch, event.trainLoss);
      if (event.valLoss !== null) repo.addMetric(runId, 'epoch_loss', 'val', event.epoch, event.valLoss);
    })();
  } else if (event.type === 'checkpoint') {
    repo.addCheckpoint(runId, event.epoch, event.step, event.path, { best: event.best });
  }
}

/**
 * Before a resume from `checkpointDir` (null: from the start): step losses
 * after its step are dropped, epoch losses are rewritten from its history, and
 * its own row is added if the run stopped between writing it and recording it.
 * Returns the step the run continues after.
 */
export function alignRecordWithCheckpoint(db: Db, runId: number, checkpointDir: string | null): number {
  // progress.json of a checkpoint folder (ml/train/checkpoint.ts): complete once latest.json names the folder.
  const progress = checkpointDir ? (JSON.parse(readFileSync(join(checkpointDir, 'progress.json'), 'utf8')) as TrainProgress) : null;
  const step = progress?.globalStep ?? 0;
  const repo = new RunsRepo(db);
  db.transaction(() => {
    db.prepare("DELETE FROM metrics WHERE run_id = ? AND name = 'loss' AND step > ?").run(runId, step);
    db.prepare("DELETE FROM metrics WHERE run_id = ? AND name = 'epoch_loss'").run(runId);
    for (const epoch of progress?.history ?? []) {
      repo.addMetric(runId, 'epoch_loss', 'train', epoch.epoch, epoch.trainLoss);
      if (epoch.valLoss !== null) repo.addMetric(runId, 'epoch_loss', 'val', epoch.epoch, epoch.valLoss);
    }
    if (checkpointDir && progress && !db.prepare('SELECT 1 FROM checkpoints WHERE run_id = ? AND path = ?').get(runId, checkpointDir)) {
      repo.addCheckpoint(runId, progress.epoch, step, checkpointDir, { best: progress.bestCheckpoint === checkpointDir });
    }
  })();
  return step;
}
