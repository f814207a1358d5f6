// Image-text layouts (the COVID collection) store JPEG / PNG files: the viewer's
// pixel source serves them as one 8-bit frame, as it serves DICOM frames.
import assert from 'node:assert/strict';
import { extname } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { FramePixelSource } from '../../src-main/services/viewer-service';
import { covidLibrary, covidSkip } from '../helpers/covid-library';

test('a COVID JPEG / PNG opens in the viewer: full-size 8-bit gray pixels equal to the file, a percentile window', { skip: covidSkip }, async () => {
  const { db } = await covidLibrary(4);
  const rows = db.prepare('SELECT id, path FROM instances ORDER BY id').all() as { id: number; path: string }[];
  const plain = rows.filter((r) => ['.jpg', '.jpeg', '.png'].includes(extname(r.path).toLowerCase()));
  assert.ok(plain.length > 0, 'the COVID library holds plain images');
  const source = new FramePixelSource(db);
  for (const { id, path } of plain) {
    const { meta, bytes } = await source.get(id, 0);
    const expected = await sharp(path).greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([meta.columns, meta.rows], [expected.info.width, expected.info.height]);
    assert.equal(meta.dataType, 'uint8');
    assert.equal(meta.photometricInterpretation, 'MONOCHROME2');
    assert.ok(Buffer.from(bytes).equals(expected.data), `pixels of ${path}`);
    assert.equal(meta.window.source, 'percentile');
    assert.ok(meta.window.width >= 1 && meta.window.center > meta.minStored && meta.window.center < meta.maxStored);
  }
  await assert.rejects(source.get(plain[0]!.id, 1), /frame 1 does not exist/);
  db.close();
});
