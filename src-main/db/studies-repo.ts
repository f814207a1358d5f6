/** Queries behind the `library` service group: detail and stats of studies (the list is in study-list.ts). */
import type { LibraryStats, StudyDetail, StudyFilters, StudySummary } from '../../src-shared/contract/library';
import type { Db } from './connection';

const SNIPPET_CHARS = 160;

export interface StudyRow {
  id: number;
  study_uid: string;
  patient_id: string | null;
  patient_name: string | null;
  study_date: string | null;
  accession_number: string | null;
  modalities: string | null;
  description: string | null;
  body_part: string | null;
  series_count: number;
  image_count: number;
  has_report: number;
  report_snippet: string | null;
  imported_at: string;
  thumbnail_instance_id: number | null;
}

export const SELECT_STUDY = `
SELECT s.id, s.study_uid, p.patient_id, p.patient_name, s.study_date, s.accession_number,
       s.modalities, s.description, s.body_part, s.imported_at,
       (SELECT count(*) FROM series se WHERE se.study_id = s.id) AS series_count,
       (SELECT count(*) FROM instances i JOIN series se ON se.id = i.series_id WHERE se.study_id = s.id) AS image_count,
       EXISTS (SELECT 1 FROM reports r WHERE r.study_id = s.id) AS has_report,
       (SELECT substr(r.raw_text, 1, ${SNIPPET_CHARS}) FROM reports r WHERE r.study_id = s.id ORDER BY r.id LIMIT 1) AS report_snippet,
       (SELECT i.id FROM series se JOIN instances i ON i.series_id = se.id WHERE se.study_id = s.id
        ORDER BY se.series_number IS NULL, se.series_number, se.id, i.instance_number IS NULL, i.instance_number, i.id LIMIT 1) AS thumbnail_instance_id
FROM studies s JOIN patients p ON p.id = s.patient_id`;

export function toSummary(row: StudyRow): StudySummary {
  return {
    id: row.id,
    studyUid: row.study_uid,
    patientId: row.patient_id,
    patientName: row.patient_name,
    studyDate: row.study_date,
    accessionNumber: row.accession_number,
    modalities: row.modalities,
    description: row.description,
    seriesCount: row.series_count,
    imageCount: row.image_count,
    hasReport: row.has_report === 1,
    reportSnippet: row.report_snippet === null ? null : row.report_snippet.replace(/\s+/g, ' ').trim(),
    importedAt: row.imported_at,
    thumbnailInstanceId: row.thumbnail_instance_id,
  };
}

/**
 * SQL conditions on `studies s` for the filters the library list and search
 * share (modality, date range, report presence); callers add their own.
 */
export function studyFilterConditions(filters: Pick<StudyFilters, 'modality' | 'dateFrom' | 'dateTo' | 'hasReport'>): {
  parts: string[];
  params: Record<string, unknown>;
} {
  const parts: string[] = [];
  const params: Record<string, unknown> = {};
  if (filters.modality !== undefined) {
    parts.push(`EXISTS (SELECT 1 FROM series se WHERE se.study_id = s.id AND se.modality = @modality)`);
    params.modality = filters.modality;
  }
  if (filters.dateFrom !== undefined) {
    parts.push('s.study_date >= @dateFrom');
    params.dateFrom = filters.dateFrom;
  }
  if (filters.dateTo !== undefined) {
    parts.push('s.study_date <= @dateTo');
    params.dateTo = filters.dateTo;
  }
  if (filters.hasReport !== undefined) {
    parts.push(`${filters.hasReport ? '' : 'NOT '}EXISTS (SELECT 1 FROM reports r WHERE r.study_id = s.id)`);
  }
  return { parts, params };
}

export function getStudy(db: Db, id: number): StudyDetail | null {
  const row = db.prepare(`${SELECT_STUDY} WHERE s.id = ?`).get(id) as StudyRow | undefined;
  if (!row) return null;
  const series = db
    .prepare('SELECT id, series_uid, modality, series_number, description FROM series WHERE study_id = ? ORDER BY series_number IS NULL, series_number, id')
    .all(id) as { id: number; series_uid: string; modality: string | null; series_number: number | null; description: string | null }[];
  const instancesOf = db.prepare(
    `SELECT id, sop_instance_uid, instance_number, rows, columns, frames, photometric_interpretation, transfer_syntax_uid
     FROM instances WHERE series_id = ? ORDER BY instance_number IS NULL, instance_number, id`,
  );
  const report = db.prepare('SELECT id, raw_text, sections_json FROM reports WHERE study_id = ? ORDER BY id LIMIT 1').get(id) as
    | { id: number; raw_text: string; sections_json: string }
    | undefined;
  const sentences = report
    ? (db.prepare('SELECT section, text FROM report_sentences WHERE report_id = ? ORDER BY ordinal').all(report.id) as {
        section: string | null;
        text: string;
      }[])
    : [];
  return {
    ...toSummary(row),
    bodyPart: row.body_part,
    series: series.map((s) => ({
      id: s.id,
      seriesUid: s.series_uid,
      modality: s.modality,
      seriesNumber: s.series_number,
      description: s.description,
      instances: (
        instancesOf.all(s.id) as {
          id: number;
          sop_instance_uid: string;
          instance_number: number | null;
          rows: number | null;
          columns: number | null;
          frames: number;
          photometric_interpretation: string | null;
          transfer_syntax_uid: string | null;
        }[]
      ).map((i) => ({
        id: i.id,
        sopInstanceUid: i.sop_instance_uid,
        instanceNumber: i.instance_number,
        rows: i.rows,
        columns: i.columns,
        frames: i.frames,
        photometricInterpretation: i.photometric_interpretation,
        transferSyntaxUid: i.transfer_syntax_uid,
      })),
    })),
    report: report
      ? { id: report.id, rawText: report.raw_text, sections: JSON.parse(report.sections_json) as { name: string; text: string }[], sentences }
      : null,
  };
}

export type LibraryCounts = Omit<LibraryStats, 'modalities'>;

/** Rows per table of the study hierarchy, reports and labels. */
export function libraryCounts(db: Db): LibraryCounts {
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    patients: count('patients'),
    studies: count('studies'),
    series: count('series'),
    instances: count('instances'),
    reports: count('reports'),
    labels: count('labels'),
  };
}

export function libraryStats(db: Db): LibraryStats {
  const modalities = db
    .prepare(
      `SELECT se.modality AS modality, count(DISTINCT se.study_id) AS studies FROM series se
       WHERE se.modality IS NOT NULL GROUP BY se.modality ORDER BY studies DESC, modality`,
    )
    .all() as { modality: string; studies: number }[];
  return { ...libraryCounts(db), modalities };
}
