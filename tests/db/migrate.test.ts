/** The migration machinery: versioning, atomic rollback, refusal of newer and non-SQLite files. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openLibrary } from '../../src-main/db/connection';
import { schemaVersion } from '../../src-main/db/migrate';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src-main/db/migrations/index';
import { AppError } from '../../src-shared/result';
import { tempDir } from '../helpers/temp';

test('a new library is migrated to the latest version and reopening is a no-op', () => {
  const path = join(tempDir(), 'lib.sqlite');
  openLibrary(path).close();
  const db = openLibrary(path);
  assert.equal(schemaVersion(db), LATEST_SCHEMA_VERSION);
  db.close();
});

test('a failing migration rolls back and leaves the library at the last good version', () => {
  const path = join(tempDir(), 'lib.sqlite');
  openLibrary(path).close();
  const broken = [
    ...MIGRATIONS,
    { version: MIGRATIONS.length + 1, name: 'broken', up: 'CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);' },
  ];
  assert.throws(() => openLibrary(path, { migrations: broken }), (e: unknown) => e instanceof AppError && e.code === 'migration_failed');
  const db = new Database(path);
  assert.equal(db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
  assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half_done'").get() as { n: number }).n, 0);
  db.close();
});

test('a library from a newer schema is refused with a clear error and left untouched', () => {
  const path = join(tempDir(), 'lib.sqlite');
  openLibrary(path).close();
  const raw = new Database(path);
  raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
  raw.close();
  const before = readFileSync(path);
  assert.throws(
    () => openLibrary(path),
    (e: unknown) => e instanceof AppError && e.code === 'newer_schema' && /newer version/.test(e.message),
  );
  assert.deepEqual(readFileSync(path), before);
});

test('a file that is not SQLite is refused, named, and not overwritten', () => {
  const path = join(tempDir(), 'notes.sqlite');
  writeFileSync(path, 'these are my notes, not a database\n'.repeat(20));
  const before = readFileSync(path);
  assert.throws(
    () => openLibrary(path),
    (e: unknown) => e instanceof AppError && e.code === 'not_sqlite' && e.message.includes(path),
  );
  assert.deepEqual(readFileSync(path), before);
});

test('a truncated SQLite file is refused', () => {
  const dir = tempDir();
  const good = join(dir, 'good.sqlite');
  const db = openLibrary(good);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const bytes = readFileSync(good);
  const cut = join(dir, 'cut.sqlite');
  writeFileSync(cut, bytes.subarray(0, 1500));
  assert.throws(() => openLibrary(cut), (e: unknown) => e instanceof AppError && e.code === 'not_sqlite');
});
