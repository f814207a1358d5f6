/** `convirt import` as a user runs it: the built bin, a real library, real files. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/temp';
import { copySharedDicom, NO_SHARED_DICOM } from './shared-data';

test('convirt import --json prints counts and rejected files; --rejected lists them later', { skip: NO_SHARED_DICOM }, () => {
  const dir = tempDir();
  const data = copySharedDicom(dir, 'generated');
  writeFileSync(join(data, 'readme.txt'), 'not DICOM');
  const lib = join(dir, 'lib.sqlite');
  const r = runCli(['import', data, '--library', lib, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual(
    { patients: out.patients, studies: out.studies, series: out.series, instances: out.instances, reports: out.reports, labels: out.labels },
    { patients: 1, studies: 1, series: 1, instances: 1, reports: 0, labels: 0 },
  );
  assert.deepEqual(out.rejected, [{ path: join(data, 'readme.txt'), reason: 'not_dicom' }]);
  assert.equal(out.duplicates, 6);

  const again = JSON.parse(runCli(['import', data, '--library', lib, '--json']).stdout) as Record<string, unknown>;
  assert.equal(again.instances, 1);
  assert.equal(again.added, 0);
  assert.equal(again.skipped, 8);

  const listed = runCli(['import', '--rejected', '--library', lib, '--json']);
  assert.equal(listed.status, 0);
  assert.deepEqual((JSON.parse(listed.stdout) as { rejected: { reason: string }[] }).rejected.map((x) => x.reason), ['not_dicom']);

  const plain = runCli(['import', data, '--library', lib]);
  assert.equal(plain.status, 0);
  assert.match(plain.stdout, /Library: 1 patients, 1 studies, 1 series, 1 images/);
});

test('convirt import --manifest attaches reports to the imported DICOM study; unknown keys are rejected, not lost', { skip: NO_SHARED_DICOM }, () => {
  const dir = tempDir();
  const data = copySharedDicom(dir, 'generated');
  const manifest = join(dir, 'reports.csv');
  writeFileSync(
    manifest,
    'StudyInstanceUID,findings,impression\n' +
      '1.2.276.0.7230010.3.1.2.8323328.17698.1795826289.586449,"Lungs are clear. No effusion.",No acute disease.\n' +
      '1.2.3.4.5,"Heart size normal.",Normal.\n',
  );
  const lib = join(dir, 'lib.sqlite');
  const r = runCli(['import', data, '--manifest', manifest, '--library', lib, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { instances: number; reports: number; rejected: { path: string; reason: string }[] };
  assert.equal(out.instances, 1);
  assert.equal(out.reports, 1);
  assert.deepEqual(out.rejected.map((x) => x.reason), ['no_matching_study']);
});

test('convirt import says clearly what is wrong', () => {
  const lib = join(tempDir(), 'lib.sqlite');
  const reports = runCli(['import', '--manifest', '/nonexistent/reports.csv', '--library', lib]);
  assert.notEqual(reports.status, 0);
  assert.match(reports.stderr, /nonexistent/);
  const layout = runCli(['import', '.', '--layout', 'pacs', '--library', lib]);
  assert.equal(layout.status, 2);
  assert.match(layout.stderr, /--layout must be one of/);
  const missing = runCli(['import', '/nonexistent/folder', '--library', lib, '--json']);
  assert.equal(missing.status, 1);
  assert.equal((JSON.parse(missing.stdout) as { error: { code: string } }).error.code, 'not_found');
});
