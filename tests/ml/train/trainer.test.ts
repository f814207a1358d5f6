import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../../src-main/ml/backend/select';
import { checkpointName, latestCheckpoint, readCheckpointConfig } from '../../../src-main/ml/train/checkpoint';
import { splitByPatient } from '../../../src-main/ml/train/data';
import { train, type TrainerEvent } from '../../../src-main/ml/train/trainer';
import { readSafetensors } from '../../../src-main/ml/weights/safetensors';
import { tempDir } from '../../helpers/temp';
import { memorySource, tinyConfig, tinyPairs, wordTokenizer } from './tiny';

const pairs = tinyPairs(16);
const source = memorySource(pairs);
const tokenizer = wordTokenizer(pairs.map((p) => p.reportText));

describe('trainer', () => {
  before(() => useBackend('cpu'));

  it('splits by patient: no patient on both sides, same split for the same seed', () => {
    const split = splitByPatient(source, 0.25, 7);
    const trainPatients = new Set(split.train.map((i) => pairs[i]!.patientKey));
    assert.ok(split.validation.length > 0 && split.train.length > 0);
    assert.ok(split.validation.every((i) => !trainPatients.has(pairs[i]!.patientKey)));
    assert.deepEqual(splitByPatient(source, 0.25, 7), split);
    assert.equal(split.train.length + split.validation.length, pairs.length);
  });

  it('one epoch on tiny data: finite losses, a complete checkpoint with its config, in seconds', async () => {
    const runDir = tempDir();
    const config = tinyConfig({ epochs: 1 });
    const events: TrainerEvent[] = [];
    const started = Date.now();
    const result = await train({ config, source, tokenizer, runDir, onEvent: (e) => events.push(e) });
    const seconds = (Date.now() - started) / 1000;
    assert.equal(result.status, 'done');
    assert.equal(result.epochs.length, 1);
    assert.ok(Number.isFinite(result.finalTrainLoss) && Number.isFinite(result.finalValLoss), 'finite losses');
    const steps = events.filter((e) => e.type === 'step');
    assert.equal(steps.length, result.steps);
    assert.ok(steps.every((e) => e.pairsPerSecond > 0 && e.lr === 1e-3 && e.totalSteps === result.steps));
    const checkpoint = latestCheckpoint(runDir)!;
    for (const file of ['model.safetensors', 'optimizer.safetensors', 'config.json', 'progress.json']) assert.ok(existsSync(join(checkpoint, file)), file);
    assert.deepEqual(readCheckpointConfig(checkpoint), config);
    assert.equal(result.checkpoint, checkpoint);
    assert.ok(seconds < 60, `took ${seconds} s`);
  });

  it('is deterministic: the same seed gives the same step losses; another seed does not', async () => {
    const config = tinyConfig({ epochs: 1, validation: { fraction: 0 } });
    const a = await train({ config, source, tokenizer, runDir: tempDir() });
    const b = await train({ config, source, tokenizer, runDir: tempDir() });
    const c = await train({ config: { ...config, seed: 8 }, source, tokenizer, runDir: tempDir() });
    assert.deepEqual(b.stepLosses, a.stepLosses);
    assert.notDeepEqual(c.stepLosses, a.stepLosses);
  });

  it('a run cancelled mid-epoch or on an epoch\'s last step resumes and ends with the same losses', async () => {
    const config = tinyConfig({ epochs: 2, checkpointEverySteps: 2 });
    const whole = await train({ config, source, tokenizer, runDir: tempDir() });
    // 10 training pairs, batch 4: 2 steps an epoch; step 3 is mid-epoch 1, step 2 ends epoch 0.
    for (const stopAt of [3, 2]) {
      const runDir = tempDir();
      let steps = 0;
      const first = await train({ config, source, tokenizer, runDir, onEvent: (e) => (steps += e.type === 'step' ? 1 : 0), shouldStop: () => steps === stopAt });
      assert.equal(first.status, 'cancelled');
      assert.equal(first.steps, stopAt);
      const resumed = await train({ config, source, tokenizer, runDir, resume: true });
      assert.equal(resumed.status, 'done');
      assert.deepEqual([...first.stepLosses, ...resumed.stepLosses], whole.stepLosses, `stopped at ${stopAt}`);
      assert.deepEqual(resumed.epochs, whole.epochs, `stopped at ${stopAt}`);
    }
  });

  it('stops early on a flat validation loss, but not before minEpochs', async () => {
    const config = tinyConfig({ epochs: 10, earlyStopping: { patience: 1, minDelta: 100, minEpochs: 3 } });
    const result = await train({ config, source, tokenizer, runDir: tempDir() });
    assert.equal(result.status, 'early-stopped');
    assert.equal(result.epochs.length, 3);
    // The best is the first epoch's checkpoint, kept although newer ones were written after it.
    assert.equal(result.checkpoint, join(result.lastCheckpoint!, '..', checkpointName(result.steps / 3)));
    assert.ok(existsSync(result.checkpoint!));
  });

  it('trains with every option on: false-negative mask, learnable clamped tau, clipping, cosine schedule', async () => {
    const runDir = tempDir();
    const config = tinyConfig({
      epochs: 2,
      loss: { lambda: 0.75, tau: 0.1, learnableTau: true, tauMin: 0.05, tauMax: 0.5, maskFalseNegatives: true },
      optimizer: { lr: 1e-2, weightDecay: 1e-4, clipNorm: 0.5, schedule: { kind: 'cosine', warmupSteps: 1, minFactor: 0.1 } },
    });
    const lrs: number[] = [];
    const result = await train({ config, source, tokenizer, runDir, onEvent: (e) => e.type === 'step' && lrs.push(e.lr) });
    assert.ok(Number.isFinite(result.finalTrainLoss));
    assert.equal(lrs[0], 1e-2, 'a warm-up of one step reaches the base rate');
    assert.ok(lrs.at(-1)! < lrs[0]!, 'cosine decays');
    const saved = readSafetensors(join(latestCheckpoint(runDir)!, 'model.safetensors')).tensors.get('log_inverse_tau')!;
    assert.notEqual(saved.data[0], Math.fround(Math.log(10)), 'the temperature was learnt');
    const optimizer = readSafetensors(join(latestCheckpoint(runDir)!, 'optimizer.safetensors'));
    assert.ok(optimizer.tensors.has('log_inverse_tau.exp_avg'));
    assert.ok(optimizer.tensors.has('image_encoder.conv1.weight.exp_avg_sq'));
    assert.deepEqual(optimizer.tensors.get('image_encoder.conv1.weight.exp_avg')!.shape, [4, 1, 7, 7], 'PyTorch layout');
  });
});
