import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { statSync } from 'node:fs';
import { AppError } from '../../../src-shared/result';
import type { Db } from '../../db/connection';
import { cacheDirFor } from '../../ingest/cache/image-cache';
import { dicomWebStoreFor, importDicomWeb } from '../../ingest/import-dicomweb';
import { importDicom, type ImportProgress, type ImportSummary } from '../../ingest/import-pipeline';
import { ImportStore } from '../../ingest/import-store';
import { detectLayout, importLayout, type LayoutName, type LayoutProgress } from '../../ingest/layouts/index';
import { attachReports, readReportSource } from '../../ingest/reports/index';
import { openServices, withCommonOptions, type CommonOptions } from '../context';
import { CliError, formatTable, printJson } from '../output';

interface ImportOptions extends CommonOptions {
  reports?: string;
  manifest?: string;
  layout: string;
  rejected?: boolean;
  decode: boolean;
  cache: boolean;
  dicomweb?: string;
}

const LAYOUTS = ['auto', 'dicom', 'mimic', 'chexpert', 'covid', 'table'];

interface Bar {
  update: (p: { done: number; total: number; mb: number; rate: number; rejected: number }) => void;
  stop: () => void;
}

function progressBar(): Bar {
  const bar = new SingleBar({ format: 'import [{bar}] {value}/{total} | {mb} MB | {rate}/s | ETA {eta_formatted} | {rejected} rejected', stream: process.stderr, etaBuffer: 50 });
  let started = false;
  return {
    update: (p) => {
      const payload = { mb: p.mb.toFixed(1), rate: p.rate.toFixed(1), rejected: p.rejected };
      if (!started) {
        bar.start(p.total, p.done, payload);
        started = true;
      } else {
        bar.setTotal(p.total);
        bar.update(p.done, payload);
      }
    },
    stop: () => started && bar.stop(),
  };
}

const fromFiles = (bar: Bar | null) => (p: ImportProgress) => bar?.update({ done: p.filesDone, total: p.filesTotal, mb: p.bytesDone / 1e6, rate: p.filesPerSecond, rejected: p.rejected });
const fromStudies = (bar: Bar | null) => (p: LayoutProgress) => bar?.update({ done: p.studiesDone, total: p.studiesTotal, mb: p.bytesDone / 1e6, rate: p.studiesPerSecond, rejected: p.rejected });

/** Which importer takes a path: DICOM, or one of the image + table layouts. */
function kindOf(path: string, layout: string): 'dicom' | LayoutName {
  if (layout !== 'auto') return layout as 'dicom' | LayoutName;
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    return 'dicom'; // the DICOM walker reports the missing path
  }
  if (!isDir) return 'dicom';
  try {
    return detectLayout(path);
  } catch (cause) {
    if (cause instanceof AppError && cause.code === 'bad_request') return 'dicom';
    throw cause;
  }
}

interface Outcome {
  rejected: { path: string; reason: string }[];
  dicom: ImportSummary | null;
  layouts: { path: string; layout: string; studies: number }[];
  reports: { added: number; updated: number; unchanged: number } | null;
}

async function runImport(db: Db, libraryPath: string, paths: string[], options: ImportOptions, bar: Bar | null): Promise<Outcome> {
  const outcome: Outcome = { rejected: [], dicom: null, layouts: [], reports: null };
  const dicomOptions = {
    decode: options.decode,
    cacheDir: options.cache && options.decode ? cacheDirFor(libraryPath) : null,
    onProgress: fromFiles(bar),
  };
  if (options.dicomweb) {
    outcome.dicom = await importDicomWeb(db, options.dicomweb, { ...dicomOptions, storeDir: dicomWebStoreFor(libraryPath) });
  } else {
    const dicomPaths = paths.filter((p) => kindOf(p, options.layout) === 'dicom');
    if (dicomPaths.length > 0) outcome.dicom = await importDicom(db, dicomPaths, dicomOptions);
    for (const root of paths.filter((p) => !dicomPaths.includes(p))) {
      const layout = kindOf(root, options.layout) as LayoutName;
      const s = await importLayout(db, { root, layout, ...(layout === 'mimic' && options.reports ? { reports: options.reports } : {}) }, fromStudies(bar));
      outcome.layouts.push({ path: root, layout: s.layout, studies: s.studiesSeen });
      outcome.rejected.push(...s.rejected.map(({ path, reason }) => ({ path, reason })));
    }
  }
  if (outcome.dicom) outcome.rejected.unshift(...outcome.dicom.rejected.map(({ path, reason }) => ({ path, reason })));
  // Reports attach to studies already in the library (MIMIC layouts took --reports themselves).
  const reportSources = [options.manifest, outcome.layouts.some((l) => l.layout === 'mimic') ? undefined : options.reports].filter((s): s is string => !!s);
  for (const source of reportSources) {
    const read = readReportSource(source);
    const attached = attachReports(db, read.reports);
    outcome.reports = {
      added: (outcome.reports?.added ?? 0) + attached.added,
      updated: (outcome.reports?.updated ?? 0) + attached.updated,
      unchanged: (outcome.reports?.unchanged ?? 0) + attached.unchanged,
    };
    outcome.rejected.push(...[...read.rejected, ...attached.rejected].map(({ path, reason }) => ({ path, reason })));
  }
  return outcome;
}

