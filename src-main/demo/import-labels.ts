/**
 * The demo archive's ground truth (labels.csv: 1/0 per finding, as drawn in
 * the image) into the library's CheXpert schema as imported labels, so the
 * Evaluate screen and `convirt eval --task CheXpert/<observation>` find them
 * and the viewer shows them beside a person's labels.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { CHEXPERT_SCHEMA_NAME, type CHEXPERT_OBSERVATIONS } from '../../src-shared/contract/labels';
import { AppError } from '../../src-shared/result';
import type { Db } from '../db/connection';
import { ensureBuiltInSchemas } from '../services/label-schemas';
import type { FindingKind } from './findings';

export const DEMO_LABEL_AUTHOR = 'demo ground truth';

/** Each labels.csv column and the CheXpert observation it is. */
export const DEMO_OBSERVATIONS: Record<FindingKind | 'no_finding', (typeof CHEXPERT_OBSERVATIONS)[number]> = {
  no_finding: 'No Finding',
  cardiomegaly: 'Cardiomegaly',
  pleural_effusion: 'Pleural Effusion',
  pneumothorax: 'Pneumothorax',
  consolidation: 'Consolidation',
  nodule: 'Lung Lesion',
  support_devices: 'Support Devices',
};

export interface DemoLabelSummary {
  studies: number;
  labels: number;
  /** Rows whose study_uid is not in the library (none for a whole import). */
  missingStudies: number;
}

/** Idempotent: a rerun rewrites the same imported labels. */
export function importDemoLabels(db: Db, archiveDir: string): DemoLabelSummary {
  const file = join(archiveDir, 'labels.csv');
  const rows = parse(readFileSync(file), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  ensureBuiltInSchemas(db);
  const schemaId = (db.prepare('SELECT id FROM label_schemas WHERE name = ?').get(CHEXPERT_SCHEMA_NAME) as { id: number }).id;
  const findStudy = db.prepare('SELECT id FROM studies WHERE study_uid = ?');
  const upsert = db.prepare(`INSERT INTO labels (study_id, schema_id, label, value, source, author) VALUES (?, ?, ?, ?, 'imported', ?)
    ON CONFLICT (study_id, schema_id, label, source) DO UPDATE SET value = excluded.value, author = excluded.author`);
  const summary: DemoLabelSummary = { studies: 0, labels: 0, missingStudies: 0 };
  db.transaction(() => {
    rows.forEach((row, i) => {
      const study = findStudy.get(row.study_uid ?? '') as { id: number } | undefined;
      if (!study) return void summary.missingStudies++;
      for (const [column, observation] of Object.entries(DEMO_OBSERVATIONS)) {
        const cell = row[column];
        if (cell !== '0' && cell !== '1') throw new AppError('bad_request', `${file} line ${i + 2}: ${column} is '${cell ?? ''}', expected 0 or 1`);
        upsert.run(study.id, schemaId, observation, cell === '1' ? 'positive' : 'negative', DEMO_LABEL_AUTHOR);
        summary.labels++;
      }
      summary.studies++;
    });
  })();
  return summary;
}
