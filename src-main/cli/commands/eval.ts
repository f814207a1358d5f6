/** `convirt eval`: the linear-probe or fine-tuning protocol on the library's labels (plus zero-shot rows), with a results table, CSV, JSON and an SVG plot. */
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { dirname, join, basename } from 'node:path';
import type { ImageEncoderSpec } from '../../eval/features/image-encoder';
import { resultsTable } from '../../eval/report/results-table';
import { runEval, type TableFormat } from '../../eval/run-eval';
import type { UncertaintyPolicy } from '../../eval/tasks/conventions';
import { selectBackend } from '../../ml/backend/select';
import { openServices, withCommonOptions, type CommonOptions } from '../context';
import { CliError, formatTable, printJson } from '../output';

interface EvalOptions extends CommonOptions {
  task: string;
  label?: string;
  table?: string;
  format: string;
  policy: string;
  encoder: string[];
  fractions: string;
  seeds: string;
  splitSeed: string;
  resamples: string;
  out?: string;
  retrieval?: boolean;
  queries: string;
  pool: string;
  protocol: string;
  maxEpochs?: string;
  patience?: string;
  imageSize?: string;
  zeroShot: boolean;
  prompts?: string;
}

const FORMATS = ['chexpert', 'rsna', 'covidx', 'mura', 'csv'];
const POLICIES = ['ignore', 'ones', 'zeros'];
const PROTOCOLS = ['linear', 'finetune'];

/** "<positive>|<negative>" -> the zero-shot prompt pair. */
export function parsePrompts(text: string): { positive: string; negative: string } {
  const [positive, negative, ...rest] = text.split('|').map((s) => s.trim());
  if (!positive || !negative || rest.length > 0) throw new CliError(`--prompts must be "<positive prompt>|<negative prompt>", got "${text}"`, 2);
  return { positive, negative };
}

/** 'random', 'random:SEED', 'NAME=PATH' or a checkpoint PATH (a checkpoint folder or a training run folder). */
export function parseEncoder(text: string): { name: string; spec: ImageEncoderSpec } {
  const random = /^random(?::(\d+))?$/.exec(text);
  if (random) return { name: random[1] ? `random init (seed ${random[1]})` : 'random init', spec: { kind: 'random', ...(random[1] ? { seed: Number(random[1]) } : {}) } };
  const named = /^([^=]+)=(.+)$/.exec(text);
  if (named) return { name: named[1] as string, spec: { kind: 'checkpoint', path: named[2] as string } };
  return { name: basename(text), spec: { kind: 'checkpoint', path: text } };
}

function parseNumberList(text: string, what: string): number[] {
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isFinite(v) || v <= 0 || v > 100)) throw new CliError(`${what} must be percentages in (0, 100], comma-separated; got "${text}"`, 2);
  return values;
}

function positiveInteger(text: string, what: string, min = 1): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new CliError(`${what} must be an integer >= ${min}, got "${text}"`, 2);
  return value;
}

