import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '../../../src-main/ml/backend/select';
import { train } from '../../../src-main/ml/train/trainer';
import { tempDir } from '../../helpers/temp';
import { memorySource, tinyConfig, tinyPairs, wordTokenizer } from './tiny';

const pairs = tinyPairs(12);
const source = memorySource(pairs);
const tokenizer = wordTokenizer(pairs.map((p) => p.reportText));

describe('trainer on wasm', () => {
  before(() => useBackend('wasm'));

  it('trains with the engine kernels, deterministically, and a cancelled run resumes to the same losses', async () => {
    assert.equal(tf.getBackend(), 'wasm');
    const config = tinyConfig({ epochs: 2 });
    const whole = await train({ config, source, tokenizer, runDir: tempDir() });
    assert.ok(whole.stepLosses.every(Number.isFinite));
    const runDir = tempDir();
    let steps = 0;
    const first = await train({ config, source, tokenizer, runDir, onEvent: (e) => (steps += e.type === 'step' ? 1 : 0), shouldStop: () => steps === 1 });
    const resumed = await train({ config, source, tokenizer, runDir, resume: true });
    assert.deepEqual([...first.stepLosses, ...resumed.stepLosses], whole.stepLosses);
    assert.deepEqual(resumed.epochs, whole.epochs);
  });
});
