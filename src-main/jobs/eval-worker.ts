/**
 * Entry point of the evaluation worker process (child_process.fork): waits for
 * one 'start' message, runs the evaluation (linear probe or fine-tuning) on the library, streams
 * progress back and exits. Feature extraction and the probes are synchronous CPU
 * work, so they run here rather than in the process that answers the bridge.
 * Cancelling kills this process: everything it stores is written in transactions,
 * and features already stored are reused by the next run.
 */
import { AppError, type AppErrorShape } from '../../src-shared/result';
import { openLibrary } from '../db/connection';
import { runEval } from '../eval/run-eval';
import { selectBackend } from '../ml/backend/select';
import type { EvalJobRequest, EvalParentMessage, EvalWorkerMessage } from './eval-protocol';

function send(message: EvalWorkerMessage): void {
  process.send?.(message);
}

/** Sends the last message and closes the channel once it is flushed. */
function sendLast(message: EvalWorkerMessage): void {
  if (!process.send) return;
  process.send(message, undefined, {}, () => process.disconnect?.());
}

function errorShape(error: unknown): AppErrorShape {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

async function run(request: EvalJobRequest): Promise<void> {
  await selectBackend(request.backend ? { only: request.backend } : {});
  const db = openLibrary(request.libraryPath);
  try {
    const outcome = await runEval(db, request.libraryPath, {
      task: request.task,
      ...(request.label !== undefined ? { label: request.label } : {}),
      encoders: request.encoders,
      fractions: request.fractions,
      seeds: request.seeds,
      splitSeed: request.splitSeed,
      ...(request.protocol ? { protocol: request.protocol } : {}),
      ...(request.maxEpochs !== undefined ? { finetune: { maxEpochs: request.maxEpochs } } : {}),
      ...(request.zeroShot === false ? { zeroShot: false } : {}),
      ...(request.bootstrapResamples !== undefined ? { bootstrapResamples: request.bootstrapResamples } : {}),
      ...(request.retrieval ? { retrieval: request.retrieval } : {}),
      ...(request.outDir ? { outDir: request.outDir } : {}),
      onRun: (runId) => send({ type: 'run', runId }),
      onFeatures: (encoder, p) => send({ type: 'features', encoder, ...p }),
      onProgress: (p) => send({ type: 'probe', ...p }),
      onPixels: (encoder, p) => send({ type: 'pixels', encoder, ...p }),
      onEpoch: (p) => send({ type: 'epoch', encoder: p.encoder, fraction: p.fraction, seed: p.seed, epoch: p.log.epoch, maxEpochs: p.log.maxEpochs, metric: p.log.metric, seconds: p.log.seconds }),
    });
    sendLast({ type: 'done', runId: outcome.runId, files: outcome.files });
  } finally {
    db.close();
  }
}

process.on('message', (message: EvalParentMessage) => {
  if (message.type === 'start') run(message.request).catch((error: unknown) => sendLast({ type: 'error', error: errorShape(error) }));
});
// The parent went away: nothing to save, so stop at once.
process.on('disconnect', () => process.exit(0));
