/** safetensors files written here carry a checksum of their tensor bytes; reading verifies it. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AppError } from '../../../src-shared/result';
import { DATA_CHECKSUM_KEY, readSafetensors, writeSafetensors } from '../../../src-main/ml/weights/safetensors';
import { goldenPath } from '../helpers/golden';
import { tempDir } from '../../helpers/temp';

const TENSORS = new Map([
  ['w', { shape: [4, 4], data: Float32Array.from({ length: 16 }, (_, i) => i / 7) }],
  ['b', { shape: [4], data: Float32Array.from([1, 2, 3, 4]) }],
]);

test('the checksum is written into the header metadata and hidden from readers of the metadata', () => {
  const path = join(tempDir(), 'm.safetensors');
  writeSafetensors(path, TENSORS, { step: '3' });
  const bytes = readFileSync(path);
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8')) as { __metadata__: Record<string, string> };
  assert.match(header.__metadata__[DATA_CHECKSUM_KEY]!, /^[0-9a-f]{64}$/);
  assert.deepEqual(readSafetensors(path).metadata, { step: '3' });
});

test('every single flipped bit in the tensor bytes is named as a checksum mismatch', () => {
  const path = join(tempDir(), 'm.safetensors');
  writeSafetensors(path, TENSORS);
  const bytes = readFileSync(path);
  const dataStart = 8 + Number(bytes.readBigUInt64LE(0));
  for (let at = dataStart; at < bytes.length; at += 7) {
    const flipped = Buffer.from(bytes);
    flipped[at]! ^= 1 << (at % 8);
    writeFileSync(path, flipped);
    assert.throws(
      () => readSafetensors(path),
      (e: unknown) => e instanceof AppError && e.message.includes(path) && /do not match the checksum/.test(e.message),
      `byte ${at}`,
    );
  }
});

test('files written elsewhere (PyTorch) have no checksum and still load', () => {
  assert.ok(readSafetensors(goldenPath('dtypes.safetensors')).tensors.size > 0);
});
