/**
 * Everything a layout import skips is kept and listed by `convirt import
 * --rejected`: table rows, unreadable files, and images no accepted row names.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openLibrary } from '../../../src-main/db/connection';
import { importLayout, listLayoutRejections } from '../../../src-main/ingest/layouts/index';
import { runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/temp';
import { COVID_IMAGES, copyTo, covidJpeg, haveCovidImages, writePng } from './fixtures';

const skip = haveCovidImages ? false : `${COVID_IMAGES} is absent`;

function writeTableFolder(root: string): void {
  copyTo(covidJpeg(30), join(root, 'img', 'a.jpg'));
  writePng(join(root, 'img', 'extra.png'), 8, 8);
  copyTo(covidJpeg(31), join(root, 'img', 'nested', 'orphan.jpg'));
  writeFileSync(
    join(root, 'dataset.csv'),
    ['Image,Patient ID,Report,Label', 'img/a.jpg,P1,Normal chest.,normal', ',P2,no image,normal', 'img/missing.jpg,P3,text,normal'].join('\n'),
  );
}

test('a layout import stores every skipped row and file, images no row names included; the next import of the folder replaces them', { skip }, async () => {
  const root = tempDir('convirt-layout-rejections-');
  writeTableFolder(root);
  const db = openLibrary(join(root, 'library.sqlite'));
  const first = await importLayout(db, { root, layout: 'table' });
  const expected = [
    [`${join(root, 'dataset.csv')}:3`, 'table', 'no_image'],
    [join(root, 'img', 'extra.png'), 'table', 'not_in_table'],
    [join(root, 'img', 'missing.jpg'), 'table', 'unreadable'],
    [join(root, 'img', 'nested', 'orphan.jpg'), 'table', 'not_in_table'],
  ];
  assert.deepEqual(first.rejected.map((r) => [r.path, 'table', r.reason]).sort(), expected);
  assert.deepEqual(listLayoutRejections(db).map((r) => [r.path, r.layout, r.reason]), expected);
  assert.ok(listLayoutRejections(db).every((r) => r.detail.length > 10));

  // The table now names both images and the missing row is gone: only the row without an image is left.
  writeFileSync(
    join(root, 'dataset.csv'),
    ['Image,Patient ID,Report,Label', 'img/a.jpg,P1,Normal chest.,normal', ',P2,no image,normal', 'img/extra.png,P4,,normal', 'img/nested/orphan.jpg,P5,,normal'].join('\n'),
  );
  const second = await importLayout(db, { root, layout: 'table' });
  assert.deepEqual([second.studies, second.instances], [2, 2]);
  assert.deepEqual(listLayoutRejections(db).map((r) => [r.path, r.reason]), [[`${join(root, 'dataset.csv')}:3`, 'no_image']]);
  db.close();
});

test('convirt import --rejected lists DICOM and layout rejections together, each with its importer', { skip }, () => {
  const top = tempDir('convirt-layout-rejections-cli-');
  const root = join(top, 'table');
  writeTableFolder(root);
  const dicom = join(top, 'dicom');
  mkdirSync(dicom);
  writeFileSync(join(dicom, 'readme.txt'), 'not a DICOM file');
  const lib = join(top, 'lib.sqlite');
  const imported = runCli(['import', root, dicom, '--library', lib, '--json']);
  assert.equal(imported.status, 0, imported.stderr);
  const listed = runCli(['import', '--rejected', '--library', lib, '--json']);
  assert.equal(listed.status, 0, listed.stderr);
  const rejected = (JSON.parse(listed.stdout) as { rejected: { path: string; importer: string; reason: string; detail: string }[] }).rejected;
  assert.deepEqual(
    rejected.map((r) => [r.path, r.importer, r.reason]),
    [
      [join(dicom, 'readme.txt'), 'dicom', 'not_dicom'],
      [`${join(root, 'dataset.csv')}:3`, 'table', 'no_image'],
      [join(root, 'img', 'extra.png'), 'table', 'not_in_table'],
      [join(root, 'img', 'missing.jpg'), 'table', 'unreadable'],
      [join(root, 'img', 'nested', 'orphan.jpg'), 'table', 'not_in_table'],
    ],
  );
  const table = runCli(['import', '--rejected', '--library', lib]);
  assert.match(table.stdout, /importer/);
  assert.match(table.stdout, /not_in_table/);
});
