/**
 * How a report finds its study. Sources key reports by what they know (a study
 * UID, an accession number, a patient and date, or the folder that holds the
 * study's images); ReportIndex answers "which reports belong to this study?"
 * for an importer that knows the study's DICOM attributes and image folders.
 */
import { resolve } from 'node:path';
import type { ReportRecord } from '../../db/ingest-repo';

export type ReportKey =
  | { by: 'studyUid'; studyUid: string }
  | { by: 'accession'; accessionNumber: string }
  | { by: 'patientDate'; patientId: string; studyDate: string }
  /** MIMIC-CXR: files/pXX/pNNNN/sNNNN.txt belongs to the images in files/pXX/pNNNN/sNNNN/. */
  | { by: 'studyDir'; dir: string; patientId: string; studyId: string };

export interface KeyedReport {
  key: ReportKey;
  report: ReportRecord;
}

/** What an importer knows about a study when it looks for its reports. */
export interface StudyIdentity {
  studyUid?: string | null;
  accessionNumber?: string | null;
  patientId?: string | null;
  /** YYYY-MM-DD */
  studyDate?: string | null;
  /** Folders that hold the study's image files. */
  dirs?: readonly string[];
}

function keyString(key: ReportKey): string {
  switch (key.by) {
    case 'studyUid':
      return `uid:${key.studyUid.trim()}`;
    case 'accession':
      return `acc:${key.accessionNumber.trim()}`;
    case 'patientDate':
      return `pd:${key.patientId.trim()}|${key.studyDate}`;
    case 'studyDir':
      return `dir:${resolve(key.dir)}`;
  }
}

export class ReportIndex {
  private readonly byKey = new Map<string, KeyedReport[]>();

  constructor(reports: Iterable<KeyedReport> = []) {
    for (const r of reports) this.add(r);
  }

  add(report: KeyedReport): void {
    const k = keyString(report.key);
    const list = this.byKey.get(k);
    if (list) list.push(report);
    else this.byKey.set(k, [report]);
  }

  get size(): number {
    let n = 0;
    for (const list of this.byKey.values()) n += list.length;
    return n;
  }

  /**
   * The reports for a study, most specific key first: study UID, then accession
   * number, then the image folders, then patient + date. Each report once.
   */
  find(study: StudyIdentity): ReportRecord[] {
    const keys: string[] = [];
    if (study.studyUid) keys.push(keyString({ by: 'studyUid', studyUid: study.studyUid }));
    if (study.accessionNumber) keys.push(keyString({ by: 'accession', accessionNumber: study.accessionNumber }));
    for (const dir of study.dirs ?? []) keys.push(`dir:${resolve(dir)}`);
    if (study.patientId && study.studyDate) keys.push(keyString({ by: 'patientDate', patientId: study.patientId, studyDate: study.studyDate }));
    const found = new Set<ReportRecord>();
    for (const k of keys) for (const r of this.byKey.get(k) ?? []) found.add(r.report);
    return [...found];
  }
}

/** A report or table row that could not be used, and why (no patient data in `detail`). */
export interface ReportRejection {
  path: string;
  /** Short machine-readable reason: 'unreadable', 'empty', 'no_study_key', 'not_sr', ... */
  reason: string;
  detail: string;
}
