/**
 * Entry point of the training worker process (child_process.fork). Waits for
 * one 'start' message, trains, records each step, epoch and checkpoint in the
 * library, streams events back, and exits. A 'cancel'
 * message, or the parent going away, stops the run after the current step
 * with a checkpoint, so `--resume` continues it.
 */
import { AppError, type AppErrorShape } from '../../src-shared/result';
import { openLibrary } from '../db/connection';
import { selectBackend } from '../ml/backend/select';
import { latestCheckpoint } from '../ml/train/checkpoint';
import { librarySource } from '../ml/train/library-source';
import { VOCAB_FILE, runTokenizer } from '../ml/train/tokenizer';
import { train } from '../ml/train/trainer';
import { recordTrainerEvent } from './run-record';
import type { ParentMessage, TrainRequest, WorkerMessage } from './train-protocol';

let stopRequested = false;

/**
 * Sends to the parent while it is there. A parent killed outright leaves the
 * channel broken before 'disconnect' arrives: the write fails (EPIPE), which
 * without a callback would crash the worker before its checkpoint; it stops
 * the run instead, like a disconnect.
 */
function send(message: WorkerMessage): void {
  if (!process.send || !process.connected) return;
  process.send(message, undefined, {}, (error) => {
    if (error) stopRequested = true;
  });
}

/** Sends the last message and closes the channel once it is flushed. */
function sendLast(message: WorkerMessage): void {
  if (!process.send || !process.connected) return;
  process.send(message, undefined, {}, () => {
    if (process.connected) process.disconnect?.();
  });
}

function errorShape(error: unknown): AppErrorShape {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

async function run(request: TrainRequest): Promise<void> {
  const backend = await selectBackend(request.backend ? { only: request.backend } : {});
  // Read-write: it records the run's metrics and checkpoints, each before the trainer goes on (run-record.ts).
  const db = openLibrary(request.libraryPath);
  try {
    const source = librarySource(db, request.libraryPath);
    send({ type: 'ready', backend, ...source.info });
    const resumeCheckpoint = request.resume ? latestCheckpoint(request.runDir) : null;
    const { tokenizer, vocabText } = runTokenizer(request.config, { resumeCheckpoint, reportTexts: () => source.reportTexts() });
    const result = await train({
      config: request.config,
      source,
      tokenizer,
      runDir: request.runDir,
      resume: request.resume,
      checkpointFiles: { [VOCAB_FILE]: vocabText },
      onEvent: (event) => {
        recordTrainerEvent(db, request.runId, event);
        send({ type: 'trainer', event });
      },
      onPreStage: (event) => send({ type: 'prestage', event }),
      shouldStop: () => stopRequested,
    });
    const { stepLosses: _omitted, ...summary } = result;
    sendLast({ type: 'done', result: summary });
  } finally {
    db.close();
  }
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'cancel') {
    stopRequested = true;
    return;
  }
  run(message.request).catch((error: unknown) => sendLast({ type: 'error', error: errorShape(error) }));
});
// The parent died or closed the channel: stop after this step, with a checkpoint.
process.on('disconnect', () => {
  stopRequested = true;
});
