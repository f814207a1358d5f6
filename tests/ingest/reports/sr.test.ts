import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readSrReport, sectionText } from '../../../src-main/ingest/reports/index';
import { tempDir } from '../../helpers/temp';
import { writeSr, type SrDocument } from './sr-fixture';

const dir = tempDir('convirt-sr-');

const chestReport = (sopClass: SrDocument['sopClass'], withNumbers: boolean): SrDocument => ({
  sopClass,
  title: 'Chest X-Ray Report',
  studyUid: '1.2.826.0.1.3680043.8.498.7001',
  accession: 'ACC7001',
  patientId: 'PAT7001',
  studyDate: '20240131',
  content: [
    { type: 'text', name: 'Clinical History', value: 'Cough for two weeks. Fever.' },
    {
      type: 'container',
      name: 'Findings',
      children: [
        { type: 'text', name: 'Finding', value: 'The heart is normal in size. Lungs are clear – no focal opacity.' },
        { type: 'code', name: 'Pleural effusion', meaning: 'Absent' },
        ...(withNumbers ? [{ type: 'num' as const, name: 'Nodule diameter', value: '1.5', unit: 'cm' }] : []),
      ],
    },
    { type: 'container', name: 'Impression', children: [{ type: 'text', name: 'Impression', value: 'No acute cardiopulmonary process.' }] },
  ],
});

test('Basic Text, Enhanced and Comprehensive SR files written by dcmtk give their text, sections and study', () => {
  for (const [sopClass, implicit] of [
    ['basic', false],
    ['enhanced', false],
    ['comprehensive', false],
    ['comprehensive', true],
  ] as const) {
    const withNumbers = sopClass !== 'basic'; // Basic Text SR has no NUM items
    const path = writeSr(dir, `${sopClass}-${implicit ? 'implicit' : 'explicit'}`, chestReport(sopClass, withNumbers), implicit);
    assert.match(execFileSync('dcmdump', [path]).toString(), implicit ? /Little Endian Implicit/ : /Little Endian Explicit/);
    const { key, study, report } = readSrReport(readFileSync(path), path);
    assert.deepEqual(key, { by: 'studyUid', studyUid: '1.2.826.0.1.3680043.8.498.7001' });
    assert.deepEqual(study, { studyUid: '1.2.826.0.1.3680043.8.498.7001', accessionNumber: 'ACC7001', patientId: 'PAT7001', studyDate: '2024-01-31' });
    assert.equal(report.source, 'sr');
    assert.equal(report.sourcePath, path);
    assert.equal(sectionText(report, 'INDICATION'), 'Cough for two weeks. Fever.', sopClass);
    const findings = sectionText(report, 'FINDINGS') ?? '';
    assert.match(findings, /^The heart is normal in size\. Lungs are clear – no focal opacity\.\s+Pleural effusion: Absent/);
    assert.equal(/Nodule diameter: 1\.5 cm/.test(findings), withNumbers);
    assert.equal(sectionText(report, 'IMPRESSION'), 'No acute cardiopulmonary process.');
    assert.ok(report.rawText.startsWith('Chest X-Ray Report'));
    assert.deepEqual(
      report.sentences.filter((s) => s.section === 'FINDINGS').map((s) => s.text),
      ['The heart is normal in size.', 'Lungs are clear – no focal opacity.', 'Pleural effusion: Absent', ...(withNumbers ? ['Nodule diameter: 1.5 cm'] : [])],
    );
  }
});

test('a DICOM file that is not an SR, and bytes that are not DICOM, are refused with the path', () => {
  const notDicom = Buffer.from('hello, not a DICOM file');
  assert.throws(() => readSrReport(notDicom, '/x/notes.bin'), /\/x\/notes\.bin is not a readable DICOM file/);
  const path = writeSr(dir, 'for-image-test', chestReport('basic', false));
  const bytes = readFileSync(path);
  // Rewrite the SOP class UIDs (meta header and data set) in place, same length, to CR Image Storage.
  const srClass = Buffer.from('1.2.840.10008.5.1.4.1.1.88.11');
  for (let at = bytes.indexOf(srClass); at >= 0; at = bytes.indexOf(srClass, at + 1)) bytes.write('1.2.840.10008.5.1.4.1.1.1\0\0\0\0', at, 'latin1');
  assert.throws(() => readSrReport(bytes, '/x/cr.dcm'), /cr\.dcm is not a structured report \(SOP class 1\.2\.840\.10008\.5\.1\.4\.1\.1\.1\)/);
});
