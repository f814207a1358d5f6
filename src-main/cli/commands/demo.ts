import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ARCHIVE_FORMAT, MANIFEST_FILE, generateArchive, type ArchiveManifest } from '../../demo/archive';
import { defaultArchiveDir, importDemoArchive } from '../../demo/import-archive';
import { importDemoLabels } from '../../demo/import-labels';
import { runDemoExperiment, type DemoExperimentOptions, type DemoStage } from '../../demo/experiment';
import { demoTrainConfig } from '../../demo/recipe';
import { demoResultsText } from '../../demo/results-text';
import { mergeConfig, parseTrainConfig } from '../../ml/train/config';
import { cacheDirFor } from '../../ingest/cache/image-cache';
import { defaultLibraryPath } from '../../library-path';
import { createServices } from '../../services/index';
import { withCommonOptions, type CommonOptions } from '../context';
import { CliError, printJson } from '../output';
import { serveServices } from './serve';
import { electronBinary, runDesktopApp } from '../../electron-binary';

interface DemoOptions extends CommonOptions {
  studies: string;
  seed: string;
  imageSize: string;
  out?: string;
  serve: boolean;
  browser?: boolean;
  train: boolean;
  epochs?: string;
  seeds: string;
  fractions: string;
  config?: string;
  port: string;
}

function positiveInt(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`${name} must be an integer from 1 to ${max}, got "${value}".`, 2);
  return n;
}

function bar(format: string, json: boolean): { update: (done: number, total: number, payload: object) => void; stop: () => void } {
  if (json) return { update: () => undefined, stop: () => undefined };
  const b = new SingleBar({ format, stream: process.stderr, etaBuffer: 30, hideCursor: true });
  let started = false;
  return {
    update: (done, total, payload) => {
      if (!started) {
        b.start(total, done, payload);
        started = true;
      } else b.update(done, payload);
    },
    stop: () => started && b.stop(),
  };
}

/** An archive already there is reused when it was made with the same seed, size and count. */
function existingArchive(dir: string, wanted: { seed: number; studies: number; size: number }): ArchiveManifest | null {
  if (!existsSync(dir)) return null;
  const manifestPath = join(dir, MANIFEST_FILE);
  const manifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as ArchiveManifest) : null;
  if (manifest && manifest.format === ARCHIVE_FORMAT && manifest.seed === wanted.seed && manifest.studies === wanted.studies && manifest.size === wanted.size) return manifest;
  throw new CliError(`${dir} exists but is not a demo archive with seed ${wanted.seed}, ${wanted.studies} studies and ${wanted.size}px images; pass --out to write a new one elsewhere.`, 2);
}

/** The evaluation archive's seed is the demo seed plus this: other patients, same statistics. */
const EVALUATION_SEED_OFFSET = 1;

export function evaluationArchiveDir(archiveDir: string): string {
  return `${archiveDir}-evaluation`;
}

/** Generates the archive, or reuses one already there with the same seed, count and size. */
async function archive(dir: string, wanted: { seed: number; studies: number; size: number }, json: boolean): Promise<{ manifest: ArchiveManifest; generated: boolean }> {
  const existing = existingArchive(dir, wanted);
  if (existing) return { manifest: existing, generated: false };
  const progress = bar('demo archive [{bar}] {value}/{total} studies | {rate} studies/s | ETA {eta_formatted}', json);
  try {
    const manifest = await generateArchive({ outDir: dir, ...wanted, onProgress: (p) => progress.update(p.done, p.total, { rate: p.studiesPerSecond.toFixed(1) }) });
    return { manifest, generated: true };
  } finally {
    progress.stop();
  }
}

function subjects(archiveDir: string): Set<string> {
  return new Set(readFileSync(join(archiveDir, 'labels.csv'), 'utf8').split('\n').slice(1).filter(Boolean).map((line) => line.split(',')[0]!));
}

/** Pretraining and evaluation archives must not share a patient (their subject ids come from different seeds). */
function assertNoSharedPatients(pretraining: string, evaluation: string): void {
  const evaluated = subjects(evaluation);
  const shared = [...subjects(pretraining)].filter((id) => evaluated.has(id));
  if (shared.length > 0) throw new CliError(`the demo archives ${pretraining} and ${evaluation} share ${shared.length} patient id(s); choose another --seed`, 2);
}

async function importArchive(services: ReturnType<typeof createServices>, dir: string, libraryPath: string, json: boolean) {
  const importBar = bar('import       [{bar}] {value}/{total} files | {rate} files/s | ETA {eta_formatted}', json);
  try {
    return await importDemoArchive(services.db, dir, {
      cacheDir: cacheDirFor(libraryPath),
      onProgress: (p) => importBar.update(p.filesDone, p.filesTotal, { rate: p.filesPerSecond.toFixed(1) }),
    });
  } finally {
    importBar.stop();
  }
}

