/**
 * A label task: which studies take part and what each must predict. Pure data;
 * builders turn raw label values (from the library's labels table or an imported
 * table) into integer targets under a stated convention.
 */
import { AppError } from '../../../src-shared/result';

export type TaskKind = 'binary' | 'multiclass' | 'multilabel';

export interface TaskExample {
  /** Identifies the study: the library's study id as text, or an imported table's key. */
  key: string;
  /** Splits keep each patient on one side. */
  patientKey: string;
  /**
   * binary: 0 / 1; multiclass: class index; multilabel: one entry per class,
   * 1 positive, 0 negative, -1 left out (an uncertain label under the ignore policy).
   */
  target: number | readonly number[];
}

export interface LabelTask {
  name: string;
  kind: TaskKind;
  /** binary: [negative, positive]; multiclass: class names by index; multilabel: observation names. */
  classNames: readonly string[];
  examples: readonly TaskExample[];
  /** How raw values became targets, for the results' protocol line. */
  convention: string;
  /** Raw values left out (unknown, unlabelled), with counts, so the exclusion is visible. */
  excluded: Record<string, number>;
}

/** One raw value per study, before a convention maps it. */
export interface RawLabel {
  key: string;
  patientKey: string;
  value: string;
}

/** Maps a raw value to a class name, or null to leave the study out. */
export type ValueMapping = (value: string) => string | null;

/**
 * Single-label task from raw values. classNames fixes the index order; for binary,
 * classNames = [negative, positive].
 */
export function singleLabelTask(name: string, kind: 'binary' | 'multiclass', classNames: readonly string[], raw: readonly RawLabel[], map: ValueMapping, convention: string): LabelTask {
  if (kind === 'binary' && classNames.length !== 2) throw new AppError('bad_request', `task ${name}: a binary task needs exactly 2 class names`);
  if (classNames.length < 2) throw new AppError('bad_request', `task ${name}: needs at least 2 classes`);
  const index = new Map(classNames.map((c, i) => [c, i]));
  const excluded: Record<string, number> = {};
  const examples: TaskExample[] = [];
  const seen = new Set<string>();
  for (const row of raw) {
    if (seen.has(row.key)) throw new AppError('bad_request', `task ${name}: study ${row.key} has more than one value`);
    seen.add(row.key);
    const mapped = map(row.value);
    const target = mapped === null ? undefined : index.get(mapped);
    if (target === undefined) {
      excluded[row.value] = (excluded[row.value] ?? 0) + 1;
      continue;
    }
    examples.push({ key: row.key, patientKey: row.patientKey, target });
  }
  return { name, kind, classNames, examples, convention, excluded };
}

/** Number of examples per class (single-label tasks) or positives per class (multi-label). */
export function classCounts(task: Pick<LabelTask, 'kind' | 'classNames'>, examples: readonly TaskExample[]): number[] {
  const counts = task.classNames.map(() => 0);
  for (const e of examples) {
    if (typeof e.target === 'number') counts[e.target] = (counts[e.target] as number) + 1;
    else e.target.forEach((v, c) => (counts[c] = (counts[c] as number) + (v === 1 ? 1 : 0)));
  }
  return counts;
}
