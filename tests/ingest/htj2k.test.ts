/**
 * HTJ2K: no shared file uses it, so a synthetic 12-bit image is encoded
 * losslessly with OpenJPH's own encoder and must decode back exactly through
 * the importer's codec path.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeWasm } from '../../src-main/ingest/pixels/codecs';
import { rng } from './mutate';

interface Encoder {
  getDecodedBuffer(info: { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned: boolean; isUsingColorTransform: boolean }): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
  delete(): void;
}

test('HTJ2K lossless round trip through the OpenJPH codec is exact (12-bit, 300x200)', async () => {
  const factory = require('@cornerstonejs/codec-openjph') as (o: object) => Promise<{ HTJ2KEncoder: new () => Encoder }>;
  const codec = await factory({ print: () => undefined, printErr: () => undefined });
  const [width, height] = [300, 200];
  const random = rng(7);
  const pixels = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = Math.min(4095, Math.round(x * 10 + y * 5 + random() * 200));
  const encoder = new codec.HTJ2KEncoder();
  const input = encoder.getDecodedBuffer({ width, height, bitsPerSample: 12, componentCount: 1, isSigned: false, isUsingColorTransform: false });
  input.set(new Uint8Array(pixels.buffer));
  encoder.encode();
  const encoded = encoder.getEncodedBuffer().slice();
  encoder.delete();
  assert.ok(encoded.length < pixels.byteLength, 'the codestream is compressed');

  const decoded = await decodeWasm('htj2k', encoded);
  assert.deepEqual([decoded.width, decoded.height, decoded.components, decoded.bitsPerSample], [width, height, 1, 12]);
  assert.deepEqual(new Uint16Array(decoded.bytes.buffer, 0, width * height), pixels);
});
