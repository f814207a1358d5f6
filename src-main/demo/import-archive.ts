/**
 * Imports a demo archive into a library: the DICOM files through the regular
 * import pipeline (src-main/ingest/import-pipeline), then each study's
 * MIMIC-CXR report file attached by its study folder (src-main/ingest/reports).
 * Re-running it is cheap: unchanged files are skipped, identical reports left alone.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Db } from '../db/connection';
import { IngestRepo } from '../db/ingest-repo';
import { importDicom, type ImportProgress, type ImportSummary } from '../ingest/import-pipeline';
import { ReportIndex, mimicTextReports } from '../ingest/reports';

export const DEMO_SOURCE = 'demo';

export interface DemoImportSummary {
  dicom: ImportSummary;
  reportsAttached: number;
  reportsUnchanged: number;
  /** Studies of the archive with no report found (0 for a whole archive). */
  studiesWithoutReport: number;
}

export interface DemoImportOptions {
  cacheDir: string | null;
  onProgress?: (p: ImportProgress) => void;
}

export async function importDemoArchive(db: Db, archiveDir: string, options: DemoImportOptions): Promise<DemoImportSummary> {
  const files = resolve(archiveDir, 'files');
  // Only the study folders (images); the report files beside them are attached below.
  const rows = parse(readFileSync(join(archiveDir, 'metadata.csv')), { columns: true }) as { path: string }[];
  const studyDirs = [...new Set(rows.map((r) => dirname(resolve(archiveDir, r.path))))].sort();
  const dicom = await importDicom(db, studyDirs, { source: DEMO_SOURCE, cacheDir: options.cacheDir, onProgress: options.onProgress });
  const index = new ReportIndex(mimicTextReports(files).reports);
  const studies = db
    .prepare(
      `SELECT s.id AS id, s.study_uid AS studyUid, s.accession_number AS accession, group_concat(i.path, char(10)) AS paths
       FROM studies s JOIN series se ON se.study_id = s.id JOIN instances i ON i.series_id = se.id
       WHERE i.path LIKE ? ESCAPE '\\' GROUP BY s.id`,
    )
    .all(`${files.replace(/[\\%_]/g, (c) => `\\${c}`)}${sep}%`) as { id: number; studyUid: string; accession: string | null; paths: string }[];
  const repo = new IngestRepo(db);
  const summary = { reportsAttached: 0, reportsUnchanged: 0, studiesWithoutReport: 0 };
  repo.inTransaction(() => {
    for (const study of studies) {
      const dirs = [...new Set(study.paths.split('\n').map((p) => dirname(p)))];
      const reports = index.find({ studyUid: study.studyUid, accessionNumber: study.accession, dirs });
      if (reports.length === 0) summary.studiesWithoutReport++;
      for (const report of reports) {
        const { change } = repo.putReport(study.id, report);
        if (change === 'unchanged') summary.reportsUnchanged++;
        else summary.reportsAttached++;
      }
    }
  });
  return { dicom, ...summary };
}

/** The archive folder `convirt demo` uses by default: beside the library file. */
export function defaultArchiveDir(libraryPath: string): string {
  return join(dirname(libraryPath), 'demo-archive');
}
