/**
 * Schema v4: what the study list needs to stay fast at 100,000 studies.
 *
 * - Indexes for each sortable column (so ORDER BY ... LIMIT walks an index
 *   instead of sorting the whole table), and for the per-study lookups the
 *   list does on every row and filter (labels, dataset splits, series).
 * - reports_fts: an external-content FTS5 index over reports.raw_text (the
 *   text is stored once, in reports), kept in step by triggers and filled
 *   from the existing rows. Porter stemming, so "effusions" finds "effusion".
 */
import type { Migration } from './types';

export const migration004: Migration = {
  version: 4,
  name: 'study list indexes and report full-text search',
  up: `
-- An index holds the rowid after its columns, so these also serve "column, id" orders.
CREATE INDEX studies_modalities ON studies(modalities);
CREATE INDEX studies_description ON studies(description);
CREATE INDEX studies_imported ON studies(imported_at);
CREATE INDEX patients_patient_id ON patients(patient_id);
CREATE INDEX labels_study ON labels(study_id, schema_id, source);
CREATE INDEX dataset_splits_study ON dataset_splits(study_id, split);
CREATE INDEX series_modality_study ON series(modality, study_id);

CREATE VIRTUAL TABLE reports_fts USING fts5(
  raw_text,
  content = 'reports',
  content_rowid = 'id',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER reports_fts_insert AFTER INSERT ON reports BEGIN
  INSERT INTO reports_fts (rowid, raw_text) VALUES (new.id, new.raw_text);
END;
CREATE TRIGGER reports_fts_delete AFTER DELETE ON reports BEGIN
  INSERT INTO reports_fts (reports_fts, rowid, raw_text) VALUES ('delete', old.id, old.raw_text);
END;
CREATE TRIGGER reports_fts_update AFTER UPDATE OF raw_text ON reports BEGIN
  INSERT INTO reports_fts (reports_fts, rowid, raw_text) VALUES ('delete', old.id, old.raw_text);
  INSERT INTO reports_fts (rowid, raw_text) VALUES (new.id, new.raw_text);
END;
INSERT INTO reports_fts (reports_fts) VALUES ('rebuild');
`,
};