export function demoCommand(): Command {
  return withCommonOptions(new Command('demo'))
    .description('generate the built-in synthetic chest X-ray archive (DICOM + reports + labels), import it, and open it in browser mode')
    .option('--studies <n>', 'number of synthetic studies', '400')
    .option('--seed <n>', 'generator seed (same seed, same archive)', '7')
    .option('--image-size <px>', 'rows and columns of each radiograph', '512')
    .option('--out <dir>', 'archive folder (default: demo-archive beside the library)')
    .option('--no-train', 'import only: skip pretraining and evaluation')
    .option('--epochs <n>', 'pretraining epochs for ConVIRT and the image-only baseline (default: the demo recipe)')
    .option('--seeds <k>', 'label subsets (seeds) per fraction in the evaluation', '5')
    .option('--fractions <list>', 'label percentages for the linear probe', '1,10,100')
    .option('--config <file>', 'training config JSON merged over the demo recipe')
    .option('--no-serve', 'stop after printing the results; do not open the app')
    .option('--browser', 'browser mode even where the Electron binary is installed')
    .option('--port <n>', 'port for browser mode (0 picks a free one)', '0')
    .action(async (options: DemoOptions) => {
      const json = Boolean(options.json);
      const studies = positiveInt('--studies', options.studies, 100_000);
      const seed = positiveInt('--seed', options.seed, 2 ** 31 - 1);
      const size = positiveInt('--image-size', options.imageSize, 4096);
      if (size < 64) throw new CliError('--image-size must be at least 64.', 2);
      const libraryPath = resolve(options.library ?? join(dirname(defaultLibraryPath()), 'demo-library.sqlite'));
      const archiveDir = resolve(options.out ?? defaultArchiveDir(libraryPath));
      const main = await archive(archiveDir, { seed, studies, size }, json);
      const manifest = main.manifest;
      const generated = main.generated;
      // With the experiment, evaluation runs on a second archive of other patients, imported only
      // after pretraining: the paper's protocol (pretrain on one collection, evaluate on others),
      // so no test study or its report is ever seen by the pretraining.
      const evaluation = options.train ? await archive(evaluationArchiveDir(archiveDir), { seed: seed + EVALUATION_SEED_OFFSET, studies, size }, json) : null;
      if (evaluation) assertNoSharedPatients(archiveDir, evaluationArchiveDir(archiveDir));
      const services = createServices(libraryPath, options.serve ? 'browser' : 'cli');
      let imported;
      let labelled: ReturnType<typeof importDemoLabels> | null = null;
      try {
        imported = await importArchive(services, archiveDir, libraryPath, json);
        if (!evaluation) labelled = importDemoLabels(services.db, archiveDir);
      } catch (cause) {
        services.close();
        throw cause;
      }
      const summary = {
        library: libraryPath,
        archive: archiveDir,
        generated,
        archiveSeconds: manifest.seconds,
        studies: manifest.studies,
        patients: manifest.patients,
        images: manifest.instances,
        imported: { added: imported.dicom.instancesAdded, unchanged: imported.dicom.instancesUnchanged + imported.dicom.filesSkipped, rejected: imported.dicom.rejected.length, seconds: Number(imported.dicom.elapsedSeconds.toFixed(3)) },
        reports: { attached: imported.reportsAttached, unchanged: imported.reportsUnchanged, studiesWithoutReport: imported.studiesWithoutReport },
        labels: labelled ? { file: join(archiveDir, 'labels.csv'), studies: labelled.studies, labels: labelled.labels } : null,
        evaluation: evaluation ? { archive: evaluationArchiveDir(archiveDir), generated: evaluation.generated, studies: evaluation.manifest.studies, patients: evaluation.manifest.patients, images: evaluation.manifest.instances } : null,
      };
      const human =
        `Demo archive: ${archiveDir} (${generated ? `generated in ${manifest.seconds.toFixed(1)} s` : 'reused'}): ${manifest.patients} patients, ${manifest.studies} studies, ${manifest.instances} images.\n` +
        `Imported into ${libraryPath}: ${summary.imported.added} new images, ${summary.imported.unchanged} unchanged, ${summary.imported.rejected} rejected; ` +
        `${summary.reports.attached} reports attached, ${summary.reports.unchanged} unchanged.\n` +
        (labelled
          ? `Ground truth: ${join(archiveDir, 'labels.csv')}, stored as ${labelled.labels} imported CheXpert labels of ${labelled.studies} studies.\n`
          : `Evaluation archive (other patients, imported after pretraining): ${evaluationArchiveDir(archiveDir)}, ${evaluation!.manifest.patients} patients, ${evaluation!.manifest.studies} studies.\n`);
      if (!json) process.stdout.write(human);
      let experiment = null;
      if (options.train) {
        try {
          experiment = await runExperiment(services, libraryPath, options, json, async () => {
            const added = await importArchive(services, evaluationArchiveDir(archiveDir), libraryPath, json);
            const truth = importDemoLabels(services.db, evaluationArchiveDir(archiveDir));
            return { studies: truth.studies, images: added.dicom.instancesAdded + added.dicom.instancesUnchanged + added.dicom.filesSkipped, labels: truth.labels };
          });
        } catch (cause) {
          services.close();
          throw cause;
        }
        if (!json) process.stdout.write(demoResultsText(experiment));
      }
      if (!options.serve) {
        if (json) printJson({ ...summary, experiment });
        services.close();
        return;
      }
      const desktop = options.browser ? { path: null, why: '--browser' } : electronBinary();
      if (desktop.path) {
        // The desktop app opens the library itself: this process lets go of it first.
        services.close();
        if (!json) process.stdout.write(`Opening the desktop app on ${libraryPath} (results in the Evaluate screen).\n`);
        const code = await runDesktopApp(desktop.path, ['--library', libraryPath]);
        if (code !== 0) throw new CliError(`the desktop app exited with code ${code}`, code);
        return;
      }
      if (!json) process.stderr.write(`Browser mode (the desktop app needs the Electron binary: ${desktop.why}).\n`);
      // In browser mode stdout carries only serve's own line (one JSON object with --json).
      await serveServices(services, { ...options, host: '127.0.0.1' });
    });
}

