/**
 * Label tables in the public datasets' own layouts, parsed into tasks. Pure: each
 * takes the file's text and its name (for error messages). Keys are the dataset's
 * own study identifiers; the store maps them to library studies.
 *
 *  - CheXpert (train.csv / valid.csv): Path, ..., one column per observation with
 *    1 / 0 / -1 / blank; study = patientNNNNN/studyN from Path; several views of one
 *    study are merged (positive wins, then uncertain, then negative).
 *  - RSNA Pneumonia (stage_2_train_labels.csv): patientId, x, y, width, height, Target;
 *    one row per box, so a study is positive when any of its rows is.
 *  - COVIDx (train.txt / test.txt): whitespace-separated patient id, file name, class,
 *    source; classes normal / pneumonia / COVID-19 (3-class accuracy, as the paper).
 *  - MURA (*_labeled_studies.csv, no header): study folder path, 0 / 1 abnormal.
 *  - Generic CSV with a header: a study column (study, study_id, study_uid,
 *    accession), optional patient column (patient, patient_id), and either one label
 *    column (binary when its values are 0/1 or two names, else multi-class) or several
 *    0/1/-1 columns (multi-label; -1 by the uncertainty policy).
 */
import { parse } from 'csv-parse/sync';
import { AppError } from '../../../src-shared/result';
import { CHEXPERT_COMPETITION, chexpertTarget, type UncertaintyPolicy } from './conventions';
import { singleLabelTask, type LabelTask, type TaskExample } from './task';

type Row = Record<string, string>;

function readCsv(text: string, fileName: string, header: boolean): Row[] | string[][] {
  try {
    return parse(text, { columns: header, skip_empty_lines: true, trim: true, bom: true, relax_column_count: false }) as Row[] | string[][];
  } catch (cause) {
    throw new AppError('bad_request', `${fileName}: not a readable CSV table (${(cause as Error).message})`);
  }
}

function requireColumns(rows: Row[], columns: readonly string[], fileName: string): void {
  const first = rows[0];
  if (!first) throw new AppError('bad_request', `${fileName}: the table has no rows`);
  const missing = columns.filter((c) => !(c in first));
  if (missing.length > 0) throw new AppError('bad_request', `${fileName}: missing column(s) ${missing.join(', ')}`);
}

/** Merges rows of the same study: 1 beats -1 beats 0 per entry. */
function mergeMultiLabel(a: readonly number[], b: readonly number[]): number[] {
  const rank = (v: number) => (v === 1 ? 2 : v === -1 ? 1 : 0);
  return a.map((v, i) => (rank(b[i] as number) > rank(v) ? (b[i] as number) : v));
}

export function chexpertTask(text: string, fileName: string, options: { policy: UncertaintyPolicy; observations?: readonly string[] }): LabelTask {
  const observations = options.observations ?? CHEXPERT_COMPETITION;
  const rows = readCsv(text, fileName, true) as Row[];
  requireColumns(rows, ['Path', ...observations], fileName);
  const byStudy = new Map<string, TaskExample>();
  rows.forEach((row, i) => {
    const match = /(patient\d+)\/(study\d+)\//.exec(row.Path ?? '');
    if (!match) throw new AppError('bad_request', `${fileName} row ${i + 2}: Path '${row.Path}' has no patientNNNNN/studyN folders`);
    const key = `${match[1]}/${match[2]}`;
    let target: number[];
    try {
      target = observations.map((o) => chexpertTarget(row[o] ?? '', options.policy));
    } catch (cause) {
      throw new AppError('bad_request', `${fileName} row ${i + 2}: ${(cause as Error).message}`);
    }
    const previous = byStudy.get(key);
    byStudy.set(key, { key, patientKey: match[1] as string, target: previous ? mergeMultiLabel(previous.target as number[], target) : target });
  });
  return {
    name: 'chexpert',
    kind: 'multilabel',
    classNames: observations,
    examples: [...byStudy.values()],
    convention: `CheXpert ${observations.length} observations; blank = negative; uncertain -> U-${options.policy}`,
    excluded: {},
  };
}

export function rsnaPneumoniaTask(text: string, fileName: string): LabelTask {
  const rows = readCsv(text, fileName, true) as Row[];
  requireColumns(rows, ['patientId', 'Target'], fileName);
  const target = new Map<string, number>();
  rows.forEach((row, i) => {
    const t = Number(row.Target);
    if (t !== 0 && t !== 1) throw new AppError('bad_request', `${fileName} row ${i + 2}: Target '${row.Target}' is not 0 or 1`);
    const id = row.patientId as string;
    target.set(id, Math.max(target.get(id) ?? 0, t));
  });
  // RSNA has one image per patientId, so the patient is the study.
  const raw = [...target].map(([key, t]) => ({ key, patientKey: key, value: t === 1 ? 'pneumonia' : 'normal' }));
  return singleLabelTask('rsna-pneumonia', 'binary', ['normal', 'pneumonia'], raw, (v) => v, 'RSNA Pneumonia: Target 1 (any box) vs 0');
}

