import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { ImportStore } from '../../ingest/import-store';
import { IMPORT_LAYOUTS, runImport, type ImportOutcome } from '../../ingest/import-run';
import { listLayoutRejections } from '../../ingest/layouts/index';
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

const LAYOUTS: readonly string[] = IMPORT_LAYOUTS;

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

export function importCommand(): Command {
  return withCommonOptions(new Command('import'))
    .description('import DICOM files and folders, image + table layouts and reports into the library (idempotent, resumable); --rejected lists files that were not imported')
    .argument('[paths...]', 'DICOM files or folders, or layout folders')
    .option('--reports <path>', 'reports to attach: a folder of MIMIC-CXR sNNNN.txt files, or a DICOM SR file')
    .option('--manifest <csv>', 'CSV mapping study UID / accession / patient+date to report text')
    .option('--layout <layout>', `${LAYOUTS.join(' | ')} (auto: detect layout folders, DICOM otherwise)`, 'auto')
    .option('--dicomweb <url>', 'import every study of a DICOMweb server (QIDO-RS + WADO-RS), e.g. http://localhost:8042/dicom-web')
    .option('--rejected', 'list the files and table rows rejected so far (DICOM files, and what the latest import of each layout folder skipped), with their reasons, and exit')
    .option('--no-decode', 'skip decoding the first frame of each image (faster; damaged pixel data is then found later)')
    .option('--no-cache', 'do not write the preprocessed image cache')
    .action(async (paths: string[], options: ImportOptions) => {
      if (!LAYOUTS.includes(options.layout)) throw new CliError(`--layout must be one of ${LAYOUTS.join(', ')}, got "${options.layout}".`, 2);
      const services = openServices(options);
      try {
        const store = new ImportStore(services.db);
        if (options.rejected) {
          const rejected = [...store.listRejected().map((r) => ({ ...r, importer: 'dicom' })), ...listLayoutRejections(services.db).map(({ layout, ...r }) => ({ ...r, importer: layout }))].sort((a, b) =>
            a.path < b.path ? -1 : a.path > b.path ? 1 : 0,
          );
          if (options.json) return printJson({ rejected });
          process.stdout.write(rejected.length === 0 ? 'No rejected files.\n' : `${formatTable(['path', 'importer', 'reason', 'detail'], rejected.map((r) => [r.path, r.importer, r.reason, r.detail]), 100)}\n`);
          return;
        }
        const hasReports = !!(options.reports || options.manifest);
        if (paths.length === 0 && !options.dicomweb && !hasReports) throw new CliError('Give at least one file or folder to import (or --dicomweb URL, --reports, --manifest, or --rejected).', 2);
        if (paths.length > 0 && options.dicomweb) throw new CliError('Give either paths or --dicomweb, not both.', 2);
        const bar = options.json ? null : progressBar();
        let outcome: ImportOutcome;
        try {
          outcome = await runImport(services.db, services.libraryPath, paths, {
            ...options,
            onProgress: bar ? (p) => bar.update({ done: p.done, total: p.total, mb: p.megabytes, rate: p.rate, rejected: p.rejected }) : undefined,
          });
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
              ? { files: d.filesSeen, added: d.instancesAdded, updated: d.instancesUpdated, unchanged: d.instancesUnchanged, skipped: d.filesSkipped, duplicates: d.duplicates, srReports: { added: d.reportsAdded, updated: d.reportsUpdated, unchanged: d.reportsUnchanged }, seconds: Number(d.elapsedSeconds.toFixed(3)) }
              : {}),
            ...(outcome.layouts.length > 0 ? { layouts: outcome.layouts } : {}),
            ...(outcome.reports ? { reportsAttached: outcome.reports } : {}),
          });
        }
        const lines = [
          ...(d
            ? [`DICOM: ${d.filesSeen} files in ${d.elapsedSeconds.toFixed(1)} s: ${d.instancesAdded} new images, ${d.instancesUpdated} updated, ${d.filesSkipped} unchanged, ${d.duplicates} duplicates, ${d.reportsAdded + d.reportsUpdated} SR reports attached.`]
            : []),
          ...outcome.layouts.map((l) => `Layout ${l.layout} at ${l.path}: ${l.studies} studies.`),
          ...(outcome.reports ? [`Reports: ${outcome.reports.added} attached, ${outcome.reports.updated} updated, ${outcome.reports.unchanged} unchanged.`] : []),
          `Library: ${counts.patients} patients, ${counts.studies} studies, ${counts.series} series, ${counts.instances} images, ${counts.reports} reports, ${counts.labels} labels.`,
          ...(outcome.rejected.length > 0 ? [`${outcome.rejected.length} rejected; listed later by: convirt import --rejected --library ${services.libraryPath}`] : []),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      } finally {
        services.close();
      }
    });
}
