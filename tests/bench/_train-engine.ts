/**
 * One setting of `npm run bench -- train`, in a process of its own so its peak
 * RSS is its own: `node --import tsx tests/bench/_train-engine.ts SIZE BATCH
 * STEPS [BACKEND]`. Trains the cpu-small ConVIRT model (issue "Training
 * speed") on a fixed synthetic batch and prints one JSON line: ms per warm
 * step (median), pairs/s, peak RSS, and the time per step spent preparing the
 * batch through the data pipeline (load + augment + tokenize).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../../src-shared/contract/system';
import { selectBackend } from '../../src-main/ml/backend/select';
import { Adam } from '../../src-main/ml/optim/adam';
import { presetConfig } from '../../src-main/ml/train/config';
import { makeView } from '../../src-main/ml/train/data';
import { createConvirtModel } from '../../src-main/ml/train/model';
import { runTokenizer } from '../../src-main/ml/train/tokenizer';
import { trainStep } from '../../src-main/ml/train/trainer';
import { tinyPairs } from '../ml/train/tiny';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const [size, batch, steps] = process.argv.slice(2, 5).map(Number) as [number, number, number];
  const only = process.argv[5] as BackendName | undefined;
  const backend = await selectBackend(only ? { only } : {});
  const config = presetConfig('cpu-small', { image: { encoder: { depth: 18, widthMultiplier: 0.25 }, size }, batchSize: batch });
  const model = createConvirtModel(config);
  const { lr, beta1, beta2, eps, weightDecay } = config.optimizer;
  const adam = new Adam({ lr, beta1, beta2, eps, weightDecay });
  // Source images at 320 px, as the cache's 512 px entries after a resize would be.
  const pairs = tinyPairs(batch, 320);
  const { tokenizer } = runTokenizer(config, { resumeCheckpoint: null, reportTexts: () => pairs.map((p) => p.reportText) });
  const views = { seed: 1, imageSize: size, augment: config.image.augment, sampling: config.text.sampling };
  const prepare = (epoch: number) => ({ indices: pairs.map((_, i) => i), views: pairs.map((p, i) => makeView(p, i, epoch, views)) });
  const step = { model, adam, config, tokenizer };
  const dataMs: number[] = [];
  const stepMs: number[] = [];
  const warmup = 2;
  for (let s = 0; s < warmup + steps; s++) {
    const t0 = performance.now();
    const batchViews = prepare(s);
    const t1 = performance.now();
    trainStep(step, batchViews, config.optimizer.lr, s);
    const t2 = performance.now();
    if (s >= warmup) {
      dataMs.push(t1 - t0);
      stepMs.push(t2 - t1);
    }
  }
  const ms = median(stepMs);
  const line = {
    backend: backend.chosen,
    msPerStep: ms,
    pairsPerSecond: (batch * 1000) / ms,
    dataMsPerStep: median(dataMs),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    tensors: tf.memory().numTensors,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

void main();
