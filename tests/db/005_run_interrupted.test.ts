import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { schemaVersion } from '../../src-main/db/migrate';
import { MIGRATIONS } from '../../src-main/db/migrations/index';
import { tempDir } from '../helpers/temp';

const V4 = MIGRATIONS.slice(0, 4);

test('migration 005 turns paused-with-an-interrupted-note runs into interrupted ones and keeps their checkpoints and metrics', () => {
  const path = join(tempDir(), 'lib.sqlite');
  const v4 = openLibrary(path, { migrations: V4 });
  const addRun = v4.prepare("INSERT INTO runs (kind, config_json, status, error) VALUES ('pretrain', '{}', ?, ?) RETURNING id");
  const interrupted = (addRun.get('paused', 'interrupted: the workstation stopped while this run was training') as { id: number }).id;
  const paused = (addRun.get('paused', null) as { id: number }).id;
  const failed = (addRun.get('failed', 'the training process exited on signal SIGKILL') as { id: number }).id;
  for (const run of [interrupted, paused, failed]) {
    v4.prepare("INSERT INTO checkpoints (run_id, epoch, step, path) VALUES (?, 0, 3, '/c')").run(run);
    v4.prepare("INSERT INTO metrics (run_id, name, split, step, value) VALUES (?, 'loss', 'train', 1, 2.5)").run(run);
  }
  const checkpoint = (v4.prepare('SELECT id FROM checkpoints WHERE run_id = ?').get(interrupted) as { id: number }).id;
  v4.prepare("INSERT INTO embeddings (model_id, checkpoint_id, kind, dim, vector) VALUES ('m', ?, 'report', 1, ?)").run(checkpoint, Buffer.alloc(4));
  v4.close();

  const db = openLibrary(path);
  assert.ok(schemaVersion(db) >= 5);
  const rows = db.prepare('SELECT id, status, error, auto_resumed_at FROM runs ORDER BY id').all();
  assert.deepEqual(rows, [
    { id: interrupted, status: 'interrupted', error: null, auto_resumed_at: null },
    { id: paused, status: 'paused', error: null, auto_resumed_at: null },
    { id: failed, status: 'failed', error: 'the training process exited on signal SIGKILL', auto_resumed_at: null },
  ]);
  // Dropping the old table cascaded into nothing: every checkpoint, metric and embedding is still there.
  assert.deepEqual(db.prepare('SELECT (SELECT count(*) FROM checkpoints) AS c, (SELECT count(*) FROM metrics) AS m, (SELECT count(*) FROM embeddings) AS e').get(), { c: 3, m: 3, e: 1 });
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.deepEqual(db.pragma('foreign_key_check'), []);
  // The references follow the new table: deleting a run still cascades.
  db.prepare('DELETE FROM runs WHERE id = ?').run(failed);
  assert.deepEqual(db.prepare('SELECT (SELECT count(*) FROM checkpoints) AS c, (SELECT count(*) FROM metrics) AS m').get(), { c: 2, m: 2 });
  assert.throws(() => db.prepare('INSERT INTO metrics (run_id, name, value) VALUES (999, ?, 1)').run('loss'), /FOREIGN KEY/);
  db.prepare("UPDATE runs SET status = 'interrupted' WHERE id = ?").run(paused);
  assert.throws(() => db.prepare("UPDATE runs SET status = 'stopped' WHERE id = ?").run(paused), /CHECK/);
  db.close();
});
