/**
 * Runs one evaluation in its own process (child_process.fork of the bundled
 * worker; under Electron the same file runs with ELECTRON_RUN_AS_NODE) and turns
 * what it reports into JobEvents: 'started', 'progress' per feature batch and per
 * probe (the message names the phase), then 'done' (summary: run id and files),
 * 'failed' or 'cancelled'. Cancel kills the worker and marks its run cancelled.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JobEvent } from '../../src-shared/contract/events';
import type { Db } from '../db/connection';
import type { EvalJobRequest, EvalParentMessage, EvalWorkerMessage } from './eval-protocol';

export const EVAL_JOB_KIND = 'eval';

function workerEntry(): { path: string; execArgv: string[] } {
  const bundled = join(__dirname, 'eval-worker.js');
  if (existsSync(bundled)) return { path: bundled, execArgv: [] };
  return { path: join(__dirname, 'eval-worker.ts'), execArgv: ['--import', 'tsx'] };
}

export interface EvalJobOutcome {
  status: 'done' | 'failed' | 'cancelled';
  runId: number | null;
  files: string[];
  error: string | null;
}

export interface EvalJob {
  jobId: string;
  /** The runs row, once the worker has created it. */
  readonly runId: number | null;
  child: ChildProcess;
  cancel(): void;
  done: Promise<EvalJobOutcome>;
}

let counter = 0;

function percent(fraction: number): string {
  return `${+(fraction * 100).toFixed(4)}%`;
}

export function startEvalJob(db: Db, request: EvalJobRequest, onEvent: (event: JobEvent) => void = () => undefined): EvalJob {
  const jobId = `${EVAL_JOB_KIND}-${process.pid}-${Date.now()}-${++counter}`;
  const base = { jobId, kind: EVAL_JOB_KIND };
  const entry = workerEntry();
  const child = fork(entry.path, [], {
    execArgv: entry.execArgv,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.send({ type: 'start', request } satisfies EvalParentMessage);
  onEvent({ type: 'started', ...base, total: null });

  let runId: number | null = null;
  let final: EvalWorkerMessage | null = null;
  let cancelRequested = false;
  child.on('message', (message: EvalWorkerMessage) => {
    switch (message.type) {
      case 'run':
        runId = message.runId;
        onEvent({ type: 'log', ...base, level: 'info', message: `evaluation run ${message.runId} started` });
        break;
      case 'features':
        onEvent({ type: 'progress', ...base, done: message.done, total: message.total, rate: message.rate, etaSeconds: message.etaSeconds, message: `features: ${message.encoder}` });
        break;
      case 'probe':
        onEvent({ type: 'progress', ...base, done: message.done, total: message.total, rate: null, etaSeconds: null, message: `${request.protocol === 'finetune' ? 'fine-tuned' : 'linear probes'}: ${message.encoder} ${percent(message.fraction)} seed ${message.seed}` });
        break;
      case 'pixels':
        onEvent({ type: 'progress', ...base, done: message.done, total: message.total, rate: null, etaSeconds: null, message: `images: ${message.encoder}` });
        break;
      case 'epoch': {
        // Early stopping may end a run before maxEpochs, so the bound is the cap; the ETA is this run's.
        const metric = message.metric === null ? '' : `, validation ${message.metric.toFixed(3)}`;
        const text = `fine-tuning: ${message.encoder} ${percent(message.fraction)} seed ${message.seed}, epoch ${message.epoch}/${message.maxEpochs}${metric}`;
        onEvent({ type: 'progress', ...base, done: message.epoch, total: message.maxEpochs, rate: 1 / Math.max(message.seconds, 1e-3), etaSeconds: (message.maxEpochs - message.epoch) * message.seconds, message: text });
        break;
      }
      default:
        final = message;
    }
  });

  const done = new Promise<EvalJobOutcome>((resolve) => {
    child.on('exit', (code, signal) => {
      const last = final as EvalWorkerMessage | null;
      if (last?.type === 'done') {
        onEvent({ type: 'done', ...base, summary: { runId: last.runId, files: last.files } });
        return resolve({ status: 'done', runId: last.runId, files: last.files, error: null });
      }
      if (cancelRequested) {
        // The worker died mid-run: its run row still says running.
        // The library may be closed by now (the workstation shutting down cancels its job).
        if (runId !== null && db.open) db.prepare("UPDATE runs SET status = 'cancelled', finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND status = 'running'").run(runId);
        onEvent({ type: 'cancelled', ...base });
        return resolve({ status: 'cancelled', runId, files: [], error: null });
      }
      const error = last?.type === 'error' ? last.error : { code: 'internal' as const, message: `the evaluation process exited ${signal ? `on signal ${signal}` : `with code ${code}`}` };
      if (runId !== null && db.open) db.prepare("UPDATE runs SET status = 'failed', error = ?, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND status = 'running'").run(error.message, runId);
      onEvent({ type: 'failed', ...base, error });
      resolve({ status: 'failed', runId, files: [], error: error.message });
    });
  });

  return {
    jobId,
    get runId() {
      return runId;
    },
    child,
    cancel() {
      if (cancelRequested || child.exitCode !== null) return;
      cancelRequested = true;
      child.kill('SIGTERM');
      // Marked now rather than on exit: on shutdown the library closes before the worker's exit arrives.
      if (runId !== null && db.open) db.prepare("UPDATE runs SET status = 'cancelled', finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND status = 'running'").run(runId);
    },
    done,
  };
}
