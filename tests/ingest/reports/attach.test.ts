import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../../src-main/db/connection';
import { IngestRepo } from '../../../src-main/db/ingest-repo';
import { attachReports, readReportSource } from '../../../src-main/ingest/reports/index';
import { tempDir } from '../../helpers/temp';
import { writeSr } from './sr-fixture';

test('reports from text files, a manifest and an SR attach to the studies already in the library', () => {
  const dir = tempDir('convirt-attach-');
  const db = openLibrary(join(dir, 'library.sqlite'));
  const repo = new IngestRepo(db);
  const mimicStudy = join(dir, 'files', 'p10', 'p10000032', 's50414267');
  const addStudy = (patientId: string, studyUid: string, accession: string | null, date: string | null, imagePath: string): number =>
    repo.inTransaction(() => {
      const patient = repo.upsertPatient({ patientKey: patientId, patientId });
      const study = repo.upsertStudy(patient, { studyUid, accessionNumber: accession, studyDate: date, source: 'dicom' });
      const series = repo.upsertSeries(study, { seriesUid: `${studyUid}.1`, modality: 'CR' });
      repo.upsertInstance(series, { sopInstanceUid: `${studyUid}.1.1`, path: imagePath, contentHash: 'ab', sizeBytes: 1 });
      return study;
    });
  const mimic = addStudy('10000032', '2.25.1', null, null, join(mimicStudy, 'image1.dcm'));
  const byUid = addStudy('P2', '1.2.826.0.1.3680043.8.498.7001', null, null, join(dir, 'other', 'a.dcm'));
  const byAccession = addStudy('P3', '2.25.3', 'ACC-3', null, join(dir, 'other', 'b.dcm'));
  const byDate = addStudy('P4', '2.25.4', null, '2023-04-05', join(dir, 'other', 'c.dcm'));
  // A sibling folder whose name starts like the study folder must not match it.
  addStudy('10000032', '2.25.5', null, null, `${mimicStudy}0${join('/', 'image.dcm')}`);

  mkdirSync(mimicStudy, { recursive: true });
  writeFileSync(`${mimicStudy}.txt`, 'FINDINGS: Clear lungs.\nIMPRESSION: Normal.');
  writeFileSync(join(dir, 'files', 'p10', 'p10000032', 's59999999.txt'), 'IMPRESSION: Study not imported.');
  const manifest = join(dir, 'manifest.csv');
  writeFileSync(manifest, 'AccessionNumber,PatientID,StudyDate,Report\nACC-3,,,IMPRESSION: Effusion.\n,P4,20230405,IMPRESSION: Stable.\n');
  const sr = writeSr(dir, 'report', {
    sopClass: 'basic',
    title: 'Chest X-Ray Report',
    studyUid: '1.2.826.0.1.3680043.8.498.7001',
    accession: 'X',
    patientId: 'P2',
    studyDate: '20240131',
    content: [{ type: 'text', name: 'Impression', value: 'Pneumonia.' }],
  });

  const sources = [join(dir, 'files'), manifest, sr].map(readReportSource);
  const reports = sources.flatMap((s) => s.reports);
  assert.equal(reports.length, 5);
  const first = attachReports(db, reports);
  assert.deepEqual([first.added, first.updated, first.unchanged], [4, 0, 0]);
  assert.deepEqual(first.rejected, [
    { path: join(dir, 'files', 'p10', 'p10000032', 's59999999.txt'), reason: 'no_matching_study', detail: 'no imported images in the study folder' },
  ]);
  const impression = (studyId: number): unknown =>
    db.prepare("SELECT r.source, s.text FROM reports r JOIN report_sentences s ON s.report_id = r.id WHERE r.study_id = ? AND s.section = 'IMPRESSION'").all(studyId);
  assert.deepEqual(impression(mimic), [{ source: 'txt', text: 'Normal.' }]);
  assert.deepEqual(impression(byUid), [{ source: 'sr', text: 'Pneumonia.' }]);
  assert.deepEqual(impression(byAccession), [{ source: 'csv', text: 'Effusion.' }]);
  assert.deepEqual(impression(byDate), [{ source: 'csv', text: 'Stable.' }]);
  assert.equal((db.prepare('SELECT count(*) AS n FROM reports').get() as { n: number }).n, 4);

  const again = attachReports(db, [join(dir, 'files'), manifest, sr].map(readReportSource).flatMap((s) => s.reports));
  assert.deepEqual([again.added, again.updated, again.unchanged], [0, 0, 4]);
  writeFileSync(`${mimicStudy}.txt`, 'FINDINGS: Clear lungs.\nIMPRESSION: Normal, unchanged.');
  const changed = attachReports(db, readReportSource(join(dir, 'files')).reports);
  assert.deepEqual([changed.added, changed.updated, changed.unchanged], [0, 1, 0]);
  assert.deepEqual(impression(mimic), [{ source: 'txt', text: 'Normal, unchanged.' }]);
  db.close();
});

test('a file that is not a report source is refused; a DICOM file that is not an SR is listed', () => {
  const dir = tempDir('convirt-attach-');
  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'hello');
  assert.throws(() => readReportSource(notes), /notes\.txt is not a report source/);
  assert.throws(() => readReportSource(join(dir, 'absent.csv')), /absent\.csv does not exist/);
  const fake = join(dir, 'image.dcm');
  writeFileSync(fake, Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.alloc(16)]));
  assert.deepEqual(readReportSource(fake).rejected.map((r) => [r.path, r.reason]), [[fake, 'not_sr']]);
});
