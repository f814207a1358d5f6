/**
 * Tasks from the library's labels table. The COVID collection's schemas use the
 * published conventions (finding: COVID-19 vs other; view: PA / AP / lateral); any
 * other schema becomes binary (two values) or multi-class (more), classes sorted.
 */
import type { Db } from '../../db/connection';
import { AppError } from '../../../src-shared/result';
import { loadRawLabels } from '../store';
import { covidFinding, covidView } from './conventions';
import { singleLabelTask, type LabelTask } from './task';

export function libraryTask(db: Db, schemaName: string, label?: string): LabelTask {
  const raw = loadRawLabels(db, schemaName, label);
  if (schemaName === 'covid-finding') return singleLabelTask(schemaName, 'binary', covidFinding.classNames, raw, covidFinding.map, covidFinding.convention);
  if (schemaName === 'covid-view') return singleLabelTask(schemaName, 'multiclass', covidView.classNames, raw, covidView.map, covidView.convention);
  const values = [...new Set(raw.map((r) => r.value.trim()).filter((v) => v !== ''))].sort();
  if (values.length < 2) throw new AppError('bad_request', `label schema '${schemaName}' has fewer than 2 distinct values; nothing to classify`);
  const kind = values.length === 2 ? 'binary' : 'multiclass';
  return singleLabelTask(schemaName, kind, values, raw, (v) => (v.trim() === '' ? null : v.trim()), `${schemaName}: ${values.length} values as classes (${values.join(', ')})`);
}
