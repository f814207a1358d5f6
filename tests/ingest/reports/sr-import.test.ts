/**
 * DICOM SR files met by a DICOM import become the report of their study, in
 * the study's transaction. Real files: shared chest radiographs and SR
 * documents written by dcmtk's xml2dsr with the same Study Instance UID.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary, type Db } from '../../../src-main/db/connection';
import { importDicom } from '../../../src-main/ingest/import-pipeline';
import { ImportStore, SR_WITHOUT_STUDY } from '../../../src-main/ingest/import-store';
import { tempDir } from '../../helpers/temp';
import { NO_SHARED_DICOM, sharedFile } from '../shared-data';
import { writeSr, type SrDocument } from './sr-fixture';

// Study Instance UIDs of two shared files (dcmdump +P 0020,000d).
const CXR_STUDY = '1.2.276.0.7230010.3.1.2.8323328.17698.1795826289.586449';
const RSNA_STUDY = '1.2.276.0.7230010.3.1.2.8323329.16082.1517874394.624939';

const report = (sopClass: SrDocument['sopClass'], studyUid: string, impression: string): SrDocument => ({
  sopClass,
  title: 'Chest X-Ray Report',
  studyUid,
  accession: 'ACC-SR',
  patientId: 'PAT-SR',
  studyDate: '20240131',
  content: [
    { type: 'container', name: 'Findings', children: [{ type: 'text', name: 'Finding', value: 'The heart is normal in size. Lungs are clear.' }] },
    { type: 'container', name: 'Impression', children: [{ type: 'text', name: 'Impression', value: impression }] },
  ],
});

function srReports(db: Db): { study_uid: string; source: string; source_path: string; raw_text: string; impression: string }[] {
  return db
    .prepare(
      `SELECT s.study_uid, r.source, r.source_path, r.raw_text,
        (SELECT group_concat(text, ' ') FROM report_sentences WHERE report_id = r.id AND section = 'IMPRESSION') AS impression
       FROM reports r JOIN studies s ON s.id = r.study_id ORDER BY s.study_uid`,
    )
    .all() as never;
}

test('an SR file in a study folder becomes its study report; an SR whose study has no images is listed and attaches once they come', { skip: NO_SHARED_DICOM }, async () => {
  const dir = tempDir('convirt-sr-import-');
  // Study 1: its SR sits in a folder the walk visits before the image folder.
  const study1 = join(dir, 'inbox', 'study1');
  mkdirSync(join(study1, 'a-report'), { recursive: true });
  mkdirSync(join(study1, 'b-images'), { recursive: true });
  copyFileSync(sharedFile('generated', 'cxr_explicitLE.dcm'), join(study1, 'b-images', 'cxr.dcm'));
  // xml2dsr works in a scratch folder; only the finished SR files go into the import tree.
  const scratch = join(dir, 'scratch');
  mkdirSync(scratch);
  const place = (written: string, target: string): string => (copyFileSync(written, target), target);
  const sr1 = place(writeSr(scratch, 'report', report('comprehensive', CXR_STUDY, 'No acute cardiopulmonary process.')), join(study1, 'a-report', 'report.dcm'));
  // An SR of a study whose images are not imported yet (implicit VR, Basic Text SR).
  const later = join(dir, 'later');
  mkdirSync(later);
  const sr2 = place(writeSr(scratch, 'rsna-report', report('basic', RSNA_STUDY, 'Right lower lobe opacity.'), true), join(dir, 'inbox', 'rsna-report.dcm'));

  const db = openLibrary(join(dir, 'lib.sqlite'));
  const first = await importDicom(db, [join(dir, 'inbox')], { decode: false });
  assert.equal(first.instancesAdded, 1);
  assert.deepEqual([first.reportsAdded, first.reportsUpdated, first.reportsUnchanged], [1, 0, 0]);
  const rejected = new Map(first.rejected.map((r) => [r.path, r]));
  assert.equal(rejected.get(sr2)?.detail, SR_WITHOUT_STUDY);
  assert.equal(first.rejected.length, 1);
  assert.deepEqual(new ImportStore(db).listRejected(), [{ path: sr2, reason: 'no_pixel_data', detail: SR_WITHOUT_STUDY }]);
  let reports = srReports(db);
  assert.equal(reports.length, 1);
  assert.deepEqual([reports[0]!.study_uid, reports[0]!.source, reports[0]!.source_path, reports[0]!.impression], [CXR_STUDY, 'sr', sr1, 'No acute cardiopulmonary process.']);
  assert.match(reports[0]!.raw_text, /^Chest X-Ray Report/);
  const imported = db.prepare("SELECT status FROM import_files WHERE path = ?").pluck().get(sr1);
  assert.equal(imported, 'imported');

  // Importing again changes nothing: the SR is read again, its report is unchanged.
  const again = await importDicom(db, [join(dir, 'inbox')], { decode: false });
  assert.deepEqual([again.instancesAdded, again.reportsAdded, again.reportsUpdated, again.reportsUnchanged], [0, 0, 0, 1]);
  assert.equal(srReports(db).length, 1);

  // The RSNA images arrive; the waiting SR attaches on the next import of its folder.
  copyFileSync(sharedFile('chest', 'RSNA_c64d5667_chestAP_CR_jpegbaseline.dcm'), join(later, 'rsna.dcm'));
  const third = await importDicom(db, [later, join(dir, 'inbox')], { decode: false });
  assert.deepEqual([third.instancesAdded, third.reportsAdded], [1, 1]);
  assert.ok(!third.rejected.some((r) => r.path === sr2));
  reports = srReports(db);
  assert.deepEqual(
    reports.map((r) => [r.study_uid, r.impression]),
    [
      [CXR_STUDY, 'No acute cardiopulmonary process.'],
      [RSNA_STUDY, 'Right lower lobe opacity.'],
    ],
  );

  // A corrected SR (same file, new text) replaces the study's SR report.
  place(writeSr(scratch, 'report', report('comprehensive', CXR_STUDY, 'Small left pleural effusion.')), sr1);
  const fourth = await importDicom(db, [join(dir, 'inbox')], { decode: false });
  assert.deepEqual([fourth.reportsAdded, fourth.reportsUpdated], [0, 1]);
  assert.equal(srReports(db).find((r) => r.study_uid === CXR_STUDY)?.impression, 'Small left pleural effusion.');
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
});
