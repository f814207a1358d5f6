// The viewer's first pixels of a large frame: a preview at a longest side of
// 512 in the full frame's stored units and window, read from the importer's
// cache when the library has one, else area-averaged from the decoded frame.
import assert from 'node:assert/strict';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../src-main/db/connection';
import { cacheDirFor } from '../../src-main/ingest/cache/image-cache';
import { resampleGray } from '../../src-main/ingest/cache/resample';
import { importDicom } from '../../src-main/ingest/import-pipeline';
import { pixelReply } from '../../src-main/server/pixels';
import { downsampleFrame, previewSize, samplesOf } from '../../src-main/services/frame-preview';
import { FramePixelSource } from '../../src-main/services/viewer-service';
import type { FrameMeta } from '../../src-shared/contract/viewer';
import { wantsPreview } from '../../src-shared/contract/viewer';
import { tempDir } from '../helpers/temp';
import { NO_SHARED_DICOM, sharedFile } from '../ingest/shared-data';

const CR = sharedFile('chest', 'WG04_RG1_chestPA_CR_uncompressed.dcm');

/** A library holding a copy of the CR (`file`), imported with or without the preprocessed cache. */
async function crLibrary(cache: boolean): Promise<{ source: FramePixelSource; instanceId: number; file: string; close: () => void }> {
  const dir = tempDir();
  const [libraryPath, file] = [join(dir, 'library.sqlite'), join(dir, 'cr.dcm')];
  copyFileSync(CR, file);
  const db = openLibrary(libraryPath);
  await importDicom(db, [file], { decode: cache, cacheDir: cache ? cacheDirFor(libraryPath) : null });
  const { id } = db.prepare('SELECT id FROM instances WHERE path = ?').get(file) as { id: number };
  return { source: new FramePixelSource(db, libraryPath), instanceId: id, file, close: () => db.close() };
}

/** Mean stored value over a region given in image fractions. */
function regionMean(values: ArrayLike<number>, meta: Pick<FrameMeta, 'rows' | 'columns'>, x0: number, x1: number, y0: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(y0 * meta.rows); y < Math.floor(y1 * meta.rows); y++) {
    for (let x = Math.floor(x0 * meta.columns); x < Math.floor(x1 * meta.columns); x++, n++) sum += values[y * meta.columns + x]!;
  }
  return sum / n;
}

test('preview size keeps the aspect, never enlarges, and only megapixel frames want one', () => {
  assert.deepEqual(previewSize(1841, 1955), { width: 482, height: 512 });
  assert.deepEqual(previewSize(300, 200), { width: 300, height: 200 });
  assert.equal(wantsPreview(1955, 1841), true);
  assert.equal(wantsPreview(512, 512), false);
  assert.equal(wantsPreview(null, 4000), false);
});

test('downsampling keeps signed values and interleaved colour channels apart', () => {
  const meta = { rows: 4, columns: 4, samplesPerPixel: 3, dataType: 'int16' } as FrameMeta;
  const samples = new Int16Array(4 * 4 * 3);
  for (let p = 0; p < 16; p++) samples.set([-1000, 0, 2000 + p], p * 3);
  const { meta: small, samples: out } = downsampleFrame(meta, samples, 2);
  assert.deepEqual([small.columns, small.rows], [2, 2]);
  assert.ok(out instanceof Int16Array);
  for (let p = 0; p < 4; p++) {
    assert.equal(out[p * 3], -1000);
    assert.equal(out[p * 3 + 1], 0);
  }
  assert.equal(out[2], Math.round((2000 + 2000 + 1 + 2000 + 4 + 2000 + 5) / 4));
});

test('without a cache entry the CR preview is the area average of the decoded frame, same window', { skip: NO_SHARED_DICOM }, async () => {
  const { source, instanceId, close } = await crLibrary(false);
  const full = await source.get(instanceId, 0);
  const preview = await source.preview(instanceId, 0);
  assert.deepEqual([preview.meta.columns, preview.meta.rows], [482, 512]);
  const expected = resampleGray(samplesOf(full.bytes, full.meta.dataType), full.meta.columns, full.meta.rows, 482, 512);
  assert.deepEqual(samplesOf(preview.bytes, preview.meta.dataType), expected);
  assert.deepEqual(
    { ...preview.meta, rows: 0, columns: 0 },
    { ...full.meta, rows: 0, columns: 0 },
    'the same window, rescale, range and polarity as the full frame',
  );
  const reply = await pixelReply(source, `/pixels/${instanceId}/0/preview`);
  assert.equal(reply.status, 200);
  assert.equal(reply.body.length, 482 * 512 * 2);
  assert.equal((await pixelReply(source, `/pixels/${instanceId}/0/small`)).status, 400);
  assert.equal((await pixelReply(source, `/pixels/999999/0/preview`)).status, 404);
  close();
});

test('with the import cache the preview needs no decode and matches the decoded frame to within quantisation', { skip: NO_SHARED_DICOM }, async () => {
  const { source, instanceId, file, close } = await crLibrary(true);
  rmSync(file); // only the cache entry is left to make the preview from
  const preview = await source.preview(instanceId, 0);
  await assert.rejects(source.get(instanceId, 0), /Cannot read image/);
  const { source: decoding, instanceId: sameImage, close: closeOther } = await crLibrary(false);
  const reference = await decoding.preview(sameImage, 0);
  assert.deepEqual([preview.meta.columns, preview.meta.rows], [reference.meta.columns, reference.meta.rows]);
  assert.deepEqual(preview.meta.window, reference.meta.window);
  assert.equal(preview.meta.invert, true, 'MONOCHROME1 stays inverted');
  assert.equal(preview.meta.photometricInterpretation, 'MONOCHROME1');
  const [a, b] = [samplesOf(preview.bytes, preview.meta.dataType), samplesOf(reference.bytes, reference.meta.dataType)];
  const range = reference.meta.maxStored - reference.meta.minStored;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst <= Math.ceil(range / 65535) + 1, `largest difference ${worst} stored units for a range of ${range}`);
  // MONOCHROME1: lungs hold high stored values (shown dark), the spine low ones (shown bright).
  const lungs = regionMean(a, preview.meta, 0.22, 0.32, 0.27, 0.37);
  const spine = regionMean(a, preview.meta, 0.47, 0.53, 0.3, 0.5);
  assert.ok(lungs > spine, `lungs ${lungs.toFixed(0)} above spine ${spine.toFixed(0)} in stored values`);
  close();
  closeOther();
});
