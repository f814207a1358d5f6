/**
 * Tasks from the library's labels table. The COVID collection's schemas use the
 * published conventions (finding: COVID-19 vs other; view: PA / AP / lateral); an
 * observation of a CheXpert-kind schema is binary (positive vs negative, uncertain
 * left out: the U-Ignore policy); any other schema becomes binary (two values) or
 * multi-class (more), classes sorted. A task of one label inside a schema with
 * several is named `<schema>/<label>`, so its recorded splits stay its own.
 */
import type { Db } from '../../db/connection';
import { AppError } from '../../../src-shared/result';
import { loadRawLabels } from '../store';
import { covidFinding, covidView } from './conventions';
import { singleLabelTask, type LabelTask } from './task';

/** The labels (observations) recorded under a schema, sorted; empty when the schema is unknown or unused. */
export function schemaLabelNames(db: Db, schemaName: string): string[] {
  const rows = db.prepare('SELECT DISTINCT l.label AS label FROM labels l JOIN label_schemas s ON s.id = l.schema_id WHERE s.name = ? ORDER BY l.label').all(schemaName) as { label: string }[];
  return rows.map((r) => r.label);
}

export function libraryTaskName(schemaName: string, label: string | undefined, labelCount: number): string {
  return label !== undefined && labelCount > 1 ? `${schemaName}/${label}` : schemaName;
}

export function libraryTask(db: Db, schemaName: string, label?: string): LabelTask {
  const raw = loadRawLabels(db, schemaName, label);
  const name = libraryTaskName(schemaName, label, schemaLabelNames(db, schemaName).length);
  if (schemaName === 'covid-finding') return singleLabelTask(name, 'binary', covidFinding.classNames, raw, covidFinding.map, covidFinding.convention);
  if (schemaName === 'covid-view') return singleLabelTask(name, 'multiclass', covidView.classNames, raw, covidView.map, covidView.convention);
  const kind = (db.prepare('SELECT kind FROM label_schemas WHERE name = ?').get(schemaName) as { kind: string }).kind;
  if (kind === 'chexpert') {
    const convention = `${name}: positive vs negative; uncertain left out (U-Ignore)`;
    return singleLabelTask(name, 'binary', ['negative', 'positive'], raw, (v) => (v === 'positive' || v === 'negative' ? v : null), convention);
  }
  const values = [...new Set(raw.map((r) => r.value.trim()).filter((v) => v !== ''))].sort();
  if (values.length < 2) throw new AppError('bad_request', `label schema '${schemaName}' has fewer than 2 distinct values; nothing to classify`);
  return singleLabelTask(name, values.length === 2 ? 'binary' : 'multiclass', values, raw, (v) => (v.trim() === '' ? null : v.trim()), `${name}: ${values.length} values as classes (${values.join(', ')})`);
}
