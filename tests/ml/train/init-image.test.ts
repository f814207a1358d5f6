/**
 * config.init.imageFrom: a ConVIRT run starts its image encoder from an
 * image-only (SimCLR) run's checkpoint, given as the checkpoint folder or the
 * run folder (its best checkpoint), says so in its record, and refuses an
 * encoder of another architecture with a clear message.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../../src-main/ml/backend/select';
import { latestCheckpoint } from '../../../src-main/ml/train/checkpoint';
import { loadImageEncoderFrom, resolveCheckpoint } from '../../../src-main/ml/train/init-image';
import { createConvirtModel } from '../../../src-main/ml/train/model';
import { train, type TrainResult } from '../../../src-main/ml/train/trainer';
import { exportStateDict } from '../../../src-main/ml/weights/state-dict';
import { readSafetensors } from '../../../src-main/ml/weights/safetensors';
import { tempDir } from '../../helpers/temp';
import { memorySource, tinyConfig, tinyPairs, wordTokenizer } from './tiny';

const pairs = tinyPairs(16);
const source = memorySource(pairs);
const tokenizer = wordTokenizer(pairs.map((p) => p.reportText));

describe('init.imageFrom', () => {
  // Made here, not in the hook: a tempDir made inside a hook is removed when the hook ends.
  const simclrDir = tempDir();
  let simclr: TrainResult;

  before(async () => {
    await useBackend('cpu');
    simclr = await train({ config: tinyConfig({ method: 'simclr', epochs: 2, seed: 11 }), source, tokenizer, runDir: simclrDir });
  });

  it('a run folder resolves to its best checkpoint, a checkpoint folder to itself', () => {
    assert.equal(resolveCheckpoint(simclrDir), simclr.checkpoint);
    assert.equal(resolveCheckpoint(simclr.lastCheckpoint!), simclr.lastCheckpoint);
    assert.throws(() => resolveCheckpoint(tempDir()), /init\.imageFrom: .* is neither a checkpoint folder .* nor a run folder/);
  });

  it('copies the image encoder (BatchNorm statistics included) and nothing else', () => {
    const model = createConvirtModel(tinyConfig({ init: { imageFrom: simclrDir } }));
    const before = exportStateDict(model.state);
    const { checkpoint, tensors } = loadImageEncoderFrom(model, simclrDir);
    const saved = readSafetensors(join(checkpoint, 'model.safetensors')).tensors;
    const after = exportStateDict(model.state);
    assert.equal(tensors, [...after.keys()].filter((k) => k.startsWith('image_encoder.')).length);
    for (const [name, value] of after) {
      if (name.startsWith('image_encoder.')) assert.deepEqual(value.data, saved.get(name)!.data, name);
      else assert.deepEqual(value.data, before.get(name)!.data, `${name} keeps its initial value`);
    }
    assert.ok(after.has('image_encoder.bn1.running_mean'));
    assert.notDeepEqual(after.get('image_encoder.conv1.weight')!.data, before.get('image_encoder.conv1.weight')!.data);
    model.dispose();
  });

  it('a ConVIRT run starts from it and records where its image encoder came from', async () => {
    const runDir = tempDir();
    const events: string[] = [];
    const config = tinyConfig({ epochs: 1, init: { imageFrom: simclrDir } });
    const result = await train({ config, source, tokenizer, runDir, onPreStage: (e) => e.type === 'init' && events.push(e.imageFrom) });
    assert.equal(result.imageInitFrom, simclr.checkpoint);
    assert.deepEqual(events, [simclr.checkpoint]);
    const progress = JSON.parse(readFileSync(join(latestCheckpoint(runDir)!, 'progress.json'), 'utf8')) as { imageInitFrom: string };
    assert.equal(progress.imageInitFrom, simclr.checkpoint);
    const fresh = await train({ config: tinyConfig({ epochs: 1 }), source, tokenizer, runDir: tempDir() });
    assert.notDeepEqual(result.stepLosses, fresh.stepLosses, 'the start differs from the seeded initialisation');
    assert.equal(fresh.imageInitFrom, null);
  });

  it('refuses an image encoder of another architecture, naming both', async () => {
    const config = tinyConfig({ image: { encoder: { depth: 18, widthMultiplier: 1 / 8 }, size: 16 }, init: { imageFrom: simclrDir } });
    await assert.rejects(train({ config, source, tokenizer, runDir: tempDir() }), /holds a ResNet-18 at width 0\.0625 image encoder, but this run's config asks for ResNet-18 at width 0\.125/);
  });
});
