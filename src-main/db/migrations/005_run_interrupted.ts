/**
 * Schema v5: 'interrupted' is a run status of its own. Until now a run whose
 * workstation closed or crashed mid-training was stored as 'paused' with an
 * error text starting "interrupted:" (the v1 CHECK allowed nothing else);
 * those rows become 'interrupted' with no error. auto_resumed_at and
 * auto_resumed_step record the last time the workstation resumed the run by
 * itself on start, and from which checkpoint step, so the Train screen can
 * say so.
 *
 * SQLite cannot alter a CHECK, so the table is rebuilt (the documented
 * twelve-step procedure): checkpoints and metrics reference runs, hence
 * foreignKeysOff, or dropping the old table would cascade into them.
 */
import type { Migration } from './types';

export const migration005: Migration = {
  version: 5,
  name: 'interrupted run status',
  foreignKeysOff: true,
  up: `
CREATE TABLE runs_v5 (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,            -- 'pretrain', 'eval', 'embed', 'import', ...
  config_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'interrupted', 'done', 'failed', 'cancelled')),
  backend_json TEXT,
  error TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  started_at TEXT,
  finished_at TEXT,
  auto_resumed_at TEXT,
  auto_resumed_step INTEGER
);
INSERT INTO runs_v5 (id, kind, config_json, status, backend_json, error, created_at, started_at, finished_at)
  SELECT id, kind, config_json,
         CASE WHEN status = 'paused' AND error LIKE 'interrupted%' THEN 'interrupted' ELSE status END,
         backend_json,
         CASE WHEN status = 'paused' AND error LIKE 'interrupted%' THEN NULL ELSE error END,
         created_at, started_at, finished_at
  FROM runs;
DROP TABLE runs;
ALTER TABLE runs_v5 RENAME TO runs;
`,
};
