/** Frozen encoders: a training checkpoint's image encoder loads from its file, not from its seed. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadImageEncoder } from '../../src-main/eval/features/image-encoder';
import { useBackend } from '../../src-main/ml/backend/select';
import { Adam, TORCH_ADAM_DEFAULTS } from '../../src-main/ml/optim/adam';
import { initialProgress, saveCheckpoint } from '../../src-main/ml/train/checkpoint';
import { presetConfig } from '../../src-main/ml/train/config';
import { createConvirtModel } from '../../src-main/ml/train/model';
import { tempDir } from '../helpers/temp';

/** Two 64x48 gray gradients. */
const images = [0, 1].map((k) => ({ width: 64, height: 48, data: Float32Array.from({ length: 64 * 48 }, (_, i) => ((i % 64) / 63 + k * ((i >> 6) / 47)) / 2) }));

describe('frozen image encoders', () => {
  before(() => useBackend('wasm'));

  it('a checkpoint loads its saved weights: features equal the seed it was trained from, not the seed in its config', () => {
    const runDir = tempDir();
    const model = createConvirtModel(presetConfig('cpu-small', { seed: 3 }));
    const dir = saveCheckpoint(runDir, model, new Adam(TORCH_ADAM_DEFAULTS), initialProgress());
    model.dispose();
    // Point the config at another seed: only the weights file can now give seed-3 features.
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), seed: 5 }));

    const fromRun = loadImageEncoder({ kind: 'checkpoint', path: runDir });
    const seed3 = loadImageEncoder({ kind: 'random', seed: 3 });
    const seed5 = loadImageEncoder({ kind: 'random', seed: 5 });
    const [a, b, c] = [fromRun, seed3, seed5].map((e) => e.embed(images));
    assert.equal(fromRun.imageSize, 128);
    assert.equal(a![0]!.length, fromRun.features);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.notDeepEqual(a![0], a![1], 'different images, different features');
    assert.match(fromRun.modelId, /^checkpoint\//);
    for (const e of [fromRun, seed3, seed5]) e.dispose();
  });

  it('names a folder that is not a checkpoint', () => {
    assert.throws(() => loadImageEncoder({ kind: 'checkpoint', path: tempDir() }), /neither a checkpoint folder/);
  });
});
