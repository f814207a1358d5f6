import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../src-main/ml/backend/select';
import { train } from '../../../src-main/ml/train/trainer';
import { tempDir } from '../../helpers/temp';
import { memorySource, tinyConfig, tinyPairs, wordTokenizer } from './tiny';

const pairs = tinyPairs(8);
const tokenizer = wordTokenizer(pairs.map((p) => p.reportText));

describe('trainer memory', () => {
  before(() => useBackend('cpu'));

  it('does not leak tensors: the same count after step 10 and step 60', async () => {
    const config = tinyConfig({ epochs: 15, batchSize: 2, validation: { fraction: 0 } });
    const counts = new Map<number, number>();
    await train({
      config,
      source: memorySource(pairs),
      tokenizer,
      runDir: tempDir(),
      onEvent: (e) => {
        if (e.type === 'step' && (e.step === 10 || e.step === 60)) counts.set(e.step, tf.memory().numTensors);
      },
    });
    assert.equal(counts.size, 2);
    assert.equal(counts.get(60), counts.get(10));
  });
});
