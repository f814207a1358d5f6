/**
 * `npm run bench -- smalldata [--data covid|demo] [--epochs 12] [--variants a,b,...]
 *   [--fractions 1,10,100] [--seeds 5] [--studies 400]`
 *
 * The label-efficiency ablation (issue "Label efficiency on small real
 * archives"): on the COVID collection (tasks covid-finding and covid-view) or
 * on the demo archive (pretraining on one archive, the six findings evaluated
 * on a second archive of other patients, as convirt demo does), pretrain each
 * variant with the same encoder (ResNet-18 x 1/4, 64 px), epochs and seed,
 * then linear-probe every encoder with the evaluation protocol (split by
 * patient, fixed test set, 1 / 10 / 100 % labels, K seeds). On the COVID
 * collection, patients of any test part are left out of pretraining
 * (_pretrain.ts).
 *
 * Variants: random init; SimCLR (image only); the faithful paper recipe at
 * this size (plain heads, Adam 1e-4 constant, paper augmentation, one
 * sentence per view, fixed tau); "small-data base" = faithful + what lets an
 * encoder trained from scratch leave ln N (BatchNorm heads, lr 1e-3 warm-up +
 * cosine, mild augmentation; src-main/demo/recipe.ts); the base plus each
 * addition of the issue (false-negative masking, hybrid image-image term,
 * learnable tau, MLM warm-up of the text encoder, image encoder initialised
 * from the SimCLR run); and all additions together.
 *
 * One row per task x variant x fraction (mean ± std over seeds, 95% CI, the
 * margin over SimCLR and whether it exceeds the seed std), and one per
 * pretraining (steps, validation loss, seconds). Tables and plots go to
 * bench-results/smalldata/.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRow } from './main';
import { formatTable } from '../../src-main/cli/output';
import { openLibrary, type Db } from '../../src-main/db/connection';
import { generateArchive } from '../../src-main/demo/archive';
import { DEMO_EVAL_OBSERVATIONS, macroAuc, type DemoRow } from '../../src-main/demo/experiment';
import { importDemoArchive } from '../../src-main/demo/import-archive';
import { importDemoLabels } from '../../src-main/demo/import-labels';
import { cacheDirFor } from '../../src-main/ingest/cache/image-cache';
import { resultsTable } from '../../src-main/eval/report/results-table';
import { runLinearEval } from '../../src-main/eval/run-eval';
import { importLayout } from '../../src-main/ingest/layouts/index';
import { selectBackend } from '../../src-main/ml/backend/select';
import { presetConfig, type TrainConfig } from '../../src-main/ml/train/config';
import { cellRow } from './_cells';
import { pretrain, pretrainSource, smallDataRecipe, testPatients, type EvalTaskRef, type PretrainOutcome } from './_pretrain';

export const description = 'label-efficiency ablation: random, SimCLR, faithful ConVIRT, small-data base, + each addition, all; linear probe at 1/10/100% x seeds';

const SHARED = join(__dirname, '..', '..', '..', 'shared', 'data');
const IU_REPORTS = join(SHARED, 'iu-xray-reports');

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

interface Variant {
  name: string;
  /** Starts from the SimCLR run's image encoder: skipped when that run is not among the variants. */
  needsSimclr?: boolean;
  /** The config, given the SimCLR run's checkpoint (for 'init from SimCLR') and the data's text view. */
  config(epochs: number, simclrCheckpoint: string | null, sampling: Sampling): TrainConfig;
}

const MLM = { steps: 300, lr: 5e-4, batch: 32, maskRate: 0.15, corpus: existsSync(IU_REPORTS) ? IU_REPORTS : null };

type Sampling = 'sentence' | 'report';

/**
 * Base recipe without masking (smallDataRecipe masks false negatives, an
 * addition here), with the data's text view: one sentence of a COVID note
 * (no sections; a whole note cut at 64 tokens is mostly history), the whole
 * FINDINGS + IMPRESSION of a demo report (as the demo recipe: one sentence of
 * a mostly normal report rarely names the finding).
 */
const base = (epochs: number, sampling: Sampling, overrides: Record<string, unknown> = {}, loss: Record<string, unknown> = {}): TrainConfig => {
  const recipe = smallDataRecipe({ epochs });
  return smallDataRecipe({ epochs, overrides: { loss: { ...recipe.loss, maskFalseNegatives: false, ...loss }, text: { ...recipe.text, sampling, ...(overrides.text as object | undefined) }, ...omit(overrides, 'text') } });
};

