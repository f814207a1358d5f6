/**
 * Any folder of JPEG/PNG images with one CSV or JSONL table. Columns are found
 * by name (case and punctuation ignored) unless given:
 * - image: image | path | filename | file | image_path | img (relative to the table's folder);
 * - text: report | text | clinical_notes | notes | caption;
 * - patient: patientid | patient | subject_id; study: study_id | study | accession;
 * - view: view | view_position; sex; date;
 * - labels: label | labels | finding | class | diagnosis | target, or the given columns.
 * Rows that share a study id form one study; otherwise each row is a study.
 * Each label column becomes a multiclass schema "<table name>-<column>".
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../../src-shared/result';
import { normaliseDate } from '../reports/dates';
import { readTable } from './tables';
import type { LabelSchemaDef, LayoutContent, LayoutLabel, LayoutStudy } from './types';

export interface TableLayoutOptions {
  /** The table; default the only .csv / .jsonl file in the root. */
  table?: string;
  imageColumn?: string;
  textColumn?: string;
  patientColumn?: string;
  studyColumn?: string;
  /** Columns whose values are class labels; default any column named label, finding, class, diagnosis or target. */
  labelColumns?: string[];
}

const GUESSES = {
  image: ['image', 'path', 'filename', 'file', 'imagepath', 'img', 'imagefile'],
  text: ['report', 'text', 'clinicalnotes', 'notes', 'caption', 'reporttext'],
  patient: ['patientid', 'patient', 'subjectid'],
  study: ['studyid', 'study', 'accession', 'accessionnumber'],
  view: ['view', 'viewposition'],
  sex: ['sex', 'gender'],
  date: ['date', 'studydate'],
  labels: ['label', 'labels', 'finding', 'class', 'diagnosis', 'target'],
};

const normalise = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

export function findLayoutTable(root: string): string {
  const tables = readdirSync(root).filter((f) => /\.(csv|jsonl)$/i.test(f));
  if (tables.length !== 1) {
    throw new AppError('bad_request', `${root}: expected exactly one .csv or .jsonl table, found ${tables.length}; name it with the table option`);
  }
  return join(root, tables[0] ?? '');
}

export function readTableLayout(root: string, options: TableLayoutOptions = {}): LayoutContent {
  const table = options.table ?? findLayoutTable(root);
  const { rows, rejected } = readTable(table);
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r.cells)))];
  const find = (given: string | undefined, guesses: readonly string[]): string | null => {
    if (given !== undefined) {
      if (!columns.includes(given)) throw new AppError('bad_request', `${table} has no column "${given}"`);
      return given;
    }
    for (const g of guesses) {
      const c = columns.find((col) => normalise(col) === g);
      if (c) return c;
    }
    return null;
  };
  const imageColumn = find(options.imageColumn, GUESSES.image);
  if (!imageColumn) throw new AppError('bad_request', `${table} has no image column (image, path, filename, ...)`);
  const textColumn = find(options.textColumn, GUESSES.text);
  const patientColumn = find(options.patientColumn, GUESSES.patient);
  const studyColumn = find(options.studyColumn, GUESSES.study);
  const viewColumn = find(undefined, GUESSES.view);
  const sexColumn = find(undefined, GUESSES.sex);
  const dateColumn = find(undefined, GUESSES.date);
  const labelColumns = options.labelColumns ?? columns.filter((c) => GUESSES.labels.includes(normalise(c)));
  for (const c of labelColumns) if (!columns.includes(c)) throw new AppError('bad_request', `${table} has no column "${c}"`);
  const tableName = basename(table).replace(/\.(csv|jsonl)(\.gz)?$/i, '');
  const schemaName = (column: string): string => `${tableName}-${normalise(column)}`;
  const classes = new Map(labelColumns.map((c) => [c, new Set<string>()]));

  const studies = new Map<string, LayoutStudy>();
  const seenRowKeys = new Map<string, number>();
  for (const { cells, where } of rows) {
    const cell = (column: string | null): string => (column ? (cells[column] ?? '').trim() : '');
    const image = cell(imageColumn);
    if (!image) {
      rejected.push({ path: where, reason: 'no_image', detail: `the ${imageColumn} column is empty` });
      continue;
    }
    const patientId = cell(patientColumn);
    const patientKey = `table:${tableName}:${patientId || image}`;
    const rowKey = `${patientId}|${image}`;
    const repeat = seenRowKeys.get(rowKey) ?? 0;
    seenRowKeys.set(rowKey, repeat + 1);
    const studyKey = cell(studyColumn) ? `study:${cell(studyColumn)}` : `row:${rowKey}${repeat > 0 ? `#${repeat}` : ''}`;
    const labels: LayoutLabel[] = labelColumns.flatMap((c) => {
      const value = cell(c);
      if (!value) return [];
      classes.get(c)?.add(value);
      return [{ schema: schemaName(c), label: normalise(c), value }];
    });
    let study = studies.get(studyKey);
    if (!study) {
      const text = cell(textColumn) ? (cells[textColumn ?? ''] ?? '') : '';
      study = {
        key: studyKey,
        patient: { key: patientKey, id: patientId || null, sex: /^[MF]$/i.test(cell(sexColumn)) ? cell(sexColumn).toUpperCase() : null },
        studyDate: normaliseDate(cell(dateColumn)),
        images: [],
        ...(text ? { report: { text, source: 'table', sourcePath: table } } : {}),
        labels,
      };
      studies.set(studyKey, study);
    }
    const imagePath = join(dirname(table), image);
    study.images.push({ path: existsSync(imagePath) ? imagePath : join(root, image), key: image, modality: 'CR', viewPosition: cell(viewColumn) || null });
  }
  const schemas: LabelSchemaDef[] = labelColumns.map((c) => ({
    name: schemaName(c),
    kind: 'multiclass',
    definition: { label: normalise(c), classes: [...(classes.get(c) ?? [])].sort() },
  }));
  return { layout: 'table', schemas, studies: [...studies.values()], rejected };
}
