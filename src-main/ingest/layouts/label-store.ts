/**
 * Imported labels: label_schemas rows for a table's conventions, and labels
 * with source 'imported'. Idempotent: the same label again changes nothing; a
 * changed value updates it; an imported label the table no longer has is removed.
 */
import type { Db } from '../../db/connection';
import { AppError } from '../../../src-shared/result';
import type { LabelSchemaDef, LayoutLabel } from './types';

export class LabelStore {
  private readonly insertSchema;
  private readonly findSchema;
  private readonly updateDefinition;
  private readonly findLabels;
  private readonly insertLabel;
  private readonly updateLabel;
  private readonly deleteLabel;

  constructor(db: Db) {
    this.insertSchema = db.prepare('INSERT INTO label_schemas (name, kind, definition_json) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING');
    this.findSchema = db.prepare('SELECT id, kind, definition_json FROM label_schemas WHERE name = ?');
    this.updateDefinition = db.prepare('UPDATE label_schemas SET definition_json = ? WHERE id = ?');
    this.findLabels = db.prepare("SELECT id, schema_id, label, value FROM labels WHERE study_id = ? AND source = 'imported'");
    this.insertLabel = db.prepare("INSERT INTO labels (study_id, schema_id, label, value, source) VALUES (?, ?, ?, ?, 'imported')");
    this.updateLabel = db.prepare('UPDATE labels SET value = ? WHERE id = ?');
    this.deleteLabel = db.prepare('DELETE FROM labels WHERE id = ?');
  }

  /**
   * Creates the schema or checks that an existing one has the same kind; a
   * multiclass schema gains the classes it did not have. Returns its row id.
   */
  ensureSchema(def: LabelSchemaDef): number {
    this.insertSchema.run(def.name, def.kind, JSON.stringify(def.definition));
    const row = this.findSchema.get(def.name) as { id: number; kind: string; definition_json: string };
    if (row.kind !== def.kind) {
      throw new AppError('bad_request', `label schema "${def.name}" already exists as ${row.kind}; this table's labels are ${def.kind}`);
    }
    if (def.definition.classes) {
      const stored = JSON.parse(row.definition_json) as LabelSchemaDef['definition'];
      const classes = [...new Set([...(stored.classes ?? []), ...def.definition.classes])].sort();
      if (classes.length !== (stored.classes ?? []).length) this.updateDefinition.run(JSON.stringify({ ...stored, classes }), row.id);
    }
    return row.id;
  }

  /**
   * Makes the study's imported labels in `schemaIds` equal `labels` (the last of duplicates wins).
   * Counts what changed: added, updated (new value), removed.
   */
  syncStudyLabels(studyRowId: number, schemaIds: ReadonlyMap<string, number>, labels: readonly LayoutLabel[]): { added: number; updated: number; removed: number } {
    const counts = { added: 0, updated: 0, removed: 0 };
    const owned = new Set(schemaIds.values());
    const existing = new Map<string, { id: number; value: string }>();
    for (const row of this.findLabels.all(studyRowId) as { id: number; schema_id: number; label: string; value: string }[]) {
      if (owned.has(row.schema_id)) existing.set(`${row.schema_id}\u0000${row.label}`, row);
    }
    const wanted = new Map(labels.map((l) => [`${l.schema}\u0000${l.label}`, l]));
    for (const l of wanted.values()) {
      const schemaId = schemaIds.get(l.schema);
      if (schemaId === undefined) throw new AppError('internal', `label schema "${l.schema}" was not declared by its layout`);
      const key = `${schemaId}\u0000${l.label}`;
      const old = existing.get(key);
      existing.delete(key);
      if (!old) {
        this.insertLabel.run(studyRowId, schemaId, l.label, l.value);
        counts.added++;
      } else if (old.value !== l.value) {
        this.updateLabel.run(l.value, old.id);
        counts.updated++;
      }
    }
    for (const stale of existing.values()) {
      this.deleteLabel.run(stale.id);
      counts.removed++;
    }
    return counts;
  }
}