function omit(o: Record<string, unknown>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
}

const VARIANTS: Variant[] = [
  { name: 'SimCLR (image only)', config: (e, _s, t) => ({ ...base(e, t), method: 'simclr', preset: 'small-data-simclr' }) },
  {
    name: 'ConVIRT faithful',
    config: (e, _s, t) =>
      presetConfig('cpu-small', {
        text: { ...presetConfig('cpu-small').text, sampling: t },
        preset: 'faithful-64px',
        image: { encoder: { depth: 18, widthMultiplier: 0.25 }, size: 64 },
        epochs: e,
        earlyStopping: { patience: 1000, minEpochs: 0 },
      }),
  },
  { name: 'ConVIRT small-data base', config: (e, _s, t) => base(e, t) },
  { name: '+ false-negative masking', config: (e, _s, t) => base(e, t, {}, { maskFalseNegatives: true }) },
  { name: '+ hybrid image term (w 0.5)', config: (e, _s, t) => base(e, t, {}, { imageWeight: 0.5 }) },
  { name: '+ learnable tau', config: (e, _s, t) => base(e, t, {}, { learnableTau: true }) },
  { name: '+ MLM warm-up', config: (e, _s, t) => base(e, t, { text: { mlmWarmup: MLM } }) },
  { name: '+ init from SimCLR', needsSimclr: true, config: (e, simclr, t) => base(e, t, { init: { imageFrom: simclr } }) },
  {
    name: 'ConVIRT all additions',
    needsSimclr: true,
    config: (e, simclr, t) => base(e, t, { text: { mlmWarmup: MLM }, init: { imageFrom: simclr } }, { maskFalseNegatives: true, imageWeight: 0.5, learnableTau: true }),
  },
];

interface Prepared {
  libraryPath: string;
  tasks: EvalTaskRef[];
  /** Patients pretraining must not see: the test parts of the tasks (covid). */
  heldOut(db: Db): Set<string>;
  /** Imports the evaluation set after pretraining (demo: a second archive of other patients). */
  importEvaluation?: (db: Db) => Promise<void>;
}

/** A fresh library with the data, and its label tasks. */
async function prepare(data: string, dir: string, studies: number): Promise<Prepared> {
  const libraryPath = join(dir, 'library.sqlite');
  if (data === 'covid') {
    const root = join(SHARED, 'covid-cxr');
    if (!existsSync(root)) throw new Error(`${root} is absent`);
    const db = openLibrary(libraryPath);
    await importLayout(db, { root, layout: 'covid' });
    db.close();
    const tasks = [{ schema: 'covid-finding' }, { schema: 'covid-view' }];
    return { libraryPath, tasks, heldOut: (db) => testPatients(db, tasks) };
  }
  if (data !== 'demo') throw new Error(`--data must be covid or demo, got ${data}`);
  // As convirt demo does: pretrain on one archive, evaluate on a second one of other patients.
  const pretrainDir = join(dir, 'pretrain-archive');
  const evaluationDir = join(dir, 'evaluation-archive');
  await generateArchive({ outDir: pretrainDir, studies, seed: 7, size: 256 });
  await generateArchive({ outDir: evaluationDir, studies, seed: 8, size: 256 });
  const db = openLibrary(libraryPath);
  await importDemoArchive(db, pretrainDir, { cacheDir: cacheDirFor(libraryPath) });
  db.close();
  return {
    libraryPath,
    tasks: DEMO_EVAL_OBSERVATIONS.map((label) => ({ schema: 'CheXpert', label })),
    heldOut: () => new Set(),
    importEvaluation: async (db) => {
      await importDemoArchive(db, evaluationDir, { cacheDir: cacheDirFor(libraryPath) });
      importDemoLabels(db, evaluationDir);
    },
  };
}

