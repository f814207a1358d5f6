/**
 * Attaches keyed reports to studies already in the library (after a DICOM
 * import): by Study Instance UID, accession number, the folder of the study's
 * image files (MIMIC-CXR .txt beside sNNNN/), or patient + study date. One
 * transaction per report; a report whose key matches no study is listed, not lost.
 */
import { readFileSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import type { Db } from '../../db/connection';
import { IngestRepo } from '../../db/ingest-repo';
import { AppError } from '../../../src-shared/result';
import type { KeyedReport, ReportKey, ReportRejection } from './keys';
import { readReportManifest } from './manifest';
import { readSrReport } from './sr';
import { mimicTextReports } from './text-files';

export interface AttachSummary {
  added: number;
  updated: number;
  unchanged: number;
  /** Reports whose key matched no study, and sources that could not be read. */
  rejected: ReportRejection[];
}

/**
 * Reads one report source: a folder of MIMIC-CXR sNNNN.txt files, a CSV / TSV
 * manifest, or a DICOM SR file (.dcm or any file with a DICM header).
 */
export function readReportSource(path: string): { reports: KeyedReport[]; rejected: ReportRejection[] } {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new AppError('not_found', `${path} does not exist`);
  }
  if (isDir) return mimicTextReports(path);
  if (/\.(csv|tsv)$/i.test(path)) return readReportManifest(path);
  const bytes = readFileSync(path);
  if (/\.dcm$/i.test(path) || bytes.subarray(128, 132).toString('latin1') === 'DICM') {
    try {
      const { key, report } = readSrReport(bytes, path);
      return { reports: [{ key, report }], rejected: [] };
    } catch (cause) {
      return { reports: [], rejected: [{ path, reason: 'not_sr', detail: cause instanceof AppError ? cause.message.replace(`${path}`, 'the file') : 'unreadable' }] };
    }
  }
  throw new AppError('bad_request', `${path} is not a report source: give a folder of MIMIC-CXR .txt reports, a CSV/TSV manifest or a DICOM SR file`);
}

function describe(key: ReportKey): string {
  switch (key.by) {
    case 'studyUid':
      return 'no study with this StudyInstanceUID';
    case 'accession':
      return 'no study with this accession number';
    case 'patientDate':
      return 'no study of this patient on this date';
    case 'studyDir':
      return 'no imported images in the study folder';
  }
}

export function attachReports(db: Db, reports: readonly KeyedReport[]): AttachSummary {
  const repo = new IngestRepo(db);
  const byUid = db.prepare('SELECT id FROM studies WHERE study_uid = ?').pluck();
  const byAccession = db.prepare('SELECT id FROM studies WHERE accession_number = ?').pluck();
  const byPatientDate = db.prepare('SELECT s.id FROM studies s JOIN patients p ON p.id = s.patient_id WHERE p.patient_id = ? AND s.study_date = ?').pluck();
  // Paths under dir: the range [dir/, dir0) uses the instances_path index ('0' follows '/').
  const byDir = db.prepare('SELECT DISTINCT se.study_id FROM instances i JOIN series se ON se.id = i.series_id WHERE i.path >= ? AND i.path < ?').pluck();
  const studiesFor = (key: ReportKey): number[] => {
    switch (key.by) {
      case 'studyUid':
        return byUid.all(key.studyUid) as number[];
      case 'accession':
        return byAccession.all(key.accessionNumber) as number[];
      case 'patientDate':
        return byPatientDate.all(key.patientId, key.studyDate) as number[];
      case 'studyDir': {
        const dir = key.dir.endsWith(sep) ? key.dir.slice(0, -1) : key.dir;
        return byDir.all(`${dir}${sep}`, `${dir}${String.fromCharCode(sep.charCodeAt(0) + 1)}`) as number[];
      }
    }
  };
  const summary: AttachSummary = { added: 0, updated: 0, unchanged: 0, rejected: [] };
  for (const { key, report } of reports) {
    const studyIds = studiesFor(key);
    if (studyIds.length === 0) {
      summary.rejected.push({ path: report.sourcePath ?? '(report)', reason: 'no_matching_study', detail: describe(key) });
      continue;
    }
    repo.inTransaction(() => {
      for (const id of studyIds) summary[repo.putReport(id, report).change]++;
    });
  }
  return summary;
}
