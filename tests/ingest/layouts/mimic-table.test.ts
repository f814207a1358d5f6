import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { openLibrary } from '../../../src-main/db/connection';
import { CHEXPERT_OBSERVATIONS, detectLayout, importLayout, syntheticUid } from '../../../src-main/ingest/layouts/index';
import { tempDir } from '../../helpers/temp';
import { COVID_IMAGES, copyTo, covidJpeg, haveCovidImages, writePng } from './fixtures';

const skip = haveCovidImages ? false : `${COVID_IMAGES} is absent`;

test('synthetic UIDs are 2.25 + the decimal of 128 bits of SHA-256 of the name', () => {
  // python3: hashlib.sha256(b'covid\x00study\x00covid:2|images/x.jpg').digest()[:16] as a big-endian integer
  assert.equal(syntheticUid('covid', 'study', 'covid:2|images/x.jpg'), '2.25.163470853749184621090317133279354770039');
  assert.notEqual(syntheticUid('a', 'bc'), syntheticUid('ab', 'c'), 'the parts are separated, not concatenated');
});

test('a MIMIC-CXR-JPG tree imports images, text reports, CheXpert labels, views and dates', { skip }, async () => {
  const root = tempDir('convirt-mimic-');
  const s1 = join(root, 'files', 'p10', 'p10000032', 's50414267');
  const s2 = join(root, 'files', 'p10', 'p10000032', 's53189527');
  const s3 = join(root, 'files', 'p11', 'p11000011', 's51000011');
  copyTo(covidJpeg(10), join(s1, '02aa804e-bde0afdd.jpg'));
  copyTo(covidJpeg(11), join(s1, '174413ec-4ec4c1f7.jpg'));
  copyTo(covidJpeg(12), join(s2, '2a2277a9-b0ded155.jpg'));
  writePng(join(s3, 'a0b1c2d3-e4f5a6b7.png'), 64, 48);
  writeFileSync(`${s1}.txt`, ' FINAL REPORT\n INDICATION: cough\n\n FINDINGS: Lungs are clear.\n\n IMPRESSION: No acute process.\n');
  writeFileSync(`${s3}.txt`, ' IMPRESSION:\n 1. Small left effusion. 2. No pneumothorax.\n');
  const header = ['subject_id', 'study_id', ...CHEXPERT_OBSERVATIONS].join(',');
  const labelRow = (subject: string, study: string, values: Record<string, string>): string => [subject, study, ...CHEXPERT_OBSERVATIONS.map((o) => values[o] ?? '')].join(',');
  writeFileSync(
    join(root, 'mimic-cxr-2.0.0-chexpert.csv.gz'),
    gzipSync([header, labelRow('10000032', '50414267', { 'No Finding': '1.0' }), labelRow('11000011', '51000011', { 'Pleural Effusion': '1.0', Pneumothorax: '0.0' })].join('\n')),
  );
  writeFileSync(
    join(root, 'mimic-cxr-2.0.0-metadata.csv'),
    ['dicom_id,subject_id,study_id,ViewPosition,StudyDate', '02aa804e-bde0afdd,10000032,50414267,PA,21800506', '174413ec-4ec4c1f7,10000032,50414267,LATERAL,21800506'].join('\n'),
  );
  assert.equal(detectLayout(root), 'mimic');
  const db = openLibrary(join(root, 'library.sqlite'));
  const first = await importLayout(db, { root, layout: 'auto' });
  assert.deepEqual(first.rejected, []);
  assert.deepEqual([first.patients, first.studies, first.series, first.instances, first.reports, first.labels], [2, 3, 4, 4, 2, 3]);
  const studies = db.prepare(`
    SELECT p.patient_id AS patient, s.study_date AS date, s.source, group_concat(se.view_position) AS views,
      (SELECT group_concat(json_extract(j.value, '$.name')) FROM json_each(r.sections_json) j) AS sections,
      (SELECT group_concat(text, ' | ') FROM report_sentences rs WHERE rs.report_id = r.id AND rs.section = 'IMPRESSION') AS impression,
      r.source AS reportSource
    FROM studies s JOIN patients p ON p.id = s.patient_id JOIN series se ON se.study_id = s.id LEFT JOIN reports r ON r.study_id = s.id
    GROUP BY s.id ORDER BY s.id`).all();
  assert.deepEqual(studies, [
    { patient: '10000032', date: '2180-05-06', source: 'mimic', views: 'PA,LATERAL', sections: 'INDICATION,FINDINGS,IMPRESSION', impression: 'No acute process.', reportSource: 'txt' },
    { patient: '10000032', date: null, source: 'mimic', views: null, sections: null, impression: null, reportSource: null },
    { patient: '11000011', date: null, source: 'mimic', views: null, sections: 'IMPRESSION', impression: 'Small left effusion. | No pneumothorax.', reportSource: 'txt' },
  ]);
  assert.deepEqual(
    db.prepare("SELECT l.label, l.value FROM labels l JOIN label_schemas ls ON ls.id = l.schema_id WHERE ls.name = 'CheXpert' ORDER BY l.study_id, l.label").all(),
    [
      { label: 'No Finding', value: 'positive' },
      { label: 'Pleural Effusion', value: 'positive' },
      { label: 'Pneumothorax', value: 'negative' },
    ],
  );
  const again = await importLayout(db, { root: join(root, 'files'), layout: 'mimic' });
  assert.deepEqual([again.studies, again.instances, again.reports, again.labels, again.updated], [0, 0, 0, 0, { instances: 0, reports: 0, labels: 0 }]);
  db.close();
});

