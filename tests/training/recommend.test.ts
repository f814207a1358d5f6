import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTrainConfig, presetConfig } from '../../src-main/ml/train/config';
import { chooseRecipe, formatDuration, MIN_PAIRS, recommend, SMALL_LIBRARY_PAIRS, type RecommendFacts } from '../../src-main/training/recommend';

const laptop: RecommendFacts = { backend: 'wasm', device: 'CPU: test (2 cores)', cores: 2, pairs: 542, patients: 300 };

describe('pretraining recommendation', () => {
  it('a CPU library of 542 pairs gets the small-data preset at 128 px, batch 16, and a config the engine accepts', () => {
    const r = recommend(laptop);
    assert.equal(r.ready, true);
    assert.equal(r.preset, 'small-data');
    assert.equal(r.imageSize, 128);
    assert.equal(r.batchSize, 16);
    // 488 training pairs -> 30 steps an epoch; 3000 steps wanted, capped at the recipe's 30 epochs.
    assert.equal(r.epochs, 30);
    const config = parseTrainConfig(r.config);
    assert.equal(config.preset, 'small-data');
    assert.equal(config.image.size, 128);
    assert.equal(config.batchSize, 16);
    assert.equal(config.epochs, 30);
    assert.equal(config.image.encoder.depth, 18);
    // The hybrid loss's second image view: 18 / 1.6 pairs/s. 30 epochs x (488 / 11.25 + 54 / 33.75) s.
    assert.equal(r.pairsPerSecond, 18 / 1.6);
    assert.ok(Math.abs(r.estimatedSeconds! - 30 * (488 / 11.25 + 54 / 33.75)) < 2, String(r.estimatedSeconds));
    assert.match(r.explanation, /ResNet-18 ×0\.25 \+ 2-layer transformer at 128 px, batch 16, up to 30 epochs on WebAssembly \(2 cores\)/);
    assert.match(r.explanation, /542 report-paired images from 300 patients, about 22 min/);
  });

  it('a GPU gets the paper recipe at 224 px and batch 32', () => {
    const r = recommend({ ...laptop, backend: 'tensorflow-gpu', device: 'GPU: test', pairs: 200_000, patients: 60_000 });
    assert.equal(r.preset, 'paper');
    assert.equal(r.imageSize, 224);
    assert.equal(r.batchSize, 32);
    assert.equal(parseTrainConfig(r.config).image.encoder.depth, 50);
    assert.match(r.model, /ResNet-50 \+ BERT-base/);
    // 180,000 training pairs: 5,625 steps an epoch, so the 20,000-step target asks for 4 epochs,
    // raised to the recipe's minimum of 10 (55 min an epoch at 60 pairs/s: 9.3 h, inside the 24 h budget).
    assert.equal(r.epochs, 10);
    assert.ok(r.estimatedSeconds! < 24 * 3600);
  });

  it('a large library on a CPU is cut to the time budget', () => {
    const r = recommend({ ...laptop, pairs: 100_000, patients: 40_000 });
    // 90,000 training pairs at 18/s: 5,185 s an epoch with validation; 8 h allows 5.
    assert.equal(r.epochs, 5);
    assert.ok(r.estimatedSeconds! <= 8 * 3600);
  });

  it('libtensorflow scales with cores; wasm does not', () => {
    const wasm8 = recommend({ ...laptop, cores: 8 });
    const tf2 = recommend({ ...laptop, backend: 'tensorflow' });
    const tf8 = recommend({ ...laptop, backend: 'tensorflow', cores: 8 });
    assert.equal(wasm8.pairsPerSecond, recommend(laptop).pairsPerSecond);
    assert.ok(tf8.pairsPerSecond > 3.9 * tf2.pairsPerSecond);
  });

  it('a tiny library gets a small batch so an epoch has several steps', () => {
    const r = recommend({ ...laptop, pairs: 20, patients: 10 });
    // 18 training pairs: batch 4, four steps an epoch.
    assert.equal(r.batchSize, 4);
    assert.equal(r.epochs, 30);
    assert.ok(r.pairsPerSecond < recommend(laptop).pairsPerSecond);
  });

  it('plain JavaScript trains smaller images and says it is slow', () => {
    const r = recommend({ ...laptop, backend: 'cpu' });
    assert.equal(r.imageSize, 64);
    assert.equal(r.batchSize, 8);
    assert.match(r.explanation, /plain JavaScript \(slow/);
  });

  it(`fewer than ${MIN_PAIRS} pairs is not ready, and says what to do`, () => {
    const r = recommend({ ...laptop, pairs: 3, patients: 2 });
    assert.equal(r.ready, false);
    assert.equal(r.estimatedSeconds, null);
    assert.match(r.explanation, /has 3 report-paired image\(s\).*at least 8.*Import studies with reports/);
  });

  it('picks the recipe by library size: small-data under 5,000 pairs, else the paper (GPU) or its CPU-sized version', () => {
    assert.equal(SMALL_LIBRARY_PAIRS, 5000);
    for (const backend of ['wasm', 'tensorflow', 'cpu', 'tensorflow-gpu'] as const) {
      assert.equal(chooseRecipe(4999, backend).preset, 'small-data', backend);
      assert.equal(recommend({ ...laptop, backend, pairs: 4999, patients: 2000 }).preset, 'small-data', backend);
    }
    assert.equal(chooseRecipe(5000, 'wasm').preset, 'cpu-small');
    assert.equal(chooseRecipe(5000, 'tensorflow').preset, 'cpu-small');
    assert.equal(chooseRecipe(5000, 'tensorflow-gpu').preset, 'paper');
    const gpuSmall = recommend({ ...laptop, backend: 'tensorflow-gpu', device: 'GPU: test' });
    assert.equal(gpuSmall.imageSize, 224);
    assert.equal(parseTrainConfig(gpuSmall.config).image.encoder.depth, 18, 'small encoders on a GPU too: the data, not the machine, limits them');
  });

  it('says which recipe and why', () => {
    assert.match(recommend(laptop).explanation, /^Small-data recipe: 542 pairs is under 5,000, too few for the paper's recipe to train a text encoder from scratch, so the image encoder also learns from two views of each image \(hybrid loss\)/);
    assert.match(recommend({ ...laptop, backend: 'tensorflow-gpu', pairs: 200_000, patients: 60_000 }).explanation, /^The paper's recipe: 200,000 pairs is a large archive, and the GPU trains its full-size encoders\. ResNet-50 \+ BERT-base at 224 px/);
    assert.match(recommend({ ...laptop, pairs: 100_000, patients: 40_000 }).explanation, /^The paper's loss and settings on CPU-sized encoders: 100,000 pairs is a large archive, and this machine has no GPU/);
  });

  it('the small-data config: BatchNorm heads, hybrid loss, false negatives masked, smoothed early stopping; the paper preset stays the paper', () => {
    const small = parseTrainConfig(recommend(laptop).config);
    assert.equal(small.heads.batchNorm, true);
    assert.equal(small.loss.imageWeight, 0.5);
    assert.equal(small.loss.maskFalseNegatives, true);
    assert.equal(small.text.sampling, 'report');
    assert.deepEqual(small.earlyStopping, { patience: 5, minDelta: 0, minEpochs: 10, smoothing: 0.6 });
    assert.equal(small.image.augment.flipProbability, 0);
    const paper = presetConfig('paper');
    assert.equal(paper.heads.batchNorm, false);
    assert.deepEqual(paper.loss, { lambda: 0.75, tau: 0.1, learnableTau: false, tauMin: 0.01, tauMax: 1, maskFalseNegatives: false, imageWeight: 0 });
    assert.equal(paper.text.sampling, 'sentence');
    assert.equal(paper.text.mlmWarmup, null);
    assert.equal(paper.init.imageFrom, null);
    assert.deepEqual(paper.earlyStopping, { patience: 10, minDelta: 0, minEpochs: 0, smoothing: 0 });
    assert.deepEqual(paper.optimizer.schedule, { kind: 'constant' });
    assert.equal(paper.image.augment.flipProbability, 0.5);
  });

  it('formats durations in seconds, minutes and hours', () => {
    assert.equal(formatDuration(42), '42 s');
    assert.equal(formatDuration(600), '10 min');
    assert.equal(formatDuration(3 * 3600 + 1800), '3.5 h');
    assert.equal(formatDuration(30 * 3600), '30 h');
  });
});
