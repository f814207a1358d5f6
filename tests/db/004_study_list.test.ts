import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary, type Db } from '../../src-main/db/connection';
import { schemaVersion } from '../../src-main/db/migrate';
import { migration001 } from '../../src-main/db/migrations/001_initial';
import { migration002 } from '../../src-main/db/migrations/002_import_files';
import { migration003 } from '../../src-main/db/migrations/003_embedding_items';
import { tempDir } from '../helpers/temp';

function addStudy(db: Db, uid: string): number {
  const p = db.prepare("INSERT INTO patients (patient_key) VALUES (?) ON CONFLICT(patient_key) DO UPDATE SET patient_key = excluded.patient_key RETURNING id").get('P1') as { id: number };
  return (db.prepare('INSERT INTO studies (patient_id, study_uid) VALUES (?, ?) RETURNING id').get(p.id, uid) as { id: number }).id;
}

const matches = (db: Db, query: string): number[] =>
  (db.prepare('SELECT rowid FROM reports_fts WHERE reports_fts MATCH ? ORDER BY rowid').all(query) as { rowid: number }[]).map((r) => r.rowid);

test('migration 004 backfills the report index of a v3 library', () => {
  const path = join(tempDir(), 'lib.sqlite');
  const v3 = openLibrary(path, { migrations: [migration001, migration002, migration003] });
  const study = addStudy(v3, '1.2.3');
  const report = (v3.prepare("INSERT INTO reports (study_id, raw_text, source) VALUES (?, 'Small left pleural effusion. No pneumothorax.', 'txt') RETURNING id").get(study) as { id: number }).id;
  v3.close();

  const db = openLibrary(path);
  assert.ok(schemaVersion(db) >= 4);
  assert.deepEqual(matches(db, 'pneumothorax'), [report]);
  // Porter stemming: the plural finds the singular.
  assert.deepEqual(matches(db, 'effusions'), [report]);
  assert.deepEqual(matches(db, 'cardiomegaly'), []);
  const integrity = db.prepare("INSERT INTO reports_fts (reports_fts, rank) VALUES ('integrity-check', 1)");
  assert.doesNotThrow(() => integrity.run());
  db.close();
});

test('triggers keep the report index in step with inserts, updates and deletes', () => {
  const db = openLibrary(join(tempDir(), 'lib.sqlite'));
  const study = addStudy(db, '1.2.4');
  const insert = db.prepare("INSERT INTO reports (study_id, raw_text, source) VALUES (?, ?, 'txt') RETURNING id");
  const a = (insert.get(study, 'Right lower lobe consolidation.') as { id: number }).id;
  const b = (insert.get(study, 'Heart size normal. No consolidation.') as { id: number }).id;
  assert.deepEqual(matches(db, 'consolidation'), [a, b]);

  db.prepare("UPDATE reports SET raw_text = 'Clear lungs.' WHERE id = ?").run(a);
  assert.deepEqual(matches(db, 'consolidation'), [b]);
  assert.deepEqual(matches(db, 'lungs'), [a]);
  // Changing another column leaves the index alone.
  db.prepare("UPDATE reports SET source = 'csv' WHERE id = ?").run(a);
  assert.deepEqual(matches(db, 'lungs'), [a]);

  db.prepare('DELETE FROM reports WHERE id = ?').run(b);
  assert.deepEqual(matches(db, 'consolidation'), []);
  // Deleting the study cascades to its reports, and the index follows.
  db.prepare('DELETE FROM studies WHERE id = ?').run(study);
  assert.deepEqual(matches(db, 'lungs'), []);
  db.prepare("INSERT INTO reports_fts (reports_fts, rank) VALUES ('integrity-check', 1)").run();
  db.close();
});

test('the sortable columns have indexes that ORDER BY ... LIMIT can walk', () => {
  const db = openLibrary(join(tempDir(), 'lib.sqlite'));
  for (const column of ['study_date', 'modalities', 'description', 'imported_at']) {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM studies ORDER BY ${column} DESC, id DESC LIMIT 10`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
    assert.match(plan, /USING (COVERING )?INDEX/, `${column}: ${plan}`);
    assert.doesNotMatch(plan, /TEMP B-TREE/, `${column}: ${plan}`);
  }
  db.close();
});