test('any image folder with one CSV imports its rows, text and label columns', { skip }, async () => {
  const root = tempDir('convirt-table-');
  copyTo(covidJpeg(20), join(root, 'img', 'a.jpg'));
  copyTo(covidJpeg(21), join(root, 'img', 'b.jpg'));
  writePng(join(root, 'img', 'c.png'), 8, 8);
  writeFileSync(
    join(root, 'dataset.csv'),
    [
      'Image,Patient ID,Report,Label,View',
      'img/a.jpg,P1,"FINDINGS: Consolidation. IMPRESSION: Pneumonia.",pneumonia,PA',
      'img/b.jpg,P1,Normal chest.,normal,AP',
      'img/c.png,P2,,normal,',
      ',P3,no image,normal,PA',
      'img/missing.jpg,P4,text,normal,PA',
    ].join('\n'),
  );
  assert.equal(detectLayout(root), 'table');
  const db = openLibrary(join(root, 'library.sqlite'));
  const first = await importLayout(db, { root, layout: 'auto' });
  assert.deepEqual(
    first.rejected.map((r) => [r.path, r.reason]),
    [
      [`${join(root, 'dataset.csv')}:5`, 'no_image'],
      [join(root, 'img', 'missing.jpg'), 'unreadable'],
    ],
  );
  assert.deepEqual([first.patients, first.studies, first.instances, first.reports, first.labels], [2, 3, 3, 2, 3]);
  assert.deepEqual(db.prepare("SELECT name, kind, definition_json AS d FROM label_schemas WHERE name LIKE 'dataset-%'").all(), [
    { name: 'dataset-label', kind: 'multiclass', d: JSON.stringify({ label: 'label', classes: ['normal', 'pneumonia'] }) },
  ]);
  assert.deepEqual(
    db.prepare("SELECT json_extract(sections_json, '$[1].name') AS name, json_extract(sections_json, '$[1].text') AS text FROM reports ORDER BY id LIMIT 1").get(),
    { name: 'IMPRESSION', text: 'Pneumonia.' },
  );
  const again = await importLayout(db, { root, layout: 'table' });
  assert.deepEqual([again.studies, again.instances, again.reports, again.labels], [0, 0, 0, 0]);
  db.close();
});

test('a folder with no known layout is refused with its path', () => {
  const root = tempDir('convirt-nolayout-');
  assert.throws(() => detectLayout(root), /no known layout/);
  assert.throws(() => detectLayout(join(root, 'absent')), /absent is not a folder/);
});

test('a cancelled layout import leaves whole studies only, and the next import completes it', { skip }, async () => {
  const root = tempDir('convirt-cancel-');
  const lines = ['image,patient_id,report,label'];
  for (let i = 0; i < 6; i++) {
    copyTo(covidJpeg(30 + i), join(root, `i${i}.jpg`));
    lines.push(`i${i}.jpg,P${i},IMPRESSION: finding ${i}.,class${i % 2}`);
  }
  writeFileSync(join(root, 'pairs.csv'), lines.join('\n'));
  const db = openLibrary(join(root, 'library.sqlite'));
  const controller = new AbortController();
  await assert.rejects(
    importLayout(db, { root, layout: 'table', batchSize: 2, signal: controller.signal }, (p) => {
      if (p.studiesDone >= 2) controller.abort();
    }),
    /cancelled/,
  );
  const whole = (): unknown =>
    db.prepare(`SELECT count(*) AS studies, sum((SELECT count(*) FROM series se JOIN instances i ON i.series_id = se.id WHERE se.study_id = s.id) = 1
      AND (SELECT count(*) FROM reports r WHERE r.study_id = s.id) = 1 AND (SELECT count(*) FROM labels l WHERE l.study_id = s.id) = 1) AS whole FROM studies s`).get();
  assert.deepEqual(whole(), { studies: 2, whole: 2 });
  const rest = await importLayout(db, { root, layout: 'table' });
  assert.deepEqual([rest.studies, rest.instances, rest.reports, rest.labels, rest.studiesSeen], [4, 4, 4, 4, 6]);
  assert.deepEqual(whole(), { studies: 6, whole: 6 });
  db.close();
});
