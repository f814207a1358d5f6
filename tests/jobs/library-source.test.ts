import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { IngestRepo } from '../../src-main/db/ingest-repo';
import { librarySource } from '../../src-main/ml/train/library-source';
import { tempDir } from '../helpers/temp';
import { trainingLibrary } from './train-library';

describe('library pair source', () => {
  it('pairs cached DICOM images and image files with their reports; counts DICOM images without a cache entry', async () => {
    const dir = tempDir();
    const { db, path } = await trainingLibrary(4, 40, dir);
    const repo = new IngestRepo(db);
    const png = join(dir, 'xray.png');
    // 60 wide, 30 high, a left-to-right ramp.
    const ramp = Buffer.from(Array.from({ length: 60 * 30 }, (_, i) => Math.round(((i % 60) / 59) * 255)));
    await sharp(ramp, { raw: { width: 60, height: 30, channels: 1 } }).png().toFile(png);
    db.transaction(() => {
      const patient = repo.upsertPatient({ patientKey: 'file-patient', patientId: 'file-patient' });
      const study = repo.upsertStudy(patient, { studyUid: '9.9', source: 'covid' });
      const series = repo.upsertSeries(study, { seriesUid: '9.9.1' });
      repo.upsertInstance(series, { sopInstanceUid: '9.9.1.1', path: png, contentHash: 'f'.repeat(64), sizeBytes: 1, rows: 30, columns: 60 });
      repo.upsertInstance(series, { sopInstanceUid: '9.9.1.2', path: join(dir, 'gone.dcm'), contentHash: 'e'.repeat(64), sizeBytes: 1, transferSyntaxUid: '1.2.840.10008.1.2.1' });
      repo.putReport(study, { rawText: 'Bilateral opacities.', source: 'table', sections: [], sentences: [] });
    })();
    const source = librarySource(db, path);
    assert.deepEqual(source.info, { pairs: 5, missingCache: 1, patients: 3 });
    const cachedPair = await source.load(0);
    // The importer's cache stores every image at a longest side of 512.
    assert.equal(cachedPair.image.width, 512);
    assert.match(cachedPair.reportText, /FINDINGS/);
    assert.equal(cachedPair.sections.length, 2);
    const filePair = await source.load(4);
    assert.deepEqual([filePair.image.width, filePair.image.height], [60, 30]);
    assert.equal(filePair.image.data[0], 0);
    assert.equal(filePair.image.data[59], 1);
    assert.equal(filePair.patientKey, 'file-patient');
    assert.equal(filePair.reportText, 'Bilateral opacities.');
    db.close();
  });
});
