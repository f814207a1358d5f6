// The demo archive's DICOM files, checked by independent readers: Debian's
// dcmtk (dcmdump parses them, dcmconv / dcmdrle transcode them to explicit VR
// little endian) and dicom-parser, which must read back the exact pixels.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as dicomParser from 'dicom-parser';
import { type RadiographIdentity, radiographElements } from '../../src-main/demo/dicom/radiograph';
import { encodeRle16 } from '../../src-main/demo/dicom/rle';
import { TransferSyntax, encodePart10 } from '../../src-main/demo/dicom/writer';
import { renderView } from '../../src-main/demo/phantom/render';
import { tempDir } from '../helpers/temp';

const SIZE = 128;
const identity: RadiographIdentity = {
  patientId: '10000001',
  patientName: 'DEMO^SUBJECT 10000001',
  birthDate: '19600101',
  sex: 'F',
  age: 64,
  studyUid: '2.25.11',
  studyDate: '20240102',
  studyTime: '101500',
  studyId: '50000001',
  accessionNumber: 'DEMO00000001',
  studyDescription: 'CHEST PA AND LATERAL',
  seriesUid: '2.25.12',
  seriesNumber: 1,
  seriesDescription: 'CHEST PA',
  sopInstanceUid: '2.25.13',
  instanceNumber: 1,
  modality: 'CR',
  viewPosition: 'PA',
};

const image = renderView({ views: ['PA'], sex: 'F', age: 64, findings: [], cardiothoracicRatio: 0.45 }, 'PA', 99, { width: SIZE, height: SIZE });

function dcmtk(tool: string, args: string[]): { stdout: string; stderr: string; status: number | null } {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.error) throw new Error(`${tool} is required (Debian package dcmtk): ${result.error.message}`);
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

/** Reads the native 16-bit pixel data of an explicit VR little endian file. */
function nativePixels(path: string): Uint16Array {
  const bytes = readFileSync(path);
  const dataSet = dicomParser.parseDicom(bytes);
  const element = dataSet.elements.x7fe00010!;
  return new Uint16Array(bytes.buffer.slice(bytes.byteOffset + element.dataOffset, bytes.byteOffset + element.dataOffset + element.length));
}

describe('demo DICOM writer', () => {
  const dir = tempDir('convirt-demo-dicom-');
  const syntaxes = Object.entries(TransferSyntax);

  for (const [name, syntax] of syntaxes) {
    for (const photometric of ['MONOCHROME1', 'MONOCHROME2'] as const) {
      it(`${name} ${photometric}: dcmtk parses it and the pixels survive transcoding`, () => {
        const path = join(dir, `${name}-${photometric}.dcm`);
        writeFileSync(path, encodePart10(radiographElements(identity, { rows: SIZE, columns: SIZE, values: image.pixels, bitsStored: 12, pixelSpacingMm: 0.8, photometric }, syntax), syntax));
        const dump = dcmtk('dcmdump', ['-q', '+L', path]);
        assert.equal(dump.status, 0, dump.stderr);
        assert.equal(dump.stderr, '', 'dcmdump reports no warnings');
        for (const expected of [`(0002,0010) UI =`, `(0028,0004) CS [${photometric}]`, '(0018,5101) CS [PA]', '(0018,0015) CS [CHEST]', '(0010,0020) LO [10000001]', '(0028,0101) US 12', '(0020,000d) UI [2.25.11]']) {
          assert.ok(dump.stdout.includes(expected), `dcmdump shows ${expected}`);
        }
        const plain = join(dir, `${name}-${photometric}-plain.dcm`);
        const convert = syntax === TransferSyntax.RleLossless ? dcmtk('dcmdrle', [path, plain]) : dcmtk('dcmconv', ['+te', path, plain]);
        assert.equal(convert.status, 0, convert.stderr);
        const stored = nativePixels(plain);
        const expected = photometric === 'MONOCHROME1' ? image.pixels.map((v) => 4095 - v) : image.pixels;
        assert.deepEqual(stored, expected);
      });
    }
  }

  it('dcmj2pnm renders MONOCHROME1 and MONOCHROME2 files to the same picture', () => {
    const pgm = (photometric: string) => {
      const out = join(dir, `${photometric}.pgm`);
      execFileSync('dcmj2pnm', ['--write-raw-pnm', '--min-max-window', join(dir, `ExplicitLittle-${photometric}.dcm`), out]);
      return readFileSync(out);
    };
    const one = pgm('MONOCHROME1');
    const two = pgm('MONOCHROME2');
    let diff = 0;
    for (let k = 0; k < one.length; k++) diff = Math.max(diff, Math.abs(one[k]! - two[k]!));
    assert.ok(diff <= 1, `max difference ${diff}`);
  });

  it('RLE segments stay within PackBits limits on flat, noisy and alternating rows', () => {
    const rows = 4;
    const columns = 300;
    const pixels = new Uint16Array(rows * columns);
    for (let i = 0; i < columns; i++) {
      pixels[i] = 1000; // one flat row: long replicate runs split at 128
      pixels[columns + i] = (i * 7919) % 4096; // no runs: literal runs split at 128
      pixels[2 * columns + i] = i % 2 === 0 ? 0 : 4095;
      pixels[3 * columns + i] = i < 150 ? 17 : (i * 31) % 4096;
    }
    const fragment = encodeRle16(pixels, rows, columns);
    const path = join(dir, 'rle-edge.dcm');
    const elements = radiographElements(identity, { rows, columns, values: pixels, bitsStored: 12, pixelSpacingMm: 1, photometric: 'MONOCHROME2' }, TransferSyntax.RleLossless);
    writeFileSync(path, encodePart10(elements, TransferSyntax.RleLossless));
    assert.equal(fragment.length % 2, 0);
    const plain = join(dir, 'rle-edge-plain.dcm');
    assert.equal(dcmtk('dcmdrle', [path, plain]).status, 0);
    assert.deepEqual(nativePixels(plain), pixels);
  });
});
