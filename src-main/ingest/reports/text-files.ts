/**
 * Plain-text reports in the MIMIC-CXR layout: one sNNNN.txt per study, next to
 * the folder that holds the study's images:
 *   files/p10/p10000032/s50414267.txt
 *   files/p10/p10000032/s50414267/02aa804e-....dcm (or .jpg in MIMIC-CXR-JPG)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { TextDecoder } from 'node:util';
import type { KeyedReport, ReportRejection } from './keys';
import { reportRecord } from './parse';

export interface MimicReportFile {
  path: string;
  /** The folder of the study's images (it may not exist in a reports-only download). */
  studyDir: string;
  /** Digits of the pNNNN folder: MIMIC's subject_id. */
  patientId: string;
  /** Digits of sNNNN: MIMIC's study_id. */
  studyId: string;
}

const PATIENT_DIR = /^p(\d+)$/;
const STUDY_TXT = /^s(\d+)\.txt$/i;

/** Every sNNNN.txt under `root` whose folder is a pNNNN folder, in path order. */
export function listMimicReportFiles(root: string): MimicReportFile[] {
  const found: MimicReportFile[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const patient = PATIENT_DIR.exec(basename(dir));
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      const study = patient && e.isFile() ? STUDY_TXT.exec(e.name) : null;
      if (patient && study) {
        found.push({ path, studyDir: join(dir, `s${study[1]}`), patientId: patient[1] ?? '', studyId: study[1] ?? '' });
      }
    }
  };
  walk(root);
  return found;
}

/** Reads a text report as UTF-8 (a byte-order mark is dropped); null when it holds no text. */
export function readTextReport(path: string): string | null {
  const text = new TextDecoder('utf-8').decode(readFileSync(path));
  return text.trim() === '' ? null : text;
}

/** The MIMIC-CXR reports under `root`, keyed by their study folder; empty or unreadable files are rejected. */
export function mimicTextReports(root: string): { reports: KeyedReport[]; rejected: ReportRejection[] } {
  const reports: KeyedReport[] = [];
  const rejected: ReportRejection[] = [];
  for (const file of listMimicReportFiles(root)) {
    let text: string | null;
    try {
      text = readTextReport(file.path);
    } catch (cause) {
      rejected.push({ path: file.path, reason: 'unreadable', detail: (cause as NodeJS.ErrnoException).code ?? 'read failed' });
      continue;
    }
    if (text === null) {
      rejected.push({ path: file.path, reason: 'empty', detail: 'the report file holds no text' });
      continue;
    }
    reports.push({
      key: { by: 'studyDir', dir: file.studyDir, patientId: file.patientId, studyId: file.studyId },
      report: reportRecord(text, 'txt', file.path),
    });
  }
  return { reports, rejected };
}
