import assert from 'node:assert/strict';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { cacheDirFor, cacheEntryPath, readCacheEntry } from '../../src-main/ingest/cache/image-cache';
import { importDicom, type ImportProgress } from '../../src-main/ingest/import-pipeline';
import { ImportStore } from '../../src-main/ingest/import-store';
import { tempDir } from '../helpers/temp';
import { copySharedDicom, filesUnder, NO_SHARED_DICOM } from './shared-data';

test('every shared DICOM file imports, grouped by patient / study / series; a second import adds nothing', { skip: NO_SHARED_DICOM }, async () => {
  const dir = tempDir();
  const data = copySharedDicom(dir);
  const libraryPath = join(dir, 'lib.sqlite');
  const db = openLibrary(libraryPath);
  const progress: ImportProgress[] = [];
  const first = await importDicom(db, [data], { cacheDir: cacheDirFor(libraryPath), onProgress: (p) => progress.push(p) });
  const files = filesUnder(data);
  assert.deepEqual(first.rejected, []);
  assert.equal(first.filesSeen, files.length);
  // Same SOP Instance UID in several files (one image in several transfer syntaxes) is one instance.
  assert.equal(first.instancesAdded + first.duplicates, files.length);
  const counts = new ImportStore(db).counts();
  assert.equal(counts.instances, first.instancesAdded);
  assert.ok(counts.studies >= 10 && counts.patients >= 10, JSON.stringify(counts));

  const last = progress.at(-1)!;
  assert.equal(last.filesDone, files.length);
  assert.equal(last.bytesDone, last.bytesTotal);
  assert.ok(last.filesPerSecond > 0 && last.etaSeconds === 0);

  const wg04 = db
    .prepare("SELECT i.*, s.study_date FROM instances i JOIN series se ON se.id = i.series_id JOIN studies s ON s.id = se.study_id WHERE i.path LIKE '%WG04_RG1_chestPA_CR_JPEGLS%'")
    .get() as Record<string, unknown>;
  assert.equal(wg04.photometric_interpretation, 'MONOCHROME1');
  assert.equal(wg04.rows, 1955);
  assert.equal(wg04.columns, 1841);
  assert.equal(wg04.bits_stored, 15);
  assert.equal(wg04.transfer_syntax_uid, '1.2.840.10008.1.2.4.81');
  assert.equal(wg04.study_date, '2004-08-26');
  const mf = db.prepare("SELECT frames FROM instances WHERE path LIKE '%jpeg_baseline_8bit.dcm'").get() as { frames: number };
  assert.equal(mf.frames, 96);
  const volume = db.prepare("SELECT count(*) AS n FROM instances WHERE path LIKE '%/volume/%'").get() as { n: number };
  assert.ok(volume.n >= 19);

  // The preprocessed cache holds a 16-bit entry for the 15-bit CR, longest side 512, aspect kept.
  const entry = cacheEntryPath(cacheDirFor(libraryPath), wg04.content_hash as string, 0, 512);
  const cached = await readCacheEntry(entry);
  assert.equal(cached.info.bitDepth, 16);
  assert.equal(cached.info.height, 512);
  assert.equal(cached.info.width, Math.round((1841 * 512) / 1955));
  assert.equal(cached.samples.length, cached.info.width * cached.info.height);

  const again = await importDicom(db, [data], { cacheDir: cacheDirFor(libraryPath) });
  assert.equal(again.filesSkipped, files.length);
  assert.equal(again.instancesAdded + again.instancesUpdated, 0);
  assert.deepEqual(new ImportStore(db).counts(), counts);
  db.close();
});

test('a changed file updates its instance and its cache entry is rebuilt; rejected files are listed with reasons', { skip: NO_SHARED_DICOM }, async () => {
  const dir = tempDir();
  const data = copySharedDicom(dir, 'generated');
  const libraryPath = join(dir, 'lib.sqlite');
  const cacheDir = cacheDirFor(libraryPath);
  const db = openLibrary(libraryPath);
  await importDicom(db, [data], { cacheDir });
  const target = join(data, 'cxr_explicitLE.dcm');
  const before = db.prepare('SELECT content_hash, path FROM instances').get() as { content_hash: string; path: string };
  assert.equal(before.path, target);

  // Flip one pixel byte (the last one): same UIDs, new content.
  const bytes = readFileSync(target);
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
  writeFileSync(target, bytes);
  utimesSync(target, new Date(), new Date(Date.now() + 5000));
  writeFileSync(join(data, 'notes.txt'), 'not an image');
  writeFileSync(join(data, 'cut.dcm'), readFileSync(join(data, 'cxr_rle.dcm')).subarray(0, 5000));

  const second = await importDicom(db, [data], { cacheDir });
  assert.equal(second.instancesUpdated, 1);
  const after = db.prepare('SELECT content_hash FROM instances').get() as { content_hash: string };
  assert.notEqual(after.content_hash, before.content_hash);
  assert.ok(existsSync(cacheEntryPath(cacheDir, after.content_hash, 0, 512)));
  assert.ok(!existsSync(cacheEntryPath(cacheDir, before.content_hash, 0, 512)), 'the old bytes\' cache entry is removed');
  const reasons = Object.fromEntries(second.rejected.map((r) => [r.path.split('/').pop(), r.reason]));
  assert.deepEqual(reasons, { 'cut.dcm': 'truncated', 'notes.txt': 'not_dicom' });
  assert.deepEqual(
    new ImportStore(db).listRejected().map((r) => r.reason),
    ['truncated', 'not_dicom'],
  );
  db.close();
});
