/**
 * Every label task the library can evaluate: one per label schema, or one per
 * label of a schema with several (CheXpert's observations), each built the way
 * an evaluation would build it, with its class counts and, when it cannot be
 * evaluated, the reason.
 */
import type { EvalTask } from '../../../src-shared/contract/evaluation';
import { AppError } from '../../../src-shared/result';
import type { Db } from '../../db/connection';
import { libraryTask, libraryTaskName, schemaLabelNames } from './library-task';
import { classCounts } from './task';

/** A split needs a study of each class in train, validation and test. */
const MIN_PER_CLASS = 3;

function describe(db: Db, schema: string, label: string | undefined, labelCount: number): EvalTask {
  const base = { schema, label: labelCount > 1 && label !== undefined ? label : null, name: libraryTaskName(schema, label, labelCount) };
  try {
    const task = libraryTask(db, schema, label);
    const counts = classCounts(task, task.examples);
    const scarce = task.classNames.filter((_, c) => (counts[c] ?? 0) < MIN_PER_CLASS);
    return {
      ...base,
      kind: task.kind,
      classNames: [...task.classNames],
      classCounts: counts,
      studies: task.examples.length,
      patients: new Set(task.examples.map((e) => e.patientKey)).size,
      excluded: task.excluded,
      convention: task.convention,
      problem: scarce.length > 0 ? `fewer than ${MIN_PER_CLASS} labelled studies of ${scarce.join(', ')}` : null,
    };
  } catch (cause) {
    if (!(cause instanceof AppError)) throw cause;
    return { ...base, kind: null, classNames: [], classCounts: [], studies: 0, patients: 0, excluded: {}, convention: '', problem: cause.message };
  }
}

export function availableTasks(db: Db): EvalTask[] {
  const schemas = (db.prepare('SELECT name FROM label_schemas ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  return schemas.flatMap((schema) => {
    const labels = schemaLabelNames(db, schema);
    if (labels.length === 0) return [];
    return labels.length === 1 ? [describe(db, schema, undefined, 1)] : labels.map((label) => describe(db, schema, label, labels.length));
  });
}
