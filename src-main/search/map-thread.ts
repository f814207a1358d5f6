/**
 * Runs one archive-map layout in a worker thread (map-worker.ts) and resolves
 * to its points; the vectors' buffer is handed over, not copied.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../src-shared/result';
import type { StudyVectors } from './map-layout';
import type { MapWorkerMessage, MapWorkerRequest } from './map-worker';

/** The bundled worker beside this bundle, else the TypeScript source through tsx (tests). */
function startWorker(): Worker {
  const bundled = join(__dirname, 'map-worker.js');
  if (existsSync(bundled)) return new Worker(bundled);
  const source = join(__dirname, 'map-worker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { eval: true });
}

export function layoutInThread(vectors: StudyVectors, seed: number, onProgress?: (epoch: number, epochs: number) => void): Promise<[number, number][]> {
  const worker = startWorker();
  return new Promise<[number, number][]>((resolve, reject) => {
    worker.on('message', (message: MapWorkerMessage) => {
      if (message.type === 'progress') onProgress?.(message.epoch, message.epochs);
      else if (message.type === 'done') resolve(message.xy);
      else reject(new AppError('internal', `the archive map layout failed: ${message.message}`));
    });
    worker.on('error', (error) => reject(new AppError('internal', `the archive map worker failed: ${error.message}`)));
    worker.on('exit', (code) => reject(new AppError('internal', `the archive map worker exited with code ${code} before its layout was done`)));
    worker.postMessage({ vectors, seed } satisfies MapWorkerRequest, [vectors.matrix.buffer as ArrayBuffer]);
  }).finally(() => void worker.terminate());
}
