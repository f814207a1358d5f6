/**
 * Training runs in the library: the runs, checkpoints and metrics tables of
 * schema v1 (v5: the interrupted status). The parent process writes a run's
 * status; its worker writes the metrics and checkpoints it reports (run-record.ts).
 */
import type { Db } from '../db/connection';
import { AppError } from '../../src-shared/result';

export type RunStatus = 'queued' | 'running' | 'paused' | 'interrupted' | 'done' | 'failed' | 'cancelled';

export interface RunRow {
  id: number;
  kind: string;
  config_json: string;
  status: RunStatus;
  backend_json: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** When the workstation last resumed the run by itself on start, and from which checkpoint step. */
  auto_resumed_at: string | null;
  auto_resumed_step: number | null;
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

export class RunsRepo {
  constructor(private readonly db: Db) {}

  create(kind: string, config: unknown): number {
    const row = this.db.prepare(`INSERT INTO runs (kind, config_json, status) VALUES (?, ?, 'queued') RETURNING id`).get(kind, JSON.stringify(config)) as { id: number };
    return row.id;
  }

  get(id: number): RunRow {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) throw new AppError('not_found', `no run ${id} in this library`);
    return row;
  }

  markRunning(id: number, config: unknown): void {
    this.db.prepare(`UPDATE runs SET status = 'running', config_json = ?, error = NULL, finished_at = NULL, started_at = coalesce(started_at, ${NOW}) WHERE id = ?`).run(JSON.stringify(config), id);
  }

  /** Notes that the workstation resumed the run by itself from the checkpoint at `step` (null: a resume by request). */
  setAutoResumed(id: number, step: number | null): void {
    this.db.prepare(`UPDATE runs SET auto_resumed_at = CASE WHEN ? IS NULL THEN NULL ELSE ${NOW} END, auto_resumed_step = ? WHERE id = ?`).run(step, step, id);
  }

  setBackend(id: number, backend: unknown): void {
    this.db.prepare('UPDATE runs SET backend_json = ? WHERE id = ?').run(JSON.stringify(backend), id);
  }

  finish(id: number, status: Exclude<RunStatus, 'queued' | 'running' | 'paused' | 'interrupted'>, error: string | null = null): void {
    this.db.prepare(`UPDATE runs SET status = ?, error = ?, finished_at = ${NOW} WHERE id = ?`).run(status, error, id);
  }

  addCheckpoint(runId: number, epoch: number, step: number, path: string, metrics: Record<string, number | boolean | null>): number {
    const row = this.db
      .prepare('INSERT INTO checkpoints (run_id, epoch, step, path, metrics_json) VALUES (?, ?, ?, ?, ?) RETURNING id')
      .get(runId, epoch, step, path, JSON.stringify(metrics)) as { id: number };
    return row.id;
  }

  addMetric(runId: number, name: string, split: string | null, step: number | null, value: number, extra?: Record<string, unknown>): void {
    this.db.prepare('INSERT INTO metrics (run_id, name, split, step, value, extra_json) VALUES (?, ?, ?, ?, ?, ?)').run(runId, name, split, step, value, extra ? JSON.stringify(extra) : null);
  }

  metrics(runId: number, name: string): { split: string | null; step: number | null; value: number }[] {
    return this.db.prepare('SELECT split, step, value FROM metrics WHERE run_id = ? AND name = ? ORDER BY id').all(runId, name) as { split: string | null; step: number | null; value: number }[];
  }

  checkpoints(runId: number): { id: number; epoch: number; step: number; path: string; metrics_json: string }[] {
    return this.db.prepare('SELECT id, epoch, step, path, metrics_json FROM checkpoints WHERE run_id = ? ORDER BY id').all(runId) as { id: number; epoch: number; step: number; path: string; metrics_json: string }[];
  }
}
