import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PixelInfo } from '../../src-main/ingest/dicom/metadata';
import { transferSyntax } from '../../src-main/ingest/dicom/transfer-syntax';
import { decodeRle } from '../../src-main/ingest/pixels/rle';
import { toStoredValues } from '../../src-main/ingest/pixels/stored-values';
import { chooseWindow, renderWindowed, robustRange } from '../../src-main/ingest/pixels/window';
import { RejectedFile } from '../../src-main/ingest/rejection';

const info = (over: Partial<PixelInfo>): PixelInfo => ({
  syntax: transferSyntax('1.2.840.10008.1.2.1')!,
  rows: 1,
  columns: 4,
  frames: 1,
  samplesPerPixel: 1,
  photometricInterpretation: 'MONOCHROME2',
  planarConfiguration: 0,
  bitsAllocated: 16,
  bitsStored: 16,
  highBit: 15,
  pixelRepresentation: 0,
  rescaleSlope: 1,
  rescaleIntercept: 0,
  windowCenter: null,
  windowWidth: null,
  ...over,
});

test('12 stored bits of 16: high bits are masked off, signed values sign-extended', () => {
  // 0xF000 carries garbage above bit 11; 0x0FFF is -1 in 12-bit two's complement; 0x0800 is -2048.
  const bytes = new Uint8Array(new Uint16Array([0xf000 | 5, 0x0fff, 0x0800, 0x07ff]).buffer);
  assert.deepEqual([...toStoredValues(bytes, info({ bitsStored: 12, highBit: 11 }), { bigEndian: false, shift: 0 })], [5, 4095, 2048, 2047]);
  assert.deepEqual([...toStoredValues(bytes, info({ bitsStored: 12, highBit: 11, pixelRepresentation: 1 }), { bigEndian: false, shift: 0 })], [5, -1, -2048, 2047]);
});

test('big endian 16-bit samples are swapped; a high bit below the top shifts the stored bits down', () => {
  const be = new Uint8Array([0x01, 0x02, 0xff, 0xfe, 0, 0, 0, 1]);
  assert.deepEqual([...toStoredValues(be, info({ pixelRepresentation: 1 }), { bigEndian: true, shift: 0 })], [0x0102, -2, 0, 1]);
  const shifted = new Uint8Array(new Uint16Array([4 << 2, 1 << 2, 0, 0xffff]).buffer);
  assert.deepEqual([...toStoredValues(shifted, info({ bitsStored: 12, highBit: 13 }), { bigEndian: false, shift: 2 })], [4, 1, 0, 4095]);
});

test('RLE: PackBits runs and literals, one segment per byte plane, most significant first', () => {
  const header = new Uint8Array(64);
  const view = new DataView(header.buffer);
  view.setUint32(0, 2, true);
  // 16-bit image of 4 pixels: MSB plane = [1,1,1,1] (a run), LSB plane = [2,3,4,5] (a literal).
  const msb = [0xfd, 1];
  const lsb = [3, 2, 3, 4, 5];
  view.setUint32(4, 64, true);
  view.setUint32(8, 64 + msb.length, true);
  const encoded = new Uint8Array([...header, ...msb, ...lsb]);
  const out = decodeRle(encoded, 4, 1, 2);
  assert.deepEqual([...new Uint16Array(out.buffer)], [0x0102, 0x0103, 0x0104, 0x0105]);
  assert.throws(() => decodeRle(encoded.subarray(0, 66), 4, 1, 2), RejectedFile);
});

test('windowing: percentile window ignores outliers; linear VOI mapping; MONOCHROME1 inversion', () => {
  const values = new Float32Array(10000);
  for (let i = 0; i < values.length; i++) values[i] = i % 100;
  values[0] = 1e6; // one hot pixel must not stretch the window
  const { low, high } = robustRange(values);
  assert.ok(low >= 0 && low < 2 && high > 97 && high < 101, `${low}..${high}`);
  const w = chooseWindow(values, { center: null, width: null });
  assert.equal(w.source, 'percentile');
  assert.deepEqual(chooseWindow(values, { center: 40, width: 400 }), { center: 40, width: 400, source: 'voi' });
  const ramp = new Float32Array([-1000, -160, 40, 240, 1000]);
  assert.deepEqual([...renderWindowed(ramp, { center: 40, width: 400 }, false)], [0, 0, 128, 255, 255]);
  assert.deepEqual([...renderWindowed(ramp, { center: 40, width: 400 }, true)], [255, 255, 127, 0, 0]);
});
