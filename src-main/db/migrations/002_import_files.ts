/**
 * Schema v2: what the importer has seen, file by file. A row is written in the
 * same transaction as the study its file belongs to (or alone, for a rejected
 * file), so after a kill the next import skips exactly the files that landed
 * and re-examines the rest. Rejected files stay listed with their reason.
 */
import type { Migration } from './types';

export const migration002: Migration = {
  version: 2,
  name: 'import files and rejections',
  up: `
CREATE TABLE import_files (
  path TEXT PRIMARY KEY,          -- absolute path as imported
  size_bytes INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,         -- file modification time, ms since the epoch
  content_hash TEXT,              -- hex SHA-256 of the bytes; null when unreadable
  status TEXT NOT NULL CHECK (status IN ('imported', 'rejected')),
  sop_instance_uid TEXT,          -- for imported files
  reason TEXT CHECK (reason IS NULL OR reason IN ('not_dicom', 'truncated', 'unsupported_transfer_syntax', 'no_pixel_data', 'unreadable')),
  detail TEXT,                    -- why it was rejected, for people; never patient data
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK ((status = 'rejected') = (reason IS NOT NULL))
);
CREATE INDEX import_files_status ON import_files(status);
`,
};