function trainingConfig(options: DemoOptions) {
  const epochs = options.epochs === undefined ? undefined : positiveInt('--epochs', options.epochs, 10_000);
  const base = demoTrainConfig(epochs === undefined ? {} : { epochs });
  if (!options.config) return base;
  let overrides: unknown;
  try {
    overrides = JSON.parse(readFileSync(options.config, 'utf8'));
  } catch (cause) {
    throw new CliError(`cannot read --config ${options.config}: ${(cause as Error).message}`, 2);
  }
  const merged = parseTrainConfig(mergeConfig(base as unknown as Record<string, unknown>, overrides as Record<string, unknown>), options.config);
  return epochs === undefined ? merged : { ...merged, epochs };
}

const STAGE_LABEL: Record<DemoStage, string> = { 'pretrain-convirt': 'ConVIRT ', 'pretrain-simclr': 'SimCLR  ', 'import-evaluation': 'import  ', embed: 'embed   ', evaluate: 'evaluate' };

async function runExperiment(
  services: ReturnType<typeof createServices>,
  libraryPath: string,
  options: DemoOptions,
  json: boolean,
  importEvaluationSet: DemoExperimentOptions['importEvaluationSet'],
) {
  const fractions = options.fractions.split(',').map((f) => Number(f.trim()));
  if (fractions.some((f) => !Number.isFinite(f) || f <= 0 || f > 100)) throw new CliError(`--fractions must be percentages in (0, 100], got "${options.fractions}"`, 2);
  const seeds = positiveInt('--seeds', options.seeds, 100);
  const config = trainingConfig(options);
  let current: ReturnType<typeof bar> | null = null;
  const restart = (stage: DemoStage) => {
    current?.stop();
    current = bar(`${STAGE_LABEL[stage]} [{bar}] {value}/{total} {unit} | {detail} | ETA {eta_formatted}`, json);
  };
  return runDemoExperiment({
    db: services.db,
    libraryPath,
    config,
    fractions: fractions.map((f) => f / 100),
    seeds,
    outDir: join(dirname(libraryPath), 'eval-results'),
    onStage: (stage, detail) => {
      restart(stage);
      if (!json) process.stderr.write(`${detail}\n`);
    },
    onTrainEvent: (_stage, e) => {
      if (e.type === 'train-step') current?.update(e.step, e.totalSteps, { unit: 'steps', detail: `loss ${e.loss.toFixed(3)}, ${e.pairsPerSecond.toFixed(1)} pairs/s` });
    },
    onEvalProgress: (task, done, total) => current?.update(done, total, { unit: 'fits', detail: task }),
    importEvaluationSet,
    searchText: async (text, k, modelId, filters) => (await services.impl.search.text({ text, k, modelId, filters })).hits,
  }).finally(() => current?.stop());
}
