import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { extractMetadata, normaliseDicomDate } from '../../src-main/ingest/dicom/metadata';
import { parseDicomBytes } from '../../src-main/ingest/dicom/open';
import { RejectedFile, type RejectionReason } from '../../src-main/ingest/rejection';
import { NO_SHARED_DICOM, sharedFile } from './shared-data';

function rejection(bytes: Uint8Array): RejectionReason {
  try {
    extractMetadata(parseDicomBytes(bytes));
  } catch (e) {
    assert.ok(e instanceof RejectedFile, String(e));
    return e.reason;
  }
  assert.fail('expected a rejection');
}

test('StudyDate becomes YYYY-MM-DD; impossible dates become null', () => {
  assert.equal(normaliseDicomDate('20040826'), '2004-08-26');
  assert.equal(normaliseDicomDate('1996.06.11'), '1996-06-11');
  assert.equal(normaliseDicomDate('20230230'), null);
  assert.equal(normaliseDicomDate('2004'), null);
  assert.equal(normaliseDicomDate(null), null);
});

test('metadata of a Part 10 file, grouped patient / study / series / instance', { skip: NO_SHARED_DICOM }, () => {
  const meta = extractMetadata(parseDicomBytes(readFileSync(sharedFile('chest', 'WG04_RG1_chestPA_CR_JPEGLS_nearlossless.dcm'))));
  assert.equal(meta.study.studyUid, '1.3.6.1.4.1.5962.1.2.9.20040826185059.5457');
  assert.equal(meta.study.studyDate, '2004-08-26');
  assert.equal(meta.series.modality, 'CR');
  assert.equal(meta.instance.sopInstanceUid, '1.3.6.1.4.1.5962.1.1.9.1.7.20040826185059.5457');
  assert.deepEqual(
    [meta.pixels.rows, meta.pixels.columns, meta.pixels.bitsAllocated, meta.pixels.bitsStored, meta.pixels.photometricInterpretation],
    [1955, 1841, 16, 15, 'MONOCHROME1'],
  );
  assert.equal(meta.pixels.syntax.name, 'JPEG-LS Near-Lossless');
  assert.equal(meta.patient.patientKey, meta.patient.patientId ?? `study:${meta.study.studyUid}`);
});

test('files without the 128-byte preamble parse: DICM at offset 0, and a bare implicit-VR data set', { skip: NO_SHARED_DICOM }, () => {
  const full = readFileSync(sharedFile('generated', 'cxr_explicitLE.dcm'));
  const expected = extractMetadata(parseDicomBytes(full));
  const noPreamble = extractMetadata(parseDicomBytes(full.subarray(128)));
  assert.deepEqual(noPreamble.instance, expected.instance);

  const implicit = readFileSync(sharedFile('chest', 'NIH_CXR14_chest_DX_implicitLE.dcm'));
  const ds = parseDicomBytes(implicit);
  // The meta header (group 0002) ends where the first data set element starts.
  const metaLength = ds.uint32('x00020000')!;
  const groupLengthEnd = 132 + 12;
  const bare = implicit.subarray(groupLengthEnd + metaLength);
  const fromBare = extractMetadata(parseDicomBytes(bare));
  assert.equal(fromBare.instance.sopInstanceUid, extractMetadata(ds).instance.sopInstanceUid);
  assert.equal(fromBare.pixels.syntax.uid, '1.2.840.10008.1.2');
});

test('bad input is rejected with the right reason', { skip: NO_SHARED_DICOM }, () => {
  const file = readFileSync(sharedFile('generated', 'cxr_explicitLE.dcm'));
  assert.equal(rejection(new TextEncoder().encode('hello, this is not an image at all')), 'not_dicom');
  assert.equal(rejection(file.subarray(0, Math.floor(file.length / 2))), 'truncated');
  assert.equal(rejection(readFileSync(sharedFile('chest', 'NIH_CXR14_chest_DX_implicitLE.dcm')).subarray(0, 400_000)), 'truncated');

  const pixelTag = parseDicomBytes(file).elements['x7fe00010']!;
  // Everything before Pixel Data's 12-byte element header: a complete file without pixels.
  assert.equal(rejection(file.subarray(0, pixelTag.dataOffset - 12)), 'no_pixel_data');

  const mpeg = Buffer.from(file);
  const at = mpeg.indexOf('1.2.840.10008.1.2.1\0', 0, 'latin1');
  mpeg.write('1.2.840.10008.1.2.9\0', at, 'latin1');
  assert.equal(rejection(mpeg), 'unsupported_transfer_syntax');

  const noUid = Buffer.from(file);
  const studyUid = parseDicomBytes(file).elements['x0020000d']!;
  noUid.fill(0x20, studyUid.dataOffset, studyUid.dataOffset + studyUid.length);
  assert.equal(rejection(noUid), 'unreadable');
});
