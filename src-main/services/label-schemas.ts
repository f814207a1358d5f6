/**
 * Label schemas in label_schemas: the built-in CheXpert one, those made in
 * the UI (binary, multi-class, multi-label, with a key per value) and those
 * an import declared ({ label, classes } for a multi-class table).
 */
import { CHEXPERT_OBSERVATIONS, CHEXPERT_SCHEMA_NAME, CHEXPERT_VALUE_KEYS, ChexpertValue, type CreateSchemaInput, type LabelSchema } from '../../src-shared/contract/labels';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';

interface Definition {
  labels?: string[];
  values?: string[];
  keys?: Record<string, string>;
  /** An imported multi-class table's column and classes. */
  label?: string;
  classes?: string[];
}

export function ensureBuiltInSchemas(db: Db): void {
  db.prepare(
    `INSERT INTO label_schemas (name, kind, definition_json, built_in) VALUES (?, 'chexpert', ?, 1) ON CONFLICT(name) DO NOTHING`,
  ).run(CHEXPERT_SCHEMA_NAME, JSON.stringify({ labels: CHEXPERT_OBSERVATIONS, values: ChexpertValue.options, keys: CHEXPERT_VALUE_KEYS }));
}

export function listSchemas(db: Db): LabelSchema[] {
  const rows = db.prepare('SELECT id, name, kind, definition_json, built_in FROM label_schemas ORDER BY built_in DESC, id').all() as {
    id: number;
    name: string;
    kind: LabelSchema['kind'];
    definition_json: string;
    built_in: number;
  }[];
  return rows.map((r) => {
    const d = JSON.parse(r.definition_json) as Definition;
    const labels = d.labels ?? (d.label ? [d.label] : []);
    const values = d.values ?? d.classes ?? [];
    // The built-in schema may have been stored before keys were part of the definition.
    const keys = d.keys ?? (r.kind === 'chexpert' ? CHEXPERT_VALUE_KEYS : {});
    return { id: r.id, name: r.name, kind: r.kind, labels, values, keys, builtIn: r.built_in === 1 };
  });
}

export function schemaById(db: Db, schemaId: number): LabelSchema {
  const schema = listSchemas(db).find((s) => s.id === schemaId);
  if (!schema) throw new AppError('not_found', `No label schema with id ${schemaId}.`);
  return schema;
}

function duplicate(items: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const item of items) {
    const key = item.toLowerCase();
    if (seen.has(key)) return item;
    seen.add(key);
  }
  return undefined;
}

/** Checks a new schema's shape; throws AppError('bad_request') naming the problem. */
export function validateNewSchema(input: Required<Pick<CreateSchemaInput, 'name' | 'kind' | 'labels' | 'values'>> & { keys: Record<string, string> }): void {
  const { name, kind, labels, values, keys } = input;
  const where = `Schema "${name}"`;
  if (kind === 'binary' && (labels.length !== 1 || values.length !== 2)) throw new AppError('bad_request', `${where}: a binary schema has one label and two values (e.g. present, absent).`);
  if (kind === 'multiclass' && (labels.length !== 1 || values.length < 2)) throw new AppError('bad_request', `${where}: a multi-class schema has one label and at least two classes.`);
  const dupLabel = duplicate(labels);
  if (dupLabel) throw new AppError('bad_request', `${where}: the label "${dupLabel}" is there twice.`);
  const dupValue = duplicate(values);
  if (dupValue) throw new AppError('bad_request', `${where}: the value "${dupValue}" is there twice.`);
  for (const [value, key] of Object.entries(keys)) {
    if (!values.includes(value)) throw new AppError('bad_request', `${where}: a key is given for "${value}", which is not one of its values.`);
    if (!/^[\x21-\x7e]$/.test(key)) throw new AppError('bad_request', `${where}: the key for "${value}" must be one visible character, not "${key}".`);
  }
  const dupKey = duplicate(Object.values(keys));
  if (dupKey) throw new AppError('bad_request', `${where}: the key "${dupKey}" is given to two values.`);
}

export function createSchema(db: Db, input: Required<Pick<CreateSchemaInput, 'name' | 'kind' | 'labels' | 'values'>> & { keys?: Record<string, string> }): LabelSchema {
  // Keys are matched without case (Shift is not needed), so "A" and "a" are the same key.
  const keys = Object.fromEntries(Object.entries(input.keys ?? {}).map(([v, k]) => [v, k.toLowerCase()]));
  validateNewSchema({ ...input, keys });
  const exists = db.prepare('SELECT 1 FROM label_schemas WHERE name = ? COLLATE NOCASE').get(input.name);
  if (exists) throw new AppError('bad_request', `A label schema named "${input.name}" already exists.`);
  const { id } = db
    .prepare('INSERT INTO label_schemas (name, kind, definition_json, built_in) VALUES (?, ?, ?, 0) RETURNING id')
    .get(input.name, input.kind, JSON.stringify({ labels: input.labels, values: input.values, keys })) as { id: number };
  return schemaById(db, id);
}