export function importCommand(): Command {
  return withCommonOptions(new Command('import'))
    .description('import DICOM files and folders, image + table layouts and reports into the library (idempotent, resumable); --rejected lists files that were not imported')
    .argument('[paths...]', 'DICOM files or folders, or layout folders')
    .option('--reports <path>', 'reports to attach: a folder of MIMIC-CXR sNNNN.txt files, or a DICOM SR file')
    .option('--manifest <csv>', 'CSV mapping study UID / accession / patient+date to report text')
    .option('--layout <layout>', `${LAYOUTS.join(' | ')} (auto: detect layout folders, DICOM otherwise)`, 'auto')
    .option('--dicomweb <url>', 'import every study of a DICOMweb server (QIDO-RS + WADO-RS), e.g. http://localhost:8042/dicom-web')
    .option('--rejected', 'list the DICOM files rejected so far, with their reasons, and exit')
    .option('--no-decode', 'skip decoding the first frame of each image (faster; damaged pixel data is then found later)')
    .option('--no-cache', 'do not write the preprocessed image cache')
    .action(async (paths: string[], options: ImportOptions) => {
      if (!LAYOUTS.includes(options.layout)) throw new CliError(`--layout must be one of ${LAYOUTS.join(', ')}, got "${options.layout}".`, 2);
      const services = openServices(options);
      try {
        const store = new ImportStore(services.db);
        if (options.rejected) {
          const rejected = store.listRejected();
          if (options.json) return printJson({ rejected });
          process.stdout.write(rejected.length === 0 ? 'No rejected files.\n' : `${formatTable(['path', 'reason', 'detail'], rejected.map((r) => [r.path, r.reason, r.detail]), 100)}\n`);
          return;
        }
        const hasReports = !!(options.reports || options.manifest);
        if (paths.length === 0 && !options.dicomweb && !hasReports) throw new CliError('Give at least one file or folder to import (or --dicomweb URL, --reports, --manifest, or --rejected).', 2);
        if (paths.length > 0 && options.dicomweb) throw new CliError('Give either paths or --dicomweb, not both.', 2);
        const bar = options.json ? null : progressBar();
        let outcome: Outcome;
        try {
          outcome = await runImport(services.db, services.libraryPath, paths, options, bar);
        } finally {
          bar?.stop();
        }
        const counts = store.counts();
        const d = outcome.dicom;
        if (options.json) {
          return printJson({
            ...counts,
            rejected: outcome.rejected,
            ...(d
              ? { files: d.filesSeen, added: d.instancesAdded, updated: d.instancesUpdated, unchanged: d.instancesUnchanged, skipped: d.filesSkipped, duplicates: d.duplicates, seconds: Number(d.elapsedSeconds.toFixed(3)) }
              : {}),
            ...(outcome.layouts.length > 0 ? { layouts: outcome.layouts } : {}),
            ...(outcome.reports ? { reportsAttached: outcome.reports } : {}),
          });
        }
        const lines = [
          ...(d
            ? [`DICOM: ${d.filesSeen} files in ${d.elapsedSeconds.toFixed(1)} s: ${d.instancesAdded} new images, ${d.instancesUpdated} updated, ${d.filesSkipped} unchanged, ${d.duplicates} duplicates.`]
            : []),
          ...outcome.layouts.map((l) => `Layout ${l.layout} at ${l.path}: ${l.studies} studies.`),
          ...(outcome.reports ? [`Reports: ${outcome.reports.added} attached, ${outcome.reports.updated} updated, ${outcome.reports.unchanged} unchanged.`] : []),
          `Library: ${counts.patients} patients, ${counts.studies} studies, ${counts.series} series, ${counts.instances} images, ${counts.reports} reports, ${counts.labels} labels.`,
          ...(outcome.rejected.length > 0 ? [`${outcome.rejected.length} rejected; DICOM ones are listed by: convirt import --rejected --library ${services.libraryPath}`] : []),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        services.close();
      }
    });
}
