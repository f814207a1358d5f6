/**
 * `npm run bench -- eval [--library FILE] [--encoder SPEC ...] [--pretrain-epochs 12] [--methods convirt,simclr] [--image-size 64]
 *   [--tasks covid-finding,covid-view] [--fractions 1,10,100] [--seeds 5] [--resamples 1000]`
 *
 * The "must show" run: the COVID collection (../shared/data/covid-cxr,
 * imported into a temp library unless --library names one that has it) evaluated
 * with the linear-probe protocol for every encoder given, same as `convirt eval`
 * (SPEC: random, random:SEED, NAME=CHECKPOINT_OR_RUN_FOLDER; default random).
 * One row per task x encoder x fraction: mean ± std over seeds, 95% bootstrap CI,
 * plus wall times. The tables, CSV and SVG plots go to bench-results/eval/.
 * Speed row: linear-probe seconds per (encoder, fraction, seed) against the
 * feature pass in the same run.
 *
 * By default it first pretrains ConVIRT and the image-only baseline (SimCLR:
 * same engine, encoder and augmentations) with the small-data recipe
 * (_pretrain.ts) for --pretrain-epochs N (default 12; 0: none) on the
 * collection's image-note pairs, leaving out every patient in a test part,
 * and evaluates them beside random init: the must-show in one command.
 * --methods convirt,simclr chooses which are pretrained.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './main';
import { parseEncoder } from '../../src-main/cli/commands/eval';
import { formatTable } from '../../src-main/cli/output';
import { openLibrary } from '../../src-main/db/connection';
import { resultsTable } from '../../src-main/eval/report/results-table';
import { runLinearEval } from '../../src-main/eval/run-eval';
import { importLayout } from '../../src-main/ingest/layouts/index';
import { selectBackend } from '../../src-main/ml/backend/select';
import { cellRow } from './_cells';
import { pretrain, pretrainSource, smallDataRecipe, testPatients, type PretrainOutcome } from './_pretrain';

export const description = 'linear-probe protocol on the COVID collection (finding, view) at 1/10/100% labels x seeds, per encoder';

const DATA = join(__dirname, '..', '..', '..', 'shared', 'data', 'covid-cxr');

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

function all(args: string[], name: string): string[] {
  return args.flatMap((a, i) => (a === `--${name}` && args[i + 1] ? [args[i + 1]!] : []));
}

export async function run(args: string[]): Promise<BenchRow[]> {
  const started = Date.now();
  const backend = await selectBackend();
  process.stderr.write(`backend ${backend.chosen} on ${backend.device}\n`);
  let libraryPath = arg(args, 'library', '');
  let temporary: string | null = null;
  let pretrainDir: string | null = null;
  if (!libraryPath) {
    if (!existsSync(DATA)) throw new Error(`${DATA} is absent: give --library with the COVID collection imported`);
    temporary = mkdtempSync(join(tmpdir(), 'convirt-bench-eval-'));
    libraryPath = join(temporary, 'library.sqlite');
  }
  const db = openLibrary(libraryPath);
  try {
    const importStart = Date.now();
    if (temporary) await importLayout(db, { root: DATA, layout: 'covid' });
    const importSeconds = (Date.now() - importStart) / 1000;
    const encoders = (all(args, 'encoder').length > 0 ? all(args, 'encoder') : ['random']).map(parseEncoder);
    const pretrainEpochs = Number(arg(args, 'pretrain-epochs', '12'));
    const tasks = arg(args, 'tasks', 'covid-finding,covid-view').split(',');
    const pretrained: { name: string; outcome: PretrainOutcome }[] = [];
    let pretrainPairs = 0;
    if (pretrainEpochs > 0) {
      pretrainDir = mkdtempSync(join(tmpdir(), 'convirt-bench-pretrain-'));
      const source = pretrainSource(db, libraryPath, testPatients(db, tasks.map((schema) => ({ schema }))));
      pretrainPairs = source.size;
      process.stderr.write(`pretraining on ${source.size} pairs of ${source.patients} patients (test patients of ${tasks.join(', ')} left out)\n`);
      const imageSize = Number(arg(args, 'image-size', '64'));
      const recipe = smallDataRecipe({ epochs: pretrainEpochs, overrides: { image: { ...smallDataRecipe({ epochs: 1 }).image, size: imageSize } } });
      for (const method of arg(args, 'methods', 'convirt,simclr').split(',')) {
        const name = method === 'simclr' ? 'SimCLR (image only)' : 'ConVIRT';
        const config = method === 'simclr' ? { ...recipe, method: 'simclr' as const, preset: `${recipe.preset}-simclr` } : recipe;
        pretrained.push({ name, outcome: await pretrain(name, config, source, join(pretrainDir, method)) });
      }
      encoders.unshift(...pretrained.map((p) => ({ name: p.name, spec: { kind: 'checkpoint' as const, path: p.outcome.checkpoint } })));
      // Random init is the same encoder at the same input size as the pretrained ones.
      for (const e of encoders) if (e.spec.kind === 'random') e.spec = { ...e.spec, imageSize: recipe.image.size };
    }
    const fractions = arg(args, 'fractions', '1,10,100').split(',').map((p) => Number(p) / 100);
    const seeds = Number(arg(args, 'seeds', '5'));
    const resamples = Number(arg(args, 'resamples', '1000'));
    const outDir = join(__dirname, '..', '..', 'bench-results', 'eval');
    const rows: BenchRow[] = [];
    for (const task of tasks) {
      const featureSeconds = new Map<string, number>();
      let featureStart = 0;
      const taskStart = Date.now();
      let probeStart = 0;
      const outcome = await runLinearEval(db, libraryPath, {
        task,
        encoders,
        fractions,
        seeds,
        bootstrapResamples: resamples,
        outDir,
        onFeatures: (encoder, p) => {
          if (p.done <= 16) featureStart = Date.now();
          featureSeconds.set(encoder, (Date.now() - featureStart) / 1000);
        },
        onProgress: (p) => {
          if (p.done === 1) probeStart = Date.now();
          process.stderr.write(`\r${task}: probe ${p.done}/${p.total}`);
        },
      });
      process.stderr.write('\n');
      const taskSeconds = (Date.now() - taskStart) / 1000;
      const table = resultsTable(outcome.result);
      process.stderr.write(`${table.title}\n${formatTable(table.headers, table.rows, 60)}\n`);
      for (const cell of outcome.result.cells) {
        rows.push({
          task,
          ...cellRow(cell, outcome.result.split.test),
          feature_s: featureSeconds.get(cell.encoder) ?? 0,
          task_s: taskSeconds,
          probe_s_per_fit: probeStart ? (Date.now() - probeStart) / 1000 / (encoders.length * fractions.length * seeds) : null,
          import_s: importSeconds,
          load_1m: loadavg()[0]!,
        });
      }
    }
    for (const p of pretrained) {
      rows.push({ task: 'pretrain', encoder: p.name, pairs: pretrainPairs, steps: p.outcome.steps, first_val_loss: p.outcome.firstValLoss, best_val_loss: p.outcome.bestValLoss, pretrain_s: p.outcome.seconds });
    }
    rows.push({ task: 'all', encoder: encoders.map((e) => e.name).join(' | '), wall_s: (Date.now() - started) / 1000, backend: backend.chosen });
    return rows;
  } finally {
    db.close();
    if (temporary) rmSync(temporary, { recursive: true, force: true });
    if (pretrainDir) rmSync(pretrainDir, { recursive: true, force: true });
  }
}
