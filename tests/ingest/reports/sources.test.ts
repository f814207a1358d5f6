import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ReportIndex, mimicTextReports, readReportManifest, sectionText } from '../../../src-main/ingest/reports/index';
import { tempDir } from '../../helpers/temp';

const MIMIC_REPORT = `                                 FINAL REPORT
 EXAMINATION:  CHEST (PA AND LAT)

 INDICATION:  ___F with new onset ascites  // eval for infection

 COMPARISON:  None.

 FINDINGS:

 There is no focal consolidation, pleural effusion or pneumothorax.  Bilateral
 nodular opacities that most likely represent nipple shadows. The
 cardiomediastinal silhouette is normal.

 IMPRESSION:

 No acute cardiopulmonary process.
`;

test('MIMIC-CXR text reports are found next to their study folders and keyed by them', () => {
  const root = tempDir('convirt-mimic-txt-');
  const patient = join(root, 'files', 'p10', 'p10000032');
  mkdirSync(join(patient, 's50414267'), { recursive: true });
  writeFileSync(join(patient, 's50414267.txt'), `\uFEFF${MIMIC_REPORT}`);
  writeFileSync(join(patient, 's53189527.txt'), 'FINDINGS: Lungs clear.\nIMPRESSION: Normal.');
  writeFileSync(join(patient, 's59999999.txt'), '  \n');
  writeFileSync(join(patient, 'notes.txt'), 'not a study report');
  mkdirSync(join(root, 'files', 'p11', 'p11000011'), { recursive: true });
  writeFileSync(join(root, 'files', 'p11', 'p11000011', 's51000011.txt'), 'IMPRESSION: Small left effusion.');
  writeFileSync(join(root, 'files', 's50000000.txt'), 'not inside a patient folder');

  const { reports, rejected } = mimicTextReports(root);
  assert.deepEqual(
    reports.map((r) => r.key),
    [
      { by: 'studyDir', dir: join(patient, 's50414267'), patientId: '10000032', studyId: '50414267' },
      { by: 'studyDir', dir: join(patient, 's53189527'), patientId: '10000032', studyId: '53189527' },
      { by: 'studyDir', dir: join(root, 'files', 'p11', 'p11000011', 's51000011'), patientId: '11000011', studyId: '51000011' },
    ],
  );
  assert.deepEqual(rejected, [{ path: join(patient, 's59999999.txt'), reason: 'empty', detail: 'the report file holds no text' }]);
  const first = reports[0]!.report;
  assert.equal(first.rawText, MIMIC_REPORT, 'raw text kept exactly, without the byte-order mark');
  assert.equal(first.source, 'txt');
  assert.deepEqual(
    first.sections.map((s) => s.name),
    ['EXAMINATION', 'INDICATION', 'COMPARISON', 'FINDINGS', 'IMPRESSION'],
  );
  assert.deepEqual(
    first.sentences.filter((s) => s.section === 'FINDINGS').map((s) => s.text.replace(/\s+/g, ' ')),
    [
      'There is no focal consolidation, pleural effusion or pneumothorax.',
      'Bilateral nodular opacities that most likely represent nipple shadows.',
      'The cardiomediastinal silhouette is normal.',
    ],
  );

  const index = new ReportIndex(reports);
  assert.equal(index.size, 3);
  const found = index.find({ studyUid: '2.25.1', dirs: [join(patient, 's53189527')] });
  assert.deepEqual(found.map((r) => sectionText(r, 'IMPRESSION')), ['Normal.']);
  assert.deepEqual(index.find({ studyUid: '2.25.1', dirs: [join(patient, 'elsewhere')] }), []);
});

test('a CSV manifest keys reports by study UID, accession number, or patient and date', () => {
  const dir = tempDir('convirt-manifest-');
  const path = join(dir, 'reports.csv');
  writeFileSync(
    path,
    [
      'StudyInstanceUID,Accession Number,PatientID,StudyDate,Report',
      '1.2.3.4,,,,"FINDINGS: Clear lungs, normal heart.\nIMPRESSION: Normal."',
      ',ACC-9,,,IMPRESSION: Effusion.',
      ',,P77,20230405,IMPRESSION: Stable.',
      ',,P78,"April 6, 2023",Impression: Better.',
      ',,P79,not a date,IMPRESSION: Lost.',
      '1.2.3.5,,,,',
    ].join('\r\n'),
  );
  const { reports, rejected } = readReportManifest(path);
  assert.deepEqual(
    reports.map((r) => [r.key, sectionText(r.report, 'IMPRESSION')]),
    [
      [{ by: 'studyUid', studyUid: '1.2.3.4' }, 'Normal.'],
      [{ by: 'accession', accessionNumber: 'ACC-9' }, 'Effusion.'],
      [{ by: 'patientDate', patientId: 'P77', studyDate: '2023-04-05' }, 'Stable.'],
      [{ by: 'patientDate', patientId: 'P78', studyDate: '2023-04-06' }, 'Better.'],
    ],
  );
  assert.equal(sectionText(reports[0]!.report, 'FINDINGS'), 'Clear lungs, normal heart.');
  assert.deepEqual(
    rejected.map((r) => [r.path, r.reason]),
    [
      [`${path}:7`, 'no_study_key'], // line numbers count the quoted line break in the first row
      [`${path}:8`, 'empty'],
    ],
  );
  const index = new ReportIndex(reports);
  assert.equal(index.find({ studyUid: '9.9', accessionNumber: 'ACC-9' }).length, 1);
  assert.equal(index.find({ patientId: 'P77', studyDate: '2023-04-05' }).length, 1);
  assert.equal(index.find({ patientId: 'P77', studyDate: '2023-04-06' }).length, 0);
});

test('a TSV manifest with section columns is joined under headings', () => {
  const dir = tempDir('convirt-manifest-');
  const path = join(dir, 'reports.tsv');
  writeFileSync(path, 'accession\tindication\tfindings\timpression\nA1\tcough\tLungs clear.\tNo acute disease.\nA2\t\t\tNormal.\n');
  const { reports } = readReportManifest(path);
  assert.equal(reports[0]!.report.rawText, 'INDICATION: cough\n\nFINDINGS: Lungs clear.\n\nIMPRESSION: No acute disease.');
  assert.deepEqual(
    reports[1]!.report.sections.map((s) => [s.name, s.text]),
    [['IMPRESSION', 'Normal.']],
  );
});

test('a manifest without a key or a text column is refused with the file name', () => {
  const dir = tempDir('convirt-manifest-');
  const noKey = join(dir, 'nokey.csv');
  writeFileSync(noKey, 'PatientID,Report\nP1,text\n');
  assert.throws(() => readReportManifest(noKey), /nokey\.csv has no study column/);
  const noText = join(dir, 'notext.csv');
  writeFileSync(noText, 'StudyInstanceUID,Other\n1.2,x\n');
  assert.throws(() => readReportManifest(noText), /notext\.csv has no report text column/);
  const broken = join(dir, 'broken.csv');
  writeFileSync(broken, 'StudyInstanceUID,Report\n1.2,"unclosed\n');
  assert.throws(() => readReportManifest(broken), /broken\.csv is not a readable CSV manifest/);
});