export function covidxTask(text: string, fileName: string): LabelTask {
  const classes = ['normal', 'pneumonia', 'COVID-19'];
  const raw = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, i) => {
      const [patient, file, label] = line.split(/\s+/);
      if (!patient || !file || !label) throw new AppError('bad_request', `${fileName} line ${i + 1}: expected 'patient file class [source]'`);
      return { key: file, patientKey: patient, value: label };
    });
  const canonical = new Map(classes.map((c) => [c.toLowerCase(), c]));
  return singleLabelTask('covidx', 'multiclass', classes, raw, (v) => canonical.get(v.toLowerCase()) ?? null, 'COVIDx: normal / pneumonia / COVID-19');
}

export function muraTask(text: string, fileName: string): LabelTask {
  const rows = readCsv(text, fileName, false) as string[][];
  const raw = rows.map((row, i) => {
    const [path, label] = row;
    const match = /(patient\d+)\/(study\d+)/.exec(path ?? '');
    if (!path || !match || (label !== '0' && label !== '1')) throw new AppError('bad_request', `${fileName} row ${i + 1}: expected 'study path,0|1'`);
    return { key: path, patientKey: match[1] as string, value: label === '1' ? 'abnormal' : 'normal' };
  });
  return singleLabelTask('mura', 'binary', ['normal', 'abnormal'], raw, (v) => v, 'MURA: study abnormal (1) vs normal (0)');
}

const STUDY_COLUMNS = ['study', 'study_id', 'study-id', 'studyid', 'study_uid', 'accession', 'accession_number'];
const PATIENT_COLUMNS = ['patient', 'patient_id', 'patient-id', 'patientid'];

export function genericCsvTask(text: string, fileName: string, options: { name: string; policy?: UncertaintyPolicy; positive?: string }): LabelTask {
  const rows = readCsv(text, fileName, true) as Row[];
  const columns = Object.keys(rows[0] ?? {});
  const studyColumn = columns.find((c) => STUDY_COLUMNS.includes(c.toLowerCase()));
  if (!studyColumn) throw new AppError('bad_request', `${fileName}: no study column (one of ${STUDY_COLUMNS.join(', ')})`);
  const patientColumn = columns.find((c) => PATIENT_COLUMNS.includes(c.toLowerCase()));
  const labelColumns = columns.filter((c) => c !== studyColumn && c !== patientColumn);
  if (labelColumns.length === 0) throw new AppError('bad_request', `${fileName}: no label column besides '${studyColumn}'`);
  const keyOf = (row: Row) => row[studyColumn] as string;
  const patientOf = (row: Row) => (patientColumn ? (row[patientColumn] as string) : keyOf(row));
  if (labelColumns.length > 1) {
    const examples = rows.map((row, i) => {
      try {
        return { key: keyOf(row), patientKey: patientOf(row), target: labelColumns.map((c) => chexpertTarget(row[c] ?? '', options.policy ?? 'ignore')) };
      } catch (cause) {
        throw new AppError('bad_request', `${fileName} row ${i + 2}: ${(cause as Error).message}`);
      }
    });
    return { name: options.name, kind: 'multilabel', classNames: labelColumns, examples, convention: `${fileName}: ${labelColumns.length} 0/1 columns; uncertain -> U-${options.policy ?? 'ignore'}`, excluded: {} };
  }
  const column = labelColumns[0] as string;
  const raw = rows.map((row) => ({ key: keyOf(row), patientKey: patientOf(row), value: (row[column] ?? '').trim() }));
  const values = [...new Set(raw.map((r) => r.value).filter((v) => v !== ''))].sort();
  if (values.length < 2) throw new AppError('bad_request', `${fileName}: column '${column}' has fewer than 2 distinct values`);
  if (values.length === 2 || options.positive !== undefined) {
    const positive = options.positive ?? (values.includes('1') ? '1' : (values[1] as string));
    if (!values.includes(positive)) throw new AppError('bad_request', `${fileName}: positive value '${positive}' does not occur in '${column}'`);
    const negative = values.length === 2 ? (values.find((v) => v !== positive) as string) : 'other';
    return singleLabelTask(options.name, 'binary', [negative, positive], raw, (v) => (v === '' ? null : v === positive ? positive : negative), `${fileName}: ${column} = '${positive}' vs ${negative === 'other' ? 'every other value' : `'${negative}'`}`);
  }
  return singleLabelTask(options.name, 'multiclass', values, raw, (v) => (v === '' ? null : v), `${fileName}: ${column} as ${values.length} classes`);
}
