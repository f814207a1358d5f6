/** safetensors: decoding every float dtype PyTorch writes, round trips, atomic writes, bad files. */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AppError } from '../../../src-shared/result';
import { parseSafetensors, readSafetensors, serializeSafetensors, writeSafetensors } from '../../../src-main/ml/weights/safetensors';
import { goldenPath } from '../helpers/golden';
import { tempDir } from '../../helpers/temp';

describe('safetensors', () => {
  it('decodes F32, F16, BF16, F64 and I64 written by PyTorch', () => {
    const { tensors } = readSafetensors(goldenPath('dtypes.safetensors'));
    const expected = readSafetensors(goldenPath('dtypes.expected.safetensors')).tensors;
    const f32 = tensors.get('f32')!;
    assert.equal(f32.dtype, 'F32');
    assert.deepEqual(Array.from(tensors.get('f64')!.data), Array.from(f32.data));
    assert.deepEqual(Array.from(tensors.get('f16')!.data), Array.from(expected.get('f16')!.data));
    assert.deepEqual(Array.from(tensors.get('bf16')!.data), Array.from(expected.get('bf16')!.data));
    assert.deepEqual(Array.from(tensors.get('i64')!.data), [3, -4, 5]);
    assert.equal(tensors.get('f16')!.data[4], 65504);
  });

  it('round-trips float32 tensors and metadata, with an 8-byte aligned header', () => {
    const tensors = new Map([
      ['b.weight', { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 4, 5, 6e-8]) }],
      ['a.bias', { shape: [1], data: Float32Array.from([Math.PI]) }],
    ]);
    const bytes = serializeSafetensors(tensors, { step: '12' });
    assert.equal(Number(bytes.readBigUInt64LE(0)) % 8, 0);
    const back = parseSafetensors(bytes);
    assert.deepEqual(back.metadata, { step: '12' });
    assert.deepEqual(back.tensors.get('b.weight')!.shape, [2, 3]);
    assert.deepEqual(Array.from(back.tensors.get('b.weight')!.data), Array.from(tensors.get('b.weight')!.data));
    assert.equal(back.tensors.get('a.bias')!.data[0], Math.fround(Math.PI));
  });

  it('writes through a temporary file and leaves nothing behind', () => {
    const dir = tempDir();
    const path = join(dir, 'w.safetensors');
    writeSafetensors(path, new Map([['x', { shape: [2], data: Float32Array.from([1, 2]) }]]));
    writeSafetensors(path, new Map([['x', { shape: [2], data: Float32Array.from([3, 4]) }]]));
    assert.deepEqual(readdirSync(dir), ['w.safetensors']);
    assert.deepEqual(Array.from(readSafetensors(path).tensors.get('x')!.data), [3, 4]);
    assert.throws(() => writeSafetensors(join(dir, 'missing', 'w.safetensors'), new Map()));
    assert.deepEqual(readdirSync(dir), ['w.safetensors']);
  });

  it('rejects shape/data mismatches on write', () => {
    assert.throws(() => serializeSafetensors(new Map([['x', { shape: [3], data: new Float32Array(2) }]])), AppError);
  });

  it('names the file and the reason for a bad file', () => {
    const dir = tempDir();
    const cases: Array<[string, Buffer, RegExp]> = [
      ['short.safetensors', Buffer.from([1, 2]), /shorter than/],
      ['long-header.safetensors', Buffer.concat([Buffer.from([255, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{}')]), /exceeds the file size/],
      ['not-json.safetensors', Buffer.concat([Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]), Buffer.from('{x')]), /not JSON/],
    ];
    const truncated = serializeSafetensors(new Map([['x', { shape: [4], data: new Float32Array(4) }]]));
    cases.push(['truncated.safetensors', truncated.subarray(0, truncated.length - 4), /tensor x has offsets/]);
    for (const [name, bytes, reason] of cases) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      assert.throws(() => readSafetensors(path), (e: unknown) => e instanceof AppError && e.message.includes(path) && reason.test(e.message), name);
    }
    assert.throws(() => readSafetensors(join(dir, 'absent.safetensors')), (e: unknown) => e instanceof AppError && e.code === 'not_found');
  });
});
