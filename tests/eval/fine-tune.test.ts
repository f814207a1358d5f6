/**
 * The fine-tuning protocol on real data: 8 COVID-19 and 8 other-finding studies
 * of the COVID collection (copied to a temp folder and imported), a random-init
 * ResNet at 32 px trained a few epochs. Checks that the encoder itself learns,
 * that early stopping keeps the best validation epoch's weights (BatchNorm
 * statistics included), and that `convirt eval --protocol finetune` uses the very
 * subsets the linear probe used and stores results naming their protocol.
 * Skips when ../shared/data is absent.
 */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { before, describe, it } from 'node:test';
import type { Db } from '../../src-main/db/connection';
import { loadResNet } from '../../src-main/eval/features/image-encoder';
import { createClassifier } from '../../src-main/eval/finetune/classifier';
import { afterEpoch, INITIAL_EARLY_STOPPING, isBetter, type EpochScore } from '../../src-main/eval/finetune/early-stopping';
import { fineTune, predictExamples, type FineTuneExample } from '../../src-main/eval/finetune/fine-tune';
import { loadStudyPixels } from '../../src-main/eval/finetune/study-pixels';
import { score, splitParts } from '../../src-main/eval/protocol/cells';
import { readEvalResult } from '../../src-main/eval/results-store';
import { runEval } from '../../src-main/eval/run-eval';
import { loadDataset, subsetDatasetName } from '../../src-main/eval/store';
import { splitByPatient } from '../../src-main/eval/splits';
import { libraryTask } from '../../src-main/eval/tasks/library-task';
import type { TaskExample } from '../../src-main/eval/tasks/task';
import { balancedCovidBeforeAll, covidSkip } from '../helpers/eval-library';

const SIZE = 32;

describe('early stopping (pure)', () => {
  const s = (epoch: number, metric: number | null, loss: number): EpochScore => ({ epoch, metric, loss });

  it('prefers the higher metric, then the lower loss; an undefined metric loses to a defined one', () => {
    assert.equal(isBetter(s(2, 0.8, 9), s(1, 0.7, 0.1)), true);
    assert.equal(isBetter(s(2, 0.7, 0.2), s(1, 0.7, 0.1)), false);
    assert.equal(isBetter(s(2, 0.7, 0.05), s(1, 0.7, 0.1)), true);
    assert.equal(isBetter(s(2, null, 0.01), s(1, 0.5, 1)), false);
    assert.equal(isBetter(s(2, 0.5, 1), s(1, null, 0.01)), true);
  });

  it('stops after `patience` epochs without improvement, or at the cap', () => {
    const metrics = [0.6, 0.7, 0.65, 0.69, 0.9];
    let state = INITIAL_EARLY_STOPPING;
    const stops: boolean[] = [];
    metrics.forEach((m, i) => {
      const step = afterEpoch(state, s(i + 1, m, 1), { patience: 2, maxEpochs: 10 });
      state = step.state;
      stops.push(step.stop);
    });
    assert.deepEqual(stops, [false, false, false, true, false]);
    assert.equal(afterEpoch(INITIAL_EARLY_STOPPING, s(3, 0.5, 1), { patience: 5, maxEpochs: 3 }).stop, true);
  });
});

