/**
 * `npm run bench -- eval [--library FILE] [--encoder SPEC ...] [--pretrain-epochs N]
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
 * --pretrain-epochs N first pretrains ConVIRT (cpu-small preset, the engine's
 * trainer) on the collection's image-text pairs for N epochs and adds it as the
 * 'ConVIRT' encoder. The pairs are read from the image files (the collection's
 * JPEGs have no importer cache entry, which the engine's library source needs).
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
import type { Db } from '../../src-main/db/connection';
import { loadGrayImage, type StudyImageRef } from '../../src-main/eval/features/study-images';
import { presetConfig } from '../../src-main/ml/train/config';
import type { PairSource } from '../../src-main/ml/train/data';
import { runTokenizer, VOCAB_FILE } from '../../src-main/ml/train/tokenizer';
import { train } from '../../src-main/ml/train/trainer';

export const description = 'linear-probe protocol on the COVID collection (finding, view) at 1/10/100% labels x seeds, per encoder';

const DATA = join(__dirname, '..', '..', '..', 'shared', 'data', 'covid-cxr');

function arg(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
}

function all(args: string[], name: string): string[] {
  return args.flatMap((a, i) => (a === `--${name}` && args[i + 1] ? [args[i + 1]!] : []));
}

/** ConVIRT pretraining on every image with a report; returns the checkpoint folder and seconds taken. */
async function pretrainConvirt(db: Db, libraryPath: string, runDir: string, epochs: number): Promise<{ checkpoint: string; seconds: number }> {
  const rows = db
    .prepare(
      `SELECT st.id AS studyId, i.id AS instanceId, i.path AS path, i.content_hash AS contentHash, p.patient_key AS patientKey, r.raw_text AS text
       FROM instances i JOIN series se ON se.id = i.series_id JOIN studies st ON st.id = se.study_id JOIN patients p ON p.id = st.patient_id
       JOIN reports r ON r.id = (SELECT min(id) FROM reports WHERE study_id = st.id) ORDER BY i.id`,
    )
    .all() as (StudyImageRef & { patientKey: string; text: string })[];
  const source: PairSource = {
    size: rows.length,
    patientKey: (i) => rows[i]!.patientKey,
    load: async (i) => ({ image: await loadGrayImage(libraryPath, rows[i]!), reportText: rows[i]!.text, sections: [], patientKey: rows[i]!.patientKey }),
  };
  const config = presetConfig('cpu-small', { epochs, earlyStopping: { patience: epochs + 1, minDelta: 0, minEpochs: 0 } });
  const { tokenizer, vocabText } = runTokenizer(config, { resumeCheckpoint: null, reportTexts: () => rows.map((r) => r.text) });
  const started = Date.now();
  const result = await train({
    config,
    source,
    tokenizer,
    runDir,
    checkpointFiles: { [VOCAB_FILE]: vocabText },
    onEvent: (e) => {
      if (e.type === 'step') process.stderr.write(`\rpretrain step ${e.step}/${e.totalSteps} loss ${e.loss.toFixed(3)} ${e.pairsPerSecond.toFixed(1)} pairs/s`);
      if (e.type === 'validation') process.stderr.write(`\nepoch ${e.epoch}: train ${e.trainLoss.toFixed(3)} val ${e.valLoss?.toFixed(3)}\n`);
    },
  });
  if (!result.checkpoint) throw new Error('pretraining saved no checkpoint');
  return { checkpoint: result.checkpoint, seconds: (Date.now() - started) / 1000 };
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
    const pretrainEpochs = Number(arg(args, 'pretrain-epochs', '0'));
    let pretrainSeconds: number | null = null;
    if (pretrainEpochs > 0) {
      pretrainDir = mkdtempSync(join(tmpdir(), 'convirt-bench-pretrain-'));
      const pretrained = await pretrainConvirt(db, libraryPath, pretrainDir, pretrainEpochs);
      pretrainSeconds = pretrained.seconds;
      encoders.unshift({ name: `ConVIRT (${pretrainEpochs} epochs)`, spec: { kind: 'checkpoint', path: pretrained.checkpoint } });
    }
    const fractions = arg(args, 'fractions', '1,10,100').split(',').map((p) => Number(p) / 100);
    const seeds = Number(arg(args, 'seeds', '5'));
    const resamples = Number(arg(args, 'resamples', '1000'));
    const outDir = join(__dirname, '..', '..', 'bench-results', 'eval');
    const rows: BenchRow[] = [];
    for (const task of arg(args, 'tasks', 'covid-finding,covid-view').split(',')) {
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
          metric: cell.metric,
          encoder: cell.encoder,
          fraction: cell.fraction,
          mean: cell.mean,
          std: cell.std,
          ci_lower: cell.ci.lower,
          ci_upper: cell.ci.upper,
          train_size: cell.runs[0]?.trainSize ?? 0,
          test_size: outcome.result.split.test,
          feature_s: featureSeconds.get(cell.encoder) ?? 0,
          task_s: taskSeconds,
          probe_s_per_fit: probeStart ? (Date.now() - probeStart) / 1000 / (encoders.length * fractions.length * seeds) : null,
          import_s: importSeconds,
          load_1m: loadavg()[0]!,
        });
      }
    }
    rows.push({ task: 'all', encoder: encoders.map((e) => e.name).join(' | '), pretrain_s: pretrainSeconds, wall_s: (Date.now() - started) / 1000, backend: backend.chosen });
    return rows;
  } finally {
    db.close();
    if (temporary) rmSync(temporary, { recursive: true, force: true });
    if (pretrainDir) rmSync(pretrainDir, { recursive: true, force: true });
  }
}
