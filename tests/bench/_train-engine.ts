/**
 * One setting of `npm run bench -- train`, in a process of its own so its peak
 * RSS is its own: `node --import tsx tests/bench/_train-engine.ts SIZE BATCH
 * STEPS [BACKEND]`. Trains the cpu-small ConVIRT model (issue "Training
 * speed") on synthetic pairs fed as the trainer feeds them (prefetchBatches
 * with the augmentation worker pool) and prints one JSON line: ms per warm
 * step (median), pairs/s, peak RSS, the time per step the step waited for its
 * batch, the main thread's CPU ms per step (what a loaded machine distorts
 * least; OpenBLAS at one thread runs in it, augmentation workers do not), and
 * a per-kernel profile of one more step (tf.profile, kernel times in CPU ms).
 * CONVIRT_NATIVE_KERNELS=0 in the environment measures the wasm kernels alone.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName } from '../../src-shared/contract/system';
import { selectBackend } from '../../src-main/ml/backend/select';
import { Adam } from '../../src-main/ml/optim/adam';
import { AugmentPool, defaultAugmentThreads } from '../../src-main/ml/train/augment-pool';
import { presetConfig } from '../../src-main/ml/train/config';
import { prefetchBatches } from '../../src-main/ml/train/data';
import { createConvirtModel } from '../../src-main/ml/train/model';
import { runTokenizer } from '../../src-main/ml/train/tokenizer';
import { trainStep } from '../../src-main/ml/train/trainer';
import { memorySource, tinyPairs } from '../ml/train/tiny';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** CPU ms used so far by this process's main thread (Linux /proc; clock ticks of 10 ms). */
function mainThreadCpuMs(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU ms of this process while f runs (tf.profile then times kernels by CPU, not by a clock that other processes stop). */
async function cpuTime(f: () => void): Promise<{ kernelMs: number }> {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return { kernelMs: (used.user + used.system) / 1000 };
}

/**
 * Kernel name -> CPU ms summed over one step's calls (nested kernels count in
 * their caller), and the step's own CPU ms, which also holds tfjs's bookkeeping.
 */
async function profileStep(step: () => void): Promise<{ stepMs: number; kernels: Record<string, number> }> {
  const backend = tf.backend() as unknown as { time: typeof cpuTime };
  const wallTimer = backend.time;
  backend.time = cpuTime;
  const start = process.cpuUsage();
  const info = await tf.profile(step);
  const used = process.cpuUsage(start);
  backend.time = wallTimer;
  const kernels: Record<string, number> = {};
  for (const k of info.kernels) kernels[k.name] = (kernels[k.name] ?? 0) + (k.kernelTimeMs as number);
  return { stepMs: (used.user + used.system) / 1000, kernels };
}

async function main(): Promise<void> {
  const [size, batch, steps] = process.argv.slice(2, 5).map(Number) as [number, number, number];
  const only = process.argv[5] as BackendName | undefined;
  const backend = await selectBackend(only ? { only } : {});
  const config = presetConfig('cpu-small', { image: { encoder: { depth: 18, widthMultiplier: 0.25 }, size }, batchSize: batch });
  const model = createConvirtModel(config);
  const { lr, beta1, beta2, eps, weightDecay } = config.optimizer;
  const adam = new Adam({ lr, beta1, beta2, eps, weightDecay });
  // Source images at 320 px, as the cache's 512 px entries after a resize would be.
  const pairs = tinyPairs(4 * batch, 320);
  const { tokenizer } = runTokenizer(config, { resumeCheckpoint: null, reportTexts: () => pairs.map((p) => p.reportText) });
  const views = { seed: 1, imageSize: size, augment: config.image.augment, sampling: config.text.sampling };
  const warmup = 2;
  const total = warmup + steps + 1;
  const batches = Array.from({ length: total }, (_, s) => Array.from({ length: batch }, (_, i) => (s * batch + i) % pairs.length));
  const threads = defaultAugmentThreads();
  const pool = threads > 0 ? new AugmentPool(threads) : null;
  const step = { model, adam, config, tokenizer };
  const waitMs: number[] = [];
  const stepMs: number[] = [];
  const cpuMs: number[] = [];
  let profile: Awaited<ReturnType<typeof profileStep>> | null = null;
  let s = 0;
  let waitStart = performance.now();
  // As the trainer does: each step waits for the batch that workers prepared during the previous step.
  for await (const views_ of prefetchBatches(memorySource(pairs), batches, 0, views, pool)) {
    const started = performance.now();
    const cpuStart = mainThreadCpuMs();
    if (s === total - 1) {
      profile = await profileStep(() => void trainStep(step, views_, lr, s));
    } else {
      trainStep(step, views_, lr, s);
      if (s >= warmup) {
        waitMs.push(started - waitStart);
        stepMs.push(performance.now() - started);
        cpuMs.push(mainThreadCpuMs() - cpuStart);
      }
    }
    s += 1;
    await new Promise((resolve) => setImmediate(resolve));
    waitStart = performance.now();
  }
  await pool?.close();
  const ms = median(stepMs);
  const line = {
    backend: backend.chosen,
    note: backend.candidates.find((c) => c.name === backend.chosen)?.reason ?? '',
    msPerStep: ms,
    pairsPerSecond: (batch * 1000) / ms,
    cpuMsPerStep: median(cpuMs),
    dataWaitMsPerStep: median(waitMs),
    augmentThreads: threads,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    profile,
    tensors: tf.memory().numTensors,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

void main();
