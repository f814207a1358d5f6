/** The image cache keeps 16-bit precision through resize, PNG and read-back. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCacheEntry, toCacheSamples, writeCacheEntry } from '../../src-main/ingest/cache/image-cache';
import { resampleGray } from '../../src-main/ingest/cache/resample';
import { decodeFrame } from '../../src-main/ingest/pixels/decode';
import { tempDir } from '../helpers/temp';
import { NO_SHARED_DICOM, sharedFile } from './shared-data';

/** Reference: plain box average for integer shrink factors. */
function boxAverage(src: Uint16Array, width: number, height: number, factor: number): Uint16Array {
  const out = new Uint16Array((width / factor) * (height / factor));
  for (let y = 0; y < height / factor; y++) {
    for (let x = 0; x < width / factor; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += src[(y * factor + dy) * width + x * factor + dx]!;
      out[y * (width / factor) + x] = Math.round(sum / factor ** 2);
    }
  }
  return out;
}

test('shrinking by an integer factor equals the box average, to the unit, at 16 bits', () => {
  const w = 48;
  const h = 36;
  const src = new Uint16Array(w * h);
  for (let i = 0; i < src.length; i++) src[i] = (i * 7919) % 65536;
  for (const factor of [2, 3, 4]) assert.deepEqual(resampleGray(src, w, h, w / factor, h / factor), boxAverage(src, w, h, factor), `factor ${factor}`);
});

test('resampling keeps a constant image constant and a ramp monotone, both ways', () => {
  const flat = new Uint16Array(30 * 20).fill(40_000);
  assert.ok(resampleGray(flat, 30, 20, 17, 11).every((v) => v === 40_000));
  assert.ok(resampleGray(flat, 30, 20, 61, 43).every((v) => v === 40_000));
  const ramp = new Uint8Array(40).map((_, i) => i * 6);
  for (const out of [resampleGray(ramp, 40, 1, 13, 1), resampleGray(ramp, 40, 1, 97, 1)]) {
    for (let i = 1; i < out.length; i++) assert.ok(out[i]! >= out[i - 1]!);
  }
});

test('a 15-bit MONOCHROME1 CR round-trips through the cache exactly, bone bright and lungs dark', { skip: NO_SHARED_DICOM }, async () => {
  const frame = await decodeFrame(sharedFile('chest', 'WG04_RG1_chestPA_CR_uncompressed.dcm'));
  const path = await writeCacheEntry(tempDir(), 'f'.repeat(64), frame, 256);
  const { info, samples } = await readCacheEntry(path);
  assert.equal(info.bitDepth, 16);
  const { samples: full } = toCacheSamples(frame);
  assert.deepEqual(samples, resampleGray(full as Uint16Array, frame.columns, frame.rows, info.width, info.height));
  const distinct = new Set(samples).size;
  assert.ok(distinct > 4096, `expected more than 12 bits of distinct values, got ${distinct}`);
  const mean = (fx: number, fy: number) => {
    let sum = 0;
    let n = 0;
    for (let y = Math.round(fy * info.height) - 8; y < Math.round(fy * info.height) + 8; y++) {
      for (let x = Math.round(fx * info.width) - 8; x < Math.round(fx * info.width) + 8; x++, n++) sum += samples[y * info.width + x]!;
    }
    return sum / n;
  };
  const lung = (mean(0.3, 0.4) + mean(0.7, 0.4)) / 2;
  const mediastinum = mean(0.5, 0.45);
  assert.ok(mediastinum > lung + 5000, `mediastinum ${mediastinum} should be far brighter than lung ${lung}`);
});
