/** Schema v1: the whole library model. Later changes are new numbered files. */
import type { Migration } from './types';

export const migration001: Migration = {
  version: 1,
  name: 'initial schema',
  up: `
CREATE TABLE patients (
  id INTEGER PRIMARY KEY,
  -- Stable key for grouping: the DICOM PatientID, or a synthesised key when absent.
  patient_key TEXT NOT NULL UNIQUE,
  patient_id TEXT,
  patient_name TEXT,
  sex TEXT,
  birth_date TEXT
);

CREATE TABLE studies (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients(id) ON DELETE CASCADE,
  study_uid TEXT NOT NULL UNIQUE,
  study_date TEXT,            -- YYYY-MM-DD
  study_time TEXT,
  accession_number TEXT,
  description TEXT,
  modalities TEXT,            -- backslash-separated, as DICOM ModalitiesInStudy
  body_part TEXT,
  source TEXT NOT NULL DEFAULT 'dicom',
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX studies_patient ON studies(patient_id);
CREATE INDEX studies_date ON studies(study_date);

CREATE TABLE series (
  id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  series_uid TEXT NOT NULL UNIQUE,
  modality TEXT,
  series_number INTEGER,
  description TEXT,
  body_part TEXT,
  view_position TEXT
);
CREATE INDEX series_study ON series(study_id);
CREATE INDEX series_modality ON series(modality);

CREATE TABLE instances (
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  sop_instance_uid TEXT NOT NULL UNIQUE,
  instance_number INTEGER,
  path TEXT NOT NULL,
  content_hash TEXT NOT NULL,   -- hex SHA-256 of the file's bytes
  size_bytes INTEGER NOT NULL,
  transfer_syntax_uid TEXT,
  rows INTEGER,
  columns INTEGER,
  frames INTEGER NOT NULL DEFAULT 1,
  bits_allocated INTEGER,
  bits_stored INTEGER,
  pixel_representation INTEGER,
  photometric_interpretation TEXT,
  rescale_slope REAL,
  rescale_intercept REAL,
  window_center REAL,
  window_width REAL,
  view_position TEXT
);
CREATE INDEX instances_series ON instances(series_id);
CREATE INDEX instances_path ON instances(path);

CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  raw_text TEXT NOT NULL,
  source TEXT NOT NULL,          -- 'txt', 'csv', 'sr', 'table', ...
  source_path TEXT,
  sections_json TEXT NOT NULL DEFAULT '[]',  -- [{name, text}]
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX reports_study ON reports(study_id);

CREATE TABLE report_sentences (
  id INTEGER PRIMARY KEY,
  report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
  section TEXT,
  ordinal INTEGER NOT NULL,
  text TEXT NOT NULL,
  start_offset INTEGER NOT NULL, -- character offsets into reports.raw_text
  end_offset INTEGER NOT NULL,
  UNIQUE (report_id, ordinal)
);

CREATE TABLE label_schemas (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('binary', 'multiclass', 'multilabel', 'chexpert')),
  definition_json TEXT NOT NULL,
  built_in INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  schema_id INTEGER NOT NULL REFERENCES label_schemas(id) ON DELETE CASCADE,
  label TEXT NOT NULL,           -- the observation or class name
  value TEXT NOT NULL,           -- e.g. 'positive', 'negative', 'uncertain', a class name
  source TEXT NOT NULL CHECK (source IN ('human', 'imported', 'suggested')),
  author TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (study_id, schema_id, label, source)
);
CREATE INDEX labels_schema ON labels(schema_id, label);

CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  schema_id INTEGER REFERENCES label_schemas(id) ON DELETE SET NULL,
  description TEXT,
  seed INTEGER,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE dataset_splits (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
  split TEXT NOT NULL CHECK (split IN ('train', 'val', 'test')),
  PRIMARY KEY (dataset_id, study_id)
);

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,            -- 'pretrain', 'eval', 'embed', 'import', ...
  config_json TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'paused', 'done', 'failed', 'cancelled')),
  backend_json TEXT,
  error TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  started_at TEXT,
  finished_at TEXT
);

CREATE TABLE checkpoints (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  step INTEGER NOT NULL,
  path TEXT NOT NULL,
  metrics_json TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE embeddings (
  id INTEGER PRIMARY KEY,
  model_id TEXT NOT NULL,        -- identifies encoder + checkpoint
  checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('image', 'sentence', 'report')),
  study_id INTEGER REFERENCES studies(id) ON DELETE CASCADE,
  instance_id INTEGER REFERENCES instances(id) ON DELETE CASCADE,
  sentence_id INTEGER REFERENCES report_sentences(id) ON DELETE CASCADE,
  dim INTEGER NOT NULL,
  vector BLOB NOT NULL,          -- float32 little-endian, length dim * 4
  CHECK (length(vector) = dim * 4)
);
CREATE INDEX embeddings_model ON embeddings(model_id, kind);

CREATE TABLE metrics (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  split TEXT,
  step INTEGER,
  value REAL NOT NULL,
  extra_json TEXT
);
CREATE INDEX metrics_run ON metrics(run_id, name);
`,
};
