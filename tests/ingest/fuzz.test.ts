import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { importDicom } from '../../src-main/ingest/import-pipeline';
import { REJECTION_REASONS } from '../../src-main/ingest/rejection';
import { tempDir } from '../helpers/temp';
import { writeMutatedCopies } from './mutate';
import { filesUnder, NO_SHARED_DICOM, SHARED_DICOM } from './shared-data';

// 150 seeded damaged copies here; `npm run bench -- ingest` runs the full 1,000.
const COPIES = 150;

test(`${COPIES} damaged copies: no crash, no hang, each imported or rejected with a reason`, { skip: NO_SHARED_DICOM, timeout: 180_000 }, async () => {
  const dir = tempDir();
  const data = join(dir, 'damaged');
  mkdirSync(data);
  // The 7 MB chest files dominate the run time; the smaller ones cover every syntax.
  const sources = filesUnder(SHARED_DICOM).filter((f) => !/WG04/.test(f));
  const paths = writeMutatedCopies(sources, data, COPIES, 20261128);
  const db = openLibrary(join(dir, 'lib.sqlite'));
  const summary = await importDicom(db, [data], { cacheDir: join(dir, 'cache') });
  const rows = db.prepare('SELECT path, status, reason, detail FROM import_files').all() as { path: string; status: string; reason: string | null; detail: string | null }[];
  assert.equal(rows.length, paths.length, 'every file has an outcome');
  for (const r of rows) {
    if (r.status === 'rejected') {
      assert.ok((REJECTION_REASONS as readonly string[]).includes(r.reason!), r.path);
      assert.ok(r.detail && r.detail.length > 5, r.path);
    }
  }
  const rejected = rows.filter((r) => r.status === 'rejected').length;
  assert.equal(summary.rejected.length, rejected);
  // Both outcomes occur: the damage is real, and much of it (e.g. in pixel bytes) is survivable.
  assert.ok(rejected > 0 && rejected < paths.length, `${rejected} of ${paths.length} rejected`);
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
});