describe('fine-tuning on the COVID collection', { skip: covidSkip }, () => {
  const library = balancedCovidBeforeAll(8, 'convirt-finetune-');
  let db: Db;
  let path: string;
  before(() => ({ db, path } = library()));

  async function data() {
    const task = libraryTask(db, 'covid-finding');
    const parts = splitParts(task, splitByPatient(task.examples, 0));
    const pixels = await loadStudyPixels(db, path, task.examples.map((e) => e.key), SIZE);
    const of = (part: readonly TaskExample[]): FineTuneExample[] => part.map((e) => ({ images: pixels.get(e.key)!, target: e.target }));
    return { task, parts, examples: { train: of(parts.train), val: of(parts.val), test: of(parts.test) } };
  }

  it('trains the encoder, not only the head, and keeps the best validation epoch', async () => {
    const { task, parts, examples } = await data();
    assert.ok(examples.val.length >= 2 && examples.test.length >= 2);
    const model = createClassifier(loadResNet({ kind: 'random', imageSize: SIZE }).resnet, task.kind, 2, 0);
    const numTensors = tf.memory().numTensors;
    const before = tf.tidy(() => tf.clone(model.trainable.get('layer1.0.conv1.weight')!));
    const validationMetric = (p: Float64Array[]) => score(task, parts.val, p).value;
    const outcome = fineTune(model, examples, SIZE, validationMetric, { maxEpochs: 5, patience: 2, batchSize: 8, lr: 1e-3 });

    const change = tf.tidy(() => tf.max(tf.abs(tf.sub(model.trainable.get('layer1.0.conv1.weight')!, before))).dataSync()[0]!);
    assert.ok(change > 1e-5, `an encoder conv weight moved by ${change}`);
    before.dispose();
    assert.equal(tf.memory().numTensors, numTensors, 'no tensor leaks across the run');

    // The kept epoch is the best of the history, and training stopped where early stopping says.
    const best = outcome.history.reduce((a, b) => (isBetter(b, a) ? b : a));
    assert.equal(outcome.bestEpoch, best.epoch);
    assert.ok(outcome.history.length === 5 || outcome.history.length === outcome.bestEpoch + 2, `stopped after ${outcome.history.length} epochs, best ${outcome.bestEpoch}`);
    // The model holds the best epoch's weights: validation gives back that epoch's numbers.
    const again = predictExamples(model, examples.val, SIZE, 8);
    assert.equal(validationMetric(again.predictions), best.metric);
    assert.ok(Math.abs(again.loss - best.loss) < 1e-6, `validation loss ${again.loss} vs best epoch's ${best.loss}`);
    assert.equal(outcome.predictions.length, examples.test.length);
    for (const p of outcome.predictions) assert.ok(Math.abs(p[0]! + p[1]! - 1) < 1e-5);
    model.dispose();
  });

  it('restore brings back parameters and BatchNorm running statistics', async () => {
    const { task, examples } = await data();
    const model = createClassifier(loadResNet({ kind: 'random', imageSize: SIZE }).resnet, task.kind, 2, 0);
    const saved = model.snapshot();
    const differences = () => {
      const now = model.snapshot();
      const out = new Map([...saved].map(([name, t]) => [name, tf.tidy(() => tf.max(tf.abs(tf.sub(t, now.get(name)!))).dataSync()[0]!)]));
      for (const t of now.values()) t.dispose();
      return out;
    };
    fineTune(model, examples, SIZE, () => null, { maxEpochs: 1, batchSize: 8, lr: 1e-3 });
    // Only one epoch, so it is the best one: the weights stay trained.
    const trained = differences();
    assert.ok(trained.get('conv1.weight')! > 0 && trained.get('bn1.running_mean')! > 0 && trained.get('head.weight')! > 0);
    model.restore(saved);
    for (const [name, diff] of differences()) assert.equal(diff, 0, name);
    for (const t of saved.values()) t.dispose();
    model.dispose();
  });

  it('convirt eval --protocol finetune: the linear probe subsets, results naming their protocol', async () => {
    const common = { task: 'covid-finding', fractions: [0.5, 1], seeds: 2, bootstrapResamples: 50, zeroShot: false as const };
    const encoders = [{ name: 'random init', spec: { kind: 'random' as const, imageSize: SIZE } }];
    const linear = await runEval(db, path, { ...common, encoders, grid: [0.1, 1] });
    const epochs: number[] = [];
    const finetune = await runEval(db, path, { ...common, encoders, protocol: 'finetune', finetune: { maxEpochs: 2, batchSize: 8, lr: 1e-3 }, onEpoch: (p) => epochs.push(p.log.epoch) });

    assert.equal(linear.result.protocolId, 'linear');
    assert.equal(finetune.result.protocolId, 'finetune');
    assert.match(finetune.result.protocol, /^fine-tuning .*early stopping on validation AUC/);
    assert.deepEqual(finetune.result.split, linear.result.split);
    // Same (fraction, seed) subsets: the recorded datasets (a different one would have been refused) and the sizes.
    for (const [c, cell] of finetune.result.cells.entries()) {
      for (const run of cell.runs) {
        assert.equal(loadDataset(db, subsetDatasetName('covid-finding', 0, cell.fraction, run.seed)).train.length, run.trainSize);
        assert.equal(linear.result.cells[c]!.runs[run.seed]!.trainSize, run.trainSize);
        assert.ok(run.bestEpoch! >= 1 && run.bestEpoch! <= run.epochs! && run.epochs! <= 2);
        assert.deepEqual(run.C, []);
      }
    }
    // 50% draws two subsets, 100% one (trained once for both seeds): three runs of at most two epochs.
    assert.ok(epochs.length >= 3 && epochs.length <= 6, `${epochs.length} epochs`);

    const stored = readEvalResult(db, finetune.runId);
    assert.equal(stored.summary.protocolId, 'finetune');
    assert.match(stored.protocol ?? '', /^fine-tuning/);
    assert.equal(stored.cells[0]!.runs[0]!.bestEpoch, finetune.result.cells[0]!.runs[0]!.bestEpoch);
    assert.equal(readEvalResult(db, linear.runId).summary.protocolId, 'linear');
  });
});
