import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { schemaVersion } from '../../src-main/db/migrate';
import { migration001 } from '../../src-main/db/migrations/001_initial';
import { migration002 } from '../../src-main/db/migrations/002_import_files';
import { tempDir } from '../helpers/temp';

const vec = (x: number) => Buffer.from(new Float32Array([x, 0]).buffer);

test('migration 003 collapses duplicate embeddings of a v2 library to the newest and then refuses duplicates', () => {
  const path = join(tempDir(), 'lib.sqlite');
  const v2 = openLibrary(path, { migrations: [migration001, migration002] });
  const p = v2.prepare("INSERT INTO patients (patient_key) VALUES ('P1') RETURNING id").get() as { id: number };
  const s = v2.prepare("INSERT INTO studies (patient_id, study_uid) VALUES (?, '1.2.3') RETURNING id").get(p.id) as { id: number };
  const insert = v2.prepare("INSERT INTO embeddings (model_id, kind, study_id, dim, vector) VALUES (?, 'report', ?, 2, ?)");
  insert.run('m', s.id, vec(1));
  insert.run('m', s.id, vec(2));
  insert.run('other', s.id, vec(3));
  v2.close();

  const db = openLibrary(path);
  assert.ok(schemaVersion(db) >= 3);
  const rows = db.prepare('SELECT model_id, vector FROM embeddings ORDER BY model_id').all() as { model_id: string; vector: Buffer }[];
  assert.deepEqual(rows.map((r) => [r.model_id, new Float32Array(new Uint8Array(r.vector).buffer)[0]]), [['m', 2], ['other', 3]]);
  assert.throws(() => db.prepare("INSERT INTO embeddings (model_id, kind, study_id, dim, vector) VALUES ('m', 'report', ?, 2, ?)").run(s.id, vec(4)), /UNIQUE/);
  // The same study under another kind or model is a different item.
  db.prepare("INSERT INTO embeddings (model_id, kind, study_id, dim, vector) VALUES ('m', 'image', ?, 2, ?)").run(s.id, vec(5));
  db.close();
});
