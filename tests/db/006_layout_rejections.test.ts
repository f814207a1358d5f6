import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { schemaVersion } from '../../src-main/db/migrate';
import { MIGRATIONS } from '../../src-main/db/migrations/index';
import { listLayoutRejections } from '../../src-main/ingest/layouts/index';
import { storeLayoutRejections } from '../../src-main/ingest/layouts/rejections';
import { tempDir } from '../helpers/temp';

const V5 = MIGRATIONS.slice(0, 5);
const V6 = MIGRATIONS.slice(0, 6);

test('migration 006 adds an empty layout_rejections table to a v5 library and keeps its rows', () => {
  const path = join(tempDir(), 'lib.sqlite');
  const v5 = openLibrary(path, { migrations: V5 });
  v5.prepare("INSERT INTO import_files (path, size_bytes, mtime_ms, status, reason, detail) VALUES ('/a/readme.txt', 3, 1, 'rejected', 'not_dicom', 'no DICM')").run();
  v5.close();

  const db = openLibrary(path, { migrations: V6 });
  assert.equal(schemaVersion(db), 6);
  assert.equal(db.prepare('SELECT count(*) FROM import_files').pluck().get(), 1);
  assert.deepEqual(listLayoutRejections(db), []);
  db.close();
});

test('layout rejections are replaced per layout folder; a path is listed once', () => {
  const db = openLibrary(join(tempDir(), 'lib.sqlite'), { migrations: V6 });
  storeLayoutRejections(db, '/data/covid', 'covid', [
    { path: '/data/covid/pairs.jsonl:4', reason: 'bad_row', detail: 'the line is not valid JSON' },
    { path: '/data/covid/images/x.png', reason: 'not_in_table', detail: 'no accepted row names this image' },
  ]);
  storeLayoutRejections(db, '/data/table', 'table', [{ path: '/data/table/t.csv:2', reason: 'no_image', detail: 'the Image column is empty' }]);
  storeLayoutRejections(db, '/data/covid', 'covid', [{ path: '/data/covid/images/x.png', reason: 'unreadable', detail: 'not a JPEG or PNG file' }]);
  assert.deepEqual(
    listLayoutRejections(db).map((r) => [r.path, r.layout, r.reason]),
    [
      ['/data/covid/images/x.png', 'covid', 'unreadable'],
      ['/data/table/t.csv:2', 'table', 'no_image'],
    ],
  );
  assert.throws(() => db.prepare("INSERT INTO layout_rejections (path, root, layout, reason) VALUES ('/p', '/r', 'covid', 'x')").run(), /NOT NULL/);
  db.close();
});
