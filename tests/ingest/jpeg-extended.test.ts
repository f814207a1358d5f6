/**
 * JPEG extended 12-bit (process 4, 1.2.840.10008.1.2.4.51). No shared file uses
 * it, so Debian dcmtk writes one from the shared 12-bit MR (JPEG-LS, decoded to
 * native first): `dcmcjpeg +ee +sr +rm` keeps the stored values and the
 * rescale (no min/max stretch). dcmtk's own decode of that file (`dcmdjpeg`,
 * IJG) is the independent reference for the decoder; the uncompressed original
 * is the reference for the stated lossy tolerance.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { cacheDirFor, cacheEntryPath, readCacheEntry } from '../../src-main/ingest/cache/image-cache';
import { importDicom } from '../../src-main/ingest/import-pipeline';
import { decodeFrame, type DecodedFrame } from '../../src-main/ingest/pixels/decode';
import { REJECTION_REASONS } from '../../src-main/ingest/rejection';
import { tempDir } from '../helpers/temp';
import { writeMutatedCopies } from './mutate';
import { NO_SHARED_DICOM, sharedFile } from './shared-data';

const skip = NO_SHARED_DICOM;
const dir = tempDir();
const inbox = join(dir, 'inbox');
const original = join(dir, 'mr-native.dcm');
const jpeg12 = join(inbox, 'mr-jpeg12.dcm');
const dcmtkDecoded = join(dir, 'mr-jpeg12-dcmtk.dcm');

before(() => {
  if (skip) return;
  mkdirSync(inbox);
  execFileSync('dcmdjpls', [sharedFile('syntaxes', 'jpeg_ls.dcm'), original]);
  execFileSync('dcmcjpeg', ['+ee', '+sr', '+rm', original, jpeg12], { stdio: 'ignore' });
  execFileSync('dcmdjpeg', [jpeg12, dcmtkDecoded]);
});

function stats(a: ArrayLike<number>, b: ArrayLike<number>): { mean: number; rmse: number; max: number } {
  assert.equal(a.length, b.length);
  let sum = 0;
  let sq = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d;
    sq += d * d;
    max = Math.max(max, Math.abs(d));
  }
  return { mean: sum / a.length, rmse: Math.sqrt(sq / a.length), max };
}

const decoded: Record<string, DecodedFrame> = {};
async function frame(path: string): Promise<DecodedFrame> {
  return (decoded[path] ??= await decodeFrame(path));
}

test('dcmtk wrote a real 12-bit JPEG extended file', { skip }, () => {
  const dump = execFileSync('dcmdump', ['+P', '0002,0010', '+P', '0028,0101', jpeg12], { encoding: 'utf8' });
  assert.match(dump, /JPEGExtended/);
  assert.match(dump, /\(0028,0101\) US 12/);
});

test('12-bit JPEG decodes within 1 of dcmtk (IJG) on every pixel, with no level bias', { skip }, async () => {
  const ours = await frame(jpeg12);
  const reference = await frame(dcmtkDecoded);
  assert.deepEqual([ours.rows, ours.columns, ours.bitsStored], [1024, 1024, 12]);
  assert.ok(ours.stored instanceof Uint16Array);
  const d = stats(ours.stored, reference.stored);
  // The package's decoder alone is 15 levels high (its 12-bit level shift); jpeg-extended.ts corrects it.
  assert.ok(d.max <= 1 && Math.abs(d.mean) < 0.25, `against dcmtk: max ${d.max}, mean ${d.mean.toFixed(3)}`);
});

// Stated tolerance for 12-bit lossy JPEG (dcmtk quality 90), the one decode.test.ts states
// for every lossy syntax: RMSE at most 0.5% of 2^12 and no pixel off by more than 2%.
test('12-bit JPEG stays within the stated lossy tolerance of the uncompressed original', { skip }, async () => {
  const ours = await frame(jpeg12);
  const source = await frame(original);
  const stored = stats(ours.stored, source.stored);
  assert.ok(stored.rmse <= 0.005 * 4096 && stored.max <= 0.02 * 4096, `stored: rmse ${stored.rmse.toFixed(2)} max ${stored.max}`);
  // Quantisation moves the mean by under a level (dcmtk's own decode too); the uncorrected decoder is 15 high.
  assert.ok(Math.abs(stored.mean) < 2, `stored values are not shifted (mean error ${stored.mean.toFixed(3)})`);
  // The rescale travels with the file, so modality values agree too (slope 3.77: the same bound times the slope).
  const modality = stats(ours.modality, source.modality);
  assert.ok(modality.rmse <= 0.005 * 4096 * 3.78, `modality: rmse ${modality.rmse.toFixed(2)}`);
});

test('a 12-bit JPEG file imports with a 16-bit cache entry', { skip }, async () => {
  const libraryPath = join(dir, 'lib.sqlite');
  const db = openLibrary(libraryPath);
  const summary = await importDicom(db, [inbox], { cacheDir: cacheDirFor(libraryPath) });
  assert.deepEqual(summary.rejected, []);
  assert.equal(summary.instancesAdded, 1);
  const row = db.prepare('SELECT transfer_syntax_uid, bits_stored, content_hash FROM instances').get() as { transfer_syntax_uid: string; bits_stored: number; content_hash: string };
  assert.equal(row.transfer_syntax_uid, '1.2.840.10008.1.2.4.51');
  assert.equal(row.bits_stored, 12);
  const cached = await readCacheEntry(cacheEntryPath(cacheDirFor(libraryPath), row.content_hash, 0, 512));
  assert.equal(cached.info.bitDepth, 16);
  assert.equal(cached.samples.length, 512 * 512);
  db.close();
});

test('damaged copies of the 12-bit JPEG file: each imported or rejected with a reason, no hang', { skip, timeout: 120_000 }, async () => {
  const damaged = join(dir, 'damaged');
  mkdirSync(damaged);
  const paths = writeMutatedCopies([jpeg12], damaged, 12, 4051);
  const db = openLibrary(join(dir, 'damaged.sqlite'));
  await importDicom(db, [damaged], { cacheDir: join(dir, 'damaged-cache') });
  const rows = db.prepare('SELECT status, reason FROM import_files').all() as { status: string; reason: string | null }[];
  assert.equal(rows.length, paths.length);
  for (const r of rows) if (r.status === 'rejected') assert.ok((REJECTION_REASONS as readonly string[]).includes(r.reason!));
  db.close();
});
