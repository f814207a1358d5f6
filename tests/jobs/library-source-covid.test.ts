/**
 * Pretraining reads libraries imported from image + table layouts: the COVID
 * pairs come in as JPEG / PNG files with no image-cache entry, and the
 * training source decodes them exactly as the evaluation does (loadGrayImage).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import sharp from 'sharp';
import { loadGrayImage, studyImages } from '../../src-main/eval/features/study-images';
import { DEFAULT_LONGEST_SIDE, cacheDirFor } from '../../src-main/ingest/cache/image-cache';
import { ImageAugmentConfig } from '../../src-main/ml/augment/image-augment';
import { prefetchBatches } from '../../src-main/ml/train/data';
import { librarySource } from '../../src-main/ml/train/library-source';
import { covidLibrary, covidSkip } from '../helpers/covid-library';

test('a library imported from COVID JPEG / PNG pairs yields training pairs read from the image files', { skip: covidSkip }, async () => {
  const { db, path, rows } = await covidLibrary(7);
  const cacheDir = cacheDirFor(path);
  assert.ok(!existsSync(cacheDir) || readdirSync(cacheDir).length === 0, 'the table layout wrote no image cache');

  const source = librarySource(db, path);
  assert.deepEqual(source.info, { pairs: 7, missingCache: 0, patients: 7 });
  const studyIds = (db.prepare('SELECT id FROM studies ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  // The source pairs images in instance id order.
  const refs = [...studyImages(db, studyIds).values()].flat().sort((a, b) => a.instanceId - b.instanceId);
  for (let i = 0; i < source.size; i++) {
    const pair = await source.load(i);
    const ref = refs[i]!;
    const original = await sharp(ref.path).metadata();
    const longest = Math.min(DEFAULT_LONGEST_SIDE, Math.max(original.width!, original.height!));
    assert.equal(Math.max(pair.image.width, pair.image.height), longest, ref.path);
    assert.equal(pair.image.data.length, pair.image.width * pair.image.height);
    const min = pair.image.data.reduce((a, b) => Math.min(a, b), 1);
    const max = pair.image.data.reduce((a, b) => Math.max(a, b), 0);
    assert.ok(min >= 0 && max <= 1 && max - min > 0.3, `a real radiograph, not a blank: [${min}, ${max}]`);
    // The same pixels as the evaluation's reader.
    assert.deepEqual(pair.image, await loadGrayImage(path, ref));
    const row = rows.find((r) => ref.path.endsWith(r.image))!;
    assert.ok(pair.reportText.includes(row.clinical_notes.trim().slice(0, 40)));
    assert.equal(pair.patientKey, `covid:${row.patientid}`);
  }
  // The trainer's pipeline turns them into augmented views of the training size.
  const options = { seed: 1, imageSize: 32, augment: ImageAugmentConfig.parse({}), sampling: 'sentence' as const };
  const batches: number[][] = [];
  for await (const batch of prefetchBatches(source, [[0, 1, 2], [3, 4, 5, 6]], 0, options)) {
    assert.ok(batch.views.every((v) => v.image.length === 32 * 32 && v.text.trim().length > 0));
    batches.push(batch.indices);
  }
  assert.deepEqual(batches, [[0, 1, 2], [3, 4, 5, 6]]);
  db.close();
});
