import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import type { JobEvent } from '../../../src-shared/contract/events';
import { BackendName } from '../../../src-shared/contract/system';
import { openLibrary } from '../../db/connection';
import { MLM_PROGRESS_MESSAGE } from '../../jobs/pre-stage-events';
import { startTrainJob } from '../../jobs/train-job';
import { presetConfig } from '../../ml/train/config';
import { resolveLibraryPath } from '../../library-path';
import { withCommonOptions, type CommonOptions } from '../context';
import { CliError, printJson } from '../output';
import { embedAfterPretrain, type EmbedSummary } from './pretrain-embed';

interface PretrainOptions extends CommonOptions {
  config?: string;
  preset: string;
  epochs?: string;
  resume?: string;
  backend?: string;
  /** false with --no-embed. */
  embed: boolean;
}

function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${flag} must be a positive whole number, got "${value}".`, 2);
  return n;
}

/** A config file is JSON: {"preset": "cpu-small", ...overrides}; the preset defaults to --preset. */
function loadConfig(options: PretrainOptions) {
  if (!options.config) return presetConfig(options.preset);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(options.config, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`cannot read the config ${options.config}: ${(error as Error).message}`, 2);
  }
  const { preset, ...overrides } = parsed;
  return presetConfig(typeof preset === 'string' ? preset : options.preset, { ...overrides, preset: typeof preset === 'string' ? preset : options.preset });
}

function progressBar() {
  const bar = new SingleBar({ format: 'pretrain [{bar}] {value}/{total} steps | epoch {epoch} | loss {loss} | val {val} | {rate} pairs/s | ETA {eta_formatted}', stream: process.stderr, etaBuffer: 20 });
  // The text encoder's MLM warm-up (config text.mlmWarmup) has its own steps before the contrastive ones.
  const warmup = new SingleBar({ format: '{message} [{bar}] {value}/{total} steps | ETA {eta_formatted}', stream: process.stderr, etaBuffer: 20 });
  let warming = false;
  let started = false;
  let val = '-';
  return {
    event(e: JobEvent) {
      if (e.type === 'progress' && e.message?.startsWith(MLM_PROGRESS_MESSAGE) && e.total !== null) {
        if (!warming) warmup.start(e.total, e.done, { message: e.message });
        else warmup.update(e.done, { message: e.message });
        warming = true;
      }
      if (e.type === 'train-validation') val = e.valLoss === null ? '-' : e.valLoss.toFixed(4);
      if (e.type !== 'train-step') return;
      if (warming) {
        warmup.stop();
        warming = false;
      }
      const payload = { epoch: e.epoch + 1, loss: e.loss.toFixed(4), val, rate: e.pairsPerSecond.toFixed(1) };
      if (!started) {
        bar.start(e.totalSteps, e.step, payload);
        started = true;
      } else bar.update(e.step, payload);
    },
    stop: () => {
      if (warming) warmup.stop();
      if (started) bar.stop();
    },
  };
}

export function pretrainCommand(): Command {
  return withCommonOptions(new Command('pretrain'))
    .description('pretrain an image encoder with ConVIRT on the library (runs in its own process; Ctrl-C stops after the current step, --resume continues)')
    .option('--config <file>', 'training config JSON: {"preset": "cpu-small" | "paper", ...overrides}')
    .option('--preset <name>', 'preset when no config names one: cpu-small | paper', 'cpu-small')
    .option('--epochs <n>', 'number of epochs (overrides the config; extends a resumed run)')
    .option('--resume <run>', 'continue run RUN from its last checkpoint')
    .option('--backend <name>', 'force a backend: tensorflow-gpu | tensorflow | wasm | cpu (default: the best available)')
    .option('--no-embed', 'do not embed the library with the trained checkpoint afterwards (convirt search needs the vectors)')
    .action(async (options: PretrainOptions) => {
      const epochs = positiveInt(options.epochs, '--epochs');
      const resumeRunId = positiveInt(options.resume, '--resume');
      const backend = options.backend === undefined ? undefined : BackendName.safeParse(options.backend);
      if (backend && !backend.success) throw new CliError(`--backend must be one of ${BackendName.options.join(', ')}, got "${options.backend}".`, 2);
      const libraryPath = resolveLibraryPath(options.library);
      const db = openLibrary(libraryPath);
      const bar = options.json ? null : progressBar();
      try {
        const job = startTrainJob({
          db,
          libraryPath,
          ...(resumeRunId !== undefined ? { resumeRunId } : { config: loadConfig(options) }),
          ...(epochs !== undefined ? { epochs } : {}),
          ...(backend?.success ? { backend: backend.data } : {}),
          onEvent: (e) => bar?.event(e),
        });
        let interrupts = 0;
        const onInterrupt = () => {
          interrupts += 1;
          if (interrupts === 1) {
            process.stderr.write('\nstopping after the current step (Ctrl-C again to kill; resume with --resume)\n');
            job.cancel();
          } else job.child.kill('SIGKILL');
        };
        process.on('SIGINT', onInterrupt);
        const outcome = await job.done;
        process.off('SIGINT', onInterrupt);
        bar?.stop();
        const chosen = outcome.result?.checkpoint ?? null;
        const embedded: EmbedSummary | null =
          options.embed && outcome.status === 'done' && chosen
            ? await embedAfterPretrain(db, libraryPath, chosen, { ...(backend?.success ? { backend: backend.data } : {}), progress: !options.json })
            : null;
        const backendName = (outcome.backend as { chosen?: string } | null)?.chosen ?? null;
        const summary = {
          runId: outcome.runId,
          status: outcome.status,
          backend: backendName,
          device: (outcome.backend as { device?: string } | null)?.device ?? null,
          steps: outcome.result?.steps ?? null,
          epochs: outcome.result?.epochs.length ?? null,
          finalTrainLoss: outcome.result?.finalTrainLoss ?? null,
          finalValLoss: outcome.result?.finalValLoss ?? null,
          bestValLoss: outcome.result?.bestValLoss ?? null,
          checkpoint: outcome.result?.checkpoint ?? null,
          runDir: job.runDir,
          embedded,
          ...(outcome.error ? { error: outcome.error } : {}),
        };
        if (options.json) {
          // A failure prints the error object (from main), not a summary.
          if (outcome.status !== 'failed') printJson(summary);
        } else {
          const loss = (x: number | null) => (x === null ? '-' : x.toFixed(4));
          process.stdout.write(
            `run ${summary.runId}: ${summary.status} on ${summary.backend ?? '?'} (${summary.device ?? '?'}) after ${summary.epochs ?? 0} epoch(s), ${summary.steps ?? 0} steps\n` +
              `final train loss ${loss(summary.finalTrainLoss)}, val loss ${loss(summary.finalValLoss)} (best ${loss(summary.bestValLoss)})\n` +
              `checkpoint ${summary.checkpoint ?? '-'}\n` +
              (embedded ? `embedded ${embedded.images} images and ${embedded.sentences} sentences as model ${embedded.modelId}: try convirt search "..."\n` : ''),
          );
        }
        if (outcome.status === 'failed') throw new CliError(`pretraining run ${outcome.runId} failed: ${outcome.error}`);
      } finally {
        bar?.stop();
        db.close();
      }
    });
}
