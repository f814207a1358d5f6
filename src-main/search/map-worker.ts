/**
 * Worker thread of the archive map: runs the seeded UMAP layout (map-layout.ts)
 * off the main thread, so the workstation keeps answering while a large map
 * (seconds at 2,000 studies) is computed, and reports its epochs as progress.
 */
import { parentPort } from 'node:worker_threads';
import { umapLayout, type StudyVectors } from './map-layout';

export interface MapWorkerRequest {
  vectors: StudyVectors;
  seed: number;
}

export type MapWorkerMessage =
  | { type: 'progress'; epoch: number; epochs: number }
  | { type: 'done'; xy: [number, number][] }
  | { type: 'error'; message: string };

parentPort?.once('message', (request: MapWorkerRequest) => {
  // A few progress messages per second are plenty for a progress bar.
  let lastSent = 0;
  umapLayout(request.vectors, {
    seed: request.seed,
    onProgress: (epoch, epochs) => {
      const now = Date.now();
      if (now - lastSent < 100 && epoch < epochs) return;
      lastSent = now;
      parentPort!.postMessage({ type: 'progress', epoch, epochs } satisfies MapWorkerMessage);
    },
  }).then(
    (xy) => parentPort!.postMessage({ type: 'done', xy } satisfies MapWorkerMessage),
    (error: unknown) => parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) } satisfies MapWorkerMessage),
  );
});
