import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../../src-main/db/connection';
import { CHEXPERT_OBSERVATIONS, importLayout } from '../../../src-main/ingest/layouts/index';
import { tempDir } from '../../helpers/temp';
import { COVID_IMAGES, copyTo, covidJpeg, haveCovidImages, writePng } from './fixtures';

const HEADER = ['Path', 'Sex', 'Age', 'Frontal/Lateral', 'AP/PA', ...CHEXPERT_OBSERVATIONS].join(',');
const row = (path: string, sex: string, view: string, apPa: string, labels: Record<string, string>): string =>
  [path, sex, '68', view, apPa, ...CHEXPERT_OBSERVATIONS.map((o) => labels[o] ?? '')].join(',');

test('a CheXpert folder imports studies, views and the 14 observations; bad rows and files are rejected', { skip: haveCovidImages ? false : `${COVID_IMAGES} is absent` }, async () => {
  const top = tempDir('convirt-chexpert-');
  const root = join(top, 'CheXpert-v1.0-small');
  const img = (p: string): string => join(top, p);
  const p1f = 'CheXpert-v1.0-small/train/patient00001/study1/view1_frontal.jpg';
  const p1l = 'CheXpert-v1.0-small/train/patient00001/study1/view2_lateral.jpg';
  const p2 = 'CheXpert-v1.0-small/train/patient00002/study1/view1_frontal.png';
  const missing = 'CheXpert-v1.0-small/train/patient00003/study1/view1_frontal.jpg';
  const notImage = 'CheXpert-v1.0-small/train/patient00004/study2/view1_frontal.jpg';
  const badLabel = 'CheXpert-v1.0-small/train/patient00005/study1/view1_frontal.jpg';
  const valid = 'CheXpert-v1.0-small/valid/patient64541/study1/view1_frontal.jpg';
  copyTo(covidJpeg(0), img(p1f));
  copyTo(covidJpeg(1), img(p1l));
  writePng(img(p2), 40, 30);
  writeFileSync(copyTo(covidJpeg(2), img(notImage)), 'this is text, not a JPEG');
  copyTo(covidJpeg(3), img(badLabel));
  copyTo(covidJpeg(4), img(valid));
  const p1Labels = { Cardiomegaly: '1.0', Edema: '-1.0', 'Pleural Effusion': '0.0', 'Support Devices': '1' };
  writeFileSync(
    join(root, 'train.csv'),
    [
      HEADER,
      row(p1f, 'Female', 'Frontal', 'AP', p1Labels),
      row(p1l, 'Female', 'Lateral', '', p1Labels),
      row(p2, 'Male', 'Frontal', 'PA', { 'No Finding': '1.0' }),
      row(missing, 'Male', 'Frontal', 'PA', {}),
      row(notImage, 'Unknown', 'Frontal', 'AP', {}),
      row(badLabel, 'Male', 'Frontal', 'AP', { Edema: '2' }),
    ].join('\n'),
  );
  writeFileSync(join(root, 'valid.csv'), [HEADER, row(valid, 'Male', 'Frontal', 'PA', { Fracture: '1.0', 'Lung Opacity': '0.0' })].join('\n'));

  const db = openLibrary(join(top, 'library.sqlite'));
  const first = await importLayout(db, { root, layout: 'auto' });
  assert.equal(first.layout, 'chexpert');
  assert.deepEqual(
    first.rejected.map((r) => [r.path, r.reason]),
    [
      [`${join(root, 'train.csv')}:7`, 'bad_row'],
      [img(missing), 'unreadable'],
      [img(notImage), 'unreadable'],
      // Its row was rejected, so no study uses the file: listed too.
      [img(badLabel), 'not_in_table'],
    ],
  );
  assert.deepEqual(
    { patients: first.patients, studies: first.studies, series: first.series, instances: first.instances, reports: first.reports, labels: first.labels },
    { patients: 3, studies: 3, series: 4, instances: 4, reports: 0, labels: 4 + 1 + 2 },
  );
  const images = db.prepare(`
    SELECT p.patient_id AS patient, p.sex, se.modality, se.view_position AS view, i.rows, i.columns, i.path
    FROM instances i JOIN series se ON se.id = i.series_id JOIN studies s ON s.id = se.study_id JOIN patients p ON p.id = s.patient_id ORDER BY i.path`).all();
  assert.deepEqual(images, [
    { patient: 'patient00001', sex: 'F', modality: 'DX', view: 'AP', rows: (images[0] as { rows: number }).rows, columns: (images[0] as { columns: number }).columns, path: img(p1f) },
    { patient: 'patient00001', sex: 'F', modality: 'DX', view: 'LATERAL', rows: (images[1] as { rows: number }).rows, columns: (images[1] as { columns: number }).columns, path: img(p1l) },
    { patient: 'patient00002', sex: 'M', modality: 'DX', view: 'PA', rows: 30, columns: 40, path: img(p2) },
    { patient: 'patient64541', sex: 'M', modality: 'DX', view: 'PA', rows: (images[3] as { rows: number }).rows, columns: (images[3] as { columns: number }).columns, path: img(valid) },
  ]);
  const labels = db.prepare(`
    SELECT p.patient_id AS patient, l.label, l.value FROM labels l JOIN label_schemas ls ON ls.id = l.schema_id JOIN studies s ON s.id = l.study_id
    JOIN patients p ON p.id = s.patient_id WHERE ls.name = 'CheXpert' AND ls.kind = 'chexpert' AND l.source = 'imported' ORDER BY patient, l.label`).all();
  assert.deepEqual(labels, [
    { patient: 'patient00001', label: 'Cardiomegaly', value: 'positive' },
    { patient: 'patient00001', label: 'Edema', value: 'uncertain' },
    { patient: 'patient00001', label: 'Pleural Effusion', value: 'negative' },
    { patient: 'patient00001', label: 'Support Devices', value: 'positive' },
    { patient: 'patient00002', label: 'No Finding', value: 'positive' },
    { patient: 'patient64541', label: 'Fracture', value: 'positive' },
    { patient: 'patient64541', label: 'Lung Opacity', value: 'negative' },
  ]);

  const again = await importLayout(db, { root, layout: 'chexpert' });
  assert.deepEqual([again.patients, again.studies, again.series, again.instances, again.labels, again.updated], [0, 0, 0, 0, 0, { instances: 0, reports: 0, labels: 0 }]);

  // A relabelled study and a replaced image are updated in place, not added.
  writeFileSync(join(root, 'valid.csv'), [HEADER, row(valid, 'Male', 'Frontal', 'PA', { Fracture: '-1.0' })].join('\n'));
  copyTo(covidJpeg(5), img(valid));
  const changed = await importLayout(db, { root, layout: 'chexpert' });
  assert.deepEqual([changed.studies, changed.instances, changed.labels, changed.updated], [0, 0, 0, { instances: 1, reports: 0, labels: 2 }]);
  assert.deepEqual(
    db.prepare("SELECT label, value FROM labels l JOIN studies s ON s.id = l.study_id JOIN patients p ON p.id = s.patient_id WHERE p.patient_id = 'patient64541'").all(),
    [{ label: 'Fracture', value: 'uncertain' }],
  );
  db.close();
});
