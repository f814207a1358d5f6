// The demo archive on disk: MIMIC-CXR layout, DICOM files that dcmtk reads
// with identities matching the labels CSV, reports beside their studies, a
// mix of transfer syntaxes and photometric interpretations, and determinism.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { MANIFEST_FILE, generateArchive } from '../../src-main/demo/archive';
import { FINDING_KINDS } from '../../src-main/demo/findings';
import { tempDir } from '../helpers/temp';

const STUDIES = 8;
const SIZE = 96;

function tag(dump: string, name: string): string | undefined {
  return new RegExp(`\\[([^\\]]*)\\]\\s+#\\s+\\d+, \\d+ ${name}\\b`).exec(dump)?.[1];
}

describe('demo archive', async () => {
  const root = tempDir('convirt-demo-archive-');
  const out = join(root, 'archive');
  const progress: number[] = [];
  const manifest = await generateArchive({ outDir: out, studies: STUDIES, seed: 5, size: SIZE, onProgress: (p) => progress.push(p.done) });
  const labels = parse(readFileSync(join(out, 'labels.csv')), { columns: true }) as Record<string, string>[];
  const metadata = parse(readFileSync(join(out, 'metadata.csv')), { columns: true }) as Record<string, string>[];
  const findings = parse(readFileSync(join(out, 'findings.csv')), { columns: true }) as Record<string, string>[];

  it('writes the manifest, one label row per study, one metadata row per image, and reports progress', () => {
    assert.deepEqual(JSON.parse(readFileSync(join(out, MANIFEST_FILE), 'utf8')), manifest);
    assert.equal(labels.length, STUDIES);
    assert.equal(metadata.length, manifest.instances);
    assert.ok(manifest.instances >= STUDIES);
    assert.deepEqual(progress, Array.from({ length: STUDIES }, (_, i) => i + 1));
    for (const row of labels) {
      const positives = FINDING_KINDS.filter((k) => row[k] === '1');
      assert.equal(row.no_finding, positives.length === 0 ? '1' : '0');
      assert.deepEqual(findings.filter((f) => f.study_uid === row.study_uid).map((f) => f.finding).sort(), [...positives].sort());
    }
  });

  it('lays files out as MIMIC-CXR does, and dcmtk reads identities that match the CSVs', () => {
    for (const row of metadata) {
      assert.match(row.path!, /^files\/p\d{2}\/p\d{8}\/s\d{8}\/[0-9a-f]{8}(-[0-9a-f]{8}){4}\.dcm$/);
      assert.ok(row.path!.startsWith(`files/p${row.subject_id!.slice(0, 2)}/p${row.subject_id}/s${row.study_id}/`));
      assert.ok(existsSync(join(out, `files/p${row.subject_id!.slice(0, 2)}/p${row.subject_id}/s${row.study_id}.txt`)), 'report beside the study folder');
      const dump = spawnSync('dcmdump', ['-q', join(out, row.path!)], { encoding: 'utf8' });
      assert.equal(dump.status, 0, dump.stderr);
      assert.equal(dump.stderr, '');
      assert.equal(tag(dump.stdout, 'StudyInstanceUID'), row.study_uid);
      assert.equal(tag(dump.stdout, 'SeriesInstanceUID'), row.series_uid);
      assert.equal(tag(dump.stdout, 'SOPInstanceUID'), row.sop_instance_uid);
      assert.equal(tag(dump.stdout, 'PatientID'), row.subject_id);
      assert.equal(tag(dump.stdout, 'ViewPosition'), row.view_position);
      assert.equal(tag(dump.stdout, 'Modality'), row.modality);
      assert.equal(tag(dump.stdout, 'PhotometricInterpretation'), row.photometric);
      assert.equal(tag(dump.stdout, 'AccessionNumber'), labels.find((l) => l.study_uid === row.study_uid)!.accession_number);
    }
    const studyFolders = new Set(metadata.map((r) => r.path!.split('/').slice(0, 4).join('/')));
    assert.equal(studyFolders.size, STUDIES);
    assert.equal(new Set(metadata.map((r) => r.sop_instance_uid)).size, metadata.length, 'instance UIDs are unique');
    assert.ok(new Set(metadata.map((r) => r.transfer_syntax)).size >= 3, 'several transfer syntaxes');
    assert.equal(new Set(metadata.map((r) => r.photometric)).size, 2, 'both MONOCHROME1 and MONOCHROME2');
  });

  it('is the same archive for the same seed, and refuses to overwrite a folder', async () => {
    const again = join(root, 'again');
    await generateArchive({ outDir: again, studies: STUDIES, seed: 5, size: SIZE });
    for (const name of ['labels.csv', 'metadata.csv', 'findings.csv']) assert.deepEqual(readFileSync(join(again, name)), readFileSync(join(out, name)));
    const first = metadata[0]!.path!;
    assert.deepEqual(readFileSync(join(again, first)), readFileSync(join(out, first)));
    await assert.rejects(generateArchive({ outDir: out, studies: 2, seed: 5, size: SIZE }), /already exists/);
    assert.deepEqual(readdirSync(root).sort(), ['again', 'archive'], 'no partial folder left behind');
  });
});
