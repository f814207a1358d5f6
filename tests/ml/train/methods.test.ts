/**
 * The objectives beside the paper's: SimCLR (image-only, the baseline), the
 * hybrid image-text + image-image loss, and BatchNorm projection heads; and
 * that training actually learns: on tiny data whose reports name where the
 * blob is, the validation loss falls well below log N.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../../src-main/ml/backend/select';
import { latestCheckpoint } from '../../../src-main/ml/train/checkpoint';
import { train } from '../../../src-main/ml/train/trainer';
import { readSafetensors } from '../../../src-main/ml/weights/safetensors';
import { tempDir } from '../../helpers/temp';
import { memorySource, tinyConfig, tinyPairs, wordTokenizer } from './tiny';

const pairs = tinyPairs(16);
const source = memorySource(pairs);
const tokenizer = wordTokenizer(pairs.map((p) => p.reportText));

describe('training objectives', () => {
  before(() => useBackend('cpu'));

  it('SimCLR trains the image side only: the text encoder and head keep their initial weights', async () => {
    const runDir = tempDir();
    const config = tinyConfig({ method: 'simclr', epochs: 1, checkpointEverySteps: 1 });
    const result = await train({ config, source, tokenizer, runDir });
    assert.equal(result.status, 'done');
    assert.ok(result.stepLosses.every(Number.isFinite));
    const initial = readSafetensors(join(runDir, 'checkpoints', 'step-0000001', 'model.safetensors')).tensors;
    const final = readSafetensors(join(latestCheckpoint(runDir)!, 'model.safetensors')).tensors;
    assert.deepEqual(final.get('text_projection.0.weight')!.data, initial.get('text_projection.0.weight')!.data);
    assert.notDeepEqual(final.get('image_projection.0.weight')!.data, initial.get('image_projection.0.weight')!.data);
    const optimizer = readSafetensors(join(latestCheckpoint(runDir)!, 'optimizer.safetensors')).tensors;
    assert.ok(![...optimizer.keys()].some((k) => k.startsWith('text_')), 'no optimiser state for the text side');
  });

  it('the hybrid loss (image weight 0.5) and BatchNorm heads train, deterministically', async () => {
    const config = tinyConfig({ epochs: 1, validation: { fraction: 0 }, loss: { lambda: 0.75, tau: 0.1, imageWeight: 0.5 }, heads: { hiddenDim: 16, outputDim: 8, batchNorm: true } });
    const a = await train({ config, source, tokenizer, runDir: tempDir() });
    const b = await train({ config, source, tokenizer, runDir: tempDir() });
    const paper = await train({ config: { ...config, loss: { ...config.loss, imageWeight: 0 } }, source, tokenizer, runDir: tempDir() });
    assert.ok(a.stepLosses.every(Number.isFinite));
    assert.deepEqual(b.stepLosses, a.stepLosses);
    assert.notDeepEqual(paper.stepLosses, a.stepLosses);
    const saved = readSafetensors(join(a.lastCheckpoint!, 'model.safetensors')).tensors;
    assert.ok(saved.has('image_projection.1.running_mean') && saved.has('image_projection.3.weight'), 'torch Sequential(Linear, BatchNorm1d, ReLU, Linear) names');
  });

  it('learns: the validation loss falls well below log N on reports that say where the blob is', async () => {
    const learnPairs = tinyPairs(32);
    const words = wordTokenizer(learnPairs.map((p) => p.reportText));
    const config = tinyConfig({
      epochs: 12,
      batchSize: 8,
      image: { encoder: { depth: 18, widthMultiplier: 1 / 16 }, size: 16, augment: { enabled: false } },
      text: { vocabSize: words.vocabSize, hiddenSize: 16, numLayers: 1, numHeads: 2, intermediateSize: 32, maxTokens: 24, dropout: 0.1, sampling: 'report' },
      heads: { hiddenDim: 16, outputDim: 8, batchNorm: true },
      earlyStopping: { patience: 100 },
    });
    const result = await train({ config, source: memorySource(learnPairs), tokenizer: words, runDir: tempDir(), augmentThreads: 0 });
    const first = result.epochs[0]!.valLoss!;
    const best = result.bestValLoss!;
    // Validation batches hold 8 pairs: log 8 = 2.08 is chance.
    assert.ok(best < Math.log(8) - 0.3, `best validation loss ${best.toFixed(3)} (first ${first.toFixed(3)}, chance ${Math.log(8).toFixed(3)})`);
  });
});
