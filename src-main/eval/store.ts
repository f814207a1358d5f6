/**
 * The evaluation's library I/O: label values from the labels table, imported table
 * keys resolved to library studies, and every split and training subset recorded in
 * datasets / dataset_splits so a reported number can be reproduced. A split is a
 * dataset named `<task>/split<seed>` with train / val / test rows; a subset is a
 * dataset named `<task>/split<seed>/train<percent>%/seed<k>` with its train rows and
 * a JSON description naming its parent, fraction and seed. Writes are transactions.
 */
import type { Db } from '../db/connection';
import { AppError } from '../../src-shared/result';
import type { Split } from './splits';
import type { LabelTask, RawLabel } from './tasks/task';

const SOURCE_PREFERENCE = "CASE l.source WHEN 'human' THEN 0 WHEN 'imported' THEN 1 ELSE 2 END";

/**
 * One value per study for a label schema (human beats imported beats suggested).
 * label: the observation name inside the schema; may be omitted when the schema has one.
 */
export function loadRawLabels(db: Db, schemaName: string, label?: string): RawLabel[] {
  const schema = db.prepare('SELECT id FROM label_schemas WHERE name = ?').get(schemaName) as { id: number } | undefined;
  if (!schema) {
    const names = (db.prepare('SELECT name FROM label_schemas ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    throw new AppError('not_found', `no label schema '${schemaName}' in this library (have: ${names.join(', ') || 'none'})`);
  }
  const labelNames = (db.prepare('SELECT DISTINCT label FROM labels WHERE schema_id = ? ORDER BY label').all(schema.id) as { label: string }[]).map((r) => r.label);
  const chosen = label ?? (labelNames.length === 1 ? labelNames[0] : undefined);
  if (chosen === undefined || !labelNames.includes(chosen)) {
    throw new AppError('bad_request', `label schema '${schemaName}' has labels ${labelNames.join(', ') || '(none)'}; name one`);
  }
  const rows = db
    .prepare(
      `SELECT l.study_id AS studyId, p.patient_key AS patientKey, l.value AS value
       FROM labels l JOIN studies s ON s.id = l.study_id JOIN patients p ON p.id = s.patient_id
       WHERE l.schema_id = ? AND l.label = ?
       ORDER BY l.study_id, ${SOURCE_PREFERENCE}`,
    )
    .all(schema.id, chosen) as { studyId: number; patientKey: string; value: string }[];
  const out: RawLabel[] = [];
  let last = -1;
  for (const row of rows) {
    if (row.studyId === last) continue;
    last = row.studyId;
    out.push({ key: String(row.studyId), patientKey: row.patientKey, value: row.value });
  }
  return out;
}

/**
 * Re-keys an imported table's task to library study ids (matching study UID, then
 * accession number); studies not in the library are left out and counted.
 */
export function attachToLibrary(db: Db, task: LabelTask): LabelTask {
  const byUid = db.prepare('SELECT s.id AS id, p.patient_key AS patientKey FROM studies s JOIN patients p ON p.id = s.patient_id WHERE s.study_uid = ?');
  const byAccession = db.prepare('SELECT s.id AS id, p.patient_key AS patientKey FROM studies s JOIN patients p ON p.id = s.patient_id WHERE s.accession_number = ?');
  let missing = 0;
  const examples = task.examples.flatMap((e) => {
    const hit = (byUid.get(e.key) ?? byAccession.get(e.key)) as { id: number; patientKey: string } | undefined;
    if (!hit) {
      missing++;
      return [];
    }
    return [{ ...e, key: String(hit.id), patientKey: hit.patientKey }];
  });
  return { ...task, examples, excluded: missing > 0 ? { ...task.excluded, 'not in library': missing } : task.excluded };
}

export function splitDatasetName(taskName: string, seed: number): string {
  return `${taskName}/split${seed}`;
}

export function subsetDatasetName(taskName: string, splitSeed: number, fraction: number, seed: number): string {
  return `${splitDatasetName(taskName, splitSeed)}/train${+(fraction * 100).toFixed(4)}%/seed${seed}`;
}

type Part = 'train' | 'val' | 'test';

/** Inserts a dataset and its rows, or checks that an existing one has exactly these rows. Returns its id. */
function recordDataset(db: Db, name: string, description: object, seed: number, rows: readonly (readonly [string, Part])[]): number {
  return db.transaction(() => {
    const existing = db.prepare('SELECT id FROM datasets WHERE name = ?').get(name) as { id: number } | undefined;
    if (existing) {
      const stored = db.prepare('SELECT study_id AS studyId, split FROM dataset_splits WHERE dataset_id = ? ORDER BY study_id').all(existing.id) as { studyId: number; split: Part }[];
      const wanted = rows.map(([k, p]) => `${Number(k)}:${p}`).sort();
      const have = stored.map((r) => `${r.studyId}:${r.split}`).sort();
      if (wanted.length !== have.length || wanted.some((w, i) => w !== have[i])) {
        throw new AppError('bad_request', `dataset '${name}' is already recorded with different studies; the library's labels changed since. Use another split seed or remove the old dataset.`);
      }
      return existing.id;
    }
    const id = Number(db.prepare('INSERT INTO datasets (name, description, seed) VALUES (?, ?, ?)').run(name, JSON.stringify(description), seed).lastInsertRowid);
    const insert = db.prepare('INSERT INTO dataset_splits (dataset_id, study_id, split) VALUES (?, ?, ?)');
    for (const [key, part] of rows) {
      const studyId = Number(key);
      if (!Number.isInteger(studyId)) throw new AppError('bad_request', `dataset '${name}': '${key}' is not a library study id; attach the task to the library first`);
      insert.run(id, studyId, part);
    }
    return id;
  })();
}

export function recordSplit(db: Db, task: Pick<LabelTask, 'name' | 'convention'>, split: Split): number {
  const rows = (['train', 'val', 'test'] as const).flatMap((part) => split[part].map((key) => [key, part] as const));
  return recordDataset(db, splitDatasetName(task.name, split.seed), { kind: 'split', task: task.name, convention: task.convention, fractions: split.fractions }, split.seed, rows);
}

export function recordSubset(db: Db, taskName: string, splitSeed: number, fraction: number, seed: number, keys: readonly string[]): number {
  const name = subsetDatasetName(taskName, splitSeed, fraction, seed);
  const description = { kind: 'train-subset', task: taskName, parent: splitDatasetName(taskName, splitSeed), fraction, method: 'stratified, at least one per class' };
  return recordDataset(db, name, description, seed, keys.map((k) => [k, 'train'] as const));
}

/** Study ids (as text) per part of a recorded dataset. */
export function loadDataset(db: Db, name: string): Record<Part, string[]> {
  const dataset = db.prepare('SELECT id FROM datasets WHERE name = ?').get(name) as { id: number } | undefined;
  if (!dataset) throw new AppError('not_found', `no dataset '${name}' in this library`);
  const out: Record<Part, string[]> = { train: [], val: [], test: [] };
  const rows = db.prepare('SELECT study_id AS studyId, split FROM dataset_splits WHERE dataset_id = ? ORDER BY study_id').all(dataset.id) as { studyId: number; split: Part }[];
  for (const r of rows) out[r.split].push(String(r.studyId));
  return out;
}
