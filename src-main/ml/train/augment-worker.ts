/**
 * Worker thread of the augmentation pool: turns loaded pairs into training
 * views (makeView, pure) off the main thread, so augmenting the next batch
 * overlaps the current training step.
 */
import { parentPort } from 'node:worker_threads';
import { makeView, type TrainingPair, type ViewOptions } from './data';

export interface AugmentRequest {
  id: number;
  pairs: TrainingPair[];
  indices: number[];
  epoch: number | 'validation';
  options: ViewOptions;
}

parentPort?.on('message', (request: AugmentRequest) => {
  const views = request.pairs.map((pair, k) => makeView(pair, request.indices[k]!, request.epoch, request.options));
  parentPort!.postMessage({ id: request.id, views }, views.flatMap((v) => [v.image.buffer as ArrayBuffer, ...(v.image2 ? [v.image2.buffer as ArrayBuffer] : [])]));
});
