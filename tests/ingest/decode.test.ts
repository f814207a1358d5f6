import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeFrame, type DecodedFrame } from '../../src-main/ingest/pixels/decode';
import { filesUnder, NO_SHARED_DICOM, SHARED_DICOM, sharedFile } from './shared-data';

const reference = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'ingest', 'dcmtk-reference.json'), 'utf8')) as Record<string, { frameBytes: number; sha256: string }>;

function storedBytes(frame: DecodedFrame): Uint8Array {
  return new Uint8Array(frame.stored.buffer, frame.stored.byteOffset, frame.stored.byteLength);
}

function difference(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; rmse: number } {
  assert.equal(a.length, b.length);
  let max = 0;
  let sq = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > max) max = d;
    sq += d * d;
  }
  return { max, rmse: Math.sqrt(sq / a.length) };
}

test('every shared DICOM file decodes its first frame', { skip: NO_SHARED_DICOM }, async () => {
  for (const file of filesUnder(SHARED_DICOM)) {
    const frame = await decodeFrame(file, 0);
    assert.equal(frame.stored.length, frame.rows * frame.columns * frame.samplesPerPixel, file);
    assert.equal(frame.render8().length, frame.rows * frame.columns, file);
  }
});

test('pixels match the independent dcmtk decode byte for byte (all syntaxes dcmtk decodes)', { skip: NO_SHARED_DICOM }, async () => {
  for (const [rel, ref] of Object.entries(reference)) {
    const bytes = storedBytes(await decodeFrame(sharedFile(rel), 0));
    assert.equal(bytes.length, ref.frameBytes, rel);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), ref.sha256, rel);
  }
});

test('the lossless generated files decode to pixel arrays identical to the uncompressed one', { skip: NO_SHARED_DICOM }, async () => {
  const original = await decodeFrame(sharedFile('generated', 'cxr_explicitLE.dcm'));
  for (const name of ['cxr_implicitLE', 'cxr_rle', 'cxr_jpeg_lossless', 'cxr_jpegls_lossless', 'cxr_j2k_lossless']) {
    const frame = await decodeFrame(sharedFile('generated', `${name}.dcm`));
    assert.deepEqual(storedBytes(frame), storedBytes(original), name);
  }
});

// Stated tolerance for lossy syntaxes, against the uncompressed original:
// RMSE at most 0.5% of the stored range (2^BitsStored) and no pixel off by more than 2%.
const lossyTolerance = (bitsStored: number) => ({ rmse: 0.005 * 2 ** bitsStored, max: 0.02 * 2 ** bitsStored });

test('lossy files stay within the stated tolerance of the uncompressed original', { skip: NO_SHARED_DICOM }, async () => {
  const original = await decodeFrame(sharedFile('chest', 'WG04_RG1_chestPA_CR_uncompressed.dcm'));
  for (const name of ['WG04_RG1_chestPA_CR_J2K_lossy', 'WG04_RG1_chestPA_CR_JPEGLS_nearlossless']) {
    const d = difference(original.stored, (await decodeFrame(sharedFile('chest', `${name}.dcm`))).stored);
    const tol = lossyTolerance(15);
    assert.ok(d.rmse <= tol.rmse && d.max <= tol.max, `${name}: rmse ${d.rmse.toFixed(1)} max ${d.max} (tolerance ${tol.rmse} / ${tol.max})`);
  }
  const cxr = await decodeFrame(sharedFile('generated', 'cxr_explicitLE.dcm'));
  const d = difference(cxr.stored, (await decodeFrame(sharedFile('generated', 'cxr_sc_jpegbaseline.dcm'))).stored);
  assert.ok(d.rmse <= lossyTolerance(8).rmse && d.max <= lossyTolerance(8).max, `JPEG baseline: rmse ${d.rmse} max ${d.max}`);
});

test('MONOCHROME1 renders inverted, through the VOI window from the file', { skip: NO_SHARED_DICOM }, async () => {
  const frame = await decodeFrame(sharedFile('chest', 'WG04_RG1_chestPA_CR_uncompressed.dcm'));
  assert.equal(frame.invert, true);
  assert.deepEqual(frame.window, { center: 15000, width: 30000, source: 'voi' });
  let darkest = 0;
  for (let i = 1; i < frame.modality.length; i++) if (frame.modality[i]! > frame.modality[darkest]!) darkest = i;
  // The highest MONOCHROME1 value is the darkest pixel on screen.
  const image = frame.render8();
  assert.ok(image[darkest]! < 40, `highest value renders as ${image[darkest]}`);
});

test('signed CT pixels keep their sign and the multi-frame JPEG decodes its last frame', { skip: NO_SHARED_DICOM }, async () => {
  const ct = await decodeFrame(sharedFile('syntaxes', 'rle.dcm'));
  assert.equal(ct.signed, true);
  assert.ok(ct.stored.some((v) => v < 0));
  const last = await decodeFrame(sharedFile('syntaxes', 'jpeg_baseline_8bit.dcm'), 95);
  assert.equal(last.frames, 96);
  assert.notDeepEqual(storedBytes(last), storedBytes(await decodeFrame(sharedFile('syntaxes', 'jpeg_baseline_8bit.dcm'), 0)));
  await assert.rejects(decodeFrame(sharedFile('syntaxes', 'jpeg_baseline_8bit.dcm'), 96), /frame 96 does not exist/);
});
