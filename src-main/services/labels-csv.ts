/**
 * Label tables: one row per study, one column per label. CheXpert's
 * convention for the CheXpert schema (1.0 positive, 0.0 negative, -1.0
 * uncertain, empty blank); the value names for user schemas (a binary or
 * multi-label column also reads 1 / 0 as its first / second value). Pure.
 */
import { chexpertValueOf, type ChexpertValue, type LabelSchema } from '../../src-shared/contract/labels';

export { chexpertValueOf };

const TO_CSV: Record<ChexpertValue, string> = { positive: '1.0', negative: '0.0', uncertain: '-1.0' };

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The header is `study_uid` then the observations; rows list each study's values. */
export function chexpertCsv(observations: readonly string[], rows: { studyUid: string; values: ReadonlyMap<string, string> }[]): string {
  return labelCsv(observations, rows, (value) => (value in TO_CSV ? TO_CSV[value as ChexpertValue] : ''));
}

/** The schema's table: CheXpert's numbers for the CheXpert schema, the value names for others. */
export function schemaCsv(schema: Pick<LabelSchema, 'kind' | 'labels'>, rows: { studyUid: string; values: ReadonlyMap<string, string> }[]): string {
  return schema.kind === 'chexpert' ? chexpertCsv(schema.labels, rows) : labelCsv(schema.labels, rows, (value) => value);
}

function labelCsv(labels: readonly string[], rows: { studyUid: string; values: ReadonlyMap<string, string> }[], cell: (value: string) => string): string {
  const lines = [['study_uid', ...labels].map(csvCell).join(',')];
  for (const row of rows) {
    const cells = labels.map((o) => {
      const value = row.values.get(o);
      return value ? csvCell(cell(value)) : '';
    });
    lines.push([csvCell(row.studyUid), ...cells].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Column names accepted for the study key, in order of preference. */
export const STUDY_KEY_COLUMNS = ['study_uid', 'StudyInstanceUID', 'study_id'] as const;

const TRUE_CELLS = new Set(['1', '1.0', 'true', 'yes']);
const FALSE_CELLS = new Set(['0', '0.0', 'false', 'no']);

/**
 * A cell as a value of the schema: null when blank, undefined when it is not
 * one (the caller rejects the row). Value names match without case.
 */
export function schemaValueOf(schema: Pick<LabelSchema, 'kind' | 'values'>, cell: string | undefined): string | null | undefined {
  if (schema.kind === 'chexpert') return chexpertValueOf(cell);
  const text = (cell ?? '').trim();
  if (text === '') return null;
  const named = schema.values.find((v) => v.toLowerCase() === text.toLowerCase());
  if (named) return named;
  if (schema.kind !== 'multiclass' && TRUE_CELLS.has(text.toLowerCase())) return schema.values[0];
  if (schema.kind !== 'multiclass' && FALSE_CELLS.has(text.toLowerCase())) return schema.values[1];
  return undefined;
}
