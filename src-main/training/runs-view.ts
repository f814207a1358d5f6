/**
 * Pretraining runs as the Train screen sees them: summaries for the history
 * and curves for one run, read from the runs, checkpoints and metrics tables
 * that the training job and its worker write (src-main/jobs/train-job.ts,
 * run-record.ts). 'interrupted' (schema v5) is a run whose workstation went
 * away while it trained; it resumes like a paused one.
 */
import type { BackendInfo } from '../../src-shared/contract/system';
import type { EpochPoint, RunDetail, RunSummary, StepPoint } from '../../src-shared/contract/training';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import { JOB_KIND } from '../jobs/train-job';
import type { RunRow } from '../jobs/runs-repo';

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

interface RunStats {
  steps: number;
  /** Epochs with a recorded epoch loss. */
  epochsDone: number;
  lastStepEpoch: number | null;
  bestValLoss: number | null;
  checkpoints: number;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export class TrainingRuns {
  constructor(private readonly db: Db) {}

  row(id: number): RunRow {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ? AND kind = ?').get(id, JOB_KIND) as RunRow | undefined;
    if (!row) throw new AppError('not_found', `no pretraining run ${id} in this library`);
    return row;
  }

  rows(): RunRow[] {
    return this.db.prepare('SELECT * FROM runs WHERE kind = ? ORDER BY id DESC').all(JOB_KIND) as RunRow[];
  }

  runningIds(): number[] {
    return (this.db.prepare("SELECT id FROM runs WHERE kind = ? AND status = 'running'").all(JOB_KIND) as { id: number }[]).map((r) => r.id);
  }

  markPaused(id: number): void {
    this.db.prepare(`UPDATE runs SET status = 'paused', error = NULL, finished_at = ${NOW} WHERE id = ?`).run(id);
  }

  markInterrupted(id: number): void {
    this.db.prepare(`UPDATE runs SET status = 'interrupted', error = NULL, finished_at = ${NOW} WHERE id = ?`).run(id);
  }

  /** The newest interrupted run, the one the workstation resumes by itself on start. */
  newestInterrupted(): number | null {
    const row = this.db.prepare("SELECT id FROM runs WHERE kind = ? AND status = 'interrupted' ORDER BY id DESC LIMIT 1").get(JOB_KIND) as { id: number } | undefined;
    return row?.id ?? null;
  }

  markCancelled(id: number): void {
    this.db.prepare(`UPDATE runs SET status = 'cancelled', finished_at = ${NOW} WHERE id = ?`).run(id);
  }

  private stats(id: number): RunStats {
    const steps = this.db.prepare("SELECT count(*) AS n FROM metrics WHERE run_id = ? AND name = 'loss'").get(id) as { n: number };
    const epochs = this.db.prepare("SELECT count(*) AS n FROM metrics WHERE run_id = ? AND name = 'epoch_loss' AND split = 'train'").get(id) as { n: number };
    const best = this.db.prepare("SELECT min(value) AS v FROM metrics WHERE run_id = ? AND name = 'epoch_loss' AND split = 'val'").get(id) as { v: number | null };
    const checkpoints = this.db.prepare('SELECT count(*) AS n FROM checkpoints WHERE run_id = ?').get(id) as { n: number };
    // Epochs are numbered from 0 in the step rows' extra JSON.
    const lastStepEpoch = this.db.prepare("SELECT max(json_extract(extra_json, '$.epoch')) AS e FROM metrics WHERE run_id = ? AND name = 'loss'").get(id) as { e: number | null };
    return { steps: steps.n, epochsDone: epochs.n, lastStepEpoch: lastStepEpoch.e, bestValLoss: best.v, checkpoints: checkpoints.n };
  }

  summary(row: RunRow, attached: boolean): RunSummary {
    const config = (parseJson(row.config_json) ?? {}) as { preset?: unknown; epochs?: unknown };
    const backend = parseJson(row.backend_json) as Partial<BackendInfo> | null;
    const stats = this.stats(row.id);
    const status = row.status;
    return {
      id: row.id,
      status,
      preset: typeof config.preset === 'string' ? config.preset : 'custom',
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      backend: backend?.chosen ?? null,
      device: backend?.device ?? null,
      bestValLoss: stats.bestValLoss,
      // A worker that outlives its workstation finishes an epoch no one records; a finished run trained through its last step's epoch.
      epochsDone: status === 'done' && stats.lastStepEpoch !== null ? Math.max(stats.epochsDone, stats.lastStepEpoch + 1) : stats.epochsDone,
      epochs: typeof config.epochs === 'number' ? config.epochs : 0,
      steps: stats.steps,
      error: row.error,
      autoResumedAt: row.auto_resumed_at,
      autoResumedStep: row.auto_resumed_step,
      resumable: stats.checkpoints > 0 && ['paused', 'interrupted', 'cancelled', 'failed'].includes(status),
      attached,
    };
  }

  detail(id: number, attached: boolean): RunDetail {
    const row = this.row(id);
    const steps = this.db
      .prepare("SELECT step, value, extra_json FROM metrics WHERE run_id = ? AND name = 'loss' AND split = 'train' ORDER BY step, id")
      .all(id) as { step: number; value: number; extra_json: string | null }[];
    const stepLoss: StepPoint[] = steps.map((s) => {
      const extra = (parseJson(s.extra_json) ?? {}) as { epoch?: unknown; pairsPerSecond?: unknown };
      return {
        step: s.step,
        epoch: typeof extra.epoch === 'number' ? extra.epoch : null,
        loss: s.value,
        pairsPerSecond: typeof extra.pairsPerSecond === 'number' ? extra.pairsPerSecond : null,
      };
    });
    const epochRows = this.db
      .prepare("SELECT split, step, value FROM metrics WHERE run_id = ? AND name = 'epoch_loss' ORDER BY step, id")
      .all(id) as { split: string; step: number; value: number }[];
    const byEpoch = new Map<number, EpochPoint>();
    for (const r of epochRows) {
      const point = byEpoch.get(r.step) ?? { epoch: r.step, train: null, val: null };
      if (r.split === 'val') point.val = r.value;
      else point.train = r.value;
      byEpoch.set(r.step, point);
    }
    const recent = stepLoss.slice(-20).flatMap((s) => (s.pairsPerSecond === null ? [] : [s.pairsPerSecond]));
    return {
      run: this.summary(row, attached),
      config: (parseJson(row.config_json) ?? {}) as Record<string, unknown>,
      backendInfo: (parseJson(row.backend_json) as BackendInfo | null) ?? null,
      stepLoss,
      epochLoss: [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch),
      pairsPerSecond: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : null,
    };
  }
}