export async function run(args: string[]): Promise<BenchRow[]> {
  const started = Date.now();
  const backend = await selectBackend();
  const data = arg(args, 'data', 'covid');
  const epochs = Number(arg(args, 'epochs', '12'));
  const fractions = arg(args, 'fractions', '1,10,100').split(',').map((p) => Number(p) / 100);
  const seeds = Number(arg(args, 'seeds', '5'));
  const wanted = arg(args, 'variants', '');
  const variants = wanted ? VARIANTS.filter((v) => wanted.split(',').some((w) => v.name.toLowerCase().includes(w.toLowerCase()))) : VARIANTS;
  const dir = mkdtempSync(join(tmpdir(), 'convirt-bench-smalldata-'));
  try {
    const { libraryPath, tasks, heldOut, importEvaluation } = await prepare(data, dir, Number(arg(args, 'studies', '400')));
    const db = openLibrary(libraryPath);
    const source = pretrainSource(db, libraryPath, heldOut(db));
    process.stderr.write(`${data}: pretraining on ${source.size} pairs of ${source.patients} patients; ${variants.length} variants x ${epochs} epochs\n`);
    const rows: BenchRow[] = [];
    const trained: { name: string; outcome: PretrainOutcome; config: TrainConfig }[] = [];
    let simclr: string | null = null;
    for (const variant of variants) {
      if (variant.needsSimclr && !simclr) {
        process.stderr.write(`${variant.name}: skipped (needs the SimCLR variant)\n`);
        continue;
      }
      let outcome: PretrainOutcome;
      let config: TrainConfig;
      try {
        config = variant.config(epochs, simclr, data === 'demo' ? 'report' : 'sentence');
        outcome = await pretrain(variant.name, config, source, join(dir, `run-${trained.length}`));
      } catch (cause) {
        // One variant failing (a config this build rejects, say) still leaves the others' table.
        process.stderr.write(`\n${variant.name}: failed: ${(cause as Error).message}\n`);
        rows.push({ data, task: 'pretrain', encoder: variant.name, error: (cause as Error).message });
        continue;
      }
      if (config.method === 'simclr') simclr = outcome.checkpoint;
      trained.push({ name: variant.name, outcome, config });
      rows.push({ data, task: 'pretrain', encoder: variant.name, pairs: source.size, steps: outcome.steps, first_val_loss: outcome.firstValLoss, best_val_loss: outcome.bestValLoss, pretrain_s: outcome.seconds });
    }
    await importEvaluation?.(db);
    const imageSize = trained[0]?.config.image.size ?? 64;
    const encoders = [
      ...trained.map((t) => ({ name: t.name, spec: { kind: 'checkpoint' as const, path: t.outcome.checkpoint } })),
      { name: 'random init', spec: { kind: 'random' as const, imageSize } },
    ];
    const outDir = join(__dirname, '..', '..', 'bench-results', 'smalldata');
    const perFinding: DemoRow[] = [];
    for (const task of tasks) {
      const outcome = await runLinearEval(db, libraryPath, {
        task: task.schema,
        ...(task.label ? { label: task.label } : {}),
        encoders,
        fractions,
        seeds,
        outDir,
        onProgress: (p) => process.stderr.write(`\r${task.label ?? task.schema}: probe ${p.done}/${p.total}`),
      });
      const table = resultsTable(outcome.result);
      process.stderr.write(`\n${table.title}\n${formatTable(table.headers, table.rows, 60)}\n`);
      for (const c of outcome.result.cells) {
        perFinding.push({ task: task.label ?? task.schema, encoder: c.encoder, fraction: c.fraction, mean: c.mean, std: c.std, ciLower: c.ci.lower, ciUpper: c.ci.upper, values: c.runs.map((r) => r.value) });
      }
      for (const cell of outcome.result.cells) {
        const simclrCell = outcome.result.cells.find((c) => c.encoder === 'SimCLR (image only)' && c.fraction === cell.fraction);
        const margin = simclrCell ? cell.mean - simclrCell.mean : null;
        rows.push({
          data,
          task: task.label ?? task.schema,
          ...cellRow(cell, outcome.result.split.test),
          minus_simclr: margin,
          beats_simclr_by_std: margin === null ? null : margin > Math.max(cell.std, simclrCell?.std ?? 0),
        });
      }
    }
    if (tasks.length > 2) {
      // The demo's findings: AUC averaged over them seed by seed, as convirt demo reports it.
      const macro = macroAuc(perFinding);
      for (const cell of macro) {
        const simclrCell = macro.find((c) => c.encoder === 'SimCLR (image only)' && c.fraction === cell.fraction);
        const margin = simclrCell ? cell.mean - simclrCell.mean : null;
        rows.push({ data, task: 'macro over findings', metric: 'auc', encoder: cell.encoder, fraction: cell.fraction, mean: cell.mean, std: cell.std, minus_simclr: margin, beats_simclr_by_std: margin === null ? null : margin > Math.max(cell.std, simclrCell?.std ?? 0) });
      }
    }
    db.close();
    rows.push({ data, task: 'all', encoder: `${encoders.length} encoders`, wall_s: (Date.now() - started) / 1000, backend: backend.chosen, load_1m: loadavg()[0]! });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
