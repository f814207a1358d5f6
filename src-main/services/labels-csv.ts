/**
 * Label tables in CheXpert's convention: one row per study, one column per
 * observation, 1.0 positive, 0.0 negative, -1.0 uncertain, empty blank. Pure.
 */
import { chexpertValueOf, type ChexpertValue } from '../../src-shared/contract/labels';

export { chexpertValueOf };

const TO_CSV: Record<ChexpertValue, string> = { positive: '1.0', negative: '0.0', uncertain: '-1.0' };

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The header is `study_uid` then the observations; rows list each study's values. */
export function chexpertCsv(observations: readonly string[], rows: { studyUid: string; values: ReadonlyMap<string, string> }[]): string {
  const lines = [['study_uid', ...observations].map(csvCell).join(',')];
  for (const row of rows) {
    const cells = observations.map((o) => {
      const value = row.values.get(o);
      return value && value in TO_CSV ? TO_CSV[value as ChexpertValue] : '';
    });
    lines.push([csvCell(row.studyUid), ...cells].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Column names accepted for the study key, in order of preference. */
export const STUDY_KEY_COLUMNS = ['study_uid', 'StudyInstanceUID', 'study_id'] as const;
