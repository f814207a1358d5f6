import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { schemaVersion } from '../../src-main/db/migrate';
import { migration001 } from '../../src-main/db/migrations/001_initial';
import { tempDir } from '../helpers/temp';

test('migration 002 adds import_files to a v1 library and keeps its data', () => {
  const path = join(tempDir(), 'lib.sqlite');
  const v1 = openLibrary(path, { migrations: [migration001] });
  v1.prepare("INSERT INTO patients (patient_key, patient_id) VALUES ('p1', 'p1')").run();
  v1.close();
  const db = openLibrary(path);
  assert.ok(schemaVersion(db) >= 2);
  assert.equal((db.prepare('SELECT count(*) AS n FROM patients').get() as { n: number }).n, 1);
  db.prepare("INSERT INTO import_files (path, size_bytes, mtime_ms, status, reason, detail) VALUES ('/a', 1, 2, 'rejected', 'truncated', 'cut')").run();
  db.prepare("INSERT INTO import_files (path, size_bytes, mtime_ms, status, sop_instance_uid) VALUES ('/b', 1, 2, 'imported', '1.2')").run();
  assert.equal((db.prepare("SELECT count(*) AS n FROM import_files WHERE status = 'rejected'").get() as { n: number }).n, 1);
  db.close();
});

test('import_files refuses unknown reasons and rejected rows without a reason', () => {
  const db = openLibrary(join(tempDir(), 'lib.sqlite'));
  assert.throws(() => db.prepare("INSERT INTO import_files (path, size_bytes, mtime_ms, status, reason) VALUES ('/a', 1, 2, 'rejected', 'bad luck')").run(), /CHECK/);
  assert.throws(() => db.prepare("INSERT INTO import_files (path, size_bytes, mtime_ms, status) VALUES ('/a', 1, 2, 'rejected')").run(), /CHECK/);
  assert.throws(() => db.prepare("INSERT INTO import_files (path, size_bytes, mtime_ms, status, reason) VALUES ('/a', 1, 2, 'imported', 'truncated')").run(), /CHECK/);
  db.close();
});
