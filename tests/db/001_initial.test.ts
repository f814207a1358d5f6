/** Migration 001: the v1 schema is created whole, with its constraints. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { schemaVersion } from '../../src-main/db/migrate';
import { tempDir } from '../helpers/temp';

const TABLES = [
  'patients', 'studies', 'series', 'instances', 'reports', 'report_sentences', 'label_schemas', 'labels',
  'datasets', 'dataset_splits', 'runs', 'checkpoints', 'embeddings', 'metrics',
];

test('001 creates every v1 table in WAL mode with foreign keys on', () => {
  const db = openLibrary(join(tempDir(), 'lib.sqlite'));
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
  for (const t of TABLES) assert.ok(names.includes(t), `missing table ${t}`);
  assert.ok(schemaVersion(db) >= 1);
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  db.close();
});

test('001 enforces foreign keys and cascades study deletion', () => {
  const db = openLibrary(join(tempDir(), 'lib.sqlite'));
  assert.throws(() => db.prepare("INSERT INTO studies (patient_id, study_uid) VALUES (999, '1.2')").run(), /FOREIGN KEY/);
  const p = db.prepare("INSERT INTO patients (patient_key) VALUES ('P1') RETURNING id").get() as { id: number };
  const s = db.prepare("INSERT INTO studies (patient_id, study_uid) VALUES (?, '1.2.3') RETURNING id").get(p.id) as { id: number };
  db.prepare("INSERT INTO reports (study_id, raw_text, source) VALUES (?, 'text', 'txt')").run(s.id);
  db.prepare('DELETE FROM studies WHERE id = ?').run(s.id);
  assert.equal((db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n, 0);
  db.close();
});

test('001 checks label sources, run states and embedding sizes', () => {
  const db = openLibrary(join(tempDir(), 'lib.sqlite'));
  const p = db.prepare("INSERT INTO patients (patient_key) VALUES ('P1') RETURNING id").get() as { id: number };
  const s = db.prepare("INSERT INTO studies (patient_id, study_uid) VALUES (?, '1.2.3') RETURNING id").get(p.id) as { id: number };
  const schema = db.prepare("INSERT INTO label_schemas (name, kind, definition_json) VALUES ('x', 'binary', '{}') RETURNING id").get() as { id: number };
  assert.throws(
    () => db.prepare("INSERT INTO labels (study_id, schema_id, label, value, source) VALUES (?, ?, 'a', '1', 'robot')").run(s.id, schema.id),
    /CHECK/,
  );
  assert.throws(() => db.prepare("INSERT INTO runs (kind, config_json, status) VALUES ('pretrain', '{}', 'sleeping')").run(), /CHECK/);
  const vector = Buffer.from(new Float32Array([1, 2, 3]).buffer);
  assert.throws(
    () => db.prepare("INSERT INTO embeddings (model_id, kind, study_id, dim, vector) VALUES ('m', 'image', ?, 4, ?)").run(s.id, vector),
    /CHECK/,
  );
  db.prepare("INSERT INTO embeddings (model_id, kind, study_id, dim, vector) VALUES ('m', 'image', ?, 3, ?)").run(s.id, vector);
  db.close();
});
