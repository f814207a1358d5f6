/**
 * Worker threads that augment batches off the main thread, so that while the
 * main thread runs training step k (synchronous tfjs work) a worker prepares
 * batch k + 1. makeView is pure, so the views are the same as inline ones.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../../src-shared/result';
import type { AugmentRequest } from './augment-worker';
import type { PairView, TrainingPair, ViewOptions } from './data';

/** The bundled worker beside this bundle, else the TypeScript source through tsx (tests, benchmarks). */
function startWorker(): Worker {
  const bundled = join(__dirname, 'augment-worker.js');
  if (existsSync(bundled)) return new Worker(bundled);
  const source = join(__dirname, 'augment-worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { eval: true });
}

/** Threads for augmentation by default: $CONVIRT_AUGMENT_THREADS, else every core but the one training (at most 4). */
export function defaultAugmentThreads(env: NodeJS.ProcessEnv = process.env): number {
  const forced = Number(env.CONVIRT_AUGMENT_THREADS);
  if (env.CONVIRT_AUGMENT_THREADS !== undefined && Number.isInteger(forced) && forced >= 0) return forced;
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

export class AugmentPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, { resolve: (views: PairView[]) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor(threads: number) {
    this.workers = Array.from({ length: Math.max(1, threads) }, () => {
      const worker = startWorker();
      worker.on('message', ({ id, views }: { id: number; views: PairView[] }) => {
        this.pending.get(id)?.resolve(views);
        this.pending.delete(id);
      });
      worker.on('error', (error) => this.failAll(error));
      return worker;
    });
  }

  private failAll(error: Error): void {
    for (const { reject } of this.pending.values()) reject(new AppError('internal', `augmentation worker failed: ${error.message}`));
    this.pending.clear();
  }

  /** Views of a batch, split across the workers in order. */
  async views(pairs: TrainingPair[], indices: number[], epoch: number | 'validation', options: ViewOptions): Promise<PairView[]> {
    const chunk = Math.ceil(pairs.length / this.workers.length);
    const parts = this.workers.map((worker, w) => {
      const start = w * chunk;
      if (start >= pairs.length) return Promise.resolve([] as PairView[]);
      const id = this.nextId++;
      const request: AugmentRequest = { id, pairs: pairs.slice(start, start + chunk), indices: indices.slice(start, start + chunk), epoch, options };
      return new Promise<PairView[]>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        worker.postMessage(request);
      });
    });
    return (await Promise.all(parts)).flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