export function evalCommand(): Command {
  return withCommonOptions(new Command('eval'))
    .description('evaluate image encoders on a label task at 1/10/100% of the training labels (K seeds): linear probe on frozen features, or fine-tuning; zero-shot rows for ConVIRT checkpoints on binary tasks; writes JSON, CSV and an SVG plot')
    .requiredOption('--task <name>', "label schema in the library (e.g. covid-finding, covid-view), or a name for --table's task")
    .option('--label <name>', 'label inside the schema, when it has several')
    .option('--table <file>', 'take labels from a table instead of the library (see --format)')
    .option('--format <format>', `--table layout: ${FORMATS.join(' | ')}`, 'csv')
    .option('--policy <policy>', `uncertain labels: ${POLICIES.join(' | ')} (CheXpert U-policies)`, 'ignore')
    .option('--encoder <spec>', "encoder to evaluate: 'random', 'random:SEED', a checkpoint or run folder, or NAME=FOLDER; repeatable", (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--fractions <list>', 'training label percentages', '1,10,100')
    .option('--seeds <k>', 'training subsets (seeds) per fraction', '5')
    .option('--split-seed <n>', 'seed of the patient-level train/val/test split', '0')
    .option('--resamples <n>', 'bootstrap resamples for the 95% intervals', '1000')
    .option('--protocol <name>', `${PROTOCOLS.join(' | ')}: frozen encoder + logistic regression, or encoder and head trained together (slow on a CPU)`, 'linear')
    .option('--max-epochs <n>', 'fine-tuning: epoch cap per run (default 20)')
    .option('--patience <n>', 'fine-tuning: epochs without a better validation metric before stopping (default 3)')
    .option('--image-size <px>', "fine-tuning: input side for every encoder (default: the checkpoint's training size)")
    .option('--no-zero-shot', 'no zero-shot rows (binary tasks, ConVIRT checkpoints)')
    .option('--prompts <pair>', 'zero-shot prompts "<positive>|<negative>" (default: the positive class, e.g. "covid-19|no covid-19")')
    .option('--retrieval', 'also image-to-image retrieval, Precision@5/10/50 per category (CheXpert 8x200 protocol)')
    .option('--queries <n>', 'retrieval query images per category', '10')
    .option('--pool <n>', 'retrieval candidate images per category', '200')
    .option('--out <dir>', 'folder for the JSON, CSV and SVG (default: eval-results beside the library)')
    .action(async (options: EvalOptions) => {
      if (options.encoder.length === 0) throw new CliError("Give at least one --encoder (e.g. --encoder random --encoder ConVIRT=runs/convirt).", 2);
      if (!FORMATS.includes(options.format)) throw new CliError(`--format must be one of ${FORMATS.join(', ')}`, 2);
      if (!POLICIES.includes(options.policy)) throw new CliError(`--policy must be one of ${POLICIES.join(', ')}`, 2);
      const fractions = parseNumberList(options.fractions, '--fractions').map((p) => p / 100);
      const seeds = positiveInteger(options.seeds, '--seeds');
      const splitSeed = positiveInteger(options.splitSeed, '--split-seed', 0);
      const resamples = positiveInteger(options.resamples, '--resamples');
      const encoders = options.encoder.map(parseEncoder);
      if (!PROTOCOLS.includes(options.protocol)) throw new CliError(`--protocol must be one of ${PROTOCOLS.join(', ')}`, 2);
      const finetune = {
        ...(options.maxEpochs !== undefined ? { maxEpochs: positiveInteger(options.maxEpochs, '--max-epochs') } : {}),
        ...(options.patience !== undefined ? { patience: positiveInteger(options.patience, '--patience') } : {}),
        ...(options.imageSize !== undefined ? { imageSize: positiveInteger(options.imageSize, '--image-size', 16) } : {}),
      };
      const zeroShot = options.zeroShot ? (options.prompts ? parsePrompts(options.prompts) : true) : false;
      const services = openServices(options);
      const bar = options.json ? null : new SingleBar({ format: '{phase} [{bar}] {value}/{total} | {detail} | ETA {eta_formatted}', stream: process.stderr, etaBuffer: 20 });
      let phase = '';
      const show = (name: string, value: number, total: number, detail: string) => {
        if (!bar) return;
        if (phase !== name) {
          if (phase) bar.stop();
          bar.start(total, value, { phase: name, detail });
          phase = name;
        } else bar.update(value, { detail });
      };
      try {
        await selectBackend();
        const outcome = await runEval(services.db, services.libraryPath, {
          task: options.task,
          ...(options.label ? { label: options.label } : {}),
          ...(options.table ? { table: { path: options.table, format: options.format as TableFormat, policy: options.policy as UncertaintyPolicy } } : {}),
          encoders,
          fractions,
          seeds,
          splitSeed,
          protocol: options.protocol as 'linear' | 'finetune',
          finetune,
          zeroShot,
          bootstrapResamples: resamples,
          ...(options.retrieval ? { retrieval: { queriesPerCategory: positiveInteger(options.queries, '--queries'), poolPerCategory: positiveInteger(options.pool, '--pool') } } : {}),
          outDir: options.out ?? join(dirname(services.libraryPath), 'eval-results'),
          onFeatures: (encoder, p) => show(`features ${encoder}`, p.done, p.total, `${p.rate.toFixed(1)} images/s`),
          onProgress: (p) => show(options.protocol === 'finetune' ? 'runs' : 'probes', p.done, p.total, `${p.encoder} ${p.fraction * 100}% seed ${p.seed}`),
          onPixels: (encoder, p) => show(`images ${encoder}`, p.done, p.total, ''),
          onEpoch: (p) => show(`fine-tune ${p.encoder} ${p.fraction * 100}% seed ${p.seed}`, p.log.epoch, p.log.maxEpochs, `loss ${p.log.trainLoss.toFixed(3)}, validation ${p.log.metric === null ? 'n/a' : p.log.metric.toFixed(3)}, ${p.log.seconds.toFixed(1)} s/epoch`),
        });
        bar?.stop();
        if (options.json) return printJson({ ok: true, runId: outcome.runId, files: outcome.files, ...outcome.result, retrieval: outcome.retrieval, zeroShot: outcome.zeroShot });
        const table = resultsTable(outcome.result, outcome.zeroShot);
        process.stdout.write(`${table.title}\n${formatTable(table.headers, table.rows, 60)}\n\nprotocol: ${outcome.result.protocol}\nlabels: ${outcome.result.task.convention}\n`);
        if (outcome.retrieval.length > 0) {
          const ks = outcome.retrieval[0]?.imageToImage.ks ?? [];
          const rows = outcome.retrieval.map((r) => [r.encoder, ...r.imageToImage.macro.map((v) => v.toFixed(3))]);
          process.stdout.write(`\nimage-to-image retrieval (macro over categories, ${outcome.retrieval[0]?.imageToImage.queries} queries)\n${formatTable(['encoder', ...ks.map((k) => `P@${k}`)], rows)}\n`);
        }
        process.stdout.write(`run ${outcome.runId}; wrote ${outcome.files.join(', ')}\n`);
      } finally {
        bar?.stop();
        services.close();
      }
    });
}
