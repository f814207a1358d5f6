/**
 * One import as the CLI and the import dialog run it: DICOM paths through the
 * DICOM pipeline, layout folders through their layout, then reports attached
 * from a folder, SR file or manifest. Progress comes as one shape whichever
 * importer is working (files for DICOM, studies for layouts).
 */
import { statSync } from 'node:fs';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import { cacheDirFor } from './cache/image-cache';
import { dicomWebStoreFor, importDicomWeb } from './import-dicomweb';
import { importDicom, type ImportSummary } from './import-pipeline';
import { detectLayout, importLayout, type LayoutName } from './layouts/index';
import { attachReports, readReportSource } from './reports/index';

export const IMPORT_LAYOUTS = ['auto', 'dicom', 'mimic', 'chexpert', 'covid', 'table'] as const;

export interface RunImportOptions {
  layout: string;
  reports?: string;
  manifest?: string;
  dicomweb?: string;
  /** Decode each image's first frame (and cache it when `cache`). */
  decode: boolean;
  cache: boolean;
  onProgress?: (p: RunProgress) => void;
}

export interface RunProgress {
  /** Files (DICOM) or studies (layouts) done of total. */
  done: number;
  total: number;
  unit: 'files' | 'studies';
  megabytes: number;
  /** Units per second. */
  rate: number;
  etaSeconds: number | null;
  rejected: number;
}

export interface ImportOutcome {
  rejected: { path: string; reason: string }[];
  dicom: ImportSummary | null;
  layouts: { path: string; layout: string; studies: number; imagesAdded: number; imagesUpdated: number }[];
  reports: { added: number; updated: number; unchanged: number } | null;
}

/** Which importer takes a path: DICOM, or one of the image + table layouts. */
export function importerFor(path: string, layout: string): 'dicom' | LayoutName {
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

export async function runImport(db: Db, libraryPath: string, paths: readonly string[], options: RunImportOptions): Promise<ImportOutcome> {
  const outcome: ImportOutcome = { rejected: [], dicom: null, layouts: [], reports: null };
  const report = options.onProgress;
  const dicomOptions = {
    decode: options.decode,
    cacheDir: options.cache && options.decode ? cacheDirFor(libraryPath) : null,
    onProgress: report
      ? (p: { filesDone: number; filesTotal: number; bytesDone: number; filesPerSecond: number; etaSeconds: number | null; rejected: number }) =>
          report({ done: p.filesDone, total: p.filesTotal, unit: 'files', megabytes: p.bytesDone / 1e6, rate: p.filesPerSecond, etaSeconds: p.etaSeconds, rejected: p.rejected })
      : undefined,
  };
  if (options.dicomweb) {
    outcome.dicom = await importDicomWeb(db, options.dicomweb, { ...dicomOptions, storeDir: dicomWebStoreFor(libraryPath) });
  } else {
    const dicomPaths = paths.filter((p) => importerFor(p, options.layout) === 'dicom');
    if (dicomPaths.length > 0) outcome.dicom = await importDicom(db, dicomPaths, dicomOptions);
    for (const root of paths.filter((p) => !dicomPaths.includes(p))) {
      const layout = importerFor(root, options.layout) as LayoutName;
      const s = await importLayout(db, { root, layout, ...(layout === 'mimic' && options.reports ? { reports: options.reports } : {}) }, (p) =>
        report?.({ done: p.studiesDone, total: p.studiesTotal, unit: 'studies', megabytes: p.bytesDone / 1e6, rate: p.studiesPerSecond, etaSeconds: p.etaSeconds, rejected: p.rejected }),
      );
      outcome.layouts.push({ path: root, layout: s.layout, studies: s.studiesSeen, imagesAdded: s.instances, imagesUpdated: s.updated.instances });
      outcome.rejected.push(...s.rejected.map(({ path, reason }) => ({ path, reason })));
    }
  }
  if (outcome.dicom) outcome.rejected.unshift(...outcome.dicom.rejected.map(({ path, reason }) => ({ path, reason })));
  // Reports attach to studies already in the library (MIMIC layouts took the reports themselves).
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
