/**
 * A CSV (or TSV) manifest mapping studies to report text. Columns are found by
 * name, case and punctuation ignored:
 * - the study: StudyInstanceUID | study_uid, else AccessionNumber | accession,
 *   else PatientID | subject_id with StudyDate | date (the most specific wins);
 * - the text: report | report_text | text, else section columns (indication,
 *   comparison, technique, findings, impression, ...) joined under headings.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { AppError } from '../../../src-shared/result';
import { normaliseDate } from './dates';
import type { KeyedReport, ReportKey, ReportRejection } from './keys';
import { reportRecord } from './parse';

const COLUMN_NAMES = {
  studyUid: ['studyinstanceuid', 'studyuid'],
  accession: ['accessionnumber', 'accession', 'accessionno', 'acc'],
  patient: ['patientid', 'patient', 'subjectid', 'mrn'],
  date: ['studydate', 'date', 'examdate'],
  text: ['report', 'reporttext', 'text', 'reports', 'fulltext'],
} as const;

/** Section columns, in the order a report usually has them, with the heading each gets. */
const SECTION_COLUMNS: [column: string, heading: string][] = [
  ['indication', 'INDICATION'],
  ['history', 'HISTORY'],
  ['clinicalhistory', 'CLINICAL HISTORY'],
  ['comparison', 'COMPARISON'],
  ['technique', 'TECHNIQUE'],
  ['findings', 'FINDINGS'],
  ['impression', 'IMPRESSION'],
  ['conclusion', 'CONCLUSION'],
];

const normaliseColumn = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

function delimiterOf(path: string, firstLine: string): string {
  if (/\.tsv$/i.test(path)) return '\t';
  const counts = [',', '\t', ';'].map((d) => [d, firstLine.split(d).length] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

/** Report text from one row: the text column, or the section columns under headings. */
function rowText(record: string[], textColumn: number | null, sectionColumns: [number, string][]): string {
  if (textColumn !== null) return record[textColumn] ?? '';
  return sectionColumns
    .map(([i, heading]) => [heading, (record[i] ?? '').trim()] as const)
    .filter(([, body]) => body !== '')
    .map(([heading, body]) => `${heading}: ${body}`)
    .join('\n\n');
}

export function readReportManifest(path: string): { reports: KeyedReport[]; rejected: ReportRejection[] } {
  const content = readFileSync(path, 'utf8');
  const firstLineEnd = content.indexOf('\n');
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(content, {
      bom: true,
      delimiter: delimiterOf(path, firstLineEnd < 0 ? content : content.slice(0, firstLineEnd)),
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (cause) {
    throw new AppError('bad_request', `${path} is not a readable CSV manifest: ${(cause as Error).message}`);
  }
  const header = (rows.shift()?.record ?? []).map(normaliseColumn);
  const column = (names: readonly string[]): number | null => {
    for (const n of names) if (header.includes(n)) return header.indexOf(n);
    return null;
  };
  const cols = {
    studyUid: column(COLUMN_NAMES.studyUid),
    accession: column(COLUMN_NAMES.accession),
    patient: column(COLUMN_NAMES.patient),
    date: column(COLUMN_NAMES.date),
    text: column(COLUMN_NAMES.text),
  };
  const sectionColumns = SECTION_COLUMNS.flatMap(([name, heading]): [number, string][] => (header.includes(name) ? [[header.indexOf(name), heading]] : []));
  if (cols.text === null && sectionColumns.length === 0) {
    throw new AppError('bad_request', `${path} has no report text column (report, text, or findings / impression)`);
  }
  if (cols.studyUid === null && cols.accession === null && (cols.patient === null || cols.date === null)) {
    throw new AppError('bad_request', `${path} has no study column (StudyInstanceUID, AccessionNumber, or PatientID with StudyDate)`);
  }
  const reports: KeyedReport[] = [];
  const rejected: ReportRejection[] = [];
  for (const { record, info } of rows) {
    const where = `${path}:${info.lines}`; // the line where the row ends
    const at = (i: number | null): string => (i === null ? '' : (record[i] ?? '').trim());
    const text = rowText(record, cols.text, sectionColumns);
    let key: ReportKey | null = null;
    if (at(cols.studyUid)) key = { by: 'studyUid', studyUid: at(cols.studyUid) };
    else if (at(cols.accession)) key = { by: 'accession', accessionNumber: at(cols.accession) };
    else if (at(cols.patient)) {
      const studyDate = normaliseDate(at(cols.date));
      if (studyDate) key = { by: 'patientDate', patientId: at(cols.patient), studyDate };
    }
    if (!key) rejected.push({ path: where, reason: 'no_study_key', detail: 'no study UID, accession number, or patient with a readable date' });
    else if (text.trim() === '') rejected.push({ path: where, reason: 'empty', detail: 'the row has no report text' });
    else reports.push({ key, report: reportRecord(text, 'csv', path) });
  }
  return { reports, rejected };
}
